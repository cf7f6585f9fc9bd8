//! End to end: the real binary in a pseudo-terminal (tmux). Waits for the demo's overview,
//! opens help, filters, quits, and checks the terminal came back (alternate screen left).
//! Needs tmux (CI installs it); without it the test is skipped outside CI and fails under CI.

use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

struct Tmux {
    session: String,
    _dir: tempfile::TempDir,
}

impl Tmux {
    fn start(cmd: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is missing under CI: .ci/run installs it"
            );
            eprintln!("SKIPPED e2e_tmux: tmux is not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let session = format!(
            "azf-e2e-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let script = format!(
            "export XDG_DATA_HOME={d} XDG_CACHE_HOME={d} XDG_CONFIG_HOME={d}/cfg TERM=xterm-256color; {cmd}; echo EXITED:$?; sleep 30",
            d = dir.path().display()
        );
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "120",
                "-y",
                "40",
                &script,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Some(Tmux { session, _dir: dir })
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["send-keys", "-t", &self.session, k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(120));
        }
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen was:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

#[test]
fn demo_overview_help_filter_quit() {
    let Some(t) = Tmux::start(&format!("{BIN} demo")) else {
        return;
    };
    let s = t.wait_for("the demo overview", |s| {
        s.contains("DEMO") && s.contains("training-data") && s.contains("refreshed")
    });
    assert!(
        s.contains("SIMULATED"),
        "the demo says it is simulated:\n{s}"
    );
    assert!(s.contains("PRIMARY") && s.contains("SECONDARY"));

    t.keys(&["?"]);
    t.wait_for("the help overlay", |s| {
        s.contains("help") && s.contains("quit (not while typing)")
    });
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("quit (not while typing)"));

    t.keys(&["/", "t", "r", "a", "i", "n", "Enter"]);
    let s = t.wait_for("the filter", |s| {
        s.contains("train-cluster") && !s.contains("feature-store")
    });
    assert!(!s.contains("churn-endpoint"), "{s}");

    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(s.contains("EXITED:0"), "{s}");
    assert!(
        !s.contains("SIMULATED AZURE"),
        "the alternate screen was left:\n{s}"
    );
}

#[test]
fn ctrl_c_quits_with_130_and_restores_the_terminal() {
    let Some(t) = Tmux::start(&format!("{BIN} demo --scenario eastus-outage")) else {
        return;
    };
    t.wait_for("the demo overview", |s| {
        s.contains("DEMO") && s.contains("training-data")
    });
    t.keys(&["C-c"]);
    let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(s.contains("EXITED:130"), "{s}");
    assert!(!s.contains("SIMULATED AZURE"), "{s}");
}
