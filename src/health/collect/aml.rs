//! The reads of Azure ML readiness, beside each workspace pair's own: both workspaces'
//! datastores and the storage accounts they point at (those the configuration does not name
//! already), and the secondary region's Azure ML quota (usages and VM sizes) when a compute
//! cluster or an online endpoint has a standby there.

use std::collections::{BTreeSet, HashMap};

use tokio::sync::Semaphore;

use super::ReadError;
use crate::azure::ArmClient;
use crate::azure::models::*;
use crate::config::{ComponentKind, Config, Targets};

/// What readiness read about one workspace pair (by component name in [`super::Observations`]).
#[derive(Debug, Clone, Default)]
pub struct AmlReadiness {
    /// The primary workspace's datastores (None: not read).
    pub primary_datastores: Option<Result<Vec<Datastore>, ReadError>>,
    /// The secondary workspace's datastores.
    pub secondary_datastores: Option<Result<Vec<Datastore>, ReadError>>,
    /// The storage accounts the primary's datastores point at that no configured component
    /// reads, by lowercase account name (read where the datastore says the account lives).
    pub accounts: HashMap<String, Result<StorageAccount, ReadError>>,
    /// The primary's online deployments (of every endpoint of the workspace), for their assets.
    pub deployments: Option<Result<Vec<DeploymentAssets>, ReadError>>,
    /// The subscription's Azure ML registries, when a deployment takes an asset from one.
    pub registries: Option<Result<Vec<MlRegistry>, ReadError>>,
    /// Whether the secondary workspace has each workspace asset the deployments use, by kind
    /// and lowercase name and version.
    pub secondary_assets: HashMap<(AssetKind, String, String), Result<bool, ReadError>>,
    /// The secondary workspace's default storage account (its `storageAccount`), for its region.
    pub secondary_storage: Option<Result<StorageAccount, ReadError>>,
}

/// The secondary workspace's default storage account: the workspace (again: readiness runs
/// beside the workspace's own read), then the account it names.
async fn default_storage(
    c: &ArmClient,
    sem: &Semaphore,
    secondary: &str,
) -> Option<Result<StorageAccount, ReadError>> {
    let ws = match guarded(sem, c.workspace(secondary)).await {
        Ok(ws) => ws,
        Err(e) => return Some(Err(e)),
    };
    let id = ws.properties.storage_account?;
    Some(guarded(sem, c.storage_account_plain(&id)).await)
}

/// Microsoft's registry of curated assets, in every region.
pub const SYSTEM_REGISTRY: &str = "azureml";

/// The primary's deployments, the registries they use, and the secondary's copies of their
/// workspace assets.
async fn assets(
    c: &ArmClient,
    sem: &Semaphore,
    sub: &str,
    primary: &str,
    secondary: &str,
) -> AmlReadiness {
    let mut r = AmlReadiness::default();
    let endpoints = match guarded(sem, c.workspace_endpoints(primary)).await {
        Ok(e) => e,
        Err(e) => {
            r.deployments = Some(Err(e));
            return r;
        }
    };
    let lists = futures_util::future::join_all(
        endpoints
            .iter()
            .map(|e| guarded(sem, c.deployment_assets(&e.id))),
    )
    .await;
    let deployments: Result<Vec<DeploymentAssets>, ReadError> =
        lists.into_iter().try_fold(Vec::new(), |mut all, l| {
            all.extend(l?);
            Ok(all)
        });
    let refs: BTreeSet<(AssetKind, AssetRef)> = deployments
        .iter()
        .flatten()
        .flat_map(|d| d.asset_refs())
        .map(|(k, s)| (k, AssetRef::parse(k, &s)))
        .collect();
    r.deployments = Some(deployments);
    let wants_registries = refs.iter().any(|(_, x)| {
        matches!(x, AssetRef::Registry { registry, .. } if !registry.eq_ignore_ascii_case(SYSTEM_REGISTRY))
    });
    let registries = async {
        if wants_registries {
            Some(guarded(sem, c.ml_registries(sub)).await)
        } else {
            None
        }
    };
    let lookups = futures_util::future::join_all(refs.iter().filter_map(|(k, x)| match x {
        AssetRef::Workspace { name, version } => Some(async move {
            (
                (*k, name.to_ascii_lowercase(), version.to_ascii_lowercase()),
                guarded(sem, c.asset_version_exists(secondary, *k, name, version)).await,
            )
        }),
        _ => None,
    }));
    let (registries, lookups) = tokio::join!(registries, lookups);
    r.registries = registries;
    r.secondary_assets = lookups.into_iter().collect();
    r
}

/// The Azure ML quota of the secondary region.
#[derive(Debug, Clone)]
pub struct AmlQuota {
    pub usages: Result<Vec<Usage>, ReadError>,
    pub vm_sizes: Result<Vec<VmSize>, ReadError>,
}

/// Reads readiness for every workspace pair of `cfg`, and the quota when it is needed.
pub(super) async fn readiness(
    c: &ArmClient,
    sem: &Semaphore,
    cfg: &Config,
) -> (HashMap<String, AmlReadiness>, Option<AmlQuota>) {
    let pairs = cfg
        .components
        .iter()
        .filter_map(|comp| match &comp.targets {
            Targets::Paired { primary, secondary } if comp.kind == ComponentKind::MlWorkspace => {
                Some((
                    comp.name.clone(),
                    primary.to_string(),
                    secondary.to_string(),
                ))
            }
            _ => None,
        });
    let configured: BTreeSet<String> = cfg
        .components
        .iter()
        .filter(|x| x.kind == ComponentKind::Storage)
        .flat_map(|x| x.resource_ids())
        .map(|id| id.name().to_ascii_lowercase())
        .collect();
    let sub = cfg.deployment.subscription_id.as_str();
    let workspaces = futures_util::future::join_all(pairs.map(|(name, p, s)| {
        let configured = &configured;
        async move {
            let (pd, sd, mut r, st) = tokio::join!(
                guarded(sem, c.datastores(&p)),
                guarded(sem, c.datastores(&s)),
                assets(c, sem, sub, &p, &s),
                default_storage(c, sem, &s)
            );
            r.secondary_storage = st;
            r.primary_datastores = Some(pd);
            r.secondary_datastores = Some(sd);
            let wanted: Vec<(String, String)> = r
                .primary_datastores
                .iter()
                .flatten()
                .flatten()
                .filter_map(|d| {
                    let p = &d.properties;
                    let account = p.account_name.as_deref()?.to_ascii_lowercase();
                    if configured.contains(&account) {
                        return None;
                    }
                    let id = format!(
                        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Storage/storageAccounts/{}",
                        p.subscription_id.as_deref()?,
                        p.resource_group.as_deref()?,
                        p.account_name.as_deref()?
                    );
                    Some((account, id))
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into_iter()
                .collect();
            for (account, id) in wanted {
                let read = guarded(sem, c.storage_account(&id)).await;
                r.accounts.insert(account, read);
            }
            (name, r)
        }
    }));
    let wants_quota = cfg.components.iter().any(|x| {
        matches!(
            x.kind,
            ComponentKind::MlCompute | ComponentKind::MlOnlineEndpoint
        )
    });
    let region = cfg.deployment.secondary_region.as_str();
    let quota = async {
        if !wants_quota {
            return None;
        }
        let (usages, vm_sizes) = tokio::join!(
            guarded(sem, c.aml_usages(sub, region)),
            guarded(sem, c.aml_vm_sizes(sub, region))
        );
        Some(AmlQuota { usages, vm_sizes })
    };
    let (workspaces, quota) = tokio::join!(workspaces, quota);
    (workspaces.into_iter().collect(), quota)
}

/// One read under the collection's concurrency bound.
async fn guarded<T>(
    sem: &Semaphore,
    f: impl std::future::Future<Output = Result<T, crate::azure::AzureError>>,
) -> Result<T, ReadError> {
    let _permit = sem.acquire().await.map_err(|e| ReadError {
        message: e.to_string(),
        not_responding: false,
        auth: false,
        transient: true,
    })?;
    f.await.map_err(ReadError::from)
}
