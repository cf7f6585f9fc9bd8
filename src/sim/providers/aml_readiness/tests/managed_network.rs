//! Tests of `aml_readiness::managed`: outbound rules and the `managed-network` drift.
use super::*;

#[test]
fn outbound_rules_are_active_until_managed_network_drift() {
    let mut w = world();
    let (e, s) = (ws(&w, "eastus"), ws(&w, "westus"));
    let sid = id(&w, s);
    let rules = |w: &mut World, i: usize| {
        let id = id(w, i);
        values(get(w, &format!("{id}/outboundRules"), &[]).unwrap())
    };
    let list = rules(&mut w, s);
    let user: Vec<&Value> = list
        .iter()
        .filter(|r| r["properties"]["category"] == "UserDefined")
        .collect();
    assert_eq!(user.len(), 2);
    assert_eq!(user[0]["name"], "pypi");
    assert_eq!(user[0]["properties"]["type"], "FQDN");
    assert_eq!(user[0]["properties"]["destination"], "pypi.org");
    assert_eq!(user[1]["name"], "data-blob");
    assert_eq!(user[1]["properties"]["type"], "PrivateEndpoint");
    let dest = &user[1]["properties"]["destination"];
    assert!(
        dest["serviceResourceId"]
            .as_str()
            .unwrap()
            .ends_with("/stcontosotraindata")
    );
    assert_eq!(
        (
            dest["subresourceTarget"].clone(),
            dest["sparkEnabled"].clone()
        ),
        (json!("blob"), json!(false))
    );
    assert!(
        list.iter()
            .any(|r| r["properties"]["category"] == "Required"
                && r["properties"]["destination"]["serviceTag"] == "AzureMachineLearning")
    );
    assert!(list.iter().all(|r| r["properties"]["status"] == "Active"));
    let strip = |l: Vec<Value>| -> Vec<Value> {
        l.into_iter()
            .filter(|r| r["properties"]["category"] == "UserDefined")
            .map(|r| r["properties"].clone())
            .collect()
    };
    assert_eq!(
        strip(rules(&mut w, e)),
        strip(list.clone()),
        "the same in both"
    );
    let one = get(&mut w, &format!("{sid}/outboundRules/PYPI"), &[]).unwrap();
    assert_eq!(one, *user[0]);
    assert_eq!(
        get(&mut w, &format!("{sid}/outboundRules/nope"), &[])
            .unwrap_err()
            .status,
        404
    );
    drift_ws(&mut w, s, "managed-network");
    assert!(
        rules(&mut w, s)
            .iter()
            .all(|r| r["properties"]["status"] == "Inactive")
    );
    assert!(
        rules(&mut w, e)
            .iter()
            .all(|r| r["properties"]["status"] == "Active")
    );
    assert_eq!(
        w.render(s, &sid, false)["properties"]["managedNetwork"]["status"]["status"],
        "Inactive"
    );
    drift_ws(&mut w, s, "restore");
    assert_eq!(rules(&mut w, s), list);
}
