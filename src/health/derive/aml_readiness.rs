//! Azure ML readiness: what the standby workspace holds beyond its own resource. Each check
//! passes, fails naming the item, or — when what it needs could not be read — is undecided
//! (`passed: null`) with the reason; never a pass on a guess.
//!
//! - `datastores` (workspaces): every datastore of the primary beyond the workspace's own exists
//!   by name in the secondary, on the same account and container (filesystem, share); the
//!   account is geo-redundant and neither workspace's default storage.
//! - `quota` (compute clusters, online endpoints): the secondary region's Azure ML vCPU quota
//!   covers the standby at target size — a cluster at the primary's max nodes, a deployment at
//!   `ceil(1.2 × the primary's instances)` (Azure ML reserves 20% for upgrades) — per VM family
//!   and in the regional total, with every standby of the deployment counted together.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Derived, Pair, short};
use crate::azure::models::*;
use crate::config::{ComponentKind, Targets};
use crate::health::check::CheckId;
use crate::health::collect::{AmlQuota, ReadError, Reading, SYSTEM_REGISTRY};
use crate::text::sanitize;

/// `datastores` of a workspace pair.
pub(super) fn datastores(ctx: &Ctx<'_>, pair: &Pair<'_>, sw: &Workspace, d: &mut Derived) {
    let (passed, reason) = datastores_check(ctx, pair, sw, d);
    d.check(CheckId::Datastores, passed, reason);
}

fn datastores_check(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) -> (Option<bool>, String) {
    let Some(r) = ctx.obs.aml.get(&pair.c.name) else {
        return (None, "datastores not read yet".into());
    };
    fn list<'a>(
        side: &'a Option<Result<Vec<Datastore>, ReadError>>,
        which: &str,
    ) -> Result<&'a Vec<Datastore>, String> {
        match side {
            None => Err(format!("the {which} workspace's datastores were not read")),
            Some(Err(e)) => Err(format!(
                "the {which} workspace's datastores could not be read: {}",
                short(&e.message)
            )),
            Some(Ok(l)) => Ok(l),
        }
    }
    let (p_list, s_list) = match (
        list(&r.primary_datastores, "primary"),
        list(&r.secondary_datastores, "secondary"),
    ) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) | (_, Err(e)) => return (None, e),
    };
    // Each workspace's default storage: its `storageAccount` and its default datastore's account.
    let mut defaults: BTreeSet<String> = p_list
        .iter()
        .chain(s_list.iter())
        .filter(|x| x.properties.is_default)
        .filter_map(|x| x.properties.account())
        .map(str::to_ascii_lowercase)
        .collect();
    let pw = match pair.primary {
        Some(Reading::Workspace(pw, _)) => Some(pw),
        _ => None,
    };
    for ws in pw.into_iter().chain([sw]) {
        if let Some(id) = &ws.properties.storage_account {
            defaults.insert(last_segment(id).to_ascii_lowercase());
        }
    }
    let own: Vec<&Datastore> = p_list.iter().filter(|x| !x.is_workspace_own()).collect();
    if own.is_empty() {
        return (
            Some(true),
            "no datastore beyond the workspace's own in the primary".into(),
        );
    }
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let ws_id = crate::config::ResourceId::parse(&sw.id).ok();
    for pd in &own {
        let name = sanitize(&pd.name);
        let (w0, u0) = (wrong.len(), unknown.len());
        let found = s_list
            .iter()
            .find(|x| x.name.eq_ignore_ascii_case(&pd.name));
        datastore(ctx, r, pd, found, &defaults, &mut wrong, &mut unknown);
        let bad = wrong.len() > w0;
        let note = if bad {
            wrong[w0]
                .strip_prefix(name.as_ref())
                .unwrap_or(&wrong[w0])
                .trim()
                .to_string()
        } else if unknown.len() > u0 {
            unknown[u0].clone()
        } else {
            String::new()
        };
        d.standby(
            CheckId::Datastores,
            format!("datastore {name}"),
            (
                Some(true),
                if bad {
                    Some(false)
                } else if unknown.len() > u0 {
                    None
                } else {
                    Some(true)
                },
            ),
            note,
            (bad && found.is_none_or(|sd| {
                !same(sd.properties.target(), pd.properties.target())
                    || !same(sd.properties.account(), pd.properties.account())
            }))
            .then(|| {
                ws_id
                    .as_ref()
                    .map(|id| crate::azure::az::aml::datastore_create(id, &pd.name))
            })
            .flatten(),
        );
    }
    if !wrong.is_empty() {
        (Some(false), wrong.join("; "))
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        let names: Vec<String> = own.iter().map(|x| sanitize(&x.name).into_owned()).collect();
        (
            Some(true),
            format!(
                "{} in both workspaces, on geo-redundant storage",
                names.join(", ")
            ),
        )
    }
}

/// One datastore of the primary against its namesake in the secondary (`sd`): what is wrong
/// or unknown about it goes to `wrong` / `unknown`, each entry starting with its name.
fn datastore(
    ctx: &Ctx<'_>,
    r: &crate::health::collect::AmlReadiness,
    pd: &Datastore,
    sd: Option<&Datastore>,
    defaults: &BTreeSet<String>,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let name = sanitize(&pd.name);
    {
        let Some(sd) = sd else {
            wrong.push(format!("{name} missing in {}", ctx.secondary));
            return;
        };
        let (pp, sp) = (&pd.properties, &sd.properties);
        let where_ = |p: &DatastoreProperties| {
            sanitize(&format!(
                "{}/{}",
                p.account().unwrap_or("-"),
                p.target().unwrap_or("-")
            ))
            .into_owned()
        };
        if !same(pp.account(), sp.account()) || !same(pp.target(), sp.target()) {
            wrong.push(format!(
                "{name} points at {} in {}, {} in {}",
                where_(sp),
                ctx.secondary,
                where_(pp),
                ctx.primary
            ));
            return;
        }
        let Some(account) = pp.account() else {
            unknown.push(format!("{name}: no account to check"));
            return;
        };
        let account_l = account.to_ascii_lowercase();
        let account = sanitize(account);
        if defaults.contains(&account_l) {
            wrong.push(format!(
                "{name} is on {account}, a workspace's default storage (never failed over: keep data in its own geo-redundant account)"
            ));
            return;
        }
        if pp
            .datastore_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("AzureDataLakeGen1"))
        {
            return;
        }
        match storage_of(ctx, r, &account_l) {
            Some(Ok(sa)) if sa.is_geo_redundant() => {}
            Some(Ok(sa)) => wrong.push(format!(
                "{name} is on {account}, {} (not geo-redundant)",
                sanitize(&sa.sku.name)
            )),
            Some(Err(e)) => unknown.push(format!(
                "{name}: {account} could not be read: {}",
                short(&e)
            )),
            None => unknown.push(format!(
                "{name}: the redundancy of {account} is unknown (neither a configured storage component nor located by the datastore)"
            )),
        }
    }
}

/// A storage account by name: the configured component's reading, or readiness's own read.
fn storage_of<'a>(
    ctx: &'a Ctx<'_>,
    r: &'a crate::health::collect::AmlReadiness,
    account: &str,
) -> Option<Result<&'a StorageAccount, String>> {
    for c in &ctx.cfg.components {
        if c.kind != ComponentKind::Storage {
            continue;
        }
        for id in c.resource_ids() {
            if id.name().eq_ignore_ascii_case(account) {
                return match ctx.obs.reads.get(&id.key()) {
                    Some(Ok(Reading::Storage(sa))) => Some(Ok(sa)),
                    Some(Err(e)) => Some(Err(e.message.clone())),
                    _ => Some(Err("not read".into())),
                };
            }
        }
    }
    r.accounts
        .get(account)
        .map(|x| x.as_ref().map_err(|e| e.message.clone()))
}

fn same(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(str::to_ascii_lowercase) == b.map(str::to_ascii_lowercase)
}

fn last_segment(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

/// The last segment of an ARM id, sanitized for output ("stcontosodata").
fn name_in(id: &str) -> String {
    sanitize(last_segment(id)).into_owned()
}

/// "{what} could not be read: {first line of the error}".
fn read_failed(what: &str, e: &ReadError) -> String {
    format!("{what} could not be read: {}", short(&e.message))
}

// ---- linked resources ----

/// `linked resources` of a workspace pair: the secondary's default storage is its own and in the
/// secondary region; its Key Vault and container registry are the configured ones (the registry
/// with a ready replica in the secondary); its Application Insights is in the secondary region.
pub(super) fn linked_resources(ctx: &Ctx<'_>, pair: &Pair<'_>, sw: &Workspace, d: &mut Derived) {
    let (passed, reason) = linked_check(ctx, pair, sw);
    // Each finding is a row of the secondary's links (they are the secondary's own: no
    // primary column).
    let sep = if passed == Some(true) { ", " } else { "; " };
    for part in reason.split(sep).filter(|x| !x.is_empty()) {
        d.standby(CheckId::LinkedResources, part, (None, passed), "", None);
    }
    d.check(CheckId::LinkedResources, passed, reason);
}

fn linked_check(ctx: &Ctx<'_>, pair: &Pair<'_>, sw: &Workspace) -> (Option<bool>, String) {
    let region = &ctx.secondary;
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let mut fine = Vec::new();
    let p = &sw.properties;
    let pw = match pair.primary {
        Some(Reading::Workspace(pw, _)) => Some(pw),
        _ => None,
    };
    let name_of = name_in;
    // Default storage: its own, in the secondary region.
    match &p.storage_account {
        None => wrong.push("names no default storage".to_string()),
        Some(st) => {
            let shared = pw
                .and_then(|pw| pw.properties.storage_account.as_deref())
                .is_some_and(|x| x.eq_ignore_ascii_case(st));
            let r = ctx.obs.aml.get(&pair.c.name);
            if shared {
                wrong.push(format!(
                    "default storage {} is the primary's (each workspace needs its own)",
                    name_of(st)
                ));
            } else {
                match r.and_then(|r| r.secondary_storage.as_ref()) {
                    Some(Ok(sa)) if sa.location.as_ref() == Some(region) => {
                        fine.push(format!("storage {} in {region}", name_of(st)))
                    }
                    Some(Ok(sa)) => wrong.push(format!(
                        "default storage {} is in {}, not {region}",
                        name_of(st),
                        sa.location.as_ref().map_or("-".into(), |l| l.to_string())
                    )),
                    Some(Err(e)) => unknown.push(format!(
                        "default storage {} could not be read: {}",
                        name_of(st),
                        short(&e.message)
                    )),
                    None => unknown.push(format!("default storage {} not read", name_of(st))),
                }
            }
        }
    }
    // Key Vault and registry: the configured ones.
    let configured = |kind: ComponentKind| -> Vec<&crate::config::ResourceId> {
        ctx.cfg
            .components
            .iter()
            .filter(|c| c.kind == kind)
            .flat_map(|c| c.resource_ids())
            .collect()
    };
    for (kind, linked, word) in [
        (ComponentKind::KeyVault, p.key_vault.as_deref(), "Key Vault"),
        (
            ComponentKind::ContainerRegistry,
            p.container_registry.as_deref(),
            "container registry",
        ),
    ] {
        let ids = configured(kind);
        let Some(linked) = linked.filter(|x| !x.is_empty()) else {
            if kind == ComponentKind::KeyVault {
                wrong.push("names no Key Vault".into());
            }
            continue;
        };
        let Some(id) = ids.iter().find(|i| i.as_str().eq_ignore_ascii_case(linked)) else {
            if ids.is_empty() {
                unknown.push(format!(
                    "{word} {} is not a configured component",
                    name_of(linked)
                ));
            } else {
                wrong.push(format!(
                    "{word} {} is not the configured {}",
                    name_of(linked),
                    ids.iter()
                        .map(|i| sanitize(i.name()).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            continue;
        };
        if kind == ComponentKind::ContainerRegistry {
            match ctx.obs.reads.get(&id.key()) {
                Some(Ok(Reading::Acr(reg, reps))) => {
                    let ready = reg.location.as_ref() == Some(region)
                        || reps.iter().any(|x| {
                            x.location.as_ref() == Some(region)
                                && x.properties.provisioning_state
                                    == Some(ProvisioningState::Succeeded)
                        });
                    if ready {
                        fine.push(format!(
                            "registry {} (replica in {region})",
                            name_of(linked)
                        ));
                    } else {
                        wrong.push(format!(
                            "container registry {} has no ready replica in {region}",
                            name_of(linked)
                        ));
                    }
                }
                Some(Err(e)) => unknown.push(format!(
                    "container registry {} could not be read: {}",
                    name_of(linked),
                    short(&e.message)
                )),
                _ => unknown.push(format!("container registry {} not read", name_of(linked))),
            }
        } else {
            fine.push(format!("Key Vault {}", name_of(linked)));
        }
    }
    // Application Insights: in the secondary region.
    if let Some(ai) = p.application_insights.as_deref().filter(|x| !x.is_empty()) {
        let pairs = ctx.cfg.components.iter().filter_map(|c| match &c.targets {
            Targets::Paired { primary, secondary } if c.kind == ComponentKind::AppInsights => {
                Some((primary, secondary))
            }
            _ => None,
        });
        let mut found = false;
        for (pa, sa) in pairs {
            if sa.as_str().eq_ignore_ascii_case(ai) {
                found = true;
                match ctx.obs.reads.get(&sa.key()) {
                    Some(Ok(Reading::AppInsights(x)))
                        if x.location.as_ref().is_none_or(|l| l == region) =>
                    {
                        fine.push(format!("Application Insights {} in {region}", name_of(ai)))
                    }
                    Some(Ok(_)) => wrong.push(format!(
                        "Application Insights {} is not in {region}",
                        name_of(ai)
                    )),
                    _ => unknown.push(format!(
                        "Application Insights {} could not be read",
                        name_of(ai)
                    )),
                }
            } else if pa.as_str().eq_ignore_ascii_case(ai) {
                found = true;
                wrong.push(format!(
                    "Application Insights {} is the primary's ({})",
                    name_of(ai),
                    ctx.primary
                ));
            }
        }
        if !found {
            unknown.push(format!(
                "Application Insights {} is not a configured component",
                name_of(ai)
            ));
        }
    }
    if !wrong.is_empty() {
        (Some(false), wrong.join("; "))
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        (Some(true), fine.join(", "))
    }
}

// ---- assets ----

/// `assets` of a workspace pair: every model, environment and code version the primary's online
/// deployments use is in a registry that replicates to the secondary region, or registered with
/// the same name and version in the secondary workspace.
pub(super) fn assets(ctx: &Ctx<'_>, pair: &Pair<'_>, d: &mut Derived) {
    let (passed, reason) = assets_check(ctx, pair, d);
    d.check(CheckId::Assets, passed, reason);
}

fn assets_check(ctx: &Ctx<'_>, pair: &Pair<'_>, d: &mut Derived) -> (Option<bool>, String) {
    let region = &ctx.secondary;
    let Some(r) = ctx.obs.aml.get(&pair.c.name) else {
        return (None, "assets not read yet".into());
    };
    let deployments = match &r.deployments {
        None => {
            return (
                None,
                "the primary's online deployments were not read".into(),
            );
        }
        Some(Err(e)) => {
            return (
                None,
                format!(
                    "the primary's online deployments could not be read: {}",
                    short(&e.message)
                ),
            );
        }
        Some(Ok(l)) => l,
    };
    let refs: BTreeSet<(AssetKind, AssetRef)> = deployments
        .iter()
        .flat_map(|x| x.asset_refs())
        .map(|(k, s)| (k, AssetRef::parse(k, &s)))
        .collect();
    if refs.is_empty() {
        return (
            Some(true),
            "no online deployment in the primary uses an asset".into(),
        );
    }
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut from_registry = 0;
    for (kind, x) in &refs {
        let (m0, u0) = (missing.len(), unknown.len());
        asset(
            ctx,
            r,
            (*kind, x),
            &mut missing,
            &mut unknown,
            &mut from_registry,
        );
        let secondary = if missing.len() > m0 {
            Some(false)
        } else if unknown.len() > u0 {
            None
        } else {
            Some(true)
        };
        let (label, note) = asset_row(*kind, x);
        let note = match secondary {
            Some(false) if note.is_empty() => format!("missing in {region}"),
            Some(false) => format!("missing in {region} ({note})"),
            None => unknown[u0].clone(),
            Some(true) => note,
        };
        let fix = if secondary == Some(false) {
            asset_fix(ctx, pair, r, (*kind, x))
        } else {
            None
        };
        d.standby(CheckId::Assets, label, (Some(true), secondary), note, fix);
    }
    if !missing.is_empty() {
        (
            Some(false),
            format!("missing in {region}: {}", missing.join(", ")),
        )
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        (
            Some(true),
            format!(
                "{} asset(s) of the primary's deployments reach {region} ({from_registry} from a replicated registry)",
                refs.len()
            ),
        )
    }
}

/// The side-by-side row of an asset: "model churn-model:7" and where it comes from.
fn asset_row(kind: AssetKind, x: &AssetRef) -> (String, String) {
    match x {
        AssetRef::Registry {
            registry,
            name,
            version,
        } => (
            format!("{} {}", kind.word(), sanitize(&format!("{name}:{version}"))),
            format!("registry {}", sanitize(registry)),
        ),
        AssetRef::Workspace { name, version } => (
            format!("{} {}", kind.word(), sanitize(&format!("{name}:{version}"))),
            String::new(),
        ),
        AssetRef::Unpinned(s) => (format!("{} {}", kind.word(), sanitize(s)), String::new()),
    }
}

/// The fix of a missing asset: a registry that stopped replicating adds the region back; a
/// workspace model or environment is shared to a registry that replicates there.
fn asset_fix(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    r: &crate::health::collect::AmlReadiness,
    (kind, x): (AssetKind, &AssetRef),
) -> Option<String> {
    let regs = r.registries.as_ref()?.as_ref().ok()?;
    let located = |g: &MlRegistry| {
        let id = crate::config::ResourceId::parse(&g.id).ok()?;
        Some((
            id.resource_group().to_string(),
            id.subscription().to_string(),
        ))
    };
    match x {
        AssetRef::Registry { registry, .. } => {
            let g = regs
                .iter()
                .find(|g| g.name.eq_ignore_ascii_case(registry))?;
            let (rg, sub) = located(g)?;
            Some(crate::azure::az::aml::registry_update(&g.name, &rg, &sub))
        }
        AssetRef::Workspace { name, version } if kind != AssetKind::Code => {
            let Targets::Paired { primary, .. } = &pair.c.targets else {
                return None;
            };
            let g = regs.iter().find(|g| {
                !g.name.eq_ignore_ascii_case(SYSTEM_REGISTRY) && g.replicates_to(&ctx.secondary)
            })?;
            Some(crate::azure::az::aml::asset_share(
                kind.word(),
                primary,
                name,
                version,
                &g.name,
            ))
        }
        _ => None,
    }
}

/// One asset of the primary's deployments: what is missing or unknown about it goes to
/// `missing` / `unknown`; one that reaches the secondary from a registry counts in `from_registry`.
fn asset(
    ctx: &Ctx<'_>,
    r: &crate::health::collect::AmlReadiness,
    (kind, x): (AssetKind, &AssetRef),
    missing: &mut Vec<String>,
    unknown: &mut Vec<String>,
    from_registry: &mut usize,
) {
    let region = &ctx.secondary;
    let kind = &kind;
    {
        match x {
            AssetRef::Registry {
                registry,
                name,
                version,
            } => {
                let item = sanitize(&format!("{name}:{version}")).into_owned();
                if registry.eq_ignore_ascii_case(SYSTEM_REGISTRY) {
                    *from_registry += 1;
                    return;
                }
                let reg = sanitize(registry);
                match &r.registries {
                    Some(Ok(list)) => {
                        match list.iter().find(|g| g.name.eq_ignore_ascii_case(registry)) {
                            Some(g) if g.replicates_to(region) => *from_registry += 1,
                            Some(_) => missing.push(format!(
                                "{item} ({}, registry {reg} does not replicate to {region})",
                                kind.word()
                            )),
                            None => unknown
                                .push(format!("{item}: registry {reg} is not in the subscription")),
                        }
                    }
                    Some(Err(e)) => unknown.push(format!(
                        "{item}: the registries could not be read: {}",
                        short(&e.message)
                    )),
                    None => unknown.push(format!("{item}: registry {reg} not read")),
                }
            }
            AssetRef::Workspace { name, version } => {
                let item = sanitize(&format!("{name}:{version}")).into_owned();
                let key = (
                    *kind,
                    name.to_ascii_lowercase(),
                    version.to_ascii_lowercase(),
                );
                match r.secondary_assets.get(&key) {
                    Some(Ok(true)) => {}
                    Some(Ok(false)) => missing.push(format!("{item} ({})", kind.word())),
                    Some(Err(e)) => unknown.push(format!(
                        "{item}: could not be read in the secondary workspace: {}",
                        short(&e.message)
                    )),
                    None => unknown.push(format!("{item}: not read")),
                }
            }
            AssetRef::Unpinned(s) => unknown.push(format!(
                "{} ({}) names no single version",
                sanitize(s),
                kind.word()
            )),
        }
    }
}

// ---- quota ----

/// What one standby needs of the secondary region's quota at target size.
#[derive(Debug, Clone)]
struct Demand {
    /// [`family_key`] of the VM family.
    family: String,
    /// vCPUs it needs beyond what it holds now.
    vcpus: i64,
    /// "8 × Standard_NC24ads_A100_v4 (24 vCPUs)".
    how: String,
}

/// The standby's needs, or why they are not known.
fn demands_of(
    ctx: &Ctx<'_>,
    c: &crate::config::Component,
    sizes: &[VmSize],
) -> Result<Vec<Demand>, String> {
    let Targets::Paired { primary, secondary } = &c.targets else {
        return Ok(Vec::new());
    };
    let read = |id: &crate::config::ResourceId| match ctx.obs.reads.get(&id.key()) {
        Some(Ok(r)) => Some(r),
        _ => None,
    };
    let size = |vm: &str| {
        sizes
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(vm))
            .ok_or_else(|| {
                format!(
                    "{} is not offered by Azure ML in {}",
                    sanitize(vm),
                    ctx.secondary
                )
            })
    };
    let mut out = Vec::new();
    match (read(primary), read(secondary)) {
        (Some(Reading::Compute(pc)), s) => {
            let pp = pc.properties.properties.clone().unwrap_or_default();
            let target = pp.scale_settings.as_ref().map_or(0, |s| s.max_node_count);
            let sp = match s {
                Some(Reading::Compute(sc)) => sc.properties.properties.clone().unwrap_or_default(),
                _ => Default::default(),
            };
            let vm = sp.vm_size.or(pp.vm_size).unwrap_or_default();
            let s = size(&vm)?;
            let per = i64::from(s.v_cpus.unwrap_or(0));
            let have = i64::from(sp.current_node_count.unwrap_or(0));
            out.push(Demand {
                family: family_key(s.family.as_deref().unwrap_or_default()),
                vcpus: (i64::from(target) - have).max(0) * per,
                how: format!("{target} × {} ({per} vCPUs)", sanitize(&s.name)),
            });
        }
        (Some(Reading::Endpoint(_, p_deps)), s) => {
            let s_deps: &[OnlineDeployment] = match s {
                Some(Reading::Endpoint(_, deps)) => deps,
                _ => &[],
            };
            for pd in p_deps {
                let sd = s_deps
                    .iter()
                    .find(|x| x.name.eq_ignore_ascii_case(&pd.name));
                let vm = sd
                    .and_then(|x| x.properties.instance_type.clone())
                    .or(pd.properties.instance_type.clone())
                    .unwrap_or_default();
                let s = size(&vm)?;
                let per = i64::from(s.v_cpus.unwrap_or(0));
                let cap =
                    |x: &OnlineDeployment| x.sku.as_ref().and_then(|s| s.capacity).unwrap_or(1);
                let target = reserved(cap(pd));
                let have = sd.map_or(0, |x| reserved(cap(x)));
                out.push(Demand {
                    family: family_key(s.family.as_deref().unwrap_or_default()),
                    vcpus: (target - have).max(0) * per,
                    how: format!(
                        "{} {target} × {} ({per} vCPUs)",
                        sanitize(&pd.name),
                        sanitize(&s.name)
                    ),
                });
            }
        }
        _ => {
            return Err(format!(
                "the primary {} was not read: its target size is unknown",
                c.name
            ));
        }
    }
    Ok(out)
}

/// The instances Azure ML sets aside for a deployment of `capacity`: 20% more, rounded up.
fn reserved(capacity: u32) -> i64 {
    (u64::from(capacity) * 12).div_ceil(10) as i64
}

/// `quota` of a compute cluster or online endpoint pair.
pub(super) fn quota(ctx: &Ctx<'_>, pair: &Pair<'_>, d: &mut Derived) {
    let (passed, reason) = quota_check(ctx, pair);
    d.check(CheckId::Quota, passed, reason);
}

fn quota_check(ctx: &Ctx<'_>, pair: &Pair<'_>) -> (Option<bool>, String) {
    let region = &ctx.secondary;
    let Some(AmlQuota { usages, vm_sizes }) = &ctx.obs.aml_quota else {
        return (None, format!("the Azure ML quota of {region} was not read"));
    };
    let (usages, sizes) = match (usages, vm_sizes) {
        (Ok(u), Ok(s)) => (u, s),
        (Err(e), _) | (_, Err(e)) => {
            return (
                None,
                format!(
                    "the Azure ML quota of {region} could not be read: {}",
                    short(&e.message)
                ),
            );
        }
    };
    let own = match demands_of(ctx, pair.c, sizes) {
        Ok(d) => d,
        Err(e) if e.contains("not offered") => return (Some(false), e),
        Err(e) => return (None, e),
    };
    if own.is_empty() {
        return (Some(true), "no deployment to size".into());
    }
    // Every standby in the region draws on the same quota: count them all.
    let mut all: Vec<Demand> = Vec::new();
    for c in &ctx.cfg.components {
        if matches!(
            c.kind,
            ComponentKind::MlCompute | ComponentKind::MlOnlineEndpoint
        ) && c.name != pair.c.name
        {
            all.extend(demands_of(ctx, c, sizes).unwrap_or_default());
        }
    }
    all.extend(own.iter().cloned());
    let mut by_family: BTreeMap<&str, i64> = BTreeMap::new();
    for x in &all {
        *by_family.entry(x.family.as_str()).or_default() += x.vcpus;
    }
    let total_need: i64 = all.iter().map(|x| x.vcpus).sum();
    let dedicated = |u: &&Usage| u.is_dedicated();
    let mut short_of = Vec::new();
    let mut passed = Vec::new();
    let families: BTreeSet<&str> = own.iter().map(|x| x.family.as_str()).collect();
    for fam in families {
        let need = by_family[fam];
        let Some(u) = usages
            .iter()
            .filter(|u| u.is_family())
            .filter(dedicated)
            .find(|u| u.family_key() == fam)
        else {
            return (
                None,
                format!("{region} lists no Azure ML quota for the VM family {fam}"),
            );
        };
        let label = sanitize(&u.name.value).into_owned();
        let free = u.available();
        let how: Vec<&str> = own
            .iter()
            .filter(|x| x.family == fam)
            .map(|x| x.how.as_str())
            .collect();
        let others = need
            - own
                .iter()
                .filter(|x| x.family == fam)
                .map(|x| x.vcpus)
                .sum::<i64>();
        let with_others = if others > 0 {
            format!(", {others} more for the other standbys")
        } else {
            String::new()
        };
        if need > free {
            short_of.push(format!(
                "{label} in {region}: {} vCPUs missing ({need} needed at target size, {}{with_others}; {free} free of {})",
                need - free,
                how.join(", "),
                u.limit.unwrap_or(0)
            ));
        } else {
            passed.push(format!("{label}: {need} of {free} free"));
        }
    }
    match usages.iter().find(|u| u.is_regional_total()) {
        Some(t) if total_need > t.available() => short_of.push(format!(
            "Total Cluster Dedicated Regional vCPUs in {region}: {} vCPUs missing ({total_need} needed, {} free of {})",
            total_need - t.available(),
            t.available(),
            t.limit.unwrap_or(0)
        )),
        Some(t) => passed.push(format!("regional total: {total_need} of {} free", t.available())),
        None => {
            return (
                None,
                format!("{region} lists no total of dedicated regional vCPUs"),
            );
        }
    }
    if short_of.is_empty() {
        (Some(true), format!("{region}: {}", passed.join("; ")))
    } else {
        (Some(false), short_of.join("; "))
    }
}

mod access;
mod network;

pub(super) use access::identity_roles;
pub(super) use network::{managed_network, private_network};

#[cfg(test)]
mod tests;
