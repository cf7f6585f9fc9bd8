//! A saved report read back (the console's report screen, `azfailover reports`): tolerant of
//! older reports, with the verdict, the durations on each clock, the chart's time axis and the
//! listing of a reports directory.

use super::markdown::human;
use super::*;

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
    /// The clock of the times above: "simulated" or "azure" (empty in older reports).
    pub clock: String,
    /// From start to finish on that clock (None in older reports: derived).
    pub duration_seconds: Option<i64>,
    /// Start, finish and duration on this machine's clock (None when the journal predates it).
    pub wall_started_at: Option<String>,
    pub wall_finished_at: Option<String>,
    pub wall_duration_seconds: Option<i64>,
    pub rto_target_seconds: i64,
    pub rto_seconds: Option<i64>,
    pub rpo_target_seconds: i64,
    pub data_loss_window_seconds: i64,
    pub data_loss_source: String,
    pub operations: Vec<SavedOperation>,
    pub steps: Vec<SavedStep>,
    pub readiness_findings: Vec<String>,
    pub deviations: Vec<String>,
    /// `rto_met` as the report recorded it: None when the report predates it, Some(None)
    /// when it was unknown.
    #[serde(rename = "rto_met", deserialize_with = "recorded")]
    pub recorded_rto_met: Option<Option<bool>>,
    /// `rpo_met` as the report recorded it (see `recorded_rto_met`).
    #[serde(rename = "rpo_met", deserialize_with = "recorded")]
    pub recorded_rpo_met: Option<Option<bool>>,
    /// `headline` as the report recorded it (None in older reports).
    #[serde(rename = "headline")]
    pub recorded_headline: Option<String>,
}

/// A field that is there, null or not: `Some(None)` for null (a missing field takes the
/// struct's default, None).
fn recorded<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<bool>>, D::Error> {
    <Option<bool> as serde::Deserialize>::deserialize(d).map(Some)
}

/// One mutating request of a saved report.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(default)]
pub struct SavedOperation {
    pub method: String,
    pub path: String,
    pub at: String,
    pub step: Option<String>,
    /// "received", or "lost" (sent or not, no answer came back); None in older reports.
    pub answer: Option<String>,
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
    /// Whether its times are simulated (a drill, or a run against the simulator).
    pub fn simulated(&self) -> bool {
        self.clock == "simulated" || self.scenario.is_some()
    }

    /// From start to finish on the report's own clock.
    pub fn duration(&self) -> Option<i64> {
        self.duration_seconds
            .or_else(|| secs_between(&self.started_at, &self.finished_at))
            .map(|s| s.max(0))
    }

    /// Whether its own clock and the wall clock disagree on how long it took (more than a few
    /// seconds and a twentieth): always for a drill faster than real time.
    pub fn clocks_differ(&self) -> bool {
        match (self.duration(), self.wall_duration_seconds) {
            (Some(own), Some(wall)) => (own - wall).abs() > (wall / 20).max(5),
            _ => false,
        }
    }

    /// How many times faster than real time its clock ran, when the clocks differ.
    pub fn pace(&self) -> Option<f64> {
        let wall = self.wall_duration_seconds.filter(|w| *w > 0)?;
        self.clocks_differ()
            .then(|| self.duration().unwrap_or(0) as f64 / wall as f64)
    }

    /// How long the run took: "6 h 21 min simulated · 13 min wall-clock" when the clocks
    /// differ, "13 min" when they do not, each figure labelled in a drill.
    pub fn took(&self) -> String {
        let own = self.duration();
        let wall = self.wall_duration_seconds;
        let label = if self.simulated() {
            " simulated"
        } else {
            " by Azure's clock"
        };
        match (own, wall) {
            (Some(o), Some(w)) if self.clocks_differ() => {
                format!("{}{label} · {} wall-clock", human(o), human(w))
            }
            (Some(o), _) if self.simulated() => format!("{} simulated", human(o)),
            (_, Some(w)) => human(w),
            (Some(o), None) => human(o),
            (None, None) => "-".into(),
        }
    }

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

    /// Whether the RTO was met (None: the traffic shift was never verified). As recorded;
    /// derived for reports older than `rto_met`.
    pub fn rto_met(&self) -> Option<bool> {
        self.recorded_rto_met
            .unwrap_or_else(|| self.rto_seconds.map(|s| s <= self.rto_target_seconds))
    }

    /// Whether the data-loss window is within the RPO (None: a forced step's loss was not
    /// measured). As recorded; derived for reports older than `rpo_met`.
    pub fn rpo_met(&self) -> Option<bool> {
        self.recorded_rpo_met.unwrap_or(Some(
            self.data_loss_window_seconds <= self.rpo_target_seconds,
        ))
    }

    /// The step where an aborted or failed run stopped: the one stopped at its question, else
    /// the last that failed, else one that started and never ended.
    pub fn stopped_at(&self) -> Option<&str> {
        if self.outcome == "completed" {
            return None;
        }
        let stopped = |s: &&SavedStep| {
            s.outcome == "not-run"
                && s.note
                    .as_deref()
                    .is_some_and(|n| n.starts_with("stopped here"))
        };
        let steps = || self.steps.iter().rev();
        steps()
            .find(stopped)
            .or_else(|| steps().find(|s| s.outcome == "failed"))
            .or_else(|| steps().find(|s| s.started_at.is_some() && s.finished_at.is_none()))
            .map(|s| s.id.as_str())
    }

    /// How the run went, as its headline says it.
    pub fn verdict(&self) -> Verdict {
        let stopped_at = self.stopped_at().map(str::to_string);
        let about_stop = stopped_at.as_deref().map_or(0, |at| {
            self.deviations
                .iter()
                .filter(|d| d.starts_with(&format!("{at} ")) || d.starts_with(&format!("{at}:")))
                .count()
        });
        Verdict {
            outcome: self.outcome.clone(),
            stopped_at,
            deviations: self.deviations.len(),
            about_stop,
            rto_met: self.rto_met(),
            rpo_met: self.rpo_met(),
        }
    }

    /// The headline: as recorded, derived for older reports.
    pub fn headline(&self) -> String {
        match &self.recorded_headline {
            Some(h) if !h.is_empty() => h.clone(),
            _ => self.verdict().headline(),
        }
    }
}

/// How a run went: what its headline says, and how alarmed a reader should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// completed | aborted | failed
    pub outcome: String,
    /// Where an aborted or failed run stopped.
    pub stopped_at: Option<String>,
    /// Deviations in all.
    pub deviations: usize,
    /// Of those, the ones about the step where the run stopped (the headline names it).
    pub about_stop: usize,
    pub rto_met: Option<bool>,
    pub rpo_met: Option<bool>,
}

/// How a report reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// Completed as planned, no objective missed (green).
    Clean,
    /// Completed, with deviations (amber).
    Deviated,
    /// Aborted, failed, or an objective missed (red).
    Bad,
}

impl Verdict {
    /// Deviations the headline counts: for a run that stopped, those besides its stop.
    fn counted(&self) -> usize {
        self.deviations - self.about_stop.min(self.deviations)
    }

    /// "COMPLETED WITH 2 DEVIATIONS · RTO MET · RPO MISSED", "ABORTED AT step · RPO MISSED".
    /// A completed run says both objectives; a stopped one only those it missed.
    pub fn headline(&self) -> String {
        let n = self.counted();
        let deviations =
            |other: &str| format!("{n} {other}DEVIATION{}", if n == 1 { "" } else { "S" });
        let mut parts = Vec::new();
        let objective = |name: &str, met: Option<bool>| match met {
            Some(true) => format!("{name} MET"),
            Some(false) => format!("{name} MISSED"),
            None => format!("{name} UNKNOWN"),
        };
        if self.outcome == "completed" {
            parts.push(if n == 0 {
                "COMPLETED".to_string()
            } else {
                format!("COMPLETED WITH {}", deviations(""))
            });
            parts.push(objective("RTO", self.rto_met));
            parts.push(objective("RPO", self.rpo_met));
        } else {
            let mut head = if self.outcome.is_empty() {
                "UNFINISHED".to_string()
            } else {
                self.outcome.to_uppercase()
            };
            if let Some(at) = &self.stopped_at {
                head.push_str(&format!(" AT {at}"));
            }
            parts.push(head);
            if n > 0 {
                parts.push(deviations(if self.stopped_at.is_some() {
                    "OTHER "
                } else {
                    ""
                }));
            }
            for (name, met) in [("RTO", self.rto_met), ("RPO", self.rpo_met)] {
                if met == Some(false) {
                    parts.push(objective(name, met));
                }
            }
        }
        parts.join(" · ")
    }

    /// The headline's first part in a word, for a column: "completed", "completed+2dev",
    /// "aborted+1dev".
    pub fn short(&self) -> String {
        let outcome = if self.outcome.is_empty() {
            "unfinished"
        } else {
            &self.outcome
        };
        match self.counted() {
            0 => outcome.to_string(),
            n => format!("{outcome}+{n}dev"),
        }
    }

    /// Green only when completed as planned with no objective missed (unknown is not
    /// missed); amber with deviations; red when stopped or an objective was missed.
    pub fn grade(&self) -> Grade {
        if self.outcome != "completed" || self.rto_met == Some(false) || self.rpo_met == Some(false)
        {
            Grade::Bad
        } else if self.deviations > 0 {
            Grade::Deviated
        } else {
            Grade::Clean
        }
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
