//! The benchmark's deployment (`examples/bench.rs`), shared with the tests that measure a
//! deployment like it (`tests/integration/health.rs`): one generator, so both read the same.

use std::fmt::Write;

/// The subscription of the generated deployment.
pub const SUB: &str = "00000000-0000-0000-0000-0000000000b0";

/// `n` components cycling through ten kinds, half paired (one resource per region), half
/// replicated: the configuration's TOML.
pub fn toml(n: usize) -> String {
    let mut t = format!(
        "[deployment]\nname = \"bench\"\nsubscription_id = \"{SUB}\"\nprimary_region = \"eastus\"\nsecondary_region = \"westus\"\nrto_minutes = 60\nrpo_minutes = 15\narm_endpoint = \"http://127.0.0.1:1\"\n\n[auth]\nmethod = \"simulator\"\n"
    );
    let rid = |rg: &str, p: &str| format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{p}");
    for i in 0..n {
        let (kind, body) = match i % 10 {
            0 => (
                "storage",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.Storage/storageAccounts/st{i}")
                    )
                ),
            ),
            1 => (
                "sql-failover-group",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.Sql/servers/sql{i}-eastus/failoverGroups/fog{i}")
                    )
                ),
            ),
            2 => (
                "cosmos-db",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-data",
                        &format!("Microsoft.DocumentDB/databaseAccounts/cos{i}")
                    )
                ),
            ),
            3 => (
                "container-registry",
                format!(
                    "resource = \"{}\"",
                    rid(
                        "rg-g",
                        &format!("Microsoft.ContainerRegistry/registries/acr{i}")
                    )
                ),
            ),
            4 => (
                "traffic-manager",
                format!(
                    "resource = \"{}\"\nprimary_endpoint = \"e\"\nsecondary_endpoint = \"w\"",
                    rid(
                        "rg-g",
                        &format!("Microsoft.Network/trafficManagerProfiles/tm{i}")
                    )
                ),
            ),
            5 => (
                "aks",
                paired(&rid, "Microsoft.ContainerService/managedClusters/aks", i),
            ),
            6 => (
                "ml-workspace",
                paired(&rid, "Microsoft.MachineLearningServices/workspaces/ws", i),
            ),
            7 => (
                "postgres-flexible",
                paired(&rid, "Microsoft.DBforPostgreSQL/flexibleServers/pg", i),
            ),
            8 => (
                "app-insights",
                paired(&rid, "Microsoft.Insights/components/ai", i),
            ),
            _ => (
                "key-vault",
                format!(
                    "resource = \"{}\"",
                    rid("rg-g", &format!("Microsoft.KeyVault/vaults/kv{i}"))
                ),
            ),
        };
        let _ = write!(
            t,
            "\n[[components]]\nname = \"c{i}\"\nkind = \"{kind}\"\nmode = \"hot-cold\"\n{body}\n"
        );
    }
    t
}

fn paired(rid: &dyn Fn(&str, &str) -> String, prefix: &str, i: usize) -> String {
    format!(
        "primary = \"{}\"\nsecondary = \"{}\"",
        rid("rg-e", &format!("{prefix}{i}e")),
        rid("rg-w", &format!("{prefix}{i}w"))
    )
}
