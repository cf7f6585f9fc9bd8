//! Azure ML readiness, identity roles: the role assignments (Microsoft.Authorization) that let
//! each simulated workspace's identity reach what it links to, and that give the same users and
//! groups their roles on both workspaces, with the built-in role definitions they name. Role
//! assignments are not Azure ML's provider, but nothing else in the simulator has any, so they
//! live here, with the `role-assignment` and `user-role` drifts that remove them.
//!
//! They are extension resources: `{scope}/providers/Microsoft.Authorization/roleAssignments` of
//! any simulated scope (the subscription, a resource group, a resource), served by a global
//! control plane (a regional outage does not take them down, `World::outage_region`).

use serde_json::{Value, json};

use super::{drifted, guid, page};
use crate::config::ComponentKind;
use crate::sim::providers::{CREATED, PRINCIPAL, aml};
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::Request;
use crate::sim::world::World;

/// Contributor.
pub const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
/// Storage Blob Data Contributor.
pub const BLOB_DATA_CONTRIBUTOR: &str = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
/// Key Vault Administrator.
pub const KEY_VAULT_ADMINISTRATOR: &str = "00482a5a-887f-4fb3-b363-3b7fe8e74483";
/// AcrPull.
pub const ACR_PULL: &str = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
/// AzureML Data Scientist.
pub const DATA_SCIENTIST: &str = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
/// The user who holds a role on both workspaces.
pub const USER: &str = "11111111-2222-4333-8444-555555555555";
/// The group that holds a role on both workspaces.
pub const GROUP: &str = "66666666-7777-4888-9999-000000000000";

/// A built-in role definition the simulated assignments name.
struct Role {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    actions: &'static [&'static str],
    data_actions: &'static [&'static str],
}

/// The built-in roles the simulated assignments name.
const ROLES: &[Role] = &[
    Role {
        id: CONTRIBUTOR,
        name: "Contributor",
        description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
        actions: &["*"],
        data_actions: &[],
    },
    Role {
        id: BLOB_DATA_CONTRIBUTOR,
        name: "Storage Blob Data Contributor",
        description: "Allows for read, write and delete access to Azure Storage blob containers and data",
        actions: &["Microsoft.Storage/storageAccounts/blobServices/containers/*"],
        data_actions: &["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
    },
    Role {
        id: KEY_VAULT_ADMINISTRATOR,
        name: "Key Vault Administrator",
        description: "Perform all data plane operations on a key vault and all objects in it.",
        actions: &[
            "Microsoft.KeyVault/checkNameAvailability/read",
            "Microsoft.KeyVault/vaults/*/read",
        ],
        data_actions: &["Microsoft.KeyVault/vaults/*"],
    },
    Role {
        id: ACR_PULL,
        name: "AcrPull",
        description: "acr pull",
        actions: &["Microsoft.ContainerRegistry/registries/pull/read"],
        data_actions: &[],
    },
    Role {
        id: DATA_SCIENTIST,
        name: "AzureML Data Scientist",
        description: "Can perform all actions within an Azure Machine Learning workspace, except for creating or deleting compute resources and modifying the workspace itself.",
        actions: &[
            "Microsoft.MachineLearningServices/workspaces/*/read",
            "Microsoft.MachineLearningServices/workspaces/*/action",
        ],
        data_actions: &[],
    },
];

/// One role assignment: who holds which role where.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The scope, as the resource's id is written.
    pub scope: String,
    pub principal: String,
    /// `ServicePrincipal`, `User` or `Group`.
    pub principal_type: &'static str,
    /// The role definition's GUID.
    pub role: &'static str,
}

/// The principal of workspace `id`'s system-assigned identity: a GUID derived from its
/// lowercase id, so each workspace has its own and keeps it in every run.
pub fn workspace_principal(id: &str) -> String {
    guid(&["workspace-identity", &id.to_ascii_lowercase()])
}

/// The assignments a healthy world holds for workspace `i`: its identity's on the workspace
/// and on what it links to and reads (default storage, the data accounts, vault, registry),
/// then the user's and the group's on the workspace.
fn healthy(w: &World, i: usize) -> Vec<Assignment> {
    let ws = w.resources[i].id.to_string();
    let links = aml::links(w, i);
    let principal = workspace_principal(&ws);
    let data = super::data_accounts(w, i)
        .into_iter()
        .map(|r| r.id.to_string());
    let mut identity: Vec<(String, &'static str)> = vec![(ws.clone(), CONTRIBUTOR)];
    identity.extend(
        std::iter::once(links.storage)
            .chain(data)
            .map(|s| (s, BLOB_DATA_CONTRIBUTOR)),
    );
    identity.extend(links.key_vault.map(|kv| (kv, KEY_VAULT_ADMINISTRATOR)));
    identity.extend(links.registry.map(|acr| (acr, ACR_PULL)));
    let mut out: Vec<Assignment> = identity
        .into_iter()
        .map(|(scope, role)| Assignment {
            scope,
            principal: principal.clone(),
            principal_type: "ServicePrincipal",
            role,
        })
        .collect();
    for (principal, principal_type, role) in [
        (USER, "User", DATA_SCIENTIST),
        (GROUP, "Group", CONTRIBUTOR),
    ] {
        out.push(Assignment {
            scope: ws.clone(),
            principal: principal.to_string(),
            principal_type,
            role,
        });
    }
    out
}

/// Every role assignment in the world, less what drift removed: `role-assignment` of a
/// workspace takes its identity's, `user-role` the user's and group's on it.
pub fn assignments(w: &World) -> Vec<Assignment> {
    let mut out = Vec::new();
    for (i, r) in w.resources.iter().enumerate() {
        if r.kind != ComponentKind::MlWorkspace {
            continue;
        }
        let own = workspace_principal(r.id.as_str());
        let no_identity = drifted(w, i, "role-assignment", "*");
        let no_users = drifted(w, i, "user-role", "*");
        out.extend(healthy(w, i).into_iter().filter(|a| {
            if a.principal == own {
                !no_identity
            } else {
                !no_users
            }
        }));
    }
    out
}

/// An assignment's name: a GUID of its scope, principal and role (one assignment per triple,
/// as in Azure).
fn name(a: &Assignment) -> String {
    guid(&[&a.scope.to_ascii_lowercase(), &a.principal, a.role])
}

/// The id of role definition `role` in the world's subscription.
fn definition_id(w: &World, role: &str) -> String {
    format!(
        "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        w.subscription
    )
}

/// An assignment's ARM JSON (api-version 2022-04-01).
fn render(w: &World, a: &Assignment) -> Value {
    let name = name(a);
    json!({
        "id": format!("{}/providers/Microsoft.Authorization/roleAssignments/{name}", a.scope),
        "name": name, "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": definition_id(w, a.role), "principalId": a.principal,
            "principalType": a.principal_type, "scope": a.scope, "condition": null,
            "conditionVersion": null, "createdOn": CREATED, "updatedOn": CREATED,
            "createdBy": PRINCIPAL, "updatedBy": PRINCIPAL,
            "delegatedManagedIdentityResourceId": null, "description": null,
        },
    })
}

/// A role definition's ARM JSON.
fn render_definition(w: &World, role: &Role) -> Value {
    json!({
        "id": definition_id(w, role.id), "name": role.id, "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": role.name, "type": "BuiltInRole", "description": role.description,
            "assignableScopes": ["/"],
            "permissions": [{"actions": role.actions, "notActions": [], "dataActions": role.data_actions, "notDataActions": []}],
            "createdOn": CREATED, "updatedOn": CREATED, "createdBy": null, "updatedBy": null,
        },
    })
}

/// What a `$filter` of the role assignments list asks: only those at (or above) the scope,
/// only one principal's.
#[derive(Debug, Default, PartialEq)]
struct Filter {
    at_scope: bool,
    principal: Option<String>,
}

/// Reads the terms ARM accepts, joined by `and`: `atScope()`, `principalId eq '{id}'`,
/// `assignedTo('{id}')` (the simulator has no group memberships: the principal's own).
fn parse_filter(raw: &str) -> Result<Filter, ArmError> {
    let mut f = Filter::default();
    let lower = raw.trim().to_ascii_lowercase();
    for term in lower.split(" and ").map(str::trim) {
        let quoted = |s: &str| s.trim().trim_matches('\'').to_string();
        if term == "atscope()" {
            f.at_scope = true;
        } else if let Some(id) = term.strip_prefix("principalid eq ") {
            f.principal = Some(quoted(id));
        } else if let Some(id) = term
            .strip_prefix("assignedto(")
            .and_then(|t| t.strip_suffix(')'))
        {
            f.principal = Some(quoted(id));
        } else {
            return Err(ArmError::bad_request(
                "UnsupportedQuery",
                format!(
                    "The filter '{raw}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{{value}}'' or 'assignedTo('{{value}}')'."
                ),
            ));
        }
    }
    Ok(f)
}

/// Whether `a` is listed at `scope` (lowercase) under `f`: at or above the scope with
/// `atScope()`, at, above or below it otherwise (ARM's rules; the simulator has none above a
/// resource).
fn listed(a: &Assignment, scope: &str, f: &Filter) -> bool {
    let own = a.scope.to_ascii_lowercase();
    let above = own == scope || scope.starts_with(&format!("{own}/"));
    let below = own.starts_with(&format!("{scope}/"));
    (above || (!f.at_scope && below)) && f.principal.as_ref().is_none_or(|p| *p == a.principal)
}

/// Whether `scope` (lowercase, the subscription's or below) is one the simulator knows: the
/// subscription, a resource group holding a simulated resource, or a simulated resource.
fn known_scope(w: &World, scope: &str, segs: &[&str]) -> Result<(), ArmError> {
    match segs {
        [] => Ok(()),
        ["resourcegroups", rg] => {
            if w.resources
                .iter()
                .any(|r| r.id.resource_group().eq_ignore_ascii_case(rg))
            {
                Ok(())
            } else {
                Err(ArmError::new(
                    404,
                    "ResourceGroupNotFound",
                    format!("Resource group '{rg}' could not be found."),
                ))
            }
        }
        _ if w.index.contains_key(scope) || super::simulated_extra(w, scope) => Ok(()),
        _ => Err(ArmError::not_found(scope)),
    }
}

/// `GET {scope}/providers/Microsoft.Authorization/roleAssignments[/{name}]` and
/// `.../roleDefinitions[/{id}]` of any simulated scope; None for other paths. `segs` are the
/// lowercase segments after the subscription.
pub fn subscription_get(w: &World, req: &Request<'_>, segs: &[&str]) -> Option<Reply> {
    let at = segs
        .windows(2)
        .rposition(|s| s == ["providers", "microsoft.authorization"])?;
    let (scope_segs, rest) = (&segs[..at], &segs[at + 2..]);
    let mut scope = format!("/subscriptions/{}", w.subscription.to_ascii_lowercase());
    for s in scope_segs {
        scope = format!("{scope}/{s}");
    }
    let answer = known_scope(w, &scope, scope_segs).and_then(|()| match rest {
        ["roleassignments"] => list(w, req, &scope),
        ["roleassignments", name] => one(w, &scope, name),
        ["roledefinitions"] => Ok(Reply::ok(json!({"value": ROLES
            .iter()
            .map(|r| render_definition(w, r))
            .collect::<Vec<_>>()}))),
        ["roledefinitions", id] => ROLES
            .iter()
            .find(|r| r.id == *id)
            .map(|r| Reply::ok(render_definition(w, r)))
            .ok_or_else(|| {
                ArmError::new(
                    404,
                    "RoleDefinitionDoesNotExist",
                    format!("The specified role definition with ID '{id}' does not exist."),
                )
            }),
        _ => Err(ArmError::not_found(req.path)),
    });
    Some(answer.unwrap_or_else(Reply::from))
}

/// The role assignments list at `scope`, filtered as `$filter` says, in pages.
fn list(w: &World, req: &Request<'_>, scope: &str) -> Result<Reply, ArmError> {
    let f = match req.query.get("$filter") {
        Some(raw) => parse_filter(raw)?,
        None => Filter::default(),
    };
    let items: Vec<Value> = assignments(w)
        .iter()
        .filter(|a| listed(a, scope, &f))
        .map(|a| render(w, a))
        .collect();
    Ok(Reply::ok(page(req, items, 1000)))
}

/// One role assignment at `scope` by name.
fn one(w: &World, scope: &str, name_: &str) -> Result<Reply, ArmError> {
    assignments(w)
        .iter()
        .find(|a| a.scope.eq_ignore_ascii_case(scope) && name(a) == *name_)
        .map(|a| Reply::ok(render(w, a)))
        .ok_or_else(|| {
            ArmError::new(
                404,
                "RoleAssignmentNotFound",
                format!("The role assignment '{name_}' is not found."),
            )
        })
}

/// Whether a request path is about role assignments or definitions (global: no regional outage
/// takes them down).
pub fn is_authorization(path: &str) -> bool {
    path.to_ascii_lowercase()
        .contains("/providers/microsoft.authorization/")
}
