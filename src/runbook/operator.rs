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

/// An answers file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    pub operator: String,
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
    drill: bool,
    retried: Mutex<BTreeMap<String, u32>>,
    /// Why the run stopped for want of an answer, if it did.
    missing: Mutex<Option<String>>,
}

impl ScriptedOperator {
    /// Reads an answers file.
    pub fn load(path: &Path, drill: bool) -> Result<ScriptedOperator, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the answers file: {e}", path.display()))?;
        let file: AnswersFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let name_len = file.operator.chars().count();
        if file.operator.trim().is_empty()
            || name_len > OPERATOR_MAX
            || file.operator.chars().any(char::is_control)
        {
            return Err(format!(
                "{}: operator must be a name of 1 to {OPERATOR_MAX} printable characters (it is {name_len} long)",
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

    /// From an already parsed file.
    pub fn new(file: AnswersFile, drill: bool) -> ScriptedOperator {
        ScriptedOperator {
            file,
            drill,
            retried: Mutex::new(BTreeMap::new()),
            missing: Mutex::new(None),
        }
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
        self.file.operator.clone()
    }

    fn announce(&self, line: &str) {
        eprintln!("azfailover: {line}");
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
