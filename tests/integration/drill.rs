//! Scripted DR drills through the real binary, one per shipped scenario (answers files in
//! tests/drills/), with assertions on the report's numbers; and an aborted drill.

use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_azfailover");

struct Drill {
    code: Option<i32>,
    stderr: String,
    report: Option<Value>,
    markdown: Option<String>,
}

/// Runs a drill of the demo (with a short request deadline so a hanging region costs little).
fn drill(scenario: &str, answers: &str, scale: &str) -> Drill {
    // The directory lives until the report is read.
    let scratch = Scratch::new();
    let out = scratch.drill_of(scenario, answers, scale).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report_path = stdout.lines().last().map(|l| l.trim().to_string());
    let report: Option<Value> = report_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok());
    let markdown =
        report_path.and_then(|p| std::fs::read_to_string(p.replace(".json", ".md")).ok());
    if let Some(p) = stdout.lines().last() {
        let meta = std::fs::metadata(p.trim()).unwrap();
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o600,
            "reports are private"
        );
    }
    Drill {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        report,
        markdown,
    }
}

fn step<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id}"))
}

/// RTO is positive and consistent with the step times: at least the time from the outage to
/// the end of the last traffic step.
fn assert_rto_consistent(r: &Value) {
    let rto = r["rto_seconds"].as_i64().expect("rto measured");
    assert!(rto > 0);
    let outage =
        azfailover::timefmt::parse_rfc3339(r["outage_started_at"].as_str().unwrap()).unwrap();
    let shift_end = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["id"].as_str().unwrap().starts_with("traffic.") && s["outcome"] == "done")
        .filter_map(|s| azfailover::timefmt::parse_rfc3339(s["finished_at"].as_str()?))
        .max()
        .expect("a traffic step finished");
    assert_eq!(
        rto,
        (shift_end - outage).whole_seconds(),
        "RTO runs from the outage to the verified traffic shift"
    );
    // Steps of a phase run side by side: the RTO covers the time some step was running.
    let mut spans: Vec<(i64, i64)> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outside_rto"] == false)
        .filter_map(|s| {
            let t = |k: &str| {
                azfailover::timefmt::parse_rfc3339(s[k].as_str()?).map(|t| t.unix_timestamp())
            };
            Some((t("started_at")?, t("finished_at")?))
        })
        .collect();
    spans.sort();
    let mut busy = 0;
    let mut reach = i64::MIN;
    for (a, b) in spans {
        let a = a.max(reach);
        if b > a {
            busy += b - a;
        }
        reach = reach.max(b);
    }
    assert!(rto >= busy, "RTO {rto} covers the {busy} s some step ran");
}

/// Whether two steps of the report ran at the same time.
fn overlapped(r: &Value, a: &str, b: &str) -> bool {
    let span = |id: &str| {
        let s = step(r, id);
        let t = |k: &str| azfailover::timefmt::parse_rfc3339(s[k].as_str().unwrap()).unwrap();
        (t("started_at"), t("finished_at"))
    };
    let ((a0, a1), (b0, b1)) = (span(a), span(b));
    a0 < b1 && b0 < a1
}

/// The forced SQL failover went to the partner server (the primary's does not answer in the
/// outage: regional control planes are down, with errors or hangs).
fn sql_failed_over_through_the_partner(r: &serde_json::Value) {
    let ops = r["operations"].as_array().expect("operations");
    assert!(
        ops.iter().any(|o| o["path"].as_str().is_some_and(|p| p.ends_with(
            "/servers/sql-contoso-westus/failoverGroups/fog-contoso-features/forceFailoverAllowDataLoss"
        ))),
        "{ops:#?}"
    );
}

#[test]
fn eastus_outage_drill_measures_rto_and_data_loss() {
    let d = drill("eastus-outage", "tests/drills/eastus-outage.toml", "120");
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    let r = d.report.unwrap();
    assert_eq!(r["scenario"], "eastus-outage");
    // Really side by side: the compute phase runs while the storage failover is in flight.
    for compute in ["compute.train-cluster.scale", "compute.batch-aks.start"] {
        assert!(
            overlapped(&r, "data.training-data.failover", compute),
            "{compute}: {:#}",
            r["steps"]
        );
    }
    assert_eq!(r["outcome"], "completed");
    assert_eq!(r["operator"], "drill-ci");
    assert_eq!(r["forced"], true);
    sql_failed_over_through_the_partner(&r);
    assert_eq!(r["rto_target_seconds"], 3600);
    assert_eq!(r["rpo_target_seconds"], 900);
    assert_rto_consistent(&r);
    let loss = r["data_loss_window_seconds"].as_i64().unwrap();
    assert!(
        loss > 0,
        "a forced failover after the outage loses the lag: {loss}"
    );
    assert!(r["operations"].as_array().unwrap().iter().any(|o| {
        o["path"]
            .as_str()
            .unwrap()
            .ends_with("forceFailoverAllowDataLoss")
    }));
    assert_eq!(step(&r, "data.training-data.failover")["outcome"], "done");
    assert_eq!(
        step(&r, "data.training-data.failover")["confirmed_by"],
        "drill-ci"
    );
    // The data phase runs side by side: the SQL failover does not wait for the storage one.
    assert!(
        overlapped(
            &r,
            "data.training-data.failover",
            "data.feature-store.failover"
        ),
        "{:#}",
        r["steps"]
    );
    // The verdict: both targets decided, and the headline says them.
    let (rto_met, rpo_met) = (r["rto_met"].as_bool(), r["rpo_met"].as_bool());
    assert_eq!(
        rto_met,
        Some(r["rto_seconds"].as_i64().unwrap() <= 3600),
        "{r:#}"
    );
    assert_eq!(rpo_met, Some(loss <= 900), "{r:#}");
    let word = |met: Option<bool>| if met == Some(true) { "MET" } else { "MISSED" };
    let headline = r["headline"].as_str().expect("a headline");
    assert!(
        headline.starts_with("COMPLETED")
            && headline.ends_with(&format!(" · RTO {} · RPO {}", word(rto_met), word(rpo_met))),
        "{headline}"
    );
    assert_eq!(
        headline.starts_with("COMPLETED WITH "),
        !r["deviations"].as_array().unwrap().is_empty(),
        "{headline}: {:#}",
        r["deviations"]
    );
    let md = d.markdown.unwrap();
    assert!(md.contains("DR drill report (failover, scenario eastus-outage)"));
    assert!(
        md.lines().next().unwrap().ends_with(headline),
        "the first heading says the headline: {md}"
    );
    assert!(md.contains("## Step durations"));
}

#[test]
fn a_failure_in_a_side_by_side_phase_is_handled_after_the_others_settle() {
    let d = drill(
        "tests/drills/target-lost.scenario.toml",
        "tests/drills/target-lost.toml",
        "120",
    );
    // The storage failover fails at its end (West US went down meanwhile): its monitor answers
    // errors, and live state does not show it applied — in doubt (75), never sent again.
    assert_eq!(d.code, Some(75), "{}", d.stderr);
    assert!(d.stderr.contains("is in doubt"), "{}", d.stderr);
    let r = d.report.expect("a failed drill has its report");
    assert_eq!(r["outcome"], "failed");
    assert_eq!(step(&r, "data.training-data.failover")["outcome"], "failed");
    // The headline names the first failure: the storage failover, or the AKS start in flight
    // when West US went (which one's monitor gives up first depends on its poll phase).
    let headline = r["headline"].as_str().unwrap();
    assert!(
        [
            "FAILED AT data.training-data.failover",
            "FAILED AT compute.batch-aks.start"
        ]
        .iter()
        .any(|h| headline.starts_with(h)),
        "{headline}"
    );
    for other in [
        "data.feature-store.failover",
        "data.run-metadata.promote",
        "data.sessions.failover",
    ] {
        assert_eq!(
            step(&r, other)["outcome"],
            "done",
            "{other}: {:#}",
            r["steps"]
        );
        assert!(
            overlapped(&r, "data.training-data.failover", other),
            "{other}"
        );
    }
    // The compute phase ran while the data operations were in flight (it started before the
    // storage failover failed at its end).
    assert_eq!(
        step(&r, "compute.train-cluster.scale")["outcome"],
        "done",
        "{:#}",
        r["steps"]
    );
    assert!(overlapped(
        &r,
        "data.training-data.failover",
        "compute.train-cluster.scale"
    ));
    assert!(
        r["deviations"].as_array().unwrap().iter().any(|d| d
            .as_str()
            .unwrap()
            .starts_with("data.training-data.failover failed")),
        "{:#}",
        r["deviations"]
    );
}

#[test]
fn an_abort_in_a_side_by_side_phase_stops_at_once() {
    let started = std::time::Instant::now();
    let d = drill("eastus-outage", "tests/drills/abort-mid-phase.toml", "30");
    assert_eq!(d.code, Some(130), "{}", d.stderr);
    // The storage failover takes 20 simulated minutes (40 s here): the run does not wait for it.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let r = d.report.expect("an aborted drill has its report");
    assert_eq!(r["outcome"], "aborted");
    for sent in ["data.training-data.failover", "data.feature-store.failover"] {
        let s = step(&r, sent);
        assert_eq!(s["outcome"], "failed", "{sent}: {s:#}");
        assert!(
            s["note"].as_str().unwrap().contains("goes on there"),
            "{sent}: {s:#}"
        );
    }
    // The promotion was refused at its question: nothing was sent for it.
    let refused = step(&r, "data.run-metadata.promote");
    assert_eq!(refused["outcome"], "not-run", "{refused:#}");
    assert_eq!(refused["confirmed_by"], "drill-ci");
    assert_eq!(step(&r, "data.sessions.failover")["outcome"], "not-run");
    assert!(
        r["headline"]
            .as_str()
            .unwrap()
            .starts_with("ABORTED AT data.run-metadata.promote · 2 OTHER DEVIATIONS"),
        "{:#}",
        r["headline"]
    );
    let sent = r["operations"].as_array().unwrap();
    assert_eq!(sent.len(), 2, "{sent:#?}");
}

#[test]
fn eastus_unresponsive_drill_runs_forced_despite_hanging_calls() {
    let d = drill(
        "eastus-unresponsive",
        "tests/drills/eastus-unresponsive.toml",
        "120",
    );
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    let r = d.report.unwrap();
    assert_eq!(r["forced"], true);
    sql_failed_over_through_the_partner(&r);
    assert_rto_consistent(&r);
}

#[test]
fn replication_lag_drill_is_planned_and_loses_nothing() {
    let d = drill("replication-lag", "tests/drills/replication-lag.toml", "60");
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    let r = d.report.unwrap();
    assert_eq!(r["forced"], false);
    assert_eq!(
        r["data_loss_window_seconds"], 0,
        "planned variants lose nothing"
    );
    assert!(r["rto_seconds"].as_i64().unwrap() > 0);
}

#[test]
fn throttling_drill_completes() {
    let d = drill("throttling", "tests/drills/throttling.toml", "60");
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    let r = d.report.unwrap();
    assert_eq!(r["outcome"], "completed");
    assert_eq!(r["data_loss_window_seconds"], 0);
}

#[test]
fn secondary_degraded_drill_records_the_override() {
    let d = drill(
        "secondary-degraded",
        "tests/drills/secondary-degraded.toml",
        "120",
    );
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    let r = d.report.unwrap();
    assert!(
        !r["readiness_findings"].as_array().unwrap().is_empty(),
        "the broken standby was found before the run"
    );
    let dev: Vec<String> = r["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    assert!(
        dev.iter()
            .any(|d| d.contains("precondition overridden by drill-ci")),
        "{dev:?}"
    );
    let headline = r["headline"].as_str().unwrap();
    assert!(
        headline.starts_with(&format!("COMPLETED WITH {} DEVIATION", dev.len())),
        "an override is not a clean run: {headline}"
    );
    assert_eq!(step(&r, "prepare.check-target")["confirmed_by"], "drill-ci");
}

#[test]
fn flaky_arm_drill_completes_through_retries() {
    let d = drill("flaky-arm", "tests/drills/flaky-arm.toml", "60");
    assert_eq!(d.code, Some(0), "{}", d.stderr);
    assert_eq!(d.report.unwrap()["outcome"], "completed");
}

#[test]
fn an_aborted_drill_still_writes_its_report() {
    let d = drill("eastus-outage", "tests/drills/aborted.toml", "120");
    assert_eq!(d.code, Some(130), "{}", d.stderr);
    let r = d.report.expect("a report even when aborted");
    assert_eq!(r["outcome"], "aborted");
    assert_eq!(step(&r, "prepare.confirm-outage")["outcome"], "done");
    assert_eq!(step(&r, "prepare.fence-primary")["outcome"], "not-run");
    assert_eq!(
        step(&r, "data.training-data.failover")["outcome"],
        "not-run"
    );
    assert!(r["rto_seconds"].is_null());
    assert!(r["operations"].as_array().unwrap().is_empty());
    // Where it stopped, who stopped it, and that nothing after it ran.
    let fence = step(&r, "prepare.fence-primary");
    assert_eq!(fence["confirmed_by"], "drill-ci");
    assert!(fence["note"].as_str().unwrap().contains("stopped here"));
    assert_eq!(r["rto_met"], Value::Null, "traffic never shifted");
    assert_eq!(r["rpo_met"], true, "the simulator lost nothing");
    assert_eq!(r["headline"], "ABORTED AT prepare.fence-primary");
    let not_run = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "not-run")
        .count();
    assert!(not_run > 5, "{:#}", r["steps"]);
    let md = d.markdown.unwrap();
    assert!(
        md.lines()
            .next()
            .unwrap()
            .ends_with(": ABORTED AT prepare.fence-primary"),
        "{md}"
    );
}

/// A scratch data directory and the demo configuration with a short request deadline.
struct Scratch {
    dir: tempfile::TempDir,
    cfg: std::path::PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("demo.toml");
        let text = std::fs::read_to_string("assets/demo.toml").unwrap();
        std::fs::write(
            &cfg,
            format!("{text}\n[console]\nrequest_timeout_seconds = 1\n"),
        )
        .unwrap();
        Scratch { dir, cfg }
    }

    /// `drill --scenario eastus-outage --answers ANSWERS --time-scale SCALE` in this directory.
    fn drill(&self, answers: &str, scale: &str) -> Command {
        self.drill_of("eastus-outage", answers, scale)
    }

    /// `drill --scenario SCENARIO --answers ANSWERS --time-scale SCALE` in this directory.
    fn drill_of(&self, scenario: &str, answers: &str, scale: &str) -> Command {
        let mut c = Command::new(BIN);
        c.args([
            "drill",
            "--scenario",
            scenario,
            "--answers",
            answers,
            "--time-scale",
            scale,
            "--config",
        ])
        .arg(&self.cfg)
        .env("XDG_DATA_HOME", self.dir.path())
        .env("XDG_CACHE_HOME", self.dir.path());
        c
    }

    fn journals(&self) -> std::path::PathBuf {
        self.dir.path().join("azfailover/journals")
    }

    fn reports(&self) -> Vec<Value> {
        std::fs::read_dir(self.dir.path().join("azfailover/reports"))
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .map(|e| serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap())
            .collect()
    }

    /// Every journal line so far.
    fn journal_text(&self) -> String {
        std::fs::read_dir(self.journals())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "jsonl"))
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    }

    /// Starts the eastus-outage drill slowly enough that the storage failover (20 simulated
    /// minutes) runs for a while, and kills it (SIGKILL: no clean-up, no report) once the
    /// failover was sent.
    fn drill_killed_during_the_storage_failover(&self) {
        let mut child = self
            .drill("tests/drills/eastus-outage.toml", "30")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        let sent = |s: &str| s.contains("\"request-sent\"") && s.contains("storageAccounts");
        while !sent(&self.journal_text()) {
            assert!(
                std::time::Instant::now() < deadline,
                "the storage failover was never sent"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Killed at once: "request-sent" is journaled once the answer came back, and the
        // simulator saved its world before it answered. Waiting longer would let the next step
        // (SQL, a few hundred ms later) journal its intent and be killed before its request
        // left: a one-shot request in doubt, which the resumed drill rightly stops on (75).
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(self.reports().is_empty(), "no report yet");
    }
}

#[test]
fn a_drill_killed_mid_step_resumes_against_the_world_it_left() {
    let s = Scratch::new();
    s.drill_killed_during_the_storage_failover();
    let saved: Vec<_> = std::fs::read_dir(s.journals())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sim.json"))
        .collect();
    assert_eq!(
        saved.len(),
        1,
        "the simulated world is saved beside the journal"
    );

    // The same drill again: it goes on from where it stopped, with the failover in flight.
    let out = s
        .drill("tests/drills/eastus-outage.toml", "120")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("resuming the unfinished drill"), "{stderr}");
    let reports = s.reports();
    assert_eq!(reports.len(), 1, "one drill, one report");
    let r = &reports[0];
    assert_eq!(r["outcome"], "completed", "{r:#}");
    assert_eq!(step(r, "data.training-data.failover")["outcome"], "done");
    // The storage failover was sent exactly once, before the crash.
    let sent: Vec<&Value> = r["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["path"].as_str().unwrap().contains("storageAccounts"))
        .filter(|o| o["path"].as_str().unwrap().ends_with("/failover"))
        .collect();
    assert_eq!(sent.len(), 1, "{:#}", r["operations"]);
    assert!(
        r["deviations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().contains("resumed")),
        "{:#}",
        r["deviations"]
    );
    assert_rto_consistent(r);
    assert!(
        r["data_loss_window_seconds"].as_i64().unwrap() > 0,
        "forced: data was lost"
    );
    // Nothing is left to resume: the saved world went with the drill's end.
    let left: Vec<_> = std::fs::read_dir(s.journals())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".sim.json"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_crashed_drill_without_its_world_is_closed_with_a_report() {
    let s = Scratch::new();
    s.drill_killed_during_the_storage_failover();
    for e in std::fs::read_dir(s.journals())
        .unwrap()
        .filter_map(Result::ok)
    {
        if e.file_name().to_string_lossy().ends_with(".sim.json") {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    // The next drill closes the crashed one and writes its report.
    let out = s
        .drill("tests/drills/aborted.toml", "120")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut found = s.reports();
    assert_eq!(found.len(), 2, "the crashed drill's report and the new one");
    found.retain(|r| r["operations"].as_array().is_some_and(|o| !o.is_empty()));
    let crashed = &found[0];
    assert_eq!(crashed["outcome"], "aborted");
    assert_eq!(step(crashed, "prepare.confirm-outage")["outcome"], "done");
    // The storage failover was sent and never verified: not "not-run", which says nothing went.
    let storage = step(crashed, "data.training-data.failover");
    assert_eq!(storage["outcome"], "failed", "{storage:#}");
    assert!(
        storage["note"].as_str().unwrap().contains("never verified"),
        "{storage:#}"
    );
    assert!(
        crashed["headline"]
            .as_str()
            .unwrap()
            .starts_with("ABORTED AT data."),
        "stopped in the data phase, where requests were in flight: {}",
        crashed["headline"]
    );
    assert!(
        crashed["operations"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("/failover")
    );
}

/// The lines of stderr that say a step's start or end: "azfailover: HH:MM:SS <step>: ...".
fn progress_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("azfailover: "))
        .filter(|l| {
            let b = l.as_bytes();
            b.len() > 9
                && b[..8].iter().enumerate().all(|(i, c)| {
                    if i == 2 || i == 5 {
                        *c == b':'
                    } else {
                        c.is_ascii_digit()
                    }
                })
                && b[8] == b' '
                && l[9..].contains(": ")
        })
        .collect()
}

#[test]
fn a_scripted_drill_says_each_step_on_stderr_unless_quiet() {
    let s = Scratch::new();
    let out = s
        .drill("tests/drills/aborted.toml", "120")
        .args(["--operator", "Grace H"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    // The drill's clock is said once; every line after it is on that clock.
    assert_eq!(
        stderr.matches("times are simulated (×120)").count(),
        1,
        "{stderr}"
    );
    let lines = progress_lines(&stderr);
    let has = |suffix: &str| lines.iter().any(|l| l[9..].starts_with(suffix));
    assert!(has("prepare.confirm-outage: started"), "{stderr}");
    assert!(has("prepare.confirm-outage: done in "), "{stderr}");
    assert!(has("prepare.fence-primary: started"), "{stderr}");
    assert!(
        has("prepare.fence-primary: not run by Grace H: "),
        "{stderr}"
    );
    // --operator overrides the answers file's operator: journal, report and who decided.
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout.lines().last().unwrap().trim().to_string();
    assert!(path.ends_with(".json"), "{stdout}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(r["operator"], "Grace H");
    assert_eq!(step(&r, "prepare.fence-primary")["confirmed_by"], "Grace H");
    assert!(s.journal_text().contains("\"operator\":\"Grace H\""));
    assert!(!s.journal_text().contains("drill-ci"));

    // --quiet: no progress, no clock note; the outcome, the report and its path still print.
    let quiet = Scratch::new();
    let out = quiet
        .drill("tests/drills/aborted.toml", "120")
        .arg("--quiet")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(progress_lines(&stderr).is_empty(), "{stderr}");
    assert!(!stderr.contains("times are simulated"), "{stderr}");
    assert!(stderr.contains("aborted — report: "), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let path = stdout.lines().last().unwrap().trim();
    assert!(
        path.ends_with(".json") && std::path::Path::new(path).exists(),
        "{stdout}"
    );
}

#[test]
fn a_drifted_standby_stops_the_failover_at_the_target_check() {
    let d = drill("standby-drift", "tests/drills/standby-drift.toml", "60");
    assert_eq!(d.code, Some(130), "{}", d.stderr);
    let r = d.report.expect("a report even when stopped");
    assert_eq!(r["outcome"], "aborted", "{:#}", r["steps"]);
    let check = step(&r, "prepare.check-target");
    assert_ne!(check["outcome"], "done", "{check:#}");
    let why = format!("{} {}", check["note"], d.stderr);
    assert!(why.contains("training_data missing in westus"), "{why}");
    assert!(
        r["operations"].as_array().unwrap().is_empty(),
        "nothing was sent"
    );
    for later in ["data.training-data.failover", "compute.train-cluster.scale"] {
        assert_eq!(step(&r, later)["outcome"], "not-run", "{later}");
    }
}

#[test]
fn a_run_still_live_in_another_process_is_neither_resumed_nor_closed() {
    let s = Scratch::new();
    let mut first = s
        .drill("tests/drills/eastus-outage.toml", "30")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
    while !s.journal_text().contains("\"request-sent\"") {
        assert!(std::time::Instant::now() < deadline, "nothing was sent");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = s.journal_text();
    // The same drill again while the first runs: it offers to resume the unfinished journal,
    // which is live — refused, nothing done.
    let out = s
        .drill("tests/drills/eastus-outage.toml", "30")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("still running in another process"),
        "{stderr}"
    );
    let after = s.journal_text();
    assert!(
        after.starts_with(&before)
            && !after.contains("run-resumed")
            && !after.contains("run-finished"),
        "the live journal was neither resumed nor closed:\n{after}"
    );
    first.kill().unwrap();
    first.wait().unwrap();
}
