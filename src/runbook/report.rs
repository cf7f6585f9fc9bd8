//! Reports of failovers, failbacks and drills: JSON (CONTRACT.md) and Markdown side by side,
//! mode 0600, built from the journal alone — so an aborted or crashed run still gets one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::journal::{Entry, Event, create_private};
use super::model::Runbook;
use super::run::step_states;
use crate::config::Config;
use crate::health::report::sanitize;
use crate::timefmt::{hhmmss, parse_rfc3339};
use time::OffsetDateTime;

/// Where reports live.
pub fn reports_dir() -> PathBuf {
    crate::paths::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("reports")
}

fn secs_between(a: &str, b: &str) -> Option<i64> {
    Some((parse_rfc3339(b)? - parse_rfc3339(a)?).whole_seconds())
}

/// Builds the report JSON from a runbook and its journal; `losses` is what the simulator
/// measured (drills).
pub fn build(rb: &Runbook, entries: &[Entry], losses: Option<&[(String, f64)]>) -> Value {
    let start = entries.iter().find_map(|e| match &e.event {
        Event::RunStarted {
            operator,
            scenario,
            outage_started_at,
            rto_target_seconds,
            rpo_target_seconds,
            findings,
            ..
        } => Some((
            e.at.clone(),
            operator.clone(),
            scenario.clone(),
            outage_started_at.clone(),
            *rto_target_seconds,
            *rpo_target_seconds,
            findings.clone(),
        )),
        _ => None,
    });
    let (started_at, operator, scenario, outage_at, rto_target, rpo_target, findings) =
        start.unwrap_or_default();
    let finished = entries.iter().rev().find_map(|e| match &e.event {
        Event::RunFinished { outcome } => Some((e.at.clone(), outcome.clone())),
        _ => None,
    });
    let (finished_at, outcome) = finished.unwrap_or_else(|| {
        (
            entries.last().map(|e| e.at.clone()).unwrap_or_default(),
            "aborted".into(),
        )
    });
    let states = step_states(entries);
    let confirmed_by = |id: &str| {
        entries.iter().find_map(|e| match &e.event {
            Event::Confirmed { step, by, .. } if step == id => Some(by.clone()),
            _ => None,
        })
    };
    let steps: Vec<Value> = rb
        .steps
        .iter()
        .map(|s| {
            let (st, fin, out, note) = states.get(&s.id).cloned().unwrap_or((None, None, "not-run".into(), None));
            let duration = match (&st, &fin) {
                (Some(a), Some(b)) => secs_between(a, b),
                _ => None,
            };
            json!({"id": s.id, "title": s.title, "phase": s.phase, "outcome": out, "started_at": st, "finished_at": fin,
                   "duration_seconds": duration, "note": note, "confirmed_by": confirmed_by(&s.id), "outside_rto": s.outside_rto})
        })
        .collect();
    let shift = rb
        .steps
        .iter()
        .find(|s| s.completes_traffic_shift)
        .map(|s| s.id.clone());
    let shift_done = shift
        .as_ref()
        .and_then(|id| states.get(id))
        .filter(|s| s.2 == "done")
        .and_then(|s| s.1.clone());
    let rto = shift_done
        .as_ref()
        .and_then(|t| secs_between(&outage_at, t))
        .map(|s| s.max(0));
    let estimated_loss = entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::DataLoss { seconds, .. } => Some(*seconds),
            _ => None,
        })
        .fold(0.0_f64, f64::max);
    let loss = match losses {
        Some(l) => l.iter().map(|(_, s)| *s).fold(0.0_f64, f64::max),
        None => estimated_loss,
    };
    let operations: Vec<Value> = entries
        .iter()
        .filter_map(|e| match &e.event {
            Event::RequestSent { method, path, request_id, step, .. } => Some(json!({"method": method, "path": path, "at": e.at, "step": step, "request_id": request_id})),
            _ => None,
        })
        .collect();
    let mut deviations: Vec<String> = Vec::new();
    for e in entries {
        match &e.event {
            Event::StepSkipped { step, reason, by } => deviations.push(format!(
                "{step} skipped{}: {reason}",
                by.as_ref().map(|b| format!(" by {b}")).unwrap_or_default()
            )),
            Event::PreconditionOverridden { step, reason, by } => {
                deviations.push(format!("{step}: precondition overridden by {by}: {reason}"))
            }
            Event::StepFailed { step, error } => deviations.push(format!("{step} failed: {error}")),
            Event::RunResumed { operator } => {
                deviations.push(format!("run resumed by {operator} after an interruption"))
            }
            _ => {}
        }
    }
    json!({
        "scenario": scenario, "operator": operator, "outcome": outcome,
        "kind": rb.kind.as_str(),
        "deployment": rb.deployment, "from_region": rb.from_region, "to_region": rb.to_region, "forced": rb.forced,
        "started_at": started_at, "finished_at": finished_at, "outage_started_at": outage_at,
        "rto_target_seconds": rto_target, "rto_seconds": rto,
        "rpo_target_seconds": rpo_target, "data_loss_window_seconds": loss.round() as i64,
        "data_loss_source": if losses.is_some() { "simulator (measured)" } else { "lastSyncTime at the forced steps (estimated)" },
        "operations": operations, "steps": steps, "readiness_findings": findings, "deviations": deviations,
    })
}

/// The report as Markdown.
pub fn markdown(r: &Value, cfg: &Config) -> String {
    let mut out = String::new();
    let s = |v: &Value| v.as_str().map(sanitize).unwrap_or_else(|| "-".into());
    let kind = s(&r["kind"]);
    let title = if r["scenario"].is_null() {
        format!("{kind} report")
    } else {
        format!("DR drill report ({kind}, scenario {})", s(&r["scenario"]))
    };
    let _ = writeln!(out, "# {} — {}\n", sanitize(&cfg.deployment.name), title);
    let _ = writeln!(out, "| | |\n|---|---|");
    for (k, v) in [
        ("Outcome", s(&r["outcome"])),
        ("Operator", s(&r["operator"])),
        (
            "Move",
            format!(
                "{} → {}{}",
                s(&r["from_region"]),
                s(&r["to_region"]),
                if r["forced"] == true {
                    " (forced)"
                } else {
                    " (planned)"
                }
            ),
        ),
        ("Started", s(&r["started_at"])),
        ("Finished", s(&r["finished_at"])),
        ("Outage declared at", s(&r["outage_started_at"])),
    ] {
        let _ = writeln!(out, "| {k} | {v} |");
    }
    let rto = r["rto_seconds"].as_i64();
    let rto_t = r["rto_target_seconds"].as_i64().unwrap_or(0);
    let loss = r["data_loss_window_seconds"].as_i64().unwrap_or(0);
    let rpo_t = r["rpo_target_seconds"].as_i64().unwrap_or(0);
    let verdict = |got: Option<i64>, target: i64| match got {
        Some(g) if g <= target => "met",
        Some(_) => "**MISSED**",
        None => "not reached",
    };
    let _ = writeln!(
        out,
        "\n## Objectives\n\n| | achieved | target | |\n|---|---|---|---|"
    );
    let _ = writeln!(
        out,
        "| RTO (outage to verified traffic shift) | {} | {} | {} |",
        rto.map_or("-".into(), human),
        human(rto_t),
        verdict(rto, rto_t)
    );
    let _ = writeln!(
        out,
        "| Data-loss window | {} | RPO {} | {} |",
        human(loss),
        human(rpo_t),
        verdict(Some(loss), rpo_t)
    );
    let _ = writeln!(out, "\nData loss: {}.\n", s(&r["data_loss_source"]));
    if let Some(f) = r["readiness_findings"].as_array().filter(|f| !f.is_empty()) {
        let _ = writeln!(out, "## Readiness before the run\n");
        for x in f {
            let _ = writeln!(out, "- {}", s(x));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Timeline\n\n| step | outcome | start | end | duration | confirmed by | note |\n|---|---|---|---|---|---|---|"
    );
    let steps = r["steps"].as_array().cloned().unwrap_or_default();
    for st in &steps {
        let t = |v: &Value| {
            v.as_str()
                .map(|x| x.get(11..19).unwrap_or(x).to_string())
                .unwrap_or_else(|| "-".into())
        };
        let _ = writeln!(
            out,
            "| `{}` {} | {} | {} | {} | {} | {} | {} |",
            s(&st["id"]),
            s(&st["title"]),
            s(&st["outcome"]),
            t(&st["started_at"]),
            t(&st["finished_at"]),
            st["duration_seconds"].as_i64().map_or("-".into(), human),
            s(&st["confirmed_by"]),
            st["note"].as_str().map(sanitize).unwrap_or_default()
        );
    }
    // The steps on the run's time axis: where each started and how long it ran.
    let _ = writeln!(
        out,
        "\n## Step durations\n\nEach step on the run's time axis, from the declared outage to the end of the run: where it started and how long it ran (steps of a phase that ran side by side overlap; ░ never finished).\n\n```"
    );
    let saved: Saved = serde_json::from_value(r.clone()).unwrap_or_default();
    if let Some(axis) = Axis::of(&saved) {
        const WIDTH: usize = 48;
        let _ = writeln!(out, "{:<40} {}", "", axis.header(WIDTH, &saved));
        for st in saved.steps.iter().filter(|x| x.started_at.is_some()) {
            let _ = writeln!(
                out,
                "{:<40} {:<WIDTH$} {}",
                sanitize(&st.id).chars().take(40).collect::<String>(),
                axis.bar(st, WIDTH),
                st.duration_seconds.map_or("-".into(), human)
            );
        }
    }
    let _ = writeln!(out, "```\n\n## ARM operations sent\n");
    for op in r["operations"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "- {} {} `{}` {}",
            s(&op["at"]),
            s(&op["method"]),
            s(&op["path"]),
            op["request_id"]
                .as_str()
                .map(|i| format!("(request id {i})"))
                .unwrap_or_default()
        );
    }
    let dev = r["deviations"].as_array().cloned().unwrap_or_default();
    let _ = writeln!(out, "\n## Deviations\n");
    if dev.is_empty() {
        let _ = writeln!(out, "None: every step ran as planned.");
    }
    for d in dev {
        let _ = writeln!(out, "- {}", s(&d));
    }
    out
}

fn human(secs: i64) -> String {
    crate::timefmt::human(std::time::Duration::from_secs(secs.max(0) as u64))
}

use std::fmt::Write as _;

/// Writes `<name>.json` and `<name>.md` (mode 0600); returns their paths.
pub fn write(
    dir: &Path,
    rb: &Runbook,
    entries: &[Entry],
    losses: Option<&[(String, f64)]>,
    cfg: &Config,
) -> std::io::Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    let report = build(rb, entries, losses);
    let run_id = entries
        .first()
        .map(|e| e.run_id.clone())
        .unwrap_or_default();
    let kind = if report["scenario"].is_null() {
        report["kind"].as_str().unwrap_or("run").to_string()
    } else {
        "drill".to_string()
    };
    let base = dir.join(format!(
        "{}-{kind}-{run_id}",
        super::journal::safe(&rb.deployment)
    ));
    let json_path = base.with_extension("json");
    let md_path = base.with_extension("md");
    for (path, text) in [
        (
            &json_path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        ),
        (&md_path, markdown(&report, cfg)),
    ] {
        let _ = std::fs::remove_file(path);
        let mut f = create_private(path)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
    }
    Ok((json_path, md_path))
}

/// A saved report as the console and `azfailover reports` read it back. Tolerant: a field
/// that is missing (an older report) takes its default.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct Saved {
    pub scenario: Option<String>,
    pub operator: String,
    pub outcome: String,
    pub kind: String,
    pub deployment: String,
    pub from_region: String,
    pub to_region: String,
    pub forced: bool,
    pub started_at: String,
    pub finished_at: String,
    pub outage_started_at: String,
    pub rto_target_seconds: i64,
    pub rto_seconds: Option<i64>,
    pub rpo_target_seconds: i64,
    pub data_loss_window_seconds: i64,
    pub data_loss_source: String,
    pub operations: Vec<SavedOperation>,
    pub steps: Vec<SavedStep>,
    pub readiness_findings: Vec<String>,
    pub deviations: Vec<String>,
}

/// One mutating request of a saved report.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SavedOperation {
    pub method: String,
    pub path: String,
    pub at: String,
    pub step: Option<String>,
}

/// One step of a saved report.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SavedStep {
    pub id: String,
    pub title: String,
    pub phase: String,
    pub outcome: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub duration_seconds: Option<i64>,
    pub note: Option<String>,
    pub confirmed_by: Option<String>,
    pub outside_rto: bool,
}

impl Saved {
    /// "drill", "failover" or "failback".
    pub fn label(&self) -> &str {
        if self.scenario.is_some() {
            "drill"
        } else if self.kind.is_empty() {
            "run"
        } else {
            &self.kind
        }
    }

    /// Whether the RTO was met (None: the traffic shift was never verified).
    pub fn rto_met(&self) -> Option<bool> {
        self.rto_seconds.map(|s| s <= self.rto_target_seconds)
    }

    /// Whether the data-loss window is within the RPO.
    pub fn rpo_met(&self) -> bool {
        self.data_loss_window_seconds <= self.rpo_target_seconds
    }
}

/// The time axis of a chart of a run's steps (the report screen and the Markdown report).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
}

impl Axis {
    /// From the declared outage (or the first step) to the run's end (or the last step).
    pub fn of(r: &Saved) -> Option<Axis> {
        let times = |f: fn(&SavedStep) -> Option<&String>| {
            r.steps
                .iter()
                .filter_map(move |s| f(s).and_then(|x| parse_rfc3339(x)))
        };
        let from = [&r.outage_started_at, &r.started_at]
            .into_iter()
            .filter_map(|x| parse_rfc3339(x))
            .chain(times(|s| s.started_at.as_ref()))
            .min()?;
        let to = parse_rfc3339(&r.finished_at)
            .into_iter()
            .chain(times(|s| s.finished_at.as_ref()))
            .max()?;
        (to > from).then_some(Axis { from, to })
    }

    /// The column of a moment on a bar `width` wide.
    pub fn column(&self, at: OffsetDateTime, width: usize) -> usize {
        let span = (self.to - self.from).as_seconds_f64();
        let x = (at - self.from).as_seconds_f64() / span * width as f64;
        (x.max(0.0) as usize).min(width.saturating_sub(1))
    }

    /// A step's bar: blank up to its start, then one block per column it ran (at least one).
    /// A step that started and never ended runs to the end of the axis, hatched.
    pub fn bar(&self, s: &SavedStep, width: usize) -> String {
        let Some(start) = s.started_at.as_deref().and_then(parse_rfc3339) else {
            return String::new();
        };
        let x0 = self.column(start, width);
        let (x1, glyph) = match s.finished_at.as_deref().and_then(parse_rfc3339) {
            Some(end) => (self.column(end, width), "█"),
            None => (width.saturating_sub(1), "░"),
        };
        format!("{}{}", " ".repeat(x0), glyph.repeat(x1.max(x0) - x0 + 1))
    }

    /// The header of the bar column: the axis's ends, and where the RTO target falls.
    pub fn header(&self, width: usize, r: &Saved) -> String {
        let left = hhmmss(self.from);
        let right = hhmmss(self.to);
        if width < left.len() + right.len() + 2 {
            return String::new();
        }
        let mut cells: Vec<char> = std::iter::repeat_n(' ', width).collect();
        let mut put = |x: usize, text: &str| {
            for (i, c) in text.chars().enumerate() {
                if let Some(cell) = cells.get_mut(x + i) {
                    *cell = c;
                }
            }
        };
        let deadline = parse_rfc3339(&r.outage_started_at)
            .map(|o| o + time::Duration::seconds(r.rto_target_seconds));
        if let Some(d) = deadline.filter(|d| *d > self.from && *d < self.to) {
            let x = self.column(d, width);
            let mark = "▼RTO";
            if x > left.len() && x + mark.chars().count() < width.saturating_sub(right.len()) {
                put(x, mark);
            }
        }
        put(0, &left);
        put(width - right.len(), &right);
        cells.into_iter().collect()
    }
}

/// A report found on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub json: PathBuf,
    /// The Markdown report beside it.
    pub markdown: PathBuf,
    pub report: Saved,
}

/// The reports of a directory, newest first, and the files that could not be read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub dir: PathBuf,
    pub reports: Vec<Listed>,
    /// "file: why" for each JSON file that is not a readable report.
    pub unreadable: Vec<String>,
}

/// Reads every report of `dir` (a missing directory is an empty listing; one that cannot be
/// read is an error). Newest first, by
/// start time then file name.
pub fn list(dir: &Path) -> Result<Listing, String> {
    let mut listing = Listing {
        dir: dir.to_path_buf(),
        ..Listing::default()
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(listing),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str::<Saved>(&text).map_err(|e| e.to_string()));
        match read {
            Ok(report) if !report.started_at.is_empty() => listing.reports.push(Listed {
                markdown: path.with_extension("md"),
                json: path,
                report,
            }),
            Ok(_) => listing
                .unreadable
                .push(format!("{name}: not a report (no started_at)")),
            Err(e) => listing.unreadable.push(format!("{name}: {e}")),
        }
    }
    listing.reports.sort_by(|a, b| {
        let key = |l: &Listed| parse_rfc3339(&l.report.started_at);
        key(b).cmp(&key(a)).then_with(|| b.json.cmp(&a.json))
    });
    Ok(listing)
}

#[cfg(test)]
mod tests {
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
            event: Event::RunStarted {
                deployment: "contoso-ml".into(),
                kind: "failover".into(),
                from_region: "eastus".into(),
                to_region: "westus".into(),
                forced: true,
                operator: "alice".into(),
                scenario: Some("eastus-outage".into()),
                outage_started_at: "2026-11-26T02:40:00Z".into(),
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
        assert!(saved.rpo_met());
        assert_eq!(saved.readiness_findings, ["finding"]);
    }
}
