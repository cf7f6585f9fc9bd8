//! Colours and emphasis. Health always reads the same everywhere; demo and drill look nothing
//! like production; with NO_COLOR everything is Color::Reset plus bold/reverse/underline, so
//! selection and alarms stay visible without colour.

use ratatui::style::{Color, Modifier, Style};

use crate::console::Badge;
use crate::console::timeline::Severity;
use crate::health::{InstanceHealth, Overall, RegionHealth};

/// The palette in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Monochrome (NO_COLOR): modifiers only.
    pub mono: bool,
}

/// A tone that maps to a colour, or to a modifier in monochrome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warn,
    Bad,
    Unknown,
    Muted,
    Plain,
    /// Neither good nor bad, worth knowing (a component already failed over).
    Info,
}

impl Theme {
    /// Colours.
    pub const fn color() -> Theme {
        Theme { mono: false }
    }

    /// No colour at all (NO_COLOR).
    pub const fn mono() -> Theme {
        Theme { mono: true }
    }

    /// Monochrome when NO_COLOR is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { mono: no_color }
    }

    /// The style of a tone as foreground text.
    pub fn tone(self, tone: Tone) -> Style {
        if self.mono {
            return match tone {
                Tone::Bad => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
                Tone::Warn | Tone::Unknown => {
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                }
                Tone::Muted => Style::new().add_modifier(Modifier::DIM),
                Tone::Good | Tone::Plain => Style::new(),
                Tone::Info => Style::new().add_modifier(Modifier::ITALIC),
            };
        }
        match tone {
            Tone::Good => Style::new().fg(Color::Green),
            Tone::Warn => Style::new().fg(Color::Yellow),
            Tone::Bad => Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            Tone::Unknown => Style::new()
                .fg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD),
            Tone::Muted => Style::new().fg(Color::DarkGray),
            Tone::Plain => Style::new(),
            Tone::Info => Style::new().fg(Color::Cyan),
        }
    }

    /// A solid label (white on the tone's colour), for the alarms that must jump out.
    pub fn label(self, tone: Tone) -> Style {
        if self.mono {
            return match tone {
                Tone::Good | Tone::Plain | Tone::Muted | Tone::Info => {
                    Style::new().add_modifier(Modifier::BOLD)
                }
                _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            };
        }
        let bg = match tone {
            Tone::Good => Color::Green,
            Tone::Warn => Color::Yellow,
            Tone::Bad => Color::Red,
            Tone::Unknown => Color::Magenta,
            Tone::Info => Color::Cyan,
            Tone::Muted | Tone::Plain => Color::DarkGray,
        };
        Style::new()
            .fg(Color::Black)
            .bg(bg)
            .add_modifier(Modifier::BOLD)
    }

    /// Borders and secondary text.
    pub fn muted(self) -> Style {
        self.tone(Tone::Muted)
    }

    /// Column headers and section titles.
    pub fn heading(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row: reverse video, visible with or without colour.
    pub fn selected(self) -> Style {
        if self.mono {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new()
                .bg(Color::Rgb(40, 60, 90))
                .add_modifier(Modifier::BOLD)
        }
    }

    /// The header band: blue for production, magenta for a demo, yellow for a drill.
    pub fn band(self, badge: Badge) -> Style {
        if self.mono {
            return Style::new().add_modifier(Modifier::REVERSED);
        }
        match badge {
            Badge::Live => Style::new().fg(Color::White).bg(Color::Blue),
            Badge::Demo => Style::new().fg(Color::Black).bg(Color::Magenta),
            Badge::Drill => Style::new().fg(Color::Black).bg(Color::Yellow),
        }
    }

    /// The big DEMO / DRILL badge inside the band.
    pub fn badge(self, badge: Badge) -> Style {
        if self.mono {
            // Normal video inside the reversed band, so it stands out without colour.
            let style = Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
            return style.remove_modifier(Modifier::REVERSED);
        }
        match badge {
            Badge::Live => Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            Badge::Demo => Style::new()
                .fg(Color::Yellow)
                .bg(Color::Black)
                .add_modifier(Modifier::BOLD),
            Badge::Drill => Style::new()
                .fg(Color::Yellow)
                .bg(Color::Black)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// The READ-ONLY badge.
    pub fn read_only(self) -> Style {
        if self.mono {
            return Style::new()
                .add_modifier(Modifier::BOLD)
                .remove_modifier(Modifier::REVERSED);
        }
        Style::new()
            .fg(Color::Black)
            .bg(Color::Cyan)
            .add_modifier(Modifier::BOLD)
    }

    /// The style of the command/filter line being typed.
    pub fn input(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// The tone of a region's health.
pub fn region_tone(h: RegionHealth) -> Tone {
    match h {
        RegionHealth::Healthy => Tone::Good,
        RegionHealth::Degraded => Tone::Warn,
        RegionHealth::Outage => Tone::Bad,
        RegionHealth::Unknown => Tone::Unknown,
    }
}

/// The tone of an instance's health.
pub fn instance_tone(h: InstanceHealth) -> Tone {
    match h {
        InstanceHealth::Available => Tone::Good,
        InstanceHealth::Degraded => Tone::Warn,
        InstanceHealth::Unavailable => Tone::Bad,
        InstanceHealth::Unknown => Tone::Unknown,
    }
}

/// The tone of the deployment's overall health.
pub fn overall_tone(o: Overall) -> Tone {
    match o {
        Overall::Healthy => Tone::Good,
        Overall::Degraded => Tone::Warn,
        Overall::Outage => Tone::Bad,
    }
}

/// The tone of a timeline event.
pub fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Bad => Tone::Bad,
        Severity::Warn => Tone::Warn,
        Severity::Good => Tone::Good,
        Severity::Info => Tone::Plain,
    }
}

/// A region's health in words: "healthy", "DEGRADED", "OUTAGE", "UNKNOWN".
pub fn region_word(h: RegionHealth) -> &'static str {
    match h {
        RegionHealth::Healthy => "healthy",
        RegionHealth::Degraded => "DEGRADED",
        RegionHealth::Outage => "OUTAGE",
        RegionHealth::Unknown => "UNKNOWN",
    }
}

/// An instance's health in a table cell: "ok", "degraded", "DOWN", "unknown".
pub fn instance_word(h: InstanceHealth) -> &'static str {
    match h {
        InstanceHealth::Available => "ok",
        InstanceHealth::Degraded => "degraded",
        InstanceHealth::Unavailable => "DOWN",
        InstanceHealth::Unknown => "unknown",
    }
}

/// A symbol that carries health without colour: ✔ ▲ ✖ ?.
pub fn tone_symbol(t: Tone) -> &'static str {
    match t {
        Tone::Good => "✔",
        Tone::Warn => "▲",
        Tone::Bad => "✖",
        Tone::Unknown => "?",
        Tone::Muted | Tone::Plain | Tone::Info => "·",
    }
}
