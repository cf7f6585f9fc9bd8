//! Who decides at each step: a person at the console, or an `--answers` file (CONTRACT.md).

use std::collections::BTreeMap;
use std::path::Path;

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
}

/// A decision maker.
#[async_trait::async_trait]
pub trait Operator: Send {
    /// The operator's name, for the journal and the report.
    fn name(&self) -> String;
    /// Decides about a step.
    async fn decide(&mut self, step: &Step, question: &Question) -> Decision;
    /// Hears what happens (a console updates its screen); default: nothing.
    fn notify(&mut self, _line: &str) {}
    /// The run's runbook and its journal so far, once the journal exists (a resumed run has
    /// earlier entries); every later entry comes through `journaled`.
    fn started(&mut self, _runbook: &super::model::Runbook, _entries: &[super::journal::Entry]) {}
    /// Sees every journal entry as it is written (a console derives step states from them).
    fn journaled(&mut self, _entry: &super::journal::Entry) {}
}

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
    retried: BTreeMap<String, u32>,
    /// Why the run stopped for want of an answer, if it did.
    pub missing: Option<String>,
}

impl ScriptedOperator {
    /// Reads an answers file.
    pub fn load(path: &Path, drill: bool) -> Result<ScriptedOperator, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the answers file: {e}", path.display()))?;
        let file: AnswersFile =
            toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
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
            retried: BTreeMap::new(),
            missing: None,
        }
    }
}

#[async_trait::async_trait]
impl Operator for ScriptedOperator {
    fn name(&self) -> String {
        self.file.operator.clone()
    }

    async fn decide(&mut self, step: &Step, question: &Question) -> Decision {
        let answer = self.file.answers.get(&step.id).map(String::as_str);
        let answer = answer.map(str::trim);
        match question {
            Question::Failed(_) => {
                let n = self.retried.entry(step.id.clone()).or_insert(0);
                if *n < self.file.retries.unwrap_or(2) {
                    *n += 1;
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
                        self.missing = Some(format!(
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
                self.missing = Some(match confirm {
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
