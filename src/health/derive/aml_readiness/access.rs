//! `identity roles` of a workspace pair: the secondary workspace's identity holds what
//! Microsoft lists for a workspace identity (Contributor on the workspace, Storage Blob Data
//! Contributor on its default storage, access to its Key Vault, pull from its registry, read on
//! the accounts of identity-based datastores), and every user, group or service principal with a
//! role on the primary workspace holds the same role on the secondary ("create role assignments
//! for users in both regions": a responder who cannot open the secondary cannot finish the
//! switch). Each requirement is a row of the side-by-side view, with the primary's identity on its
//! own workspace beside it.

use std::collections::BTreeSet;

use super::super::{Ctx, Derived, Pair};
use super::read_failed;
use crate::azure::az::aml as az;
use crate::azure::models::*;
use crate::health::check::CheckId;
use crate::health::collect::{AmlRoles, Reading, SLOW_READS_TTL};
use crate::text::sanitize;

/// `identity roles` of a workspace pair.
pub(in super::super) fn identity_roles(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) {
    let (passed, reason) = check(ctx, pair, sw, d);
    d.check(CheckId::IdentityRoles, passed, reason);
}

/// One thing a workspace identity must hold: a role among `accepted` at `scope` (or above).
struct Need {
    /// "Contributor on the workspace".
    what: String,
    scope: String,
    accepted: &'static [&'static str],
    /// The role the fix grants.
    grant: &'static str,
}

const ON_WORKSPACE: &[&str] = &[role::CONTRIBUTOR, role::OWNER];
const ON_STORAGE: &[&str] = &[
    role::STORAGE_BLOB_DATA_CONTRIBUTOR,
    role::STORAGE_BLOB_DATA_OWNER,
];
const READ_STORAGE: &[&str] = &[
    role::STORAGE_BLOB_DATA_READER,
    role::STORAGE_BLOB_DATA_CONTRIBUTOR,
    role::STORAGE_BLOB_DATA_OWNER,
];
const ON_VAULT: &[&str] = &[
    role::KEY_VAULT_ADMINISTRATOR,
    role::KEY_VAULT_SECRETS_OFFICER,
];
const ON_REGISTRY: &[&str] = &[
    role::ACR_PULL,
    role::ACR_PUSH,
    role::CONTRIBUTOR,
    role::OWNER,
];

/// What `ws`'s identity must hold, in the order the view lists them. A vault that grants by
/// access policy is checked apart (see [`vault_by_policy`]).
fn needs(ctx: &Ctx<'_>, ws: &Workspace, datastores: &[Datastore]) -> Vec<Need> {
    let p = &ws.properties;
    let mut out = vec![Need {
        what: "Contributor on the workspace".into(),
        scope: ws.id.clone(),
        accepted: ON_WORKSPACE,
        grant: "Contributor",
    }];
    if let Some(st) = &p.storage_account {
        out.push(Need {
            what: "Storage Blob Data Contributor on its default storage".into(),
            scope: st.clone(),
            accepted: ON_STORAGE,
            grant: "Storage Blob Data Contributor",
        });
    }
    if let Some(kv) = p.key_vault.as_deref().filter(|k| !k.is_empty())
        && vault(ctx, kv).is_none_or(|v| v.properties.enable_rbac_authorization == Some(true))
    {
        out.push(Need {
            what: "Key Vault Administrator on its Key Vault".into(),
            scope: kv.to_string(),
            accepted: ON_VAULT,
            grant: "Key Vault Administrator",
        });
    }
    if let Some(acr) = p.container_registry.as_deref().filter(|k| !k.is_empty()) {
        out.push(Need {
            what: "AcrPull on its container registry".into(),
            scope: acr.to_string(),
            accepted: ON_REGISTRY,
            grant: "AcrPull",
        });
    }
    let mut seen = BTreeSet::new();
    for ds in datastores {
        let dp = &ds.properties;
        if dp.is_default || !dp.identity_based() {
            continue;
        }
        let Some(id) = dp.account_id() else { continue };
        if seen.insert(id.to_ascii_lowercase()) {
            out.push(Need {
                what: format!(
                    "Storage Blob Data Reader on {} (identity-based datastore {})",
                    sanitize(dp.account().unwrap_or_default()),
                    sanitize(&ds.name)
                ),
                scope: id,
                accepted: READ_STORAGE,
                grant: "Storage Blob Data Reader",
            });
        }
    }
    out
}

/// The configured vault's reading, when it was read.
fn vault<'a>(ctx: &'a Ctx<'_>, id: &str) -> Option<&'a KeyVault> {
    match ctx.obs.reads.get(&id.to_ascii_lowercase()) {
        Some(Ok(Reading::KeyVault(kv))) => Some(kv),
        _ => None,
    }
}

/// A vault that grants by access policy: whether `principal` has a policy that reads secrets.
fn vault_by_policy(ctx: &Ctx<'_>, ws: &Workspace, principal: &str) -> Option<(String, bool)> {
    let kv = vault(ctx, ws.properties.key_vault.as_deref()?)?;
    if kv.properties.enable_rbac_authorization == Some(true) {
        return None;
    }
    let ok = kv.properties.access_policies.iter().any(|a| {
        a.object_id.eq_ignore_ascii_case(principal)
            && a.permissions
                .secrets
                .iter()
                .any(|x| x.eq_ignore_ascii_case("get") || x.eq_ignore_ascii_case("all"))
    });
    Some((sanitize(&kv.name).into_owned(), ok))
}

/// Whether `list` grants one of `accepted` at `scope` (or above) to `principal`.
fn holds(list: &[RoleAssignment], principal: &str, accepted: &[&str], scope: &str) -> bool {
    list.iter().any(|a| {
        let p = &a.properties;
        p.principal_id.eq_ignore_ascii_case(principal)
            && accepted.contains(&p.role().as_str())
            && p.covers(scope)
    })
}

fn principal_of(ws: &Workspace) -> Option<&str> {
    ws.identity.as_ref().and_then(ManagedIdentity::principal)
}

fn check(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) -> (Option<bool>, String) {
    let Some(r) = ctx.obs.aml.get(&pair.c.name) else {
        return (None, "role assignments not read yet".into());
    };
    let Some(roles) = &r.roles else {
        return (None, "role assignments not read yet".into());
    };
    let s_name = sanitize(&sw.name).into_owned();
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    identity(ctx, r, roles, sw, d, &mut wrong, &mut unknown);
    users(roles, sw, d, &mut wrong, &mut unknown);
    let age = (ctx.obs.now - roles.read_at).whole_minutes();
    let dated = if ctx.obs.now - roles.read_at > SLOW_READS_TTL {
        format!(" (as read {age} min ago: a newer read failed)")
    } else {
        String::new()
    };
    if !wrong.is_empty() {
        (Some(false), format!("{}{dated}", wrong.join("; ")))
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        (
            Some(true),
            format!(
                "{s_name}'s identity holds its roles; every role on the primary workspace is on {s_name}{dated}"
            ),
        )
    }
}

/// The secondary identity's requirements, each beside the primary identity's on its own side.
fn identity(
    ctx: &Ctx<'_>,
    r: &crate::health::collect::AmlReadiness,
    roles: &AmlRoles,
    sw: &Workspace,
    d: &mut Derived,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let s_name = sanitize(&sw.name).into_owned();
    let Some(s_principal) = principal_of(sw) else {
        wrong.push(format!(
            "{s_name} has no managed identity (it cannot reach its storage, vault or registry)"
        ));
        d.standby(
            CheckId::IdentityRoles,
            "workspace identity",
            (
                roles
                    .primary_workspace
                    .as_ref()
                    .ok()
                    .map(|p| principal_of(p).is_some()),
                Some(false),
            ),
            "none",
            None,
        );
        return;
    };
    let no_datastores = Vec::new();
    let s_stores = match &r.secondary_datastores {
        Some(Ok(l)) => l,
        _ => &no_datastores,
    };
    let s_list = match &roles.secondary_identity {
        Some(Ok(l)) => Some(l.as_slice()),
        Some(Err(e)) => {
            unknown.push(read_failed(
                &format!("{s_name}'s identity's role assignments"),
                e,
            ));
            None
        }
        None => None,
    };
    let pw = roles.primary_workspace.as_ref().ok();
    let p_needs: Vec<Need> = pw.map_or_else(Vec::new, |pw| needs(ctx, pw, &[]));
    let p_list = match &roles.primary_identity {
        Some(Ok(l)) => Some(l.as_slice()),
        _ => None,
    };
    for need in needs(ctx, sw, s_stores) {
        let secondary = s_list.map(|l| holds(l, s_principal, need.accepted, &need.scope));
        let primary = pw.and_then(|pw| {
            let twin = p_needs.iter().find(|n| n.what == need.what)?;
            Some(holds(
                p_list?,
                principal_of(pw)?,
                twin.accepted,
                &twin.scope,
            ))
        });
        let target = sanitize(need.scope.rsplit('/').next().unwrap_or_default()).into_owned();
        let fix = (secondary == Some(false))
            .then(|| az::role_assign(s_principal, "ServicePrincipal", need.grant, &need.scope));
        if secondary == Some(false) {
            wrong.push(format!(
                "{s_name}'s identity lacks {} ({target})",
                need.what
            ));
        }
        d.standby(
            CheckId::IdentityRoles,
            format!("identity: {}", need.what),
            (primary, secondary),
            if secondary == Some(false) {
                format!("missing on {target}")
            } else {
                String::new()
            },
            fix,
        );
    }
    if let Some((kv, ok)) = vault_by_policy(ctx, sw, s_principal) {
        if !ok {
            wrong.push(format!(
                "{s_name}'s identity has no access policy reading secrets of {kv}"
            ));
        }
        d.standby(
            CheckId::IdentityRoles,
            format!("identity: access policy on {kv}"),
            (
                pw.and_then(|pw| vault_by_policy(ctx, pw, principal_of(pw)?).map(|x| x.1)),
                Some(ok),
            ),
            if ok { "" } else { "no policy reading secrets" },
            None,
        );
    }
}

/// Every user, group and service principal with a role on the primary workspace (beside the
/// workspaces' own identities) has the same role on the secondary.
fn users(
    roles: &AmlRoles,
    sw: &Workspace,
    d: &mut Derived,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let s_name = sanitize(&sw.name).into_owned();
    let (at_p, at_s) = match (&roles.at_primary, &roles.at_secondary) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) => {
            return unknown.push(read_failed("the primary workspace's role assignments", e));
        }
        (_, Err(e)) => {
            return unknown.push(read_failed(&format!("{s_name}'s role assignments"), e));
        }
    };
    let own: BTreeSet<String> = [
        roles.primary_workspace.as_ref().ok().and_then(principal_of),
        principal_of(sw),
    ]
    .into_iter()
    .flatten()
    .map(str::to_ascii_lowercase)
    .collect();
    let p_id = roles
        .primary_workspace
        .as_ref()
        .map_or(String::new(), |w| w.id.clone());
    // Without the primary workspace its identity is unknown: service principals (one of them
    // is that identity, whose roles are its own workspace's) are not compared.
    let primary_known = roles.primary_workspace.is_ok();
    let skipped = at_p
        .iter()
        .filter(|a| !primary_known && is_service_principal(&a.properties))
        .count();
    if skipped > 0 {
        unknown.push(format!(
            "the primary workspace could not be read (its identity is unknown): the roles of {skipped} service principal(s) on it are not compared"
        ));
    }
    let wanted: BTreeSet<(String, String, String)> = at_p
        .iter()
        .map(|a| &a.properties)
        .filter(|p| primary_known || !is_service_principal(p))
        .filter(|p| !own.contains(&p.principal_id.to_ascii_lowercase()))
        .filter(|p| p_id.is_empty() || p.covers(&p_id))
        .map(|p| {
            (
                p.principal_id.to_ascii_lowercase(),
                p.role(),
                p.principal_type.clone().unwrap_or_else(|| "User".into()),
            )
        })
        .collect();
    for (principal, role, kind) in wanted {
        let has = holds(at_s, &principal, &[role.as_str()], &sw.id);
        let name = role_name(&role);
        let who = format!("{} {}", kind_word(&kind), sanitize(&principal));
        if !has {
            wrong.push(format!(
                "{name} of {who} is on the primary workspace, not on {s_name}"
            ));
        }
        d.standby(
            CheckId::IdentityRoles,
            format!("{name}: {who}"),
            (Some(true), Some(has)),
            if has { "" } else { "missing" },
            (!has).then(|| az::role_assign(&principal, principal_type(&kind), &name, &sw.id)),
        );
    }
}

fn is_service_principal(p: &RoleAssignmentProperties) -> bool {
    p.principal_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("ServicePrincipal"))
}

/// The principal type as `az role assignment create` takes it.
fn principal_type(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "group" => "Group",
        "serviceprincipal" => "ServicePrincipal",
        "foreigngroup" => "ForeignGroup",
        _ => "User",
    }
}

/// "user", "group", "service principal".
fn kind_word(kind: &str) -> &'static str {
    match kind.to_ascii_lowercase().as_str() {
        "group" => "group",
        "serviceprincipal" => "service principal",
        _ => "user",
    }
}

#[cfg(test)]
mod tests;
