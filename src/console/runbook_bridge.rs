//! The bridge between the runbook executor (in its own task) and the console: a
//! `ChannelOperator` that turns every question into a message and awaits the console's answer,
//! and forwards progress and journal entries. The console never awaits the executor.

use std::path::PathBuf;

use tokio::sync::{mpsc, oneshot};

use crate::runbook::journal::Entry;
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
}

impl ChannelOperator {
    /// An operator that reports to `tx`, named after `$USER`.
    pub fn new(tx: RunSender) -> ChannelOperator {
        let name = std::env::var("USER")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "operator".into());
        ChannelOperator { tx, name }
    }
}

#[async_trait::async_trait]
impl Operator for ChannelOperator {
    fn name(&self) -> String {
        self.name.clone()
    }

    async fn decide(&mut self, step: &Step, question: &Question) -> Decision {
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
        let _ = self.tx.send(RunMsg::Notify(line.to_string()));
    }

    fn started(&mut self, runbook: &Runbook, entries: &[Entry]) {
        let _ = self.tx.send(RunMsg::Loaded {
            runbook: Box::new(runbook.clone()),
            entries: entries.to_vec(),
        });
    }

    fn journaled(&mut self, entry: &Entry) {
        let _ = self.tx.send(RunMsg::Entry(entry.clone()));
    }
}
