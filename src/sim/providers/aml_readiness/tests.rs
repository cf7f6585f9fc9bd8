//! Tests of `aml_readiness`.
use super::*;
use crate::config::Config;
use crate::sim::clock::SimClock;

fn world() -> World {
    World::from_config(&Config::demo(), SimClock::new(1.0))
}

fn ws(w: &World, region: &str) -> usize {
    w.resources
        .iter()
        .position(|r| r.kind == ComponentKind::MlWorkspace && r.home.as_str() == region)
        .unwrap()
}

#[test]
fn the_default_storage_is_the_one_the_workspace_links() {
    let w = world();
    let i = ws(&w, "westus");
    let linked = w.render(i, w.resources[i].id.as_str(), false)["properties"]["storageAccount"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(linked.ends_with(&format!("/{}", default_storage(w.resources[i].id.name()))));
}

#[test]
fn drift_removes_a_datastore_and_restore_brings_it_back() {
    let mut w = world();
    let i = ws(&w, "westus");
    let names = |w: &World| -> Vec<String> {
        all_datastores(w, i)
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(names(&w).contains(&"training_data".to_string()));
    drift(&mut w, &[i], "datastore", Some("training_data")).unwrap();
    assert!(!names(&w).contains(&"training_data".to_string()));
    assert!(drift(&mut w, &[i], "datastore", Some("nope")).is_err());
    assert!(drift(&mut w, &[i], "bogus", None).is_err());
    drift(&mut w, &[i], "restore", None).unwrap();
    assert!(names(&w).contains(&"training_data".to_string()));
}

#[test]
fn usage_counts_what_the_region_holds_and_a_fault_sets_the_limit() {
    let mut w = world();
    let east = Region::new("eastus");
    let west = Region::new("westus");
    // The serving cluster holds one A100 node; the serving deployment 3 instances (+20%).
    let used = in_use(&w, &east);
    assert_eq!(used.get("standardNCADSA100v4Family"), Some(&24));
    assert_eq!(used.get("standardDSv2Family"), Some(&16));
    assert_eq!(limit(&w, &west, Some("standardNCADSA100v4Family")), 320);
    set_quota(&mut w, &west, 48, Some("NCADSA100v4")).unwrap();
    assert_eq!(limit(&w, &west, Some("standardNCADSA100v4Family")), 48);
    assert_eq!(limit(&w, &west, Some("standardDSv2Family")), 200);
    set_quota(&mut w, &west, 0, None).unwrap();
    assert_eq!(limit(&w, &west, None), 0);
    assert_eq!(limit(&w, &west, Some("standardDSv2Family")), 0);
    assert!(set_quota(&mut w, &west, 1, Some("nope")).is_err());
    let u = usages(&w, &east);
    assert!(u.iter().any(|x| x["name"]["value"]
        == "Standard NCADSA100v4 Family Cluster Dedicated vCPUs"
        && x["currentValue"] == 24));
}
