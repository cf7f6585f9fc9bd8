//! The terminal: raw mode, alternate screen, bracketed paste and (only when configured) mouse
//! capture — and our own restore that undoes all of it and shows the cursor, called on exit, on
//! error and from the panic hook (ratatui's `restore` leaves mouse capture and paste on).

use std::io::{self, Stdout, stdout};
use std::sync::Once;

use crossterm::cursor::Show;
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The console's terminal.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, whatever the exit path.
pub struct Guard {
    pub terminal: Term,
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes over the terminal. The panic hook is installed before raw mode is entered.
/// `mono`: NO_COLOR is set, so crossterm must still emit bold/reverse (we draw no colour).
pub fn init(mouse: bool, mono: bool) -> io::Result<Guard> {
    install_panic_hook();
    if mono {
        crossterm::style::force_color_output(true);
    }
    enable_raw_mode()?;
    let guard_on_error = |e: io::Error| {
        restore();
        e
    };
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste).map_err(guard_on_error)?;
    if mouse {
        execute!(stdout(), EnableMouseCapture).map_err(guard_on_error)?;
    }
    let terminal = Terminal::new(CrosstermBackend::new(stdout())).map_err(guard_on_error)?;
    Ok(Guard { terminal })
}

/// Undoes everything `init` did (each step best effort, so one failure does not stop the rest).
pub fn restore() {
    let _ = disable_raw_mode();
    let mut out = stdout();
    let _ = execute!(out, DisableMouseCapture);
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, Show);
}

/// Restores the terminal before the previous panic hook prints, so the message is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
