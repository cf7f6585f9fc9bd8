//! Helpers shared by the integration tests: a simulator on loopback and a raw ARM caller.
#![allow(dead_code)]

use std::time::{Duration, Instant};

use azfailover::config::Config;
use azfailover::sim::{Fault, SimOptions, SimServer};
use serde_json::Value;

pub mod bench_like;

pub const SUB: &str = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";

/// A resource id of the demo deployment: `rg` group, then the provider path.
pub fn rid(rg: &str, provider_path: &str) -> String {
    format!("/subscriptions/{SUB}/resourceGroups/{rg}/providers/{provider_path}")
}

pub fn storage_id() -> String {
    rid(
        "rg-contoso-ml-data",
        "Microsoft.Storage/storageAccounts/stcontosotraindata",
    )
}

pub fn sql_fg(server: &str) -> String {
    rid(
        "rg-contoso-ml-data",
        &format!("Microsoft.Sql/servers/{server}/failoverGroups/fog-contoso-features"),
    )
}

pub fn cosmos_id() -> String {
    rid(
        "rg-contoso-ml-data",
        "Microsoft.DocumentDB/databaseAccounts/cosmos-contoso-sessions",
    )
}

pub fn workspace(region: &str) -> String {
    rid(
        &format!("rg-contoso-ml-{region}"),
        &format!("Microsoft.MachineLearningServices/workspaces/mlw-contoso-{region}"),
    )
}

pub fn aks(region: &str) -> String {
    rid(
        &format!("rg-contoso-ml-{region}"),
        &format!("Microsoft.ContainerService/managedClusters/aks-contoso-{region}"),
    )
}

pub fn pg(region: &str) -> String {
    rid(
        &format!("rg-contoso-ml-{region}"),
        &format!("Microsoft.DBforPostgreSQL/flexibleServers/psql-contoso-{region}"),
    )
}

pub fn tm_id() -> String {
    rid(
        "rg-contoso-ml-global",
        "Microsoft.Network/trafficManagerProfiles/tm-contoso-scoring",
    )
}

/// A simulator of the demo deployment at a high time scale, with a raw client.
pub struct Sim {
    pub server: SimServer,
    pub http: reqwest::Client,
}

/// A response: status, headers and parsed JSON (Null when empty).
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Sim {
    pub async fn start(scale: f64) -> Sim {
        Sim::with_config(&Config::demo(), scale).await
    }

    pub async fn with_config(cfg: &Config, scale: f64) -> Sim {
        Sim::with_options(
            cfg,
            SimOptions {
                time_scale: Some(scale),
                ..Default::default()
            },
        )
        .await
    }

    /// A simulator of `cfg` with these options (e.g. `rate_limits`: ARM's token buckets).
    pub async fn with_options(cfg: &Config, opts: SimOptions) -> Sim {
        let server = SimServer::start(cfg, opts).await.expect("simulator starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        Sim { server, http }
    }

    pub fn url(&self) -> &str {
        self.server.url()
    }

    /// Sends an authenticated request; `path` may already carry a query.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let url = if path.starts_with("http") {
            path.to_string()
        } else if path.contains("api-version=") {
            format!("{}{path}", self.url())
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{}{path}{sep}api-version=2025-01-01", self.url())
        };
        let mut req = self
            .http
            .request(method.parse().unwrap(), &url)
            .bearer_auth("test-token");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Resp {
            status,
            headers,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Value {
        let r = self.call("GET", path, None).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.json);
        r.json
    }

    /// Follows an LRO's Azure-AsyncOperation (preferred) or Location to its end; returns
    /// (terminal status, last monitor response).
    pub async fn wait_lro(&self, started: &Resp) -> (String, Resp) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let async_url = started.header("azure-asyncoperation").map(str::to_string);
        let mut location = started.header("location").map(str::to_string);
        loop {
            assert!(Instant::now() < deadline, "LRO did not finish in time");
            tokio::time::sleep(Duration::from_millis(30)).await;
            if let Some(u) = &async_url {
                let r = self.call("GET", u, None).await;
                assert_eq!(r.status, 200, "async monitor: {}", r.json);
                let s = r.json["status"].as_str().unwrap().to_string();
                if s != "InProgress" {
                    return (s, r);
                }
            } else {
                let u = location.clone().expect("a monitor header");
                let r = self.call("GET", &u, None).await;
                match r.status {
                    202 => {
                        if let Some(l) = r.header("location") {
                            location = Some(l.to_string());
                        }
                    }
                    200 | 204 => return ("Succeeded".into(), r),
                    _ => return ("Failed".into(), r),
                }
            }
        }
    }

    pub fn inject(&self, f: Fault) {
        self.server.inject(&f).expect("fault applies");
    }

    /// What the simulator applied (its operation log): (method, lowercase path, status).
    pub async fn applied(&self) -> Vec<(String, String, u64)> {
        self.state().await["operations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                (
                    o["method"].as_str().unwrap().to_string(),
                    o["path"].as_str().unwrap().to_ascii_lowercase(),
                    o["status"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    pub async fn state(&self) -> Value {
        let r = self
            .http
            .get(format!("{}/_sim/state", self.url()))
            .send()
            .await
            .unwrap();
        r.json().await.unwrap()
    }
}

/// A deployment of a fleet: the demo's topology with `contoso` renamed `name` (so every
/// resource is its own), in `primary` → `secondary`, pointed at `url` and refreshing every
/// second. Its storage component is named after it too: the simulated workspaces of a fleet's
/// world hold a datastore per storage component, and the standby must have the same ones.
pub fn fleet_member(name: &str, primary: &str, secondary: &str, url: &str) -> String {
    let mut text = azfailover::config::DEMO_TOML
        .replace("contoso", name)
        .replace("eastus", "\u{1}")
        .replace("westus", "\u{2}")
        .replace('\u{1}', primary)
        .replace('\u{2}', secondary)
        .replace("http://127.0.0.1:0", url)
        .replace(
            "name = \"training-data\"",
            &format!("name = \"{name}-training-data\""),
        );
    text.push_str("\n[console]\nrefresh_seconds = 1\n");
    text
}

/// The fleet the tests use: contoso and fabrikam in eastus → westus, tailspin in westus →
/// eastus (an eastus outage takes two primaries and one standby down). The simulator's Azure
/// ML registry replicates to the first deployment's two regions, so all three share them.
pub const FLEET: [(&str, &str, &str); 3] = [
    ("contoso", "eastus", "westus"),
    ("fabrikam", "eastus", "westus"),
    ("tailspin", "westus", "eastus"),
];

/// Writes the fleet's configurations into `dir` (`<name>.toml`), pointed at `url`.
pub fn write_fleet(dir: &std::path::Path, url: &str) -> Vec<std::path::PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    FLEET
        .iter()
        .map(|(name, p, s)| {
            let path = dir.join(format!("{name}.toml"));
            std::fs::write(&path, fleet_member(name, p, s, url)).unwrap();
            path
        })
        .collect()
}

/// The fleet's configurations, parsed (pointed at `url`).
pub fn fleet_configs(url: &str) -> Vec<Config> {
    FLEET
        .iter()
        .map(|(name, p, s)| {
            Config::parse(&fleet_member(name, p, s, url), &format!("{name}.toml"))
                .expect("a fleet member parses")
        })
        .collect()
}
