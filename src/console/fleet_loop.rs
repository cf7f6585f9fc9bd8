//! The fleet console's loop, the only place it waits: on terminal events, every deployment's
//! engine, run and background jobs, and a one-second tick. As the single console's loop does,
//! it drains a burst before one redraw and does nothing while nothing happens.

use std::task::Poll;
use std::time::Duration;

use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;

use super::app::Action;
use super::event_loop::{
    Jobs, Runs, carry_out, event_action, full_redraw, ready_event, recv_signal, terminate_signal,
};
use super::fleet::{Fleet, FleetEffect, FleetInput, update};
use super::theme::Theme;
use super::{ConsoleOptions, keymap, tui, ui};
use crate::health::{EngineHandle, HealthMsg};

/// Inputs handled before one redraw, at most.
const BURST: usize = 256;

/// One deployment's side of the loop: its engine, its run, its background jobs.
struct Seat {
    engine: EngineHandle,
    engine_open: bool,
    runs: Runs,
    jobs: Jobs,
    background: mpsc::UnboundedReceiver<Action>,
}

/// Sets up the terminal, draws the fleet overview from the cached snapshots, attaches every
/// deployment's run host and engine, then runs until a quit and restores the terminal. Returns
/// the exit code (the worst run outcome, 130 on Ctrl-C).
pub async fn run(
    mut deployments: Vec<ConsoleOptions>,
    attach: super::FleetAttach,
) -> std::io::Result<i32> {
    let Some(first) = deployments.first() else {
        return Ok(crate::exit::OK);
    };
    let theme = Theme::for_console(&first.config.console);
    let mouse = deployments.iter().any(|o| o.config.console.mouse);
    let mut guard = tui::init(mouse, theme.mono)?;
    let size = guard.terminal.size()?;
    let mut fleet = Fleet::new(
        &deployments,
        theme,
        OffsetDateTime::now_utc(),
        (size.width, size.height),
    );
    draw(&mut guard.terminal, &fleet)?;
    let attached = attach();
    let mut seats: Vec<Seat> = deployments
        .iter_mut()
        .zip(attached)
        .zip(&mut fleet.apps)
        .map(|((opts, (host, engine)), app)| {
            app.can_run = host.is_some();
            opts.host = host;
            let (tx, background) = mpsc::unbounded_channel();
            Seat {
                engine,
                engine_open: true,
                runs: Runs::none(),
                jobs: Jobs::of(&*opts, tx),
                background,
            }
        })
        .collect();
    let result = fleet_loop(&mut guard.terminal, &mut fleet, &mut seats).await;
    for s in &seats {
        s.engine.stop();
    }
    drop(guard);
    result
}

/// Waits for an input, handles it and whatever follows at once, redraws, until a quit.
async fn fleet_loop(
    term: &mut tui::Term,
    fleet: &mut Fleet,
    seats: &mut [Seat],
) -> std::io::Result<i32> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut term_signal = terminate_signal();
    let mut turn = 0usize;
    draw(term, fleet)?;
    loop {
        let first = tokio::select! {
            ev = events.next() => match ev {
                Some(ev) => input_of(fleet, ev?),
                None => Some(FleetInput::Interrupt),
            },
            (i, action) = next_seat(seats, &mut turn) => Some(FleetInput::Seat(i, action)),
            _ = tick.tick() => None,
            _ = tokio::signal::ctrl_c() => Some(FleetInput::Interrupt),
            _ = recv_signal(&mut term_signal) => Some(FleetInput::Interrupt),
        };
        let before = signature(fleet);
        let mut handled = 0;
        let mut step = |fleet: &mut Fleet, seats: &mut [Seat], input| -> Result<(), i32> {
            handled += 1;
            handle(fleet, seats, input)
        };
        let outcome = (|| {
            step(fleet, seats, FleetInput::Tick(OffsetDateTime::now_utc()))?;
            if let Some(input) = first {
                step(fleet, seats, input)?;
            }
            Ok(())
        })();
        if let Err(code) = outcome {
            return Ok(code);
        }
        // Everything already waiting, without waiting.
        for _ in 0..BURST {
            if let Some(ev) = ready_event(&mut events).await {
                if let Some(input) = input_of(fleet, ev?)
                    && let Err(code) = step(fleet, seats, input)
                {
                    return Ok(code);
                }
                continue;
            }
            match try_seat(seats) {
                Some((i, action)) => {
                    if let Err(code) = step(fleet, seats, FleetInput::Seat(i, action)) {
                        return Ok(code);
                    }
                }
                None => break,
            }
        }
        let only_tick = handled == 1;
        let mut clear = false;
        for s in seats.iter_mut() {
            clear |= s.runs.take_clear();
        }
        if clear {
            full_redraw(term)?;
        }
        if !only_tick || signature(fleet) != before {
            draw(term, fleet)?;
        }
    }
}

/// Draws the open deployment's console, or the overview.
fn draw(term: &mut tui::Term, fleet: &Fleet) -> std::io::Result<()> {
    term.draw(|f| match fleet.open {
        Some(i) => ui::draw(f, &fleet.apps[i]),
        None => ui::fleet::render(f, fleet),
    })?;
    Ok(())
}

/// What changes on screen with the clock alone (a tick redraws only when it changed).
fn signature(fleet: &Fleet) -> (Option<usize>, (String, bool)) {
    match fleet.open {
        Some(i) => (Some(i), ui::clock_signature(&fleet.apps[i])),
        None => (None, (String::new(), fleet.message.is_some())),
    }
}

/// Updates the fleet with one input and carries out its effects (and what follows them).
fn handle(fleet: &mut Fleet, seats: &mut [Seat], input: FleetInput) -> Result<(), i32> {
    let mut queue = vec![input];
    while let Some(input) = queue.pop() {
        for effect in update(fleet, input) {
            match effect {
                FleetEffect::Quit(code) => return Err(code),
                FleetEffect::RefreshAll => {
                    for s in seats.iter() {
                        s.engine.refresh_now();
                    }
                }
                FleetEffect::Seat(i, effect) => {
                    let Some(s) = seats.get_mut(i) else { continue };
                    match carry_out(effect, &s.engine, &s.jobs, &mut s.runs) {
                        Ok(Some(next)) => queue.push(FleetInput::Seat(i, next)),
                        Ok(None) => {}
                        // A deployment's quit is the fleet's to decide (`fleet::update` maps
                        // it); only Ctrl-C ends everything from here.
                        Err(code) if code == crate::exit::ABORTED => return Err(code),
                        Err(_) => {}
                    }
                }
            }
        }
    }
    Ok(())
}

/// The input of a terminal event: for the open deployment's console (its own key table),
/// else for the overview (the fleet's bindings in the same table).
fn input_of(fleet: &Fleet, event: Event) -> Option<FleetInput> {
    if let Event::Resize(w, h) = event {
        return Some(FleetInput::Resize(w, h));
    }
    if let Some(i) = fleet.open {
        return event_action(&fleet.apps[i], event).map(FleetInput::Key);
    }
    let mouse = fleet.apps.iter().any(|a| a.meta.mouse);
    let action = match event {
        Event::Key(key) => keymap::fleet_action_for(key),
        Event::Mouse(m) if mouse => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        _ => None,
    };
    action.map(FleetInput::Key)
}

/// The next message of any deployment (engine, background job, run), taking turns so that a
/// busy one cannot starve the others.
async fn next_seat(seats: &mut [Seat], turn: &mut usize) -> (usize, Action) {
    std::future::poll_fn(|cx| {
        let n = seats.len();
        for k in 0..n {
            let i = (*turn + k) % n;
            if let Some(action) = poll_seat(&mut seats[i], cx) {
                *turn = (i + 1) % n.max(1);
                return Poll::Ready((i, action));
            }
        }
        Poll::Pending
    })
    .await
}

/// One deployment's next message, if one is ready (registering the waker otherwise).
fn poll_seat(s: &mut Seat, cx: &mut std::task::Context<'_>) -> Option<Action> {
    if s.engine_open
        && let Poll::Ready(msg) = s.engine.rx.poll_recv(cx)
    {
        return Some(Action::Health(engine_msg(s, msg)));
    }
    if let Poll::Ready(Some(action)) = s.background.poll_recv(cx) {
        return Some(action);
    }
    if let Some(rx) = s.runs.rx.as_mut()
        && let Poll::Ready(msg) = rx.poll_recv(cx)
    {
        if msg.is_none() {
            s.runs.rx = None;
        }
        return s.runs.action(msg);
    }
    None
}

/// Any deployment's message that is already there, without waiting.
fn try_seat(seats: &mut [Seat]) -> Option<(usize, Action)> {
    for (i, s) in seats.iter_mut().enumerate() {
        if s.engine_open {
            match s.engine.rx.try_recv() {
                Ok(msg) => return Some((i, Action::Health(msg))),
                Err(mpsc::error::TryRecvError::Disconnected) => {
                    return Some((i, Action::Health(engine_msg(s, None))));
                }
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
        }
        if let Ok(action) = s.background.try_recv() {
            return Some((i, action));
        }
        if let Some(rx) = s.runs.rx.as_mut() {
            match rx.try_recv() {
                Ok(msg) => {
                    if let Some(action) = s.runs.action(Some(msg)) {
                        return Some((i, action));
                    }
                }
                Err(mpsc::error::TryRecvError::Disconnected) => s.runs.rx = None,
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
        }
    }
    None
}

/// An engine's message; a closed engine is reported once.
fn engine_msg(s: &mut Seat, msg: Option<HealthMsg>) -> HealthMsg {
    msg.unwrap_or_else(|| {
        s.engine_open = false;
        HealthMsg::Failed("the health engine stopped; restart azfailover".into())
    })
}
