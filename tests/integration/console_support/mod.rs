//! A hand-built demo-like deployment (contoso-ml, eastus → westus) for the console tests:
//! a healthy snapshot, one during an East US outage, and helpers to draw and inspect screens.
#![allow(dead_code)]

use azfailover::config::Config;
use azfailover::console::ui::theme::Theme;
use azfailover::console::{Action, App, Badge, ConsoleOptions, update};
use azfailover::health::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Cell;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// When the healthy snapshot was taken.
pub const T0: OffsetDateTime = datetime!(2026-11-26 02:30:00 UTC);
/// When the outage snapshot was taken.
pub const T1: OffsetDateTime = datetime!(2026-11-26 02:43:10 UTC);

const SUB: &str = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups";

/// Console options for the demo configuration.
pub fn options(badge: Badge) -> ConsoleOptions {
    ConsoleOptions {
        config: Config::demo(),
        badge,
        read_only: false,
        identity: Some("oncall@contoso.com (tenant 72f988bf)".into()),
        scenario: None,
        faults: None,
        initial: None,
        reports_dir: std::path::PathBuf::from("/nonexistent/azfailover/reports"),
        host: None,
        sim_clock: None,
    }
}

/// An app on `opts` that has received `snaps` in order, 12 s after the last one was taken.
pub fn app_with(opts: &ConsoleOptions, size: (u16, u16), snaps: &[Snapshot]) -> App {
    let first = snaps.first().map_or(T0, |s| s.taken_at);
    let mut app = App::new(opts, Theme::color(), first, size);
    for s in snaps {
        update(&mut app, Action::Tick(s.taken_at + Duration::seconds(2)));
        update(
            &mut app,
            Action::Health(HealthMsg::Snapshot(Box::new(s.clone()))),
        );
    }
    let last = snaps.last().map_or(T0, |s| s.taken_at);
    update(&mut app, Action::Tick(last + Duration::seconds(12)));
    app
}

/// Draws the app into a TestBackend of its size.
pub fn draw(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal
        .draw(|f| azfailover::console::ui::draw(f, app))
        .unwrap();
    terminal
}

/// The row text of the drawn screen.
pub fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

/// The cell where `text` first starts on screen.
pub fn cell_of<'a>(terminal: &'a Terminal<TestBackend>, text: &str) -> &'a Cell {
    let buf = terminal.backend().buffer();
    for (y, row) in rows(terminal).iter().enumerate() {
        if let Some(byte) = row.find(text) {
            let x = row[..byte].chars().count() as u16;
            return &buf[(x, y as u16)];
        }
    }
    panic!("'{text}' is not on screen:\n{}", rows(terminal).join("\n"));
}

/// Whether `text` is anywhere on screen.
pub fn on_screen(terminal: &Terminal<TestBackend>, text: &str) -> bool {
    rows(terminal).iter().any(|r| r.contains(text))
}

/// A full resource id in a resource group.
fn rid(rg: &str, provider: &str, name: &str) -> String {
    format!("{SUB}/{rg}/providers/{provider}/{name}")
}

/// An instance of a component.
fn inst(region: &str, health: InstanceHealth, id: &str, state: &str) -> InstanceStatus {
    InstanceStatus {
        region: region.into(),
        health,
        resource_id: id.into(),
        state: state.into(),
        detail: None,
    }
}

/// A readiness check.
fn check(name: &str, passed: Option<bool>, reason: &str) -> Check {
    Check {
        name: name.into(),
        passed,
        reason: reason.into(),
    }
}

/// A component with sensible defaults.
fn comp(name: &str, kind: &str, mode: &str, instances: Vec<InstanceStatus>) -> ComponentStatus {
    ComponentStatus {
        name: name.into(),
        kind: azfailover::config::ComponentKind::parse(kind).expect("a kind"),
        mode: azfailover::config::Mode::parse(mode).expect("a mode"),
        active_region: "eastus".into(),
        ready: true,
        ha_status: if mode == "hot-hot" {
            "both serving".into()
        } else {
            "standby ready".into()
        },
        instances,
        lag_seconds: None,
        rpo_seconds: 900,
        last_sync_time: None,
        checks: vec![check("secondary exists", Some(true), "found in westus")],
        properties: Vec::new(),
        az_commands: Vec::new(),
        errors: Vec::new(),
        standby: Vec::new(),
        idle: Vec::new(),
    }
}

/// A paired component: one resource per region.
fn paired(
    name: &str,
    kind: &str,
    mode: &str,
    provider: &str,
    names: [&str; 2],
    states: [&str; 2],
) -> ComponentStatus {
    let e = rid("rg-contoso-ml-eastus", provider, names[0]);
    let w = rid("rg-contoso-ml-westus", provider, names[1]);
    comp(
        name,
        kind,
        mode,
        vec![
            inst("eastus", InstanceHealth::Available, &e, states[0]),
            inst("westus", InstanceHealth::Available, &w, states[1]),
        ],
    )
}

/// A replicated component: one resource seen in both regions.
fn replicated(
    name: &str,
    kind: &str,
    mode: &str,
    rg: &str,
    provider: &str,
    res: &str,
    states: [&str; 2],
) -> ComponentStatus {
    let id = rid(rg, provider, res);
    comp(
        name,
        kind,
        mode,
        vec![
            inst("eastus", InstanceHealth::Available, &id, states[0]),
            inst("westus", InstanceHealth::Available, &id, states[1]),
        ],
    )
}

/// A region.
fn region(name: &str, display: &str, role: RegionRole) -> RegionStatus {
    RegionStatus {
        name: name.into(),
        display_name: display.into(),
        role,
        health: RegionHealth::Healthy,
        reason: "all 11 resources available".into(),
        incidents: Vec::new(),
        resources: 11,
        available: 11,
        not_responding_since: None,
    }
}

/// The demo deployment, everything healthy (training-data lags 95 s of a 900 s RPO).
pub fn healthy() -> Snapshot {
    let ml = "Microsoft.MachineLearningServices/workspaces";
    let mut workspace = paired(
        "workspace",
        "ml-workspace",
        "hot-cold",
        ml,
        ["mlw-contoso-eastus", "mlw-contoso-westus"],
        ["Succeeded", "Succeeded"],
    );
    workspace.az_commands =
        vec!["az ml workspace show -n mlw-contoso-westus -g rg-contoso-ml-westus".into()];
    let mut train = paired(
        "train-cluster",
        "ml-compute",
        "hot-cold",
        ml,
        [
            "mlw-contoso-eastus/computes/gpu-train",
            "mlw-contoso-westus/computes/gpu-train",
        ],
        ["Running, 7 nodes", "0 nodes (min 0, max 8)"],
    );
    train.ha_status = "standby ready (scales on demand)".into();
    let mut aks = paired(
        "batch-aks",
        "aks",
        "hot-cold",
        "Microsoft.ContainerService/managedClusters",
        ["aks-contoso-eastus", "aks-contoso-westus"],
        ["Running, 3 nodes", "Stopped"],
    );
    aks.ha_status = "standby stopped: start takes ~5 min".into();
    let mut pg = paired(
        "run-metadata",
        "postgres-flexible",
        "hot-cold",
        "Microsoft.DBforPostgreSQL/flexibleServers",
        ["psql-contoso-eastus", "psql-contoso-westus"],
        ["Ready, primary", "Ready, read replica"],
    );
    pg.lag_seconds = Some(4.0);
    pg.rpo_seconds = 300;
    let mut endpoint = paired(
        "churn-endpoint",
        "ml-online-endpoint",
        "hot-hot",
        ml,
        [
            "mlw-contoso-eastus/onlineEndpoints/churn-eastus",
            "mlw-contoso-westus/onlineEndpoints/churn-westus",
        ],
        ["Succeeded, 3 instances", "Succeeded, 3 instances"],
    );
    endpoint.active_region = "eastus".into();
    let telemetry = paired(
        "telemetry",
        "app-insights",
        "hot-hot",
        "Microsoft.Insights/components",
        ["appi-contoso-eastus", "appi-contoso-westus"],
        ["Succeeded", "Succeeded"],
    );
    let mut storage = replicated(
        "training-data",
        "storage",
        "hot-cold",
        "rg-contoso-ml-data",
        "Microsoft.Storage/storageAccounts",
        "stcontosotraindata",
        ["primary", "secondary (RA-GRS)"],
    );
    storage.lag_seconds = Some(95.0);
    storage.last_sync_time = Some(T0 - Duration::seconds(95));
    storage.checks = vec![
        check(
            "geo-redundant",
            Some(true),
            "sku Standard_RAGRS replicates to westus",
        ),
        check(
            "replication lag within RPO",
            Some(true),
            "95 s behind, RPO 15 min",
        ),
        check(
            "secondary region available",
            Some(true),
            "westus is healthy",
        ),
        check("failover allowed", Some(true), "canFailover is true"),
    ];
    storage.properties = vec![
        ("sku".into(), "Standard_RAGRS".into()),
        ("primary location".into(), "eastus".into()),
        ("secondary location".into(), "westus".into()),
        ("geo replication".into(), "Live".into()),
    ];
    storage.az_commands = vec![format!(
        "az storage account show --ids {} --expand geoReplicationStats --query geoReplicationStats",
        rid(
            "rg-contoso-ml-data",
            "Microsoft.Storage/storageAccounts",
            "stcontosotraindata"
        )
    )];
    let mut sql = replicated(
        "feature-store",
        "sql-failover-group",
        "hot-cold",
        "rg-contoso-ml-data",
        "Microsoft.Sql/servers",
        "sql-contoso-eastus/failoverGroups/fog-contoso-features",
        ["Primary", "Secondary"],
    );
    sql.lag_seconds = Some(3.0);
    sql.rpo_seconds = 60;
    let mut tm = replicated(
        "scoring-traffic",
        "traffic-manager",
        "hot-hot",
        "rg-contoso-ml-global",
        "Microsoft.Network/trafficManagerProfiles",
        "tm-contoso-scoring",
        ["endpoint Online", "endpoint Online"],
    );
    tm.ha_status = "both endpoints enabled".into();
    let sessions = replicated(
        "sessions",
        "cosmos-db",
        "hot-hot",
        "rg-contoso-ml-data",
        "Microsoft.DocumentDB/databaseAccounts",
        "cosmos-contoso-sessions",
        ["write region", "read region"],
    );
    let mut images = replicated(
        "images",
        "container-registry",
        "hot-hot",
        "rg-contoso-ml-global",
        "Microsoft.ContainerRegistry/registries",
        "acrcontosoml",
        ["home replica", "replica"],
    );
    images.checks.push(check(
        "geo-replication health",
        None,
        "observe only: Microsoft-managed",
    ));
    let mut secrets = replicated(
        "secrets",
        "key-vault",
        "hot-hot",
        "rg-contoso-ml-global",
        "Microsoft.KeyVault/vaults",
        "kv-contoso-ml",
        ["Succeeded", "paired-region replica"],
    );
    secrets.ha_status = "Microsoft-managed failover".into();
    secrets.checks = vec![check(
        "paired-region failover",
        None,
        "observe only: Microsoft decides",
    )];
    Snapshot {
        deployment: "contoso-ml".into(),
        subscription_id: "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b".into(),
        overall: Overall::Healthy,
        regions: vec![
            region("eastus", "East US", RegionRole::Primary),
            region("westus", "West US", RegionRole::Secondary),
        ],
        components: vec![
            workspace, train, aks, storage, sql, pg, endpoint, tm, sessions, images, secrets,
            telemetry,
        ],
        taken_at: T0,
        duration_ms: 840,
        requests: 41,
        identity: Some("oncall@contoso.com".into()),
        errors: Vec::new(),
        // Derived by the console, as for a snapshot cached before verdicts existed.
        verdict: Verdict::default(),
        facts: Default::default(),
        reads_left: None,
        reads_waited: 0,
    }
}

/// East US is down: Resource Health says unavailable, a Critical incident is active, its ARM
/// calls stopped answering at 02:41; hot/hot components serve from West US only.
pub fn outage() -> Snapshot {
    let mut s = healthy();
    s.taken_at = T1;
    s.overall = Overall::Outage;
    let east = &mut s.regions[0];
    east.health = RegionHealth::Outage;
    east.reason = "9 of 11 resources unavailable; Service Health incident".into();
    east.available = 2;
    east.not_responding_since = Some(datetime!(2026-11-26 02:41:02 UTC));
    east.incidents = vec![Incident {
        tracking_id: "VT4K-1Q8".into(),
        title: "Multiple services impacted in East US".into(),
        active: true,
        level: Some("Critical".into()),
        started: Some(datetime!(2026-11-26 02:38:00 UTC)),
    }];
    for c in &mut s.components {
        for i in c.instances.iter_mut().filter(|i| i.region == "eastus") {
            i.health = InstanceHealth::Unavailable;
            i.detail = Some("request timed out after 10 s".into());
        }
        if c.mode == azfailover::config::Mode::HotHot {
            c.ready = false;
            c.ha_status = "only westus serving".into();
            c.active_region = "westus".into();
        }
    }
    let storage = s
        .components
        .iter_mut()
        .find(|c| c.name == "training-data")
        .unwrap();
    storage.lag_seconds = Some(880.0);
    storage.checks[1] = Check {
        name: "replication lag within RPO".into(),
        passed: Some(true),
        reason: "880 s behind, RPO 15 min (frozen since the outage)".into(),
    };
    let sql = s
        .components
        .iter_mut()
        .find(|c| c.name == "feature-store")
        .unwrap();
    sql.lag_seconds = Some(190.0);
    sql.ready = false;
    sql.ha_status = "standby not ready: lag 190 s over RPO 60 s".into();
    let secrets = s
        .components
        .iter_mut()
        .find(|c| c.name == "secrets")
        .unwrap();
    secrets.ha_status = "Microsoft-managed failover".into();
    secrets.ready = true;
    s
}

/// After the failover, East US still down: the hot/cold components serve from West US.
pub fn after_failover() -> Snapshot {
    let mut s = outage();
    s.taken_at = T1 + Duration::minutes(20);
    for c in s
        .components
        .iter_mut()
        .filter(|c| c.mode == azfailover::config::Mode::HotCold)
    {
        c.active_region = "westus".into();
        c.ready = false;
        c.ha_status = "failed over to westus".into();
    }
    s
}

/// A component name that tries to inject terminal escapes and line breaks.
pub const HOSTILE: &str = "evil\x1b[31m-name\r\n\tx\u{7}";

/// A standby item of the workspace.
fn standby(
    check: CheckId,
    item: &str,
    primary: Option<bool>,
    secondary: Option<bool>,
    note: &str,
) -> StandbyItem {
    StandbyItem {
        check,
        item: item.into(),
        primary,
        secondary,
        note: note.into(),
        fix: None,
    }
}

/// The healthy deployment with a drifted standby workspace: four items missing or wrong in
/// westus, two that could not be read, the rest in both (in an order the view must regroup).
pub fn standby_drift() -> Snapshot {
    let mut s = healthy();
    let w = s
        .components
        .iter_mut()
        .find(|c| c.name == "workspace")
        .unwrap();
    w.ready = false;
    w.ha_status = "standby not ready: 3 checks fail".into();
    w.properties = vec![
        ("secondary workspace".into(), "mlw-contoso-westus".into()),
        ("primary workspace".into(), "mlw-contoso-eastus".into()),
    ];
    w.checks = vec![
        check(
            "standby provisioned",
            Some(true),
            "mlw-contoso-westus found",
        ),
        check(
            "same compute clusters as primary",
            Some(true),
            "gpu-train in both",
        ),
        check(
            "datastores",
            Some(false),
            "scoring_inputs missing; features points at stfeatures/other",
        ),
        check("assets", Some(false), "environment churn-env:3 missing"),
        check(
            "linked resources",
            Some(true),
            "its own storage, vault, registry",
        ),
        check(
            "managed network",
            Some(false),
            "Inactive: ≈30 min to provision",
        ),
    ];
    let yes = Some(true);
    let no = Some(false);
    w.standby = vec![
        standby(
            CheckId::Datastores,
            "datastore training_data",
            yes,
            yes,
            "stcontosotraindata/training",
        ),
        standby(
            CheckId::Datastores,
            "datastore scoring_inputs",
            yes,
            no,
            "missing",
        ),
        standby(
            CheckId::Datastores,
            "datastore features",
            yes,
            no,
            "points at stfeatures/other in westus",
        ),
        standby(
            CheckId::LinkedResources,
            "default storage stmlcontosowestus",
            None,
            yes,
            "its own, in westus",
        ),
        standby(
            CheckId::LinkedResources,
            "key vault kv-contoso-ml",
            yes,
            yes,
            "",
        ),
        standby(
            CheckId::Assets,
            "model churn-model:7",
            yes,
            yes,
            "registry contoso-registry, replicated to westus",
        ),
        standby(CheckId::Assets, "environment churn-env:3", yes, no, ""),
        standby(
            CheckId::Assets,
            "code score-src:2",
            yes,
            None,
            "the secondary's code versions could not be read: 503",
        ),
        standby(
            CheckId::IdentityRoles,
            "Contributor on mlw-contoso-westus (group ml-engineers)",
            yes,
            yes,
            "",
        ),
        standby(
            CheckId::IdentityRoles,
            "Storage Blob Data Reader on stcontosotraindata (workspace identity)",
            yes,
            None,
            "role assignments not readable",
        ),
        standby(
            CheckId::ManagedNetwork,
            "managed network (allow only approved outbound)",
            yes,
            no,
            "Inactive: ≈30 min to provision",
        ),
        standby(
            CheckId::PrivateNetwork,
            "private endpoint pe-mlw-contoso-westus",
            yes,
            yes,
            "Approved",
        ),
    ];
    s
}
