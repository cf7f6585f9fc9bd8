//! Tests of `aml_readiness::roles`: role assignments and definitions, the role drifts.
use super::*;

/// (principalId, roleDefinition GUID, scope) of each assignment of a list.
fn triples(list: &[Value]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|a| {
            let p = &a["properties"];
            let role = p["roleDefinitionId"].as_str().unwrap();
            (
                p["principalId"].as_str().unwrap().to_string(),
                role.rsplit('/').next().unwrap().to_string(),
                p["scope"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The role assignments at `scope`, with `$filter` when given.
fn role_list(w: &mut World, scope: &str, filter: Option<&str>) -> Vec<Value> {
    let path = format!("{scope}/providers/Microsoft.Authorization/roleAssignments");
    let q: Vec<(&str, &str)> = filter.map(|f| ("$filter", f)).into_iter().collect();
    values(get(w, &path, &q).unwrap())
}

#[test]
fn the_workspace_identity_holds_its_roles_on_what_it_links_to() {
    let mut w = world();
    let s = ws(&w, "westus");
    let wid = id(&w, s);
    let p = roles::workspace_principal(&wid);
    let props = w.render(s, &wid, false)["properties"].clone();
    let at_ws = role_list(&mut w, &wid, Some("atScope()"));
    let mut got = triples(&at_ws);
    got.sort();
    let mut want = vec![
        (p.clone(), roles::CONTRIBUTOR.to_string(), wid.clone()),
        (
            roles::USER.into(),
            roles::DATA_SCIENTIST.into(),
            wid.clone(),
        ),
        (roles::GROUP.into(), roles::CONTRIBUTOR.into(), wid.clone()),
    ];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(role_list(&mut w, &wid, None), at_ws, "no filter: the same");
    let a = &at_ws[0];
    assert_eq!(a["type"], "Microsoft.Authorization/roleAssignments");
    assert!(a["id"].as_str().unwrap().starts_with(&format!(
        "{wid}/providers/Microsoft.Authorization/roleAssignments/"
    )));
    assert!(
        a["properties"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .starts_with(&format!(
                "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/",
                w.subscription
            ))
    );
    let principal_type = |l: &[Value], who: &str| {
        l.iter()
            .find(|a| a["properties"]["principalId"] == who)
            .map(|a| a["properties"]["principalType"].clone())
    };
    assert_eq!(principal_type(&at_ws, &p), Some(json!("ServicePrincipal")));
    assert_eq!(principal_type(&at_ws, roles::USER), Some(json!("User")));
    assert_eq!(principal_type(&at_ws, roles::GROUP), Some(json!("Group")));
    // Its identity's assignments anywhere in the subscription, by principal.
    let sub = format!("/subscriptions/{}", w.subscription);
    let filter = format!("principalId eq '{p}'");
    let mine = triples(&role_list(&mut w, &sub, Some(&filter)));
    let data = w
        .resources
        .iter()
        .find(|r| r.kind == ComponentKind::Storage)
        .unwrap()
        .id
        .to_string();
    for (role, scope) in [
        (roles::CONTRIBUTOR, wid.as_str()),
        (
            roles::BLOB_DATA_CONTRIBUTOR,
            props["storageAccount"].as_str().unwrap(),
        ),
        (roles::BLOB_DATA_CONTRIBUTOR, &data),
        (
            roles::KEY_VAULT_ADMINISTRATOR,
            props["keyVault"].as_str().unwrap(),
        ),
        (
            roles::ACR_PULL,
            props["containerRegistry"].as_str().unwrap(),
        ),
    ] {
        assert!(
            mine.contains(&(p.clone(), role.to_string(), scope.to_string())),
            "{role} on {scope}: {mine:?}"
        );
    }
    assert_eq!(mine.len(), 5, "{mine:?}");
    // The same on the default storage's scope and the data account's (both identities).
    let default = props["storageAccount"].as_str().unwrap();
    assert_eq!(role_list(&mut w, default, Some("atScope()")).len(), 1);
    assert_eq!(role_list(&mut w, &data, None).len(), 2);
    // One assignment by name; names are unique.
    let name = at_ws[0]["name"].as_str().unwrap().to_string();
    let one = get(
        &mut w,
        &format!("{wid}/providers/Microsoft.Authorization/roleAssignments/{name}"),
        &[],
    )
    .unwrap();
    assert_eq!(one, at_ws[0]);
    let all = role_list(&mut w, &sub, None);
    let names: BTreeSet<&str> = all.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), all.len());
    assert!(role_list(&mut w, &sub, Some("atScope()")).is_empty());
}

#[test]
fn role_reads_refuse_what_arm_refuses() {
    let mut w = world();
    let wid = id(&w, ws(&w, "westus"));
    let base = format!("{wid}/providers/Microsoft.Authorization/roleAssignments");
    let e = get(&mut w, &base, &[("$filter", "roleName eq 'x'")]).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (400, "UnsupportedQuery"));
    let e = get(
        &mut w,
        &format!("{base}/00000000-0000-0000-0000-000000000000"),
        &[],
    )
    .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (404, "RoleAssignmentNotFound"));
    let nowhere = format!("{wid}x/providers/Microsoft.Authorization/roleAssignments");
    assert_eq!(
        get(&mut w, &nowhere, &[]).unwrap_err().code,
        "ResourceNotFound"
    );
    let rg = format!(
        "/subscriptions/{}/resourceGroups/rg-nope/providers/Microsoft.Authorization/roleAssignments",
        w.subscription
    );
    assert_eq!(
        get(&mut w, &rg, &[]).unwrap_err().code,
        "ResourceGroupNotFound"
    );
    // assignedTo() as az sends it with --include-groups: the principal's own.
    let f = format!("atScope() and assignedTo('{}')", roles::USER);
    assert_eq!(role_list(&mut w, &wid, Some(&f)).len(), 1);
    // The role definitions the assignments name.
    let defs = values(
        get(
            &mut w,
            &format!("{wid}/providers/Microsoft.Authorization/roleDefinitions"),
            &[],
        )
        .unwrap(),
    );
    let ids: Vec<&str> = defs.iter().map(|d| d["id"].as_str().unwrap()).collect();
    for a in role_list(&mut w, &wid, None) {
        assert!(ids.contains(&a["properties"]["roleDefinitionId"].as_str().unwrap()));
    }
    let one = format!(
        "/subscriptions/{}/providers/Microsoft.Authorization/roleDefinitions/{}",
        w.subscription,
        roles::ACR_PULL
    );
    assert_eq!(
        get(&mut w, &one, &[]).unwrap()["properties"]["roleName"],
        "AcrPull"
    );
}

#[test]
fn role_drifts_remove_assignments_of_one_workspace_and_restore_brings_them_back() {
    let mut w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let (eid, sid) = (id(&w, e), id(&w, s));
    let sub = format!("/subscriptions/{}", w.subscription);
    let of = |w: &mut World, who: &str| {
        role_list(w, &sub, Some(&format!("principalId eq '{who}'"))).len()
    };
    let ps = roles::workspace_principal(&sid);
    let pe = roles::workspace_principal(&eid);
    assert_eq!((of(&mut w, &ps), of(&mut w, &pe)), (5, 5));
    drift_ws(&mut w, s, "role-assignment");
    assert_eq!((of(&mut w, &ps), of(&mut w, &pe)), (0, 5));
    assert_eq!(role_list(&mut w, &sid, None).len(), 2, "users keep theirs");
    drift_ws(&mut w, s, "user-role");
    assert!(role_list(&mut w, &sid, None).is_empty());
    assert_eq!(
        role_list(&mut w, &eid, None).len(),
        3,
        "the other keeps its own"
    );
    assert_eq!(of(&mut w, roles::USER), 1);
    drift_ws(&mut w, s, "restore");
    assert_eq!(of(&mut w, &ps), 5);
    assert_eq!(role_list(&mut w, &sid, None).len(), 3);
}
