//! The only place that waits: on terminal events, the health engine's messages, fault results
//! and a one-second tick (for relative ages only). A burst of events is drained before one
//! redraw; when nothing happens nothing runs.

use std::collections::HashMap;
use std::time::Duration;

use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};

use super::app::{Action, App, Effect, update};
use super::run_state::RunEvent;
use super::runbook_bridge::{RunMsg, RunReceiver};
use super::theme::Theme;
use super::{ConsoleOptions, FaultInjector, keymap, tui, ui};
use crate::health::{EngineHandle, HealthMsg};
use crate::runbook::operator::{Decision, ResumeChoice};

/// Events handled before one redraw, at most.
const BURST: usize = 256;

/// Sets up the terminal, runs the loop, restores the terminal. With `runs`, the console is
/// the console of a run: it opens on the runbook and answers the executor's questions.
pub async fn run(
    opts: ConsoleOptions,
    mut engine: EngineHandle,
    runs: Option<RunReceiver>,
) -> std::io::Result<i32> {
    let theme = Theme::for_console(&opts.config.console);
    let mut guard = tui::init(opts.config.console.mouse, theme.mono)?;
    let size = guard.terminal.size()?;
    let mut app = App::new(
        &opts,
        theme,
        OffsetDateTime::now_utc(),
        (size.width, size.height),
    );
    if runs.is_some() {
        app.start_run();
    }
    let mut runs = Runs {
        rx: runs,
        replies: HashMap::new(),
        offers: HashMap::new(),
        next_id: 0,
        clear: false,
    };
    let jobs = Jobs {
        injector: opts.faults.clone(),
        reports_dir: opts.reports_dir.clone(),
        host: opts.host.clone(),
        sim_clock: opts.sim_clock.clone(),
        tx: None,
    };
    let result = run_loop(&mut guard.terminal, &mut app, jobs, &mut engine, &mut runs).await;
    engine.stop();
    drop(guard);
    result
}

/// The run's side: its messages, and the reply channels of the questions not yet answered.
pub(super) struct Runs {
    pub(super) rx: Option<RunReceiver>,
    replies: HashMap<u64, oneshot::Sender<Decision>>,
    /// The reply channels of resume offers not yet answered.
    offers: HashMap<u64, oneshot::Sender<ResumeChoice>>,
    next_id: u64,
    /// Redraw everything (the executor may have written to stderr under the screen).
    clear: bool,
}

impl Runs {
    /// No run yet (one may start from the console).
    pub(super) fn none() -> Runs {
        Runs {
            rx: None,
            replies: HashMap::new(),
            offers: HashMap::new(),
            next_id: 0,
            clear: false,
        }
    }

    /// Takes the request to repaint every cell (the executor may have written to stderr).
    pub(super) fn take_clear(&mut self) -> bool {
        std::mem::take(&mut self.clear)
    }

    /// The next run message, or pending forever when there is none (or the run closed).
    pub(super) async fn recv(&mut self) -> Option<RunMsg> {
        match &mut self.rx {
            Some(rx) => rx.recv().await,
            None => std::future::pending().await,
        }
    }

    /// The action of a run message (a question's reply channel stays here).
    pub(super) fn action(&mut self, msg: Option<RunMsg>) -> Option<Action> {
        let event = match msg? {
            RunMsg::Loaded { runbook, entries } => {
                self.clear = true;
                RunEvent::Loaded { runbook, entries }
            }
            RunMsg::Entry(e) => RunEvent::Entry(*e),
            RunMsg::Notify(line) => RunEvent::Notify(line),
            RunMsg::Ask {
                id,
                step,
                question,
                reply,
            } => {
                self.replies.insert(id, reply);
                RunEvent::Ask { id, step, question }
            }
            RunMsg::Withdraw(id) => {
                self.replies.remove(&id);
                RunEvent::Withdraw(id)
            }
            RunMsg::Update { step, update } => RunEvent::Update { step, update },
            RunMsg::Offer { offer, reply } => {
                self.next_id += 1;
                self.offers.insert(self.next_id, reply);
                RunEvent::Offer {
                    id: self.next_id,
                    offer,
                }
            }
            RunMsg::Finished(end) => RunEvent::Finished(Box::new(end)),
        };
        Some(Action::Run(Box::new(event)))
    }
}

/// Where the loop's next action comes from.
struct Sources {
    events: EventStream,
    /// Results of the work done off the UI thread (fault injection, reading reports).
    background: mpsc::UnboundedReceiver<Action>,
    engine_open: bool,
}

/// Work the loop hands to other threads; each sends its result back as an action.
pub(super) struct Jobs {
    injector: Option<FaultInjector>,
    reports_dir: std::path::PathBuf,
    /// Starts runs and plans previews (`:failover`, `:plan`).
    host: Option<std::sync::Arc<dyn super::RunHost>>,
    /// The simulator's clock (demos and drills).
    sim_clock: Option<super::SimClock>,
    tx: Option<mpsc::UnboundedSender<Action>>,
}

impl Jobs {
    /// The jobs of a console with these options, sending their results on `tx`.
    pub(super) fn of(opts: &ConsoleOptions, tx: mpsc::UnboundedSender<Action>) -> Jobs {
        Jobs {
            injector: opts.faults.clone(),
            reports_dir: opts.reports_dir.clone(),
            host: opts.host.clone(),
            sim_clock: opts.sim_clock.clone(),
            tx: Some(tx),
        }
    }

    /// Runs `job` on the blocking pool (it may take a lock, do HTTP or read files: never on
    /// this thread) and sends its action back.
    pub(super) fn spawn(&self, job: impl FnOnce() -> Action + Send + 'static) {
        if let Some(tx) = self.tx.clone() {
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(job());
            });
        }
    }
}

/// Waits for an action, handles it and any that follow at once, redraws, until a quit.
async fn run_loop(
    term: &mut tui::Term,
    app: &mut App,
    mut jobs: Jobs,
    engine: &mut EngineHandle,
    runs: &mut Runs,
) -> std::io::Result<i32> {
    let (tx, background) = mpsc::unbounded_channel();
    jobs.tx = Some(tx);
    let mut src = Sources {
        events: EventStream::new(),
        background,
        engine_open: true,
    };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_signal = terminate_signal();
    term.draw(|f| ui::draw(f, app))?;
    loop {
        let first = tokio::select! {
            ev = src.events.next() => match ev {
                Some(ev) => event_action(app, ev?),
                None => Some(Action::Interrupt),
            },
            msg = engine.rx.recv(), if src.engine_open => health_action(&mut src, msg),
            Some(action) = src.background.recv() => Some(action),
            msg = runs.recv(), if runs.rx.is_some() => {
                if msg.is_none() {
                    runs.rx = None;
                }
                runs.action(msg)
            }
            _ = tick.tick() => None,
            _ = tokio::signal::ctrl_c() => Some(Action::Interrupt),
            _ = recv_signal(&mut term_signal) => Some(Action::Interrupt),
        };
        let clock_before = ui::clock_signature(app);
        let snapshots_before = app.snapshots_taken;
        let mut step = Step {
            app,
            engine,
            jobs: &jobs,
            runs: &mut *runs,
            handled: 0,
        };
        match settle(&mut step, first, &mut src.events).await {
            Ok(()) => {}
            Err(Stop::Quit(code)) => return Ok(code),
            Err(Stop::Io(e)) => return Err(e),
        }
        // A tick alone redraws only when the clock changed something on screen.
        let only_tick = step.handled == 1;
        if std::mem::take(&mut runs.clear) {
            full_redraw(term)?;
        }
        if !only_tick || ui::clock_signature(app) != clock_before {
            term.draw(|f| ui::draw(f, app))?;
        }
        if app.snapshots_taken != snapshots_before {
            // The old snapshot, its rows and the first frame of the new one have been freed:
            // their pages go back to the system, as the engine's collection's did.
            crate::memory::release_free_heap_soon();
        }
    }
}

/// Makes the next draw repaint every cell (text written under the screen, e.g. by the
/// executor on stderr, disappears). `Terminal::clear` would read the cursor position, which
/// races with the event stream; this does not.
pub(super) fn full_redraw(term: &mut tui::Term) -> std::io::Result<()> {
    use ratatui::backend::{Backend, ClearType};
    // A blank frame: what ratatui believes is on screen becomes what the clear leaves.
    term.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
    term.backend_mut().clear_region(ClearType::All)?;
    Backend::flush(term.backend_mut())
}

/// The clock, the action that woke the loop, then everything already waiting.
async fn settle(
    step: &mut Step<'_>,
    first: Option<Action>,
    events: &mut EventStream,
) -> Result<(), Stop> {
    step.handle(Action::Tick(OffsetDateTime::now_utc()))?;
    if let Some(clock) = step.jobs.sim_clock.clone() {
        let (t, scale) = clock();
        step.handle(Action::SimTime(t, scale))?;
    }
    if let Some(action) = first {
        step.handle(action)?;
    }
    drain(step, events).await
}

/// Applies actions one at a time (a key's meaning depends on the state the previous key left).
struct Step<'a> {
    app: &'a mut App,
    engine: &'a mut EngineHandle,
    jobs: &'a Jobs,
    runs: &'a mut Runs,
    /// Actions handled in this round (the tick included).
    handled: usize,
}

/// Why the loop ends.
enum Stop {
    Quit(i32),
    Io(std::io::Error),
}

impl Step<'_> {
    /// Updates the state with one action and carries out its effects.
    fn handle(&mut self, action: Action) -> Result<(), Stop> {
        self.handled += 1;
        for effect in update(self.app, action) {
            match carry_out(effect, self.engine, self.jobs, self.runs) {
                Ok(Some(next)) => self.handle(next)?,
                Ok(None) => {}
                Err(code) => return Err(Stop::Quit(code)),
            }
        }
        Ok(())
    }
}

/// Carries out one effect of a console: an answer or a resume choice goes back on its run's
/// reply channel, a run starts through the host (its messages come on a new channel from then
/// on), the rest through `apply`. Ok(Some) is what follows (a run that did not start); Err is
/// the exit code to quit with.
pub(super) fn carry_out(
    effect: Effect,
    engine: &EngineHandle,
    jobs: &Jobs,
    runs: &mut Runs,
) -> Result<Option<Action>, i32> {
    match effect {
        Effect::Answer { id, decision } => {
            if let Some(reply) = runs.replies.remove(&id) {
                let _ = reply.send(decision);
            }
        }
        Effect::Resume { id, choice } => {
            if let Some(reply) = runs.offers.remove(&id) {
                let _ = reply.send(choice);
            }
        }
        Effect::StartRun(kind) => {
            let started = match &jobs.host {
                Some(host) => host.start(kind),
                None => Err("this console cannot start runs".into()),
            };
            match started {
                Ok(rx) => runs.rx = Some(rx),
                Err(why) => return Ok(Some(Action::RunNotStarted(why))),
            }
        }
        other => {
            if let Some(code) = apply(other, engine, jobs) {
                return Err(code);
            }
        }
    }
    Ok(None)
}

/// Handles what is already waiting (terminal events, engine messages), without waiting.
async fn drain(step: &mut Step<'_>, events: &mut EventStream) -> Result<(), Stop> {
    for _ in 0..BURST {
        if let Some(ev) = ready_event(events).await {
            if let Some(action) = event_action(step.app, ev.map_err(Stop::Io)?) {
                step.handle(action)?;
            }
            continue;
        }
        if let Ok(msg) = step.engine.rx.try_recv() {
            step.handle(Action::Health(msg))?;
            continue;
        }
        let run_msg = step.runs.rx.as_mut().map(|rx| rx.try_recv());
        match run_msg {
            Some(Ok(msg)) => {
                if let Some(action) = step.runs.action(Some(msg)) {
                    step.handle(action)?;
                }
            }
            _ => break,
        }
    }
    Ok(())
}

/// A terminal event that is already there, or None at once. It polls within this task (not
/// with a no-op waker, as `now_or_never` would): crossterm keeps the first waker it is given
/// while it waits, and that waker must wake this loop.
pub(super) async fn ready_event(events: &mut EventStream) -> Option<std::io::Result<Event>> {
    tokio::select! {
        biased;
        ev = events.next() => ev,
        _ = std::future::ready(()) => None,
    }
}

/// An engine message; a closed engine is reported once.
fn health_action(src: &mut Sources, msg: Option<HealthMsg>) -> Option<Action> {
    match msg {
        Some(msg) => Some(Action::Health(msg)),
        None => {
            src.engine_open = false;
            Some(Action::Health(HealthMsg::Failed(
                "the health engine stopped; restart azfailover".into(),
            )))
        }
    }
}

/// Carries out an effect; Some(exit code) to quit.
fn apply(effect: Effect, engine: &EngineHandle, jobs: &Jobs) -> Option<i32> {
    match effect {
        Effect::Quit(code) => return Some(code),
        // Answers are carried out by `Step::handle`, which holds the reply channels.
        Effect::Answer { .. } | Effect::Resume { .. } | Effect::StartRun(_) => {}
        Effect::Preview(kind) => {
            if let (Some(host), Some(tx)) = (jobs.host.clone(), jobs.tx.clone()) {
                host.preview(
                    kind,
                    Box::new(move |result| {
                        let _ = tx.send(Action::Preview(Box::new(result)));
                    }),
                );
            }
        }
        Effect::RefreshNow => engine.refresh_now(),
        Effect::InjectFault(fault) => {
            if let Some(inject) = jobs.injector.clone() {
                jobs.spawn(move || Action::FaultResult(inject(&fault)));
            }
        }
        Effect::LoadReports => {
            let dir = jobs.reports_dir.clone();
            jobs.spawn(move || Action::Reports(crate::runbook::report::list(&dir).map(Box::new)));
        }
    }
    None
}

/// The action of a terminal event.
pub(super) fn event_action(app: &App, event: Event) -> Option<Action> {
    match event {
        Event::Key(key) => keymap::action_for(app, key),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Mouse(m) if app.meta.mouse => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        _ => None,
    }
}

/// SIGTERM, where there is one.
#[cfg(unix)]
pub(super) fn terminate_signal() -> Option<tokio::signal::unix::Signal> {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok()
}

/// SIGTERM, where there is one.
#[cfg(not(unix))]
pub(super) fn terminate_signal() -> Option<()> {
    None
}

/// Waits for SIGTERM (forever when it cannot be caught).
#[cfg(unix)]
pub(super) async fn recv_signal(sig: &mut Option<tokio::signal::unix::Signal>) {
    match sig {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// Waits forever (no SIGTERM on this platform).
#[cfg(not(unix))]
pub(super) async fn recv_signal(_: &mut Option<()>) {
    std::future::pending().await
}
