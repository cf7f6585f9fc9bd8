//! The workspace detail's side-by-side view of the standby: nothing new for components without
//! items.

use crate::console_support;

use azfailover::console::{Action, App, Badge, Screen, update};
use azfailover::health::Snapshot;
use console_support::*;
use insta::assert_snapshot;

/// The detail of the component `name` in a console that has received `snap`.
fn detail(snap: Snapshot, size: (u16, u16), name: &str) -> App {
    let mut app = app_with(&options(Badge::Live), size, &[snap]);
    while app.selected_component().is_some_and(|c| c.name != name) {
        update(&mut app, Action::Down);
    }
    update(&mut app, Action::Open);
    assert_eq!(app.screen, Screen::Detail);
    assert_eq!(app.detail.as_deref(), Some(name));
    app
}

#[test]
fn components_without_standby_items_show_nothing_new() {
    let mut snap = standby_drift();
    snap.components[0].standby.clear();
    let app = detail(snap, (80, 24), "workspace");
    let t = draw(&app);
    assert_snapshot!("workspace_without_standby_items_80x24", t.backend());
    assert!(!on_screen(&t, "STANDBY"));
    for c in healthy().components {
        let app = detail(healthy(), (120, 40), &c.name);
        assert!(!on_screen(&draw(&app), "STANDBY"), "{}", c.name);
    }
}
