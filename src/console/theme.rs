//! Colours and emphasis. Health always reads the same everywhere; demo and drill look nothing
//! like production, in every theme (dark, light, high-contrast, with or without the
//! configuration's colours); with NO_COLOR everything is Color::Reset plus
//! bold/reverse/underline, so selection and alarms stay visible without colour.

use ratatui::style::{Color, Modifier, Style};

use crate::config::{ColorOverrides, ColorValue, ConsoleSettings, ThemeName};
use crate::console::Badge;
use crate::console::timeline::Severity;
use crate::health::{InstanceHealth, Overall, RegionHealth};

/// The palette in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Monochrome (NO_COLOR): modifiers only.
    pub mono: bool,
    /// The colours of the tones (ignored in monochrome).
    pub palette: Palette,
}

/// The colours of a theme. The header band and the DEMO / DRILL / READ-ONLY badges are not
/// among them: they look the same in every theme, so a drill never looks like production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    pub good: Color,
    pub warn: Color,
    pub bad: Color,
    pub unknown: Color,
    pub muted: Color,
    pub info: Color,
    /// Backgrounds of the solid labels (OUTAGE, STALE, RUN …), black text on them.
    pub good_label: Color,
    pub warn_label: Color,
    pub bad_label: Color,
    pub unknown_label: Color,
    pub info_label: Color,
    /// The selected row's background; None: reverse video.
    pub selection: Option<Color>,
    /// Every tone in bold (high contrast).
    pub bold: bool,
}

impl Palette {
    /// For dark backgrounds (the default).
    pub const DARK: Palette = Palette {
        good: Color::Green,
        warn: Color::Yellow,
        bad: Color::LightRed,
        unknown: Color::LightMagenta,
        muted: Color::DarkGray,
        info: Color::Cyan,
        good_label: Color::Green,
        warn_label: Color::Yellow,
        bad_label: Color::Red,
        unknown_label: Color::Magenta,
        info_label: Color::Cyan,
        selection: Some(Color::Rgb(40, 60, 90)),
        bold: false,
    };

    /// For light backgrounds: darker shades (yellow text is unreadable on white).
    pub const LIGHT: Palette = Palette {
        good: Color::Rgb(0, 120, 0),
        warn: Color::Rgb(170, 90, 0),
        bad: Color::Rgb(190, 0, 0),
        unknown: Color::Rgb(140, 0, 140),
        muted: Color::Rgb(110, 110, 110),
        info: Color::Rgb(0, 90, 160),
        good_label: Color::Rgb(120, 200, 120),
        warn_label: Color::Rgb(250, 190, 60),
        bad_label: Color::Rgb(240, 90, 90),
        unknown_label: Color::Rgb(220, 140, 220),
        info_label: Color::Rgb(120, 190, 240),
        selection: Some(Color::Rgb(200, 215, 240)),
        bold: false,
    };

    /// Bright colours, everything bold, the selection in reverse video.
    pub const HIGH_CONTRAST: Palette = Palette {
        good: Color::LightGreen,
        warn: Color::LightYellow,
        bad: Color::LightRed,
        unknown: Color::LightMagenta,
        muted: Color::Gray,
        info: Color::LightCyan,
        good_label: Color::LightGreen,
        warn_label: Color::LightYellow,
        bad_label: Color::LightRed,
        unknown_label: Color::LightMagenta,
        info_label: Color::LightCyan,
        selection: None,
        bold: true,
    };

    /// The palette of a configured theme, with the configuration's colours in place.
    pub fn configured(name: ThemeName, colors: &ColorOverrides) -> Palette {
        let mut p = match name {
            ThemeName::Dark => Palette::DARK,
            ThemeName::Light => Palette::LIGHT,
            ThemeName::HighContrast => Palette::HIGH_CONTRAST,
        };
        let pairs = [
            (colors.good, &mut p.good, &mut p.good_label),
            (colors.warn, &mut p.warn, &mut p.warn_label),
            (colors.bad, &mut p.bad, &mut p.bad_label),
            (colors.unknown, &mut p.unknown, &mut p.unknown_label),
            (colors.info, &mut p.info, &mut p.info_label),
        ];
        for (value, text, label) in pairs {
            if let Some(v) = value {
                *text = color(v);
                *label = color(v);
            }
        }
        if let Some(v) = colors.muted {
            p.muted = color(v);
        }
        if let Some(v) = colors.selection {
            p.selection = Some(color(v));
        }
        p
    }
}

/// The terminal colour of a configured one.
pub fn color(v: ColorValue) -> Color {
    match v {
        ColorValue::Rgb(r, g, b) => Color::Rgb(r, g, b),
        ColorValue::Named(name) => match name {
            "black" => Color::Black,
            "red" => Color::Red,
            "green" => Color::Green,
            "yellow" => Color::Yellow,
            "blue" => Color::Blue,
            "magenta" => Color::Magenta,
            "cyan" => Color::Cyan,
            "gray" => Color::Gray,
            "darkgray" => Color::DarkGray,
            "lightred" => Color::LightRed,
            "lightgreen" => Color::LightGreen,
            "lightyellow" => Color::LightYellow,
            "lightblue" => Color::LightBlue,
            "lightmagenta" => Color::LightMagenta,
            "lightcyan" => Color::LightCyan,
            "white" => Color::White,
            _ => Color::Reset,
        },
    }
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
    /// Colours (the dark theme).
    pub const fn color() -> Theme {
        Theme {
            mono: false,
            palette: Palette::DARK,
        }
    }

    /// No colour at all (NO_COLOR).
    pub const fn mono() -> Theme {
        Theme {
            mono: true,
            palette: Palette::DARK,
        }
    }

    /// A palette in colour.
    pub const fn with(palette: Palette) -> Theme {
        Theme {
            mono: false,
            palette,
        }
    }

    /// The configured theme; monochrome when NO_COLOR is set to anything non-empty
    /// (no-color.org), whatever the configuration says.
    pub fn for_console(settings: &ConsoleSettings) -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme {
            mono: no_color,
            palette: Palette::configured(settings.theme, &settings.colors),
        }
    }

    /// The style of a tone as foreground text.
    pub fn tone(self, tone: Tone) -> Style {
        if self.mono {
            return match tone {
                // Underlined too, so that it still stands out inside the (reversed) selection.
                Tone::Bad => Style::new()
                    .add_modifier(Modifier::BOLD | Modifier::REVERSED | Modifier::UNDERLINED),
                Tone::Warn | Tone::Unknown => {
                    Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
                }
                Tone::Muted => Style::new().add_modifier(Modifier::DIM),
                Tone::Good | Tone::Plain => Style::new(),
                Tone::Info => Style::new().add_modifier(Modifier::ITALIC),
            };
        }
        let p = self.palette;
        let style = match tone {
            Tone::Good => Style::new().fg(p.good),
            Tone::Warn => Style::new().fg(p.warn),
            Tone::Bad => Style::new().fg(p.bad).add_modifier(Modifier::BOLD),
            Tone::Unknown => Style::new().fg(p.unknown).add_modifier(Modifier::BOLD),
            Tone::Muted => return Style::new().fg(p.muted),
            Tone::Plain => return Style::new(),
            Tone::Info => Style::new().fg(p.info),
        };
        if p.bold {
            style.add_modifier(Modifier::BOLD)
        } else {
            style
        }
    }

    /// A solid label (black on the tone's colour), for the alarms that must jump out.
    pub fn label(self, tone: Tone) -> Style {
        if self.mono {
            return match tone {
                Tone::Good | Tone::Plain | Tone::Muted | Tone::Info => {
                    Style::new().add_modifier(Modifier::BOLD)
                }
                _ => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
            };
        }
        let p = self.palette;
        let bg = match tone {
            Tone::Good => p.good_label,
            Tone::Warn => p.warn_label,
            Tone::Bad => p.bad_label,
            Tone::Unknown => p.unknown_label,
            Tone::Info => p.info_label,
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

    /// The selected row: a background of its own, or reverse video (monochrome, high
    /// contrast), visible with or without colour.
    pub fn selected(self) -> Style {
        match self.palette.selection.filter(|_| !self.mono) {
            Some(bg) => Style::new().bg(bg).add_modifier(Modifier::BOLD),
            None => Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
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
