//! Tests of `identity roles`: pass, fail naming the role and scope, unknown.
use serde_json::json;

use crate::azure::models::*;
use crate::config::ResourceId;
use crate::health::collect::{AmlReadiness, AmlRoles, ReadError, Reading};
use crate::health::derive::tests::*;

const P_ID: &str = "aaaaaaaa-0000-4000-8000-000000000001";
const S_ID: &str = "aaaaaaaa-0000-4000-8000-000000000002";
const USER: &str = "11111111-2222-4333-8444-555555555555";

fn storage_of(region: &str) -> String {
    format!(
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/stmlw{region}"
    )
}

const VAULT: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-contoso-ml-global/providers/Microsoft.KeyVault/vaults/kv-contoso-ml";

fn workspace(id: &ResourceId, principal: Option<&str>, region: &str) -> Workspace {
    let mut v = json!({"id": id.to_string(), "name": id.name(),
        "properties": {"storageAccount": storage_of(region), "keyVault": VAULT}});
    if let Some(p) = principal {
        v["identity"] = json!({"type": "SystemAssigned", "principalId": p});
    }
    model(v)
}

fn ra(scope: &str, principal: &str, role: &str, kind: &str) -> RoleAssignment {
    model(
        json!({"id": format!("{scope}/providers/Microsoft.Authorization/roleAssignments/x"),
        "name": "x", "properties": {
        "roleDefinitionId": format!("/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/{role}"),
        "principalId": principal, "principalType": kind, "scope": scope}}),
    )
}

/// What a workspace identity holds on its own side.
fn identity_roles(ws: &ResourceId, principal: &str, region: &str) -> Vec<RoleAssignment> {
    vec![
        ra(
            &ws.to_string(),
            principal,
            role::CONTRIBUTOR,
            "ServicePrincipal",
        ),
        ra(
            &storage_of(region),
            principal,
            role::STORAGE_BLOB_DATA_CONTRIBUTOR,
            "ServicePrincipal",
        ),
        ra(
            VAULT,
            principal,
            role::KEY_VAULT_ADMINISTRATOR,
            "ServicePrincipal",
        ),
    ]
}

/// The demo pair, both identities holding their roles, a user with AzureML Data Scientist on
/// both; `edit` changes the roles before they are derived.
fn setup(edit: impl FnOnce(&mut AmlRoles)) -> Obs {
    let mut o = Obs::demo();
    let (p, s) = o.pair("workspace");
    o.read(
        &p,
        Reading::Workspace(workspace(&p, Some(P_ID), "eastus"), Vec::new()),
    )
    .read(
        &s,
        Reading::Workspace(workspace(&s, Some(S_ID), "westus"), Vec::new()),
    );
    let kv = o.resource("secrets");
    o.read(
        &kv,
        Reading::KeyVault(model(json!({"id": VAULT, "name": "kv-contoso-ml",
        "properties": {"enableRbacAuthorization": true}}))),
    );
    let mut roles = AmlRoles {
        read_at: o.obs.now,
        primary_workspace: Ok(workspace(&p, Some(P_ID), "eastus")),
        at_primary: Ok(vec![
            ra(&p.to_string(), P_ID, role::CONTRIBUTOR, "ServicePrincipal"),
            ra(&p.to_string(), USER, role::AZUREML_DATA_SCIENTIST, "User"),
        ]),
        at_secondary: Ok(vec![
            ra(&s.to_string(), S_ID, role::CONTRIBUTOR, "ServicePrincipal"),
            ra(&s.to_string(), USER, role::AZUREML_DATA_SCIENTIST, "User"),
        ]),
        primary_identity: Some(Ok(identity_roles(&p, P_ID, "eastus"))),
        secondary_identity: Some(Ok(identity_roles(&s, S_ID, "westus"))),
    };
    edit(&mut roles);
    o.obs.aml.insert(
        "workspace".into(),
        AmlReadiness {
            roles: Some(roles),
            ..Default::default()
        },
    );
    o
}

fn roles_check(o: &Obs) -> crate::health::model::Check {
    check(&o.component("workspace"), "identity roles").clone()
}

#[test]
fn identities_and_users_with_their_roles_on_both_sides_pass() {
    let o = setup(|_| {});
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(true), "{}", k.reason);
    let c = o.component("workspace");
    let rows: Vec<_> = c
        .standby
        .iter()
        .filter(|x| x.check.as_str() == "identity roles")
        .collect();
    assert_eq!(rows.len(), 4, "{rows:#?}");
    assert!(
        rows.iter()
            .all(|r| r.primary == Some(true) && r.secondary == Some(true))
    );
    assert!(
        rows.iter()
            .any(|r| r.item == format!("AzureML Data Scientist: user {USER}"))
    );
}

#[test]
fn the_secondary_identity_without_its_storage_role_fails_naming_role_and_scope() {
    let o = setup(|r| {
        if let Some(Ok(l)) = &mut r.secondary_identity {
            l.retain(|a| a.properties.role() != role::STORAGE_BLOB_DATA_CONTRIBUTOR);
        }
    });
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason
            .contains("lacks Storage Blob Data Contributor on its default storage (stmlwwestus)"),
        "{}",
        k.reason
    );
    let c = o.component("workspace");
    let row = missing(&c).expect("a failing row");
    let fix = row.fix.as_deref().unwrap();
    assert!(fix.starts_with(&format!("az role assignment create --assignee-object-id {S_ID} --assignee-principal-type ServicePrincipal --role \"Storage Blob Data Contributor\" --scope ")), "{fix}");
    assert!(fix.ends_with("storageAccounts/stmlwwestus"), "{fix}");
    assert!(!c.ready);
}

#[test]
fn a_role_held_at_a_parent_scope_counts() {
    let o = setup(|r| {
        if let Some(Ok(l)) = &mut r.secondary_identity {
            l.retain(|a| a.properties.role() != role::CONTRIBUTOR);
            l.push(ra(
                "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b",
                S_ID,
                role::OWNER,
                "ServicePrincipal",
            ));
        }
    });
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(true), "{}", k.reason);
}

#[test]
fn a_user_role_only_on_the_primary_fails_with_the_user_and_the_fix() {
    let o = setup(|r| {
        if let Ok(l) = &mut r.at_secondary {
            l.retain(|a| a.properties.principal_id != USER);
        }
    });
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason.contains(&format!("AzureML Data Scientist of user {USER} is on the primary workspace, not on mlw-contoso-westus")),
        "{}",
        k.reason
    );
    let c = o.component("workspace");
    let row = missing(&c).unwrap();
    assert!(
        row.fix
            .as_deref()
            .unwrap()
            .contains("--assignee-principal-type User --role \"AzureML Data Scientist\"")
    );
}

#[test]
fn a_workspace_without_identity_fails() {
    let mut o = setup(|_| {});
    let (_, s) = o.pair("workspace");
    o.read(
        &s,
        Reading::Workspace(workspace(&s, None, "westus"), Vec::new()),
    );
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(false));
    assert!(k.reason.contains("has no managed identity"), "{}", k.reason);
}

#[test]
fn unreadable_assignments_leave_the_check_undecided() {
    let o = setup(|r| {
        r.at_secondary = Err(ReadError {
            message: "403 AuthorizationFailed".into(),
            not_responding: false,
            auth: true,
            transient: false,
        })
    });
    let k = roles_check(&o);
    assert_eq!(k.passed, None, "{}", k.reason);
    assert!(
        k.reason
            .contains("could not be read: 403 AuthorizationFailed"),
        "{}",
        k.reason
    );
    // Not read at all: undecided too, never a pass.
    let mut o = Obs::demo();
    o.obs
        .aml
        .insert("workspace".into(), AmlReadiness::default());
    let (p, s) = o.pair("workspace");
    o.read(
        &p,
        Reading::Workspace(workspace(&p, Some(P_ID), "eastus"), Vec::new()),
    )
    .read(
        &s,
        Reading::Workspace(workspace(&s, Some(S_ID), "westus"), Vec::new()),
    );
    assert_eq!(roles_check(&o).passed, None);
}

#[test]
fn a_vault_with_access_policies_needs_a_policy_for_the_identity() {
    let mut o = setup(|_| {});
    let kv = o.resource("secrets");
    o.read(
        &kv,
        Reading::KeyVault(model(json!({"id": VAULT, "name": "kv-contoso-ml",
        "properties": {"enableRbacAuthorization": false, "accessPolicies": [
            {"objectId": P_ID, "permissions": {"secrets": ["get", "list"]}}]}}))),
    );
    let k = roles_check(&o);
    assert_eq!(k.passed, Some(false));
    assert!(
        k.reason
            .contains("no access policy reading secrets of kv-contoso-ml"),
        "{}",
        k.reason
    );
}

/// The first failing row of the side-by-side view beside `linked resources` (the test
/// workspaces link nothing).
fn missing(
    c: &crate::health::model::ComponentStatus,
) -> Option<&crate::health::model::StandbyItem> {
    c.standby
        .iter()
        .find(|x| x.missing() && x.check.as_str() != "linked resources")
}

#[test]
fn without_the_primary_workspace_service_principals_are_not_compared() {
    // The primary's region is down: its workspace unread, the (global) role assignments read;
    // its identity's Contributor must not read as a person's role missing on the secondary.
    let o = setup(|r| {
        r.primary_workspace = Err(ReadError {
            message: "timed out".into(),
            not_responding: true,
            auth: false,
            transient: true,
        });
        r.primary_identity = None;
    });
    let k = roles_check(&o);
    assert_eq!(k.passed, None, "{}", k.reason);
    assert!(
        k.reason
            .contains("the roles of 1 service principal(s) on it are not compared"),
        "{}",
        k.reason
    );
    // A person's role missing is still a failure.
    let o = setup(|r| {
        r.primary_workspace = Err(ReadError {
            message: "timed out".into(),
            not_responding: true,
            auth: false,
            transient: true,
        });
        if let Ok(l) = &mut r.at_secondary {
            l.retain(|a| a.properties.principal_id != USER);
        }
    });
    assert_eq!(roles_check(&o).passed, Some(false));
}
