//! End to end: `azfailover sim` serving a fleet of three deployments from one process, and the
//! real binary's fleet overview in tmux on their configuration directory. An eastus outage
//! injected through the control API lights up every deployment there at once; Enter opens
//! one's console, q comes back, q quits and the terminal is restored.
//! Needs tmux (CI installs it); without it the test is skipped outside CI and fails under CI.

use crate::common::write_fleet;
use crate::tmux_support::Tmux;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

/// The simulator's process, killed when the test ends however it ends.
struct SimProcess(Child);

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `azfailover sim` on the fleet's configurations in `dir`; returns it and its URL.
fn start_sim(dir: &std::path::Path, home: &std::path::Path) -> (SimProcess, String) {
    let mut child = Command::new(BIN)
        .arg("sim")
        .arg("--config")
        .arg(dir)
        .args(["--time-scale", "30"])
        .env_remove("AZFAILOVER_CONFIG")
        .env("XDG_DATA_HOME", home)
        .env("XDG_CACHE_HOME", home)
        // It logs every request on stderr: nobody reads it here, so it must not fill a pipe.
        .stderr(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the simulator starts");
    let stdout = child.stdout.take().unwrap();
    let sim = SimProcess(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the simulator says where it listens");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_string();
    (sim, url)
}

/// POSTs a fault to the simulator's control API (plain HTTP/1.1 on loopback); its answer.
fn post_fault(url: &str, body: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /_sim/faults HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn fleet_overview_lights_up_every_deployment_in_a_region_outage() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("fleet");
    // The simulator reads the topology only; the configurations then point at its address.
    write_fleet(&dir, "http://127.0.0.1:1");
    let (_sim, url) = start_sim(&dir, home.path());
    write_fleet(&dir, &url);

    let cmd = format!("{BIN} --config {}", dir.display());
    let Some(t) = Tmux::start_sized(&cmd, 120, 40, "true") else {
        return;
    };
    let s = t.wait_for("the healthy fleet, live", |s| {
        s.contains("FLEET · 3 deployments")
            && s.contains("3 live")
            && s.contains("every deployment healthy")
    });
    for name in ["contoso-ml", "fabrikam-ml", "tailspin-ml"] {
        assert!(s.contains(name), "{name}:\n{s}");
    }

    let started = Instant::now();
    let answer = post_fault(
        &url,
        r#"{"kind": "region-outage", "region": "eastus", "title": "Power event in East US"}"#,
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let s = t.wait_for("the outage on every deployment in eastus", |s| {
        s.contains("eastus OUTAGE — 3 of 3 deployments there")
            && s.matches("FAIL OVER (forced)").count() == 2
    });
    // The refresh is every second, four collections at a time: all three within a few.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}:\n{s}",
        started.elapsed()
    );
    let row = |s: &str, name: &str| -> String {
        s.lines()
            .find(|l| l.trim_start_matches(['│', ' ', '▶']).starts_with(name))
            .unwrap_or_else(|| panic!("no row of {name}:\n{s}"))
            .to_string()
    };
    for name in ["contoso-ml", "fabrikam-ml"] {
        assert!(row(&s, name).contains("✖ eastus → ✔ westus"), "{s}");
    }
    assert!(
        row(&s, "tailspin-ml").contains("✔ westus → ✖ eastus"),
        "the standby's region marked too:\n{s}"
    );
    // Once tailspin's own snapshot says so too, the status line counts three outages.
    t.wait_for("the status line", |s| s.contains("3 deployments: 3 outage"));

    // Enter: the worst deployment's own console, as when it runs alone.
    t.keys(&["Enter"]);
    let s = t.wait_for("a deployment's console", |s| {
        s.contains("◂ FLEET (q)") && s.contains("components") && s.contains("OUTAGE")
    });
    assert!(s.contains("q fleet"), "{s}");
    t.keys(&["q"]);
    t.wait_for("back on the overview", |s| {
        s.contains("deployments 3 · worst first")
    });

    t.keys(&["q"]);
    let s = t.wait_for("the exit", |s| s.contains("EXITED:"));
    assert!(s.contains("EXITED:0"), "{s}");
    assert!(
        !s.contains("worst first"),
        "the alternate screen was left:\n{s}"
    );
}
