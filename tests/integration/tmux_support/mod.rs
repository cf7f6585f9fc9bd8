//! A tmux session driving the real binary, for the end-to-end tests.
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    session: String,
    _dir: tempfile::TempDir,
}

impl Tmux {
    /// Starts `cmd` in a detached session of `cols`×`rows`; `after` runs once it exited.
    pub fn start_sized(cmd: &str, cols: u16, rows: u16, after: &str) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "tmux is missing under CI: .ci/run installs it"
            );
            eprintln!("SKIPPED: tmux is not installed");
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
            "export XDG_DATA_HOME={d} XDG_CACHE_HOME={d} XDG_CONFIG_HOME={d}/cfg TERM=xterm-256color; {cmd}; echo EXITED:$?; {after}; sleep 30",
            d = dir.path().display()
        );
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                &cols.to_string(),
                "-y",
                &rows.to_string(),
                &script,
            ])
            .status()
            .unwrap()
            .success();
        assert!(ok, "tmux new-session failed");
        Some(Tmux { session, _dir: dir })
    }

    /// The visible screen.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Sends keys, one at a time.
    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["send-keys", "-t", &self.session, k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(120));
        }
    }

    /// Waits until `pred` holds for the screen (dumps it on timeout).
    pub fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
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
