//! A frame-time benchmark: the overview of N synthetic components drawn into a 200×50
//! TestBackend. Called from a benchmark command, not from the test suite.

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;
use time::macros::datetime;

use super::app::{Action, App, update};
use super::theme::Theme;
use super::ui;
use super::{Badge, ConsoleOptions};
use crate::health::*;

/// Frames averaged by `bench_frame`.
const FRAMES: u32 = 200;

/// The average time to draw one 200×50 overview frame with `components` components.
pub fn bench_frame(components: usize) -> Duration {
    frames_of(
        crate::config::Config::demo(),
        synthetic_snapshot(components),
    )
}

/// The average time to draw one 200×50 overview frame of `snap`, a snapshot of `config`, in a
/// console that holds it (as the console does the engine's latest).
pub fn frames_of(config: crate::config::Config, snap: Snapshot) -> Duration {
    frames_holding(config, snap, || ())
}

/// As [`frames_of`], running `held` after the frames while the console still holds the
/// snapshot and its view (to measure what a console showing it keeps).
pub fn frames_holding(
    config: crate::config::Config,
    snap: Snapshot,
    held: impl FnOnce(),
) -> Duration {
    let opts = ConsoleOptions {
        config,
        badge: Badge::Demo,
        read_only: false,
        identity: Some("simulator".into()),
        scenario: None,
        faults: None,
        initial: None,
        reports_dir: std::env::temp_dir().join("azfailover-bench-reports"),
        host: None,
        sim_clock: None,
    };
    let now = snap.taken_at;
    let mut app = App::new(&opts, Theme::color(), now, (200, 50));
    update(
        &mut app,
        Action::Health(HealthMsg::Snapshot(Box::new(snap))),
    );
    update(&mut app, Action::Down);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test backend");
    terminal.draw(|f| ui::draw(f, &app)).expect("test backend");
    // As the event loop does once a new snapshot is drawn.
    crate::memory::release_free_heap_soon();
    let start = Instant::now();
    for i in 0..FRAMES {
        // Move the selection so each frame differs a little, as it does when someone scrolls.
        update(&mut app, if i % 2 == 0 { Action::Down } else { Action::Up });
        terminal.draw(|f| ui::draw(f, &app)).expect("test backend");
    }
    let took = start.elapsed() / FRAMES;
    held();
    drop((terminal, app));
    took
}

/// A deployment of `n` components across eastus and westus, one in seven of them unwell.
pub fn synthetic_snapshot(n: usize) -> Snapshot {
    let taken_at: OffsetDateTime = datetime!(2026-11-26 02:41:07 UTC);
    let region = |name: &str, display: &str, role| RegionStatus {
        name: name.into(),
        display_name: display.into(),
        role,
        health: RegionHealth::Healthy,
        reason: "every resource available".into(),
        incidents: Vec::new(),
        resources: n * 2,
        available: n * 2,
        not_responding_since: None,
    };
    let mut snap = Snapshot {
        deployment: "contoso-ml".into(),
        subscription_id: "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b".into(),
        overall: Overall::Degraded,
        regions: vec![
            region("eastus", "East US", RegionRole::Primary),
            region("westus", "West US", RegionRole::Secondary),
        ],
        components: (0..n).map(synthetic_component).collect(),
        taken_at,
        duration_ms: 840,
        requests: (n * 3) as u64,
        identity: Some("simulator".into()),
        errors: Vec::new(),
        verdict: Default::default(),
        facts: Default::default(),
        reads_left: None,
        reads_waited: 0,
    };
    snap.verdict = crate::health::verdict::verdict(&snap);
    snap
}

/// Component number `i` of the synthetic deployment.
fn synthetic_component(i: usize) -> ComponentStatus {
    let unwell = i % 7 == 3;
    let instance = |region: &str, health| InstanceStatus {
        region: region.into(),
        health,
        resource_id: format!(
            "/subscriptions/x/resourceGroups/rg-{region}/providers/Microsoft.Storage/storageAccounts/st{i}{region}"
        ),
        state: "Available".into(),
        detail: None,
    };
    let secondary = if unwell {
        InstanceHealth::Degraded
    } else {
        InstanceHealth::Available
    };
    ComponentStatus {
        name: format!("component-{i:04}"),
        kind: crate::config::ComponentKind::Storage,
        mode: if i.is_multiple_of(2) {
            crate::config::Mode::HotCold
        } else {
            crate::config::Mode::HotHot
        },
        active_region: "eastus".into(),
        ready: !unwell,
        ha_status: if unwell {
            "standby not ready: secondary degraded".into()
        } else {
            "standby ready".into()
        },
        instances: vec![
            instance("eastus", InstanceHealth::Available),
            instance("westus", secondary),
        ],
        lag_seconds: Some((i % 1200) as f64),
        rpo_seconds: 900,
        last_sync_time: None,
        checks: Vec::new(),
        properties: Vec::new(),
        az_commands: Vec::new(),
        errors: Vec::new(),
        standby: Vec::new(),
        idle: Vec::new(),
    }
}
