//! The bridge between the runbook executor (in its own task) and the console: a
//! `ChannelOperator` that turns every question into a message and awaits the console's answer,
//! and forwards progress and journal entries. The console never awaits the executor.

use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot};

use crate::runbook::journal::{self, Entry};
use crate::runbook::model::{Runbook, Step};
use crate::runbook::operator::{Decision, Operator, Question};

/// How a run ended, as the console shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEnd {
    /// "completed", "aborted" or "failed"; or "error" when the run could not start or report.
    pub outcome: String,
    /// Why it stopped early, if it did.
    pub message: Option<String>,
    /// The JSON report (None when no report could be written).
    pub report_json: Option<PathBuf>,
    pub report_markdown: Option<PathBuf>,
}

/// What the executor side sends to the console.
#[derive(Debug)]
pub enum RunMsg {
    /// The runbook being run, with the journal so far (a resumed run has earlier entries).
    Loaded {
        runbook: Box<Runbook>,
        entries: Vec<Entry>,
    },
    /// A journal entry, as it is written.
    Entry(Entry),
    /// A line of progress.
    Notify(String),
    /// A decision is needed; the console answers on `reply`.
    Ask {
        step: Box<Step>,
        question: Question,
        reply: oneshot::Sender<Decision>,
    },
    /// The run ended.
    Finished(RunEnd),
}

/// The sending side, for the task that runs the executor.
pub type RunSender = mpsc::UnboundedSender<RunMsg>;
/// The console's side.
pub type RunReceiver = mpsc::UnboundedReceiver<RunMsg>;

/// An operator whose decisions are made by a person at the console.
pub struct ChannelOperator {
    tx: RunSender,
    name: String,
    journal_dir: PathBuf,
    deployment: String,
    journal_kind: String,
    loaded: bool,
}

impl ChannelOperator {
    /// An operator that reports to `tx`; `journal_dir`, `deployment` and `journal_kind` locate
    /// the run's journal (and the runbook stored beside it) once the executor has written it.
    pub fn new(
        tx: RunSender,
        journal_dir: PathBuf,
        deployment: &str,
        journal_kind: &str,
    ) -> ChannelOperator {
        let name = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "operator".into());
        ChannelOperator {
            tx,
            name,
            journal_dir,
            deployment: deployment.to_string(),
            journal_kind: journal_kind.to_string(),
            loaded: false,
        }
    }

    /// Sends the runbook and the journal so far, once. Returns whether it did (the journal
    /// then already holds the entry being reported).
    fn load(&mut self, run_id: Option<&str>) -> bool {
        if self.loaded {
            return false;
        }
        let Some((path, entries)) = self.locate(run_id) else {
            return false;
        };
        let Some(runbook) = journal::load_runbook(&path) else {
            return false;
        };
        self.loaded = true;
        let _ = self.tx.send(RunMsg::Loaded {
            runbook: Box::new(runbook),
            entries,
        });
        true
    }

    /// The newest unfinished journal of this run (of `run_id` when it is known).
    fn locate(&self, run_id: Option<&str>) -> Option<(PathBuf, Vec<Entry>)> {
        let prefix = format!("{}-{}-", journal::safe(&self.deployment), self.journal_kind);
        let mut candidates: Vec<(std::time::SystemTime, PathBuf)> =
            std::fs::read_dir(&self.journal_dir)
                .ok()?
                .filter_map(Result::ok)
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    name.starts_with(&prefix) && name.ends_with(".jsonl")
                })
                .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
                .collect();
        candidates.sort();
        candidates.into_iter().rev().find_map(|(_, path)| {
            let entries = journal::read(&path).ok()?;
            let finished = entries
                .iter()
                .any(|e| matches!(e.event, journal::Event::RunFinished { .. }));
            let ours = run_id.is_none_or(|id| entries.iter().any(|e| e.run_id == id));
            (!finished && ours && !entries.is_empty()).then_some((path, entries))
        })
    }
}

#[async_trait::async_trait]
impl Operator for ChannelOperator {
    fn name(&self) -> String {
        self.name.clone()
    }

    async fn decide(&mut self, step: &Step, question: &Question) -> Decision {
        self.load(None);
        let (reply, answer) = oneshot::channel();
        let msg = RunMsg::Ask {
            step: Box::new(step.clone()),
            question: question.clone(),
            reply,
        };
        if self.tx.send(msg).is_err() {
            return Decision::Abort;
        }
        match answer.await {
            Ok(decision) => decision,
            // The console is gone without an answer (Ctrl-C, lost terminal): nothing is
            // decided for the operator. The run stays unfinished (its task is dropped) and the
            // next `failover`/`failback` resumes it.
            Err(_) => std::future::pending().await,
        }
    }

    fn notify(&mut self, line: &str) {
        self.load(None);
        let _ = self.tx.send(RunMsg::Notify(line.to_string()));
    }

    fn journaled(&mut self, entry: &Entry) {
        if !self.load(Some(&entry.run_id)) {
            let _ = self.tx.send(RunMsg::Entry(entry.clone()));
        }
    }
}
