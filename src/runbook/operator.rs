//! Who decides at each step: a person at the console, or an `--answers` file (CONTRACT.md).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use serde::Deserialize;

use super::model::{Confirm, Step};

/// The operator's answer to a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Go (a yes/no step, or a step without confirmation).
    Confirm,
    /// The typed text (for a typed step).
    Typed(String),
    /// Skip it, with the reason.
    Skip(String),
    /// Override a failed precondition (typed and with a written reason).
    Override(String),
    /// Stop the run.
    Abort,
    /// Stop the run without an abort by the operator: a scripted run that meets what only a
    /// person can judge (a request in doubt, live state that cannot be read).
    Stop,
}

/// What the operator is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Confirm a step before it runs.
    Confirm,
    /// A precondition failed: override (with a reason), skip or abort.
    Blocked(String),
    /// The step failed: retry, skip or abort.
    Failed(String),
    /// The step waits for a condition azfailover does not drive (e.g. geo-replication to
    /// become Live): the reason, and when the wait began (RFC 3339). The question is withdrawn
    /// (its future dropped) as soon as the condition holds; an answer stops the wait: skip
    /// (with a reason) or abort.
    Waiting { reason: String, since: String },
    /// A request's answer was lost and live state does not show whether it took effect: the
    /// evidence. Re-check (Confirm), send it again having checked by hand (Override, with the
    /// target region typed and a reason), skip (it happened, or was done by hand), or abort.
    InDoubt(String),
    /// Live state could not be read (after retries): retry (Confirm), skip or abort.
    Unreadable(String),
}

/// Live news about a step, shown while its question is open (a console updates the dialog).
#[derive(Debug, Clone, PartialEq)]
pub enum StepUpdate {
    /// The data a forced step would lose if sent now, re-read every second.
    DataLoss {
        /// Seconds of writes lost if it were sent now.
        seconds: f64,
        /// In a responder's words: "writes to st… after 02:41:07 UTC — 24 min and rising — will be lost".
        text: String,
    },
    /// Why a waiting step still waits (its condition's latest reading).
    StillWaiting(String),
}

/// An unfinished run found when a new one starts (CONTRACT.md "Resuming").
#[derive(Debug, Clone, PartialEq)]
pub struct ResumeOffer {
    /// failover | failback | drill.
    pub kind: String,
    pub operator: String,
    /// When it started (RFC 3339, Azure's clock).
    pub started_at: String,
    /// The last step it reached, and that step's title.
    pub stopped_at: Option<(String, String)>,
    /// The mutating requests it sent: "POST …/failover (data.training-data.failover)".
    pub sent: Vec<String>,
    /// Its journal.
    pub journal: std::path::PathBuf,
}

/// What to do with an unfinished run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResumeChoice {
    /// Go on with it: nothing is sent twice.
    Resume,
    /// Close it with an aborted report, then plan a new run.
    Abandon,
    /// Leave it as it is and stop.
    Quit,
}

/// A decision maker. Shared (`&self`) so that steps followed side by side can report while the
/// next step's question is open; the executor asks one question at a time.
#[async_trait::async_trait]
pub trait Operator: Send + Sync {
    /// The operator's name, for the journal and the report.
    fn name(&self) -> String;
    /// Decides about a step. The future may be dropped before it answers (a `Waiting` question
    /// whose condition came true): the question is then withdrawn.
    async fn decide(&self, step: &Step, question: &Question) -> Decision;
    /// What to do with an unfinished run (asked before anything is sent); default: resume it.
    async fn resume_offer(&self, _offer: &ResumeOffer) -> ResumeChoice {
        ResumeChoice::Resume
    }
    /// Hears what happens (a console updates its screen); default: nothing.
    fn notify(&self, _line: &str) {}
    /// Hears what the operator must not miss (a resume, a dry run); default: as `notify`.
    fn announce(&self, line: &str) {
        self.notify(line);
    }
    /// Hears what went wrong that the run goes on despite (a journal write that failed, a lock
    /// taken over from a crashed run); default: as `notify`. The executor never writes to
    /// stderr itself: what it has to say comes here or through `notify`/`announce`.
    fn warn(&self, line: &str) {
        self.notify(line);
    }
    /// Live news about the step whose question is open; default: nothing.
    fn update(&self, _step: &str, _update: StepUpdate) {}
    /// The run's runbook and its journal so far, once the journal exists (a resumed run has
    /// earlier entries); every later entry comes through `journaled`.
    fn started(&self, _runbook: &super::model::Runbook, _entries: &[super::journal::Entry]) {}
    /// Sees every journal entry as it is written (a console derives step states from them).
    fn journaled(&self, _entry: &super::journal::Entry) {}
}

/// The longest operator name (it goes into the lock tag, the journal and reports).
pub const OPERATOR_MAX: usize = 64;
/// The longest answer (a reason goes into the journal and the report).
const ANSWER_MAX: usize = 2000;

/// Whether a name can be the operator's: 1 to `OPERATOR_MAX` printable characters.
pub fn check_operator_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if name.trim().is_empty() || len > OPERATOR_MAX || name.chars().any(char::is_control) {
        return Err(format!(
            "operator must be a name of 1 to {OPERATOR_MAX} printable characters (it is {len} long)"
        ));
    }
    Ok(())
}

/// A name from elsewhere (a signed-in identity, `$USER`) made fit to be the operator's: its
/// control characters dropped, cut to `OPERATOR_MAX`; None when nothing is left.
pub fn fit_operator_name(name: &str) -> Option<String> {
    let fit: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(OPERATOR_MAX)
        .collect();
    (!fit.trim().is_empty()).then_some(fit)
}

/// An answers file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    /// Who runs it (`--operator` overrides it; one of the two is needed).
    #[serde(default)]
    pub operator: Option<String>,
    pub default: Option<String>,
    /// How many times a failed step is retried (after live state showed it did not happen)
    /// before the run stops; default 2.
    pub retries: Option<u32>,
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
}

/// Answers a run from a file; `drill` lets `default = "confirm"` answer typed steps too.
pub struct ScriptedOperator {
    file: AnswersFile,
    /// The operator: `--operator`, else the file's.
    name: String,
    drill: bool,
    retried: Mutex<BTreeMap<String, u32>>,
    /// Why the run stopped for want of an answer, if it did.
    missing: Mutex<Option<String>>,
    /// Progress lines on stderr (None: `--quiet`).
    progress: Option<Progress>,
}

/// What a scripted run says on stderr as it goes: a line when each step starts and ends.
pub struct Progress {
    /// Whether the journal's clock is a simulator's (said once), and its time scale if known.
    simulated: Option<Option<f64>>,
    /// When each step started (the journal's clock), for its duration.
    starts: Mutex<BTreeMap<String, String>>,
}

impl Progress {
    /// Progress lines; `simulated`: the clock is a simulator's, running at this time scale
    /// when it is known (an in-process simulator; not one behind `arm_endpoint`).
    pub fn new(simulated: Option<Option<f64>>) -> Progress {
        Progress {
            simulated,
            starts: Mutex::new(BTreeMap::new()),
        }
    }

    /// The line said for a journal entry, if it is a step's start or end:
    /// "12:03:07 data.training-data.failover: done (verified) in 4 min 10 s".
    pub fn line(&self, e: &super::journal::Entry) -> Option<String> {
        use super::journal::Event;
        let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
        // " in 4 min 10 s": from the step's first start to this entry.
        let took = |starts: &BTreeMap<String, String>, step: &str| {
            let start = crate::timefmt::parse_rfc3339(starts.get(step)?)?;
            let secs = (crate::timefmt::parse_rfc3339(&e.at)? - start).whole_seconds();
            let d = std::time::Duration::from_secs(secs.max(0) as u64);
            Some(format!(" in {}", crate::timefmt::human_exact(d)))
        };
        let by = |b: &Option<String>| b.as_ref().map(|b| format!(" by {b}")).unwrap_or_default();
        let text = match &e.event {
            Event::StepStarted { step } => {
                starts.entry(step.clone()).or_insert_with(|| e.at.clone());
                format!("{step}: started")
            }
            Event::StepDone { step, note } => format!(
                "{step}: done{}{}",
                note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default(),
                took(&starts, step).unwrap_or_default()
            ),
            Event::StepSkipped {
                step,
                reason,
                by: who,
            } => format!(
                "{step}: skipped{}{}: {reason}",
                by(who),
                took(&starts, step).unwrap_or_default()
            ),
            Event::StepFailed { step, error } => format!(
                "{step}: failed{}: {error}",
                took(&starts, step).unwrap_or_default()
            ),
            Event::StepNotRun {
                step,
                reason,
                by: who,
            } => format!("{step}: not run{}: {reason}", by(who)),
            _ => return None,
        };
        let t = e.at.get(11..19).unwrap_or(&e.at);
        Some(crate::health::report::sanitize(&format!("{t} {text}")))
    }
}

impl ScriptedOperator {
    /// Reads an answers file; `operator` (from `--operator`) overrides the file's.
    pub fn load(
        path: &Path,
        drill: bool,
        operator: Option<String>,
    ) -> Result<ScriptedOperator, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the answers file: {e}", path.display()))?;
        let mut file: AnswersFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(name) = &file.operator {
            check_operator_name(name).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if let Some(name) = operator {
            check_operator_name(&name).map_err(|e| format!("--operator: {e}"))?;
            file.operator = Some(name);
        }
        if file.operator.is_none() {
            return Err(format!(
                "{}: the answers file names no operator: add operator = \"name\" to it, or pass --operator NAME",
                path.display()
            ));
        }
        for (id, a) in &file.answers {
            if a.chars().count() > ANSWER_MAX {
                return Err(format!(
                    "{}: the answer for '{id}' is longer than {ANSWER_MAX} characters",
                    path.display()
                ));
            }
        }
        if let Some(d) = &file.default
            && d != "confirm"
        {
            return Err(format!(
                "{}: default may only be \"confirm\", not '{d}'",
                path.display()
            ));
        }
        for (id, a) in &file.answers {
            if !(a == "confirm"
                || a == "abort"
                || a.starts_with("skip:")
                || a.starts_with("type:")
                || a.starts_with("override:"))
            {
                return Err(format!(
                    "{}: answer for '{id}' must be \"confirm\", \"skip: <reason>\", \"type: <text>\", \"override: <reason>\" or \"abort\", not '{a}'",
                    path.display()
                ));
            }
        }
        Ok(ScriptedOperator::new(file, drill))
    }

    /// From an already parsed file (an operator it does not name is "operator").
    pub fn new(file: AnswersFile, drill: bool) -> ScriptedOperator {
        ScriptedOperator {
            name: file.operator.clone().unwrap_or_else(|| "operator".into()),
            file,
            drill,
            retried: Mutex::new(BTreeMap::new()),
            missing: Mutex::new(None),
            progress: None,
        }
    }

    /// Says on stderr when each step starts and ends.
    pub fn with_progress(mut self, progress: Progress) -> ScriptedOperator {
        self.progress = Some(progress);
        self
    }

    /// Why the run stopped for want of an answer, if it did.
    pub fn missing(&self) -> Option<String> {
        self.missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn set_missing(&self, why: String) {
        *self.missing.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
    }
}

#[async_trait::async_trait]
impl Operator for ScriptedOperator {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn announce(&self, line: &str) {
        eprintln!("azfailover: {line}");
    }

    /// Logged, as a warning (stderr unless the log goes to a file).
    fn warn(&self, line: &str) {
        tracing::warn!("{line}");
    }

    fn started(&self, _runbook: &super::model::Runbook, entries: &[super::journal::Entry]) {
        let Some(p) = &self.progress else { return };
        match p.simulated {
            Some(Some(scale)) => eprintln!(
                "azfailover: times are simulated (×{scale}): the simulator's clock runs {scale} times as fast as real time"
            ),
            Some(None) => eprintln!("azfailover: times are simulated: the simulator's clock"),
            None => {}
        }
        // A resumed run: the steps already under way keep their start.
        for e in entries {
            let _ = p.line(e);
        }
    }

    fn journaled(&self, entry: &super::journal::Entry) {
        if let Some(line) = self.progress.as_ref().and_then(|p| p.line(entry)) {
            eprintln!("azfailover: {line}");
        }
    }

    async fn decide(&self, step: &Step, question: &Question) -> Decision {
        let answer = self.file.answers.get(&step.id).map(String::as_str);
        let answer = answer.map(str::trim);
        match question {
            // No one watches a scripted wait: it lasts until the condition holds or the step's
            // timeout passes.
            Question::Waiting { .. } => return std::future::pending().await,
            // Only a person can judge these: the run stops with its own exit code.
            Question::InDoubt(why) | Question::Unreadable(why) => {
                self.set_missing(format!("step '{}': {why}", step.id));
                return Decision::Stop;
            }
            Question::Failed(_) => {
                let retry = {
                    let mut retried = self.retried.lock().unwrap_or_else(|e| e.into_inner());
                    let n = retried.entry(step.id.clone()).or_insert(0);
                    let retry = *n < self.file.retries.unwrap_or(2);
                    if retry {
                        *n += 1;
                    }
                    retry
                };
                if retry {
                    return Decision::Confirm;
                }
                return match answer {
                    Some(a) if a.starts_with("skip:") => {
                        Decision::Skip(a["skip:".len()..].trim().to_string())
                    }
                    _ => Decision::Abort,
                };
            }
            Question::Blocked(why) => {
                return match answer {
                    Some(a) if a.starts_with("override:") => {
                        Decision::Override(a["override:".len()..].trim().to_string())
                    }
                    Some(a) if a.starts_with("skip:") => {
                        Decision::Skip(a["skip:".len()..].trim().to_string())
                    }
                    _ => {
                        self.set_missing(format!(
                            "step '{}' is blocked ({why}) and the answers file neither overrides nor skips it",
                            step.id
                        ));
                        Decision::Abort
                    }
                };
            }
            Question::Confirm => {}
        }
        match (answer, &step.confirm) {
            (Some("abort"), _) => Decision::Abort,
            (Some(a), _) if a.starts_with("skip:") => {
                Decision::Skip(a["skip:".len()..].trim().to_string())
            }
            (Some(a), Confirm::Typed(_)) if a.starts_with("type:") => {
                Decision::Typed(a["type:".len()..].trim().to_string())
            }
            (Some("confirm"), Confirm::Typed(_)) if self.drill => Decision::Confirm,
            (Some("confirm"), Confirm::None | Confirm::Yes) => Decision::Confirm,
            (None, Confirm::None) => Decision::Confirm,
            (None, Confirm::Yes) if self.file.default.is_some() => Decision::Confirm,
            (None, Confirm::Typed(t)) if self.file.default.is_some() && self.drill => {
                Decision::Typed(t.clone())
            }
            (_, confirm) => {
                self.set_missing(match confirm {
                    Confirm::Typed(t) => format!(
                        "step '{}' needs the typed confirmation \"type: {t}\" in the answers file",
                        step.id
                    ),
                    _ => format!(
                        "step '{}' needs an answer (\"confirm\", \"skip: <reason>\" or \"abort\") in the answers file",
                        step.id
                    ),
                });
                Decision::Abort
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::journal::{Entry, Event};
    use super::*;

    fn entry(at: &str, event: Event) -> Entry {
        Entry {
            at: format!("2026-11-26T{at}Z"),
            wall_at: None,
            run_id: "r1".into(),
            event,
        }
    }

    #[test]
    fn progress_says_each_step_start_and_end_with_its_duration() {
        let p = Progress::new(Some(Some(60.0)));
        let step = || "data.training-data.failover".to_string();
        let said = |at, event| p.line(&entry(at, event));
        assert_eq!(
            said("12:03:07", Event::StepStarted { step: step() }).as_deref(),
            Some("12:03:07 data.training-data.failover: started")
        );
        assert_eq!(said("12:04:00", Event::GatePassed), None);
        assert_eq!(
            said(
                "12:07:17",
                Event::StepDone {
                    step: step(),
                    note: Some("verified".into())
                }
            )
            .as_deref(),
            Some("12:07:17 data.training-data.failover: done (verified) in 4 min 10 s")
        );
        assert_eq!(
            said(
                "12:08:00",
                Event::StepSkipped {
                    step: "finish.notify".into(),
                    reason: "by phone\u{1b}[2J".into(),
                    by: Some("ci".into())
                }
            )
            .as_deref(),
            Some("12:08:00 finish.notify: skipped by ci: by phone")
        );
        assert_eq!(
            said(
                "12:09:00",
                Event::StepNotRun {
                    step: "traffic.shift".into(),
                    reason: "stopped here: the operator aborted".into(),
                    by: Some("ci".into())
                }
            )
            .as_deref(),
            Some("12:09:00 traffic.shift: not run by ci: stopped here: the operator aborted")
        );
    }

    #[test]
    fn operator_names_are_bounded() {
        assert!(check_operator_name("Grace H").is_ok());
        assert!(check_operator_name(" ").is_err());
        assert!(check_operator_name("a\nb").is_err());
        let long = "x".repeat(OPERATOR_MAX + 1);
        assert!(
            check_operator_name(&long)
                .unwrap_err()
                .contains("1 to 64 printable characters (it is 65 long)")
        );
        assert_eq!(fit_operator_name(&long).unwrap().len(), OPERATOR_MAX);
        assert_eq!(fit_operator_name("\u{7}"), None);
    }
}
