//! The report built from journals, read back, and said in its headline.

use super::*;

fn put(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn listing_is_newest_first_and_names_the_files_it_could_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    put(
        d,
        "a.json",
        r#"{"kind":"failover","outcome":"completed","started_at":"2026-11-26T02:41:07Z","rto_seconds":2268}"#,
    );
    put(
        d,
        "b.json",
        r#"{"scenario":"flaky-arm","kind":"failover","outcome":"aborted","started_at":"2026-11-26T05:00:00Z","steps":[{"id":"s1","outcome":"done","duration_seconds":12}]}"#,
    );
    put(d, "c.json", "{not json");
    put(d, "d.json", r#"{"hello":"world"}"#);
    put(d, "e.md", "# not listed");
    let l = list(d).unwrap();
    let names: Vec<_> = l
        .reports
        .iter()
        .map(|r| r.json.file_name().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["b.json", "a.json"]);
    assert_eq!(l.reports[0].report.label(), "drill");
    assert_eq!(l.reports[0].report.steps[0].duration_seconds, Some(12));
    assert_eq!(l.reports[1].report.label(), "failover");
    assert_eq!(l.reports[1].markdown, d.join("a.md"));
    assert_eq!(l.unreadable.len(), 2, "{:?}", l.unreadable);
    assert!(
        l.unreadable[0].starts_with("c.json: "),
        "{:?}",
        l.unreadable
    );
    assert!(
        l.unreadable[1].contains("not a report"),
        "{:?}",
        l.unreadable
    );
    assert_eq!(list(&d.join("missing")).unwrap().reports, Vec::new());
}

#[test]
fn the_time_axis_places_steps_and_marks_the_rto_deadline() {
    let step = |start: Option<&str>, end: Option<&str>| SavedStep {
        started_at: start.map(|t| format!("2026-11-26T{t}Z")),
        finished_at: end.map(|t| format!("2026-11-26T{t}Z")),
        ..SavedStep::default()
    };
    let r = Saved {
        outage_started_at: "2026-11-26T02:00:00Z".into(),
        started_at: "2026-11-26T02:10:00Z".into(),
        finished_at: "2026-11-26T02:40:00Z".into(),
        rto_target_seconds: 1800,
        steps: vec![
            step(Some("02:10:00"), Some("02:20:00")),
            step(Some("02:20:00"), None),
            step(None, None),
        ],
        ..Saved::default()
    };
    let axis = Axis::of(&r).unwrap();
    assert_eq!(axis.from, parse_rfc3339(&r.outage_started_at).unwrap());
    // 40 minutes over 40 columns: one column a minute.
    assert_eq!(
        axis.bar(&r.steps[0], 40),
        format!("{}{}", " ".repeat(10), "█".repeat(11))
    );
    let open = axis.bar(&r.steps[1], 40);
    assert!(
        open.ends_with('░') && open.starts_with(&" ".repeat(20)),
        "{open}"
    );
    assert_eq!(
        axis.bar(&r.steps[2], 40),
        "",
        "a step that never started has no bar"
    );
    let header = axis.header(60, &r);
    assert!(
        header.starts_with("02:00:00") && header.ends_with("02:40:00"),
        "{header}"
    );
    assert_eq!(
        header.find("▼RTO"),
        Some(45),
        "the deadline (02:30) at 3/4: {header}"
    );
    // Where it would run into a time label, it is left out.
    assert!(!axis.header(40, &r).contains('▼'));
    assert_eq!(Axis::of(&Saved::default()), None, "no times, no axis");
}

#[test]
fn a_built_report_reads_back_typed() {
    let rb = Runbook {
        kind: crate::config::RunbookKind::Failover,
        deployment: "contoso-ml".into(),
        from_region: crate::region::Region::new("eastus"),
        to_region: crate::region::Region::new("westus"),
        forced: true,
        steps: Vec::new(),
    };
    let entries = vec![Entry {
        run_id: "r1".into(),
        at: "2026-11-26T02:41:07Z".into(),
        wall_at: None,
        event: Event::RunStarted {
            deployment: "contoso-ml".into(),
            kind: "failover".into(),
            from_region: "eastus".into(),
            to_region: "westus".into(),
            forced: true,
            operator: "alice".into(),
            scenario: Some("eastus-outage".into()),
            outage_started_at: "2026-11-26T02:40:00Z".into(),
            outage_start_source: None,
            rto_target_seconds: 3600,
            rpo_target_seconds: 900,
            steps: Vec::new(),
            findings: vec!["finding".into()],
        },
    }];
    let saved: Saved =
        serde_json::from_value(build(&rb, &entries, Some(&[("st".into(), 61.0)]))).unwrap();
    assert_eq!(saved.operator, "alice");
    assert_eq!(saved.data_loss_window_seconds, 61);
    assert_eq!(saved.scenario.as_deref(), Some("eastus-outage"));
    assert_eq!(saved.from_region, "eastus");
    assert_eq!(saved.rto_met(), None);
    assert_eq!(saved.rpo_met(), Some(true));
    assert_eq!(saved.readiness_findings, ["finding"]);
}

use super::super::model::{Action, Confirm, Step, StepKind};
use crate::config::Phase;

fn plan_step(id: &str, phase: Phase, kind: StepKind) -> Step {
    Step {
        id: id.into(),
        title: id.into(),
        why: String::new(),
        component: None,
        phase,
        kind,
        confirm: Confirm::Yes,
        destructive: false,
        data_loss: None,
        az: Vec::new(),
        action: None,
        preconditions: Vec::new(),
        postcondition: None,
        timeout: std::time::Duration::from_secs(60),
        parallel_group: None,
        after: None,
        outside_rto: false,
        completes_traffic_shift: false,
    }
}

/// A forced failover: declare, fail storage over (forced), fail SQL over (forced), the
/// gate, the traffic shift, a last manual step.
fn forced_runbook() -> Runbook {
    let mut storage = plan_step("data.training-data.failover", Phase::Data, StepKind::Action);
    storage.action = Some(Action::StorageFailover {
        id: "/subscriptions/s/st".into(),
        planned: false,
    });
    storage.data_loss = Some("writes after the last sync time will be lost".into());
    let mut sql = plan_step("data.feature-store.failover", Phase::Data, StepKind::Action);
    sql.data_loss = Some("transactions not yet replicated will be lost".into());
    let mut shift = plan_step("traffic.scoring.shift", Phase::Traffic, StepKind::Action);
    shift.completes_traffic_shift = true;
    Runbook {
        kind: crate::config::RunbookKind::Failover,
        deployment: "contoso-ml".into(),
        from_region: crate::region::Region::new("eastus"),
        to_region: crate::region::Region::new("westus"),
        forced: true,
        steps: vec![
            plan_step("prepare.confirm-outage", Phase::Prepare, StepKind::Manual),
            storage,
            sql,
            plan_step("verify.gate", Phase::Verify, StepKind::Verify),
            shift,
            plan_step("finish.notify", Phase::Finish, StepKind::Manual),
        ],
    }
}

/// Journal lines at 02:MM:SS of 2026-11-26, the outage declared at 01:00:00.
struct Script(Vec<Entry>);

impl Script {
    fn new(operator: &str) -> Script {
        let mut s = Script(Vec::new());
        s.at(
            "02:00:00",
            Event::RunStarted {
                deployment: "contoso-ml".into(),
                kind: "failover".into(),
                from_region: "eastus".into(),
                to_region: "westus".into(),
                forced: true,
                operator: operator.into(),
                scenario: None,
                outage_started_at: "2026-11-26T01:00:00Z".into(),
                outage_start_source: None,
                rto_target_seconds: 3600,
                rpo_target_seconds: 900,
                steps: Vec::new(),
                findings: Vec::new(),
            },
        );
        s
    }

    fn at(&mut self, time: &str, event: Event) -> &mut Script {
        self.0.push(Entry {
            run_id: "r1".into(),
            at: format!("2026-11-26T{time}Z"),
            wall_at: None,
            event,
        });
        self
    }

    /// A step confirmed by `by` and done, from `start` to `end`.
    fn done(&mut self, id: &str, by: &str, start: &str, end: &str) -> &mut Script {
        let step = id.to_string();
        self.at(start, Event::StepStarted { step: step.clone() })
            .at(
                start,
                Event::Confirmed {
                    step: step.clone(),
                    by: by.into(),
                    typed: false,
                },
            )
            .at(end, Event::StepDone { step, note: None })
    }

    fn sent(&mut self, id: &str, time: &str) -> &mut Script {
        self.at(
            time,
            Event::RequestSent {
                step: id.into(),
                method: "POST".into(),
                path: format!("/subscriptions/s/{id}"),
                request_id: None,
                client_request_id: None,
            },
        )
    }

    fn loss(&mut self, id: &str, seconds: f64, detail: &str) -> &mut Script {
        self.at(
            "02:05:00",
            Event::DataLoss {
                step: id.into(),
                seconds,
                detail: detail.into(),
            },
        )
    }

    fn finished(&mut self, time: &str, outcome: &str) -> Vec<Entry> {
        self.at(
            time,
            Event::RunFinished {
                outcome: outcome.into(),
            },
        );
        self.0.clone()
    }
}

fn step_of<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[test]
fn a_completed_run_with_a_skipped_gate_an_override_and_missed_targets_says_so() {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .loss(
            "data.training-data.failover",
            1200.0,
            "writes after 2026-11-26T00:40:00Z lost",
        )
        .done(
            "data.training-data.failover",
            "alice",
            "02:05:00",
            "02:10:00",
        )
        .sent("data.training-data.failover", "02:05:01")
        // alice's terminal is lost; bob resumes, skips the gate and forces the shift.
        .at(
            "02:12:00",
            Event::RunResumed {
                operator: "bob".into(),
            },
        )
        .at(
            "02:12:05",
            Event::StepSkipped {
                step: "data.feature-store.failover".into(),
                reason: "component retired".into(),
                by: None,
            },
        )
        .at(
            "02:13:00",
            Event::StepStarted {
                step: "verify.gate".into(),
            },
        )
        .at(
            "02:13:01",
            Event::PreconditionFailed {
                step: "verify.gate".into(),
                reason: "westus degraded".into(),
            },
        )
        .at(
            "02:13:30",
            Event::StepSkipped {
                step: "verify.gate".into(),
                reason: "smoke test by hand".into(),
                by: Some("bob".into()),
            },
        )
        .at(
            "02:14:00",
            Event::StepStarted {
                step: "traffic.scoring.shift".into(),
            },
        )
        .at(
            "02:14:10",
            Event::PreconditionOverridden {
                step: "traffic.scoring.shift".into(),
                reason: "customers are down".into(),
                by: "bob".into(),
            },
        )
        .sent("traffic.scoring.shift", "02:14:20")
        .at(
            "02:30:00",
            Event::StepDone {
                step: "traffic.scoring.shift".into(),
                note: None,
            },
        )
        .done("finish.notify", "bob", "02:31:00", "02:32:00");
    let entries = j.finished("02:32:01", "completed");
    let r = build(&rb, &entries, None);
    assert_eq!(r["outcome"], "completed");
    assert_eq!(
        r["headline"], "COMPLETED WITH 4 DEVIATIONS · RTO MISSED · RPO MISSED",
        "{:#}",
        r["deviations"]
    );
    assert_eq!(r["rto_seconds"], 5400);
    assert_eq!(r["rto_met"], false);
    assert_eq!(r["data_loss_window_seconds"], 1200);
    assert_eq!(r["rpo_met"], false);
    let gate = step_of(&r, "verify.gate");
    assert_eq!(gate["outcome"], "skipped");
    assert_eq!(
        gate["confirmed_by"], "bob",
        "the skipper, not the run's operator"
    );
    assert_eq!(step_of(&r, "traffic.scoring.shift")["confirmed_by"], "bob");
    assert_eq!(
        step_of(&r, "data.feature-store.failover")["confirmed_by"],
        Value::Null,
        "an older journal's skip names nobody"
    );
    assert_eq!(
        step_of(&r, "prepare.confirm-outage")["confirmed_by"],
        "alice"
    );
    assert_eq!(
        r["deviations"],
        json!([
            "run resumed by bob after an interruption",
            "data.feature-store.failover skipped: component retired",
            "verify.gate skipped by bob: smoke test by hand (the verify gate never passed)",
            "traffic.scoring.shift: precondition overridden by bob: customers are down",
        ])
    );
    let saved: Saved = serde_json::from_value(r.clone()).unwrap();
    assert_eq!(saved.verdict().grade(), Grade::Bad);
    assert_eq!(saved.verdict().short(), "completed+4dev");
    let md = markdown(&r, &Config::demo());
    assert_eq!(
        md.lines().next().unwrap(),
        "# contoso-ml — failover report: COMPLETED WITH 4 DEVIATIONS · RTO MISSED · RPO MISSED"
    );
    assert!(
        md.contains("| `verify.gate` verify.gate | skipped | 02:13:00 | 02:13:30 | 30 s | bob | smoke test by hand |"),
        "{md}"
    );
    assert!(
        md.contains("| 1 h 30 min | 1 h 00 min | **MISSED** |"),
        "{md}"
    );
}

#[test]
fn a_run_stopped_at_a_question_is_aborted_there_and_the_step_not_run() {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .at(
            "02:02:00",
            Event::StepStarted {
                step: "data.training-data.failover".into(),
            },
        )
        .at(
            "02:02:30",
            Event::StepNotRun {
                step: "data.training-data.failover".into(),
                reason: "stopped here: the operator aborted".into(),
                by: Some("alice".into()),
            },
        );
    let entries = j.finished("02:02:31", "aborted");
    // A drill: the simulator measured nothing lost.
    let r = build(&rb, &entries, Some(&[]));
    let st = step_of(&r, "data.training-data.failover");
    assert_eq!(st["outcome"], "not-run");
    assert_eq!(st["confirmed_by"], "alice");
    assert_eq!(step_of(&r, "verify.gate")["outcome"], "not-run");
    assert_eq!(step_of(&r, "verify.gate")["confirmed_by"], Value::Null);
    // Traffic never shifted, and the run ended 1 h 02 min after the outage: past the RTO.
    assert_eq!(r["rto_met"], false, "traffic not shifted within the RTO");
    assert_eq!(r["rpo_met"], true);
    assert_eq!(
        r["headline"],
        "ABORTED AT data.training-data.failover · RTO MISSED"
    );
    assert_eq!(
        r["deviations"],
        json!([
            "data.training-data.failover not run: stopped at its question by alice: the operator aborted"
        ])
    );
    let saved: Saved = serde_json::from_value(r).unwrap();
    assert_eq!(saved.verdict().grade(), Grade::Bad);
    assert_eq!(saved.verdict().short(), "aborted");
}

#[test]
fn a_step_left_after_its_request_was_sent_is_not_reported_as_not_run() {
    // Killed during the storage failover, then closed as aborted by the next run.
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .at(
            "02:04:00",
            Event::StepStarted {
                step: "data.training-data.failover".into(),
            },
        )
        .loss(
            "data.training-data.failover",
            1200.0,
            "writes after 2026-11-26T00:40:00Z lost",
        )
        .sent("data.training-data.failover", "02:05:01");
    let entries = j.finished("02:40:00", "aborted");
    let r = build(&rb, &entries, None);
    let st = step_of(&r, "data.training-data.failover");
    assert_eq!(st["outcome"], "failed");
    assert!(st["note"].as_str().unwrap().contains("never verified"));
    assert_eq!(
        r["headline"],
        "ABORTED AT data.training-data.failover · RTO MISSED · RPO MISSED"
    );
    assert_eq!(r["rpo_met"], false);
}

#[test]
fn unknown_objectives_are_null_and_said_unknown() {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .loss(
            "data.training-data.failover",
            300.0,
            "writes after 2026-11-26T00:55:00Z lost",
        )
        .done(
            "data.training-data.failover",
            "alice",
            "02:05:00",
            "02:10:00",
        )
        // A forced SQL failover journals the loss it risks, not a figure.
        .loss(
            "data.feature-store.failover",
            0.0,
            "transactions not yet replicated will be lost",
        )
        .done(
            "data.feature-store.failover",
            "alice",
            "02:05:00",
            "02:08:00",
        )
        .at("02:11:00", Event::GatePassed)
        .done("verify.gate", "alice", "02:10:30", "02:11:00")
        .at(
            "02:12:00",
            Event::StepSkipped {
                step: "traffic.scoring.shift".into(),
                reason: "DNS changed by hand".into(),
                by: Some("alice".into()),
            },
        )
        .done("finish.notify", "alice", "02:13:00", "02:14:00");
    let entries = j.finished("02:14:01", "completed");
    let r = build(&rb, &entries, None);
    assert_eq!(r["rto_seconds"], Value::Null);
    assert_eq!(r["rto_met"], Value::Null);
    assert_eq!(r["rpo_met"], Value::Null);
    assert_eq!(r["data_loss_window_seconds"], 300);
    assert_eq!(
        r["data_loss_unmeasured"],
        json!(["data.feature-store.failover"])
    );
    assert_eq!(
        r["headline"],
        "COMPLETED WITH 1 DEVIATION · RTO UNKNOWN · RPO UNKNOWN"
    );
    let saved: Saved = serde_json::from_value(r.clone()).unwrap();
    assert_eq!(
        saved.verdict().grade(),
        Grade::Deviated,
        "unknown is not missed"
    );
    let md = markdown(&r, &Config::demo());
    assert!(
        md.contains("| not reached |") && md.contains("| unknown |"),
        "{md}"
    );
    assert!(
        md.contains("not measured for `data.feature-store.failover`"),
        "{md}"
    );

    // Clean: every objective met, nothing deviated.
    let clean = Verdict {
        outcome: "completed".into(),
        stopped_at: None,
        deviations: 0,
        about_stop: 0,
        rto_met: Some(true),
        rpo_met: Some(true),
    };
    assert_eq!(clean.headline(), "COMPLETED · RTO MET · RPO MET");
    assert_eq!(clean.grade(), Grade::Clean);
}

#[test]
fn a_completed_run_whose_gate_never_passed_says_so() {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    for id in [
        "prepare.confirm-outage",
        "data.training-data.failover",
        "data.feature-store.failover",
        "verify.gate",
        "traffic.scoring.shift",
        "finish.notify",
    ] {
        j.done(id, "alice", "02:10:00", "02:20:00");
    }
    let r = build(&rb, &j.finished("02:20:01", "completed"), Some(&[]));
    assert_eq!(
        r["deviations"],
        json!(["verify.gate: the verify gate never passed"])
    );
    // 80 minutes from the outage at 01:00 to the shift at 02:20.
    assert_eq!(
        r["headline"],
        "COMPLETED WITH 1 DEVIATION · RTO MISSED · RPO MET"
    );
}

#[test]
fn older_reports_get_their_verdict_derived() {
    let old: Saved = serde_json::from_value(json!({
        "outcome": "failed", "started_at": "2026-11-26T02:00:00Z",
        "rto_target_seconds": 3600, "rto_seconds": null,
        "rpo_target_seconds": 900, "data_loss_window_seconds": 1000,
        "steps": [
            {"id": "a", "outcome": "done"},
            {"id": "b", "outcome": "failed", "note": "boom"},
            {"id": "c", "outcome": "not-run"},
        ],
        "deviations": ["b failed: boom", "a skipped: why"],
    }))
    .unwrap();
    assert_eq!(old.rto_met(), None);
    assert_eq!(old.rpo_met(), Some(false), "derived from the figures");
    assert_eq!(
        old.headline(),
        "FAILED AT b · 1 OTHER DEVIATION · RPO MISSED"
    );
    // A recorded null stays unknown even where the figures would say otherwise.
    let new: Saved = serde_json::from_value(json!({
        "outcome": "completed", "rto_target_seconds": 3600, "rto_seconds": 60, "rto_met": null,
        "rpo_met": null, "headline": "as recorded",
    }))
    .unwrap();
    assert_eq!((new.rto_met(), new.rpo_met()), (None, None));
    assert_eq!(new.headline(), "as recorded");
}

#[test]
fn a_drill_says_its_times_are_simulated_and_gives_the_wall_clock_too() {
    let rb = forced_runbook();
    let mut j = Script::new("drill-ci");
    j.done("prepare.confirm-outage", "drill-ci", "02:00:10", "02:01:00");
    let mut entries = j.finished("08:21:00", "aborted");
    // 6 h 21 min of simulated time in 13 real minutes.
    entries[0].wall_at = Some("2026-12-01T10:00:00Z".into());
    entries.last_mut().unwrap().wall_at = Some("2026-12-01T10:13:00Z".into());
    if let Event::RunStarted { scenario, .. } = &mut entries[0].event {
        *scenario = Some("eastus-outage".into());
    }
    let r = build(&rb, &entries, Some(&[]));
    assert_eq!(r["clock"], "simulated");
    assert_eq!(r["duration_seconds"], 6 * 3600 + 21 * 60);
    assert_eq!(r["wall_started_at"], "2026-12-01T10:00:00Z");
    assert_eq!(r["wall_finished_at"], "2026-12-01T10:13:00Z");
    assert_eq!(r["wall_duration_seconds"], 13 * 60);
    let saved: Saved = serde_json::from_value(r.clone()).unwrap();
    assert_eq!(saved.took(), "6 h 21 min simulated · 13 min wall-clock");
    let md = markdown(&r, &Config::demo());
    for line in [
        "| Started | 2026-11-26T02:00:00Z (simulated) |",
        "| Finished | 2026-11-26T08:21:00Z (simulated) |",
        "| RTO counted from | 2026-11-26T01:00:00Z (simulated) — the drill's declared incident |",
        "| Duration | 6 h 21 min simulated · 13 min wall-clock |",
        "| Wall clock (real time) | 2026-12-01T10:00:00Z → 2026-12-01T10:13:00Z |",
        "Times are simulated (the simulator's clock, which ran about ×29 as fast as real time), except those marked wall-clock.",
        "| step | outcome | start (simulated) | end (simulated) | duration (simulated) | by | note |",
        "| RTO (outage to verified traffic shift, simulated time) |",
        "## ARM operations sent (simulated times)",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
}

#[test]
fn a_real_run_gives_one_duration_and_no_simulated_label() {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00");
    let mut entries = j.finished("02:13:00", "aborted");
    // Azure's clock two seconds ahead of this machine's: the same duration.
    entries[0].wall_at = Some("2026-11-26T01:59:58Z".into());
    entries.last_mut().unwrap().wall_at = Some("2026-11-26T02:12:59Z".into());
    let r = build(&rb, &entries, None);
    assert_eq!(r["clock"], "azure");
    let saved: Saved = serde_json::from_value(r.clone()).unwrap();
    assert!(!saved.clocks_differ());
    assert_eq!(saved.took(), "13 min");
    let md = markdown(&r, &Config::demo());
    assert!(md.contains("| Duration | 13 min |"), "{md}");
    assert!(
        !md.contains("simulated") && !md.contains("Wall clock"),
        "{md}"
    );
    // An older journal, without wall times: the duration on its own clock.
    let older = build(&rb, &j.0, None);
    assert!(older["wall_duration_seconds"].is_null());
    let saved: Saved = serde_json::from_value(older).unwrap();
    assert_eq!(saved.took(), "13 min");
}

/// A console run started at 02:00 into an outage whose incident began at 01:00 (`Script`):
/// the traffic shifted at 02:30 is 1 h 30 min after the outage, not 30 min after the run.
fn shifted_at_0230(source: Option<&str>, outage_at: &str) -> Value {
    let rb = forced_runbook();
    let mut j = Script::new("alice");
    if let Event::RunStarted {
        outage_started_at,
        outage_start_source,
        ..
    } = &mut j.0[0].event
    {
        *outage_started_at = outage_at.into();
        *outage_start_source = source.map(str::to_string);
    }
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .done("traffic.scoring.shift", "alice", "02:10:00", "02:30:00");
    build(&rb, &j.finished("02:31:00", "completed"), None)
}

#[test]
fn the_rto_is_counted_from_the_outage_the_evidence_dates_not_from_the_run() {
    let r = shifted_at_0230(Some("service-health-incident"), "2026-11-26T01:00:00Z");
    assert_eq!(r["rto_seconds"], 5400);
    assert_eq!(r["rto_met"], false);
    assert_eq!(r["rto_counted_from"], "service-health-incident");
    let md = markdown(&r, &Config::demo());
    assert!(
        md.contains("| RTO counted from | 2026-11-26T01:00:00Z — the start of the Service Health incident in the region left |"),
        "{md}"
    );
    // Nothing dated the outage: counted from the run's start, 30 min is only a lower bound.
    let r = shifted_at_0230(Some("run-start-unknown"), "2026-11-26T02:00:00Z");
    assert_eq!(r["rto_seconds"], 1800);
    assert_eq!(r["rto_met"], Value::Null);
    assert!(r["headline"].as_str().unwrap().contains("RTO UNKNOWN"));
    // A planned switchover (the region was healthy) is counted from the run's start.
    let r = shifted_at_0230(Some("run-start"), "2026-11-26T02:00:00Z");
    assert_eq!(r["rto_met"], true);
    // A journal older than the source: its start is taken as it was written.
    let r = shifted_at_0230(None, "2026-11-26T02:00:00Z");
    assert_eq!(
        (r["rto_met"].clone(), r["rto_counted_from"].clone()),
        (Value::Bool(true), "run-start".into())
    );
}

#[test]
fn a_request_whose_answer_was_lost_is_listed_among_the_operations_sent() {
    let rb = forced_runbook();
    let intent = |step: &str, id: &str| Event::RequestIntent {
        step: step.into(),
        method: "POST".into(),
        path: format!("/subscriptions/s/{step}"),
        client_request_id: id.into(),
    };
    let mut j = Script::new("alice");
    j.done("prepare.confirm-outage", "alice", "02:00:10", "02:01:00")
        .at("02:02:00", intent("data.training-data.failover", "a"))
        .sent("data.training-data.failover", "02:02:01")
        // The SQL failover's answer was lost; the step verified live state and went on.
        .at("02:03:00", intent("data.feature-store.failover", "b"))
        .at(
            "02:04:00",
            Event::StepDone {
                step: "data.feature-store.failover".into(),
                note: Some("the request whose answer was lost took effect".into()),
            },
        )
        // The traffic shift's answer was lost too, and the run stopped there.
        .at("02:05:00", intent("traffic.scoring.shift", "c"));
    let r = build(&rb, &j.finished("02:06:00", "aborted"), None);
    let ops: Vec<(String, String)> = r["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["step"].as_str().unwrap().to_string(),
                o["answer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("data.training-data.failover".into(), "received".into()),
            ("data.feature-store.failover".into(), "lost".into()),
            ("traffic.scoring.shift".into(), "lost".into()),
        ]
    );
    let md = markdown(&r, &Config::demo());
    assert!(
        md.contains("- 2026-11-26T02:03:00Z POST `/subscriptions/s/data.feature-store.failover` (its answer was lost"),
        "{md}"
    );
}

#[test]
fn the_report_names_the_store_its_data_loss_window_is_and_each_other() {
    let rb = forced_runbook();
    let j = Script::new("alice");
    let losses = [
        ("/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/sttrain".to_string(), 4336.0),
        ("/subscriptions/s/resourceGroups/g/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-sessions".to_string(), 4865.0),
    ];
    let r = build(&rb, &j.0, Some(&losses));
    assert_eq!(r["data_loss_window_seconds"], 4865);
    assert_eq!(
        r["data_loss_by"],
        json!([{"what": "cosmos-sessions", "seconds": 4865}, {"what": "sttrain", "seconds": 4336}])
    );
    let md = markdown(&r, &Config::demo());
    assert!(
        md.contains("by store, largest first: `cosmos-sessions` 1 h 21 min, `sttrain` 1 h 12 min"),
        "{md}"
    );
}
