//! The bridge between the runbook executor (in its own task) and the console: a
//! `ChannelOperator` that turns every question into a message and awaits the console's answer,
//! and forwards progress and journal entries. The console never awaits the executor.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{mpsc, oneshot};

use crate::runbook::journal::Entry;
use crate::runbook::model::{Runbook, Step};
use crate::runbook::operator::{
    Decision, Operator, Question, ResumeChoice, ResumeOffer, StepUpdate,
};

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
    /// Why it could not start or report, typed (its exit code is the scripted run's).
    pub error: Option<crate::runbook::run::RunError>,
}

/// What the executor side sends to the console.
#[derive(Debug)]
pub enum RunMsg {
    /// The runbook being run, with the journal so far (a resumed run has earlier entries).
    Loaded {
        runbook: Box<Runbook>,
        entries: Vec<Entry>,
    },
    /// A journal entry, as it is written (boxed: it is the largest message).
    Entry(Box<Entry>),
    /// A line of progress.
    Notify(String),
    /// A decision is needed; the console answers on `reply`.
    Ask {
        id: u64,
        step: Box<Step>,
        question: Question,
        reply: oneshot::Sender<Decision>,
    },
    /// The question `id` no longer needs an answer (a wait whose condition came true).
    Withdraw(u64),
    /// Live news about the step whose question is open.
    Update { step: String, update: StepUpdate },
    /// An unfinished run was found: resume, abandon or quit (nothing is sent before).
    Offer {
        offer: Box<ResumeOffer>,
        reply: oneshot::Sender<ResumeChoice>,
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
    next_id: AtomicU64,
}

impl ChannelOperator {
    /// An operator that reports to `tx`, named after `$USER`.
    pub fn new(tx: RunSender) -> ChannelOperator {
        let name = std::env::var("USER")
            .ok()
            .map(|u| {
                u.chars()
                    .filter(|c| !c.is_control())
                    .take(crate::runbook::operator::OPERATOR_MAX)
                    .collect::<String>()
            })
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "operator".into());
        ChannelOperator::named(tx, name)
    }

    /// An operator that reports to `tx`, with this name.
    pub fn named(tx: RunSender, name: String) -> ChannelOperator {
        ChannelOperator {
            tx,
            name,
            next_id: AtomicU64::new(1),
        }
    }
}

/// Withdraws a question from the console when its answer is no longer awaited.
struct Withdraw<'a> {
    tx: &'a RunSender,
    id: u64,
    answered: bool,
}

impl Drop for Withdraw<'_> {
    fn drop(&mut self) {
        if !self.answered {
            let _ = self.tx.send(RunMsg::Withdraw(self.id));
        }
    }
}

#[async_trait::async_trait]
impl Operator for ChannelOperator {
    fn name(&self) -> String {
        self.name.clone()
    }

    async fn decide(&self, step: &Step, question: &Question) -> Decision {
        let (reply, answer) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let msg = RunMsg::Ask {
            id,
            step: Box::new(step.clone()),
            question: question.clone(),
            reply,
        };
        if self.tx.send(msg).is_err() {
            return Decision::Abort;
        }
        let mut guard = Withdraw {
            tx: &self.tx,
            id,
            answered: false,
        };
        let answer = answer.await;
        guard.answered = true;
        match answer {
            Ok(decision) => decision,
            // The console is gone without an answer (Ctrl-C, lost terminal): nothing is
            // decided for the operator. The run stays unfinished (its task is dropped) and the
            // next `failover`/`failback` resumes it.
            Err(_) => std::future::pending().await,
        }
    }

    async fn resume_offer(&self, offer: &ResumeOffer) -> ResumeChoice {
        let (reply, answer) = oneshot::channel();
        let msg = RunMsg::Offer {
            offer: Box::new(offer.clone()),
            reply,
        };
        if self.tx.send(msg).is_err() {
            return ResumeChoice::Quit;
        }
        // The console gone without an answer: nothing is decided, the run stays as it was.
        answer.await.unwrap_or(ResumeChoice::Quit)
    }

    fn notify(&self, line: &str) {
        let _ = self.tx.send(RunMsg::Notify(line.to_string()));
    }

    fn update(&self, step: &str, update: StepUpdate) {
        let _ = self.tx.send(RunMsg::Update {
            step: step.to_string(),
            update,
        });
    }

    fn started(&self, runbook: &Runbook, entries: &[Entry]) {
        let _ = self.tx.send(RunMsg::Loaded {
            runbook: Box::new(runbook.clone()),
            entries: entries.to_vec(),
        });
    }

    fn journaled(&self, entry: &Entry) {
        let _ = self.tx.send(RunMsg::Entry(Box::new(entry.clone())));
    }
}
