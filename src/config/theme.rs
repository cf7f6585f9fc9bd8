//! The console's look in `[console]`: `theme` and the `[console.colors]` overrides, validated
//! with their place in the file like every other key. The console maps them to its palette;
//! nothing here knows about the terminal.

use serde::Deserialize;
use toml::Spanned;

use super::Checker;

/// `[console] theme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    /// For dark terminal backgrounds (the default).
    #[default]
    Dark,
    /// For light terminal backgrounds.
    Light,
    /// Bright, bold colours; the selection in reverse video.
    HighContrast,
}

impl ThemeName {
    const NAMES: &'static [(&'static str, ThemeName)] = &[
        ("dark", ThemeName::Dark),
        ("light", ThemeName::Light),
        ("high-contrast", ThemeName::HighContrast),
    ];

    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        Self::NAMES.iter().find(|(_, t)| *t == self).unwrap().0
    }
}

/// The colour names `[console.colors]` takes (besides `#rrggbb`), as terminals name them.
pub const COLOR_NAMES: &[&str] = &[
    "black",
    "red",
    "green",
    "yellow",
    "blue",
    "magenta",
    "cyan",
    "gray",
    "darkgray",
    "lightred",
    "lightgreen",
    "lightyellow",
    "lightblue",
    "lightmagenta",
    "lightcyan",
    "white",
];

/// One colour of `[console.colors]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorValue {
    /// One of `COLOR_NAMES`: the terminal's own shade of it.
    Named(&'static str),
    /// `#rrggbb`.
    Rgb(u8, u8, u8),
}

impl ColorValue {
    /// Parses "green", "dark-gray", "Light Red", "grey" or "#1e90ff".
    pub fn parse(text: &str) -> Option<ColorValue> {
        let t = text.trim();
        if let Some(hex) = t.strip_prefix('#') {
            if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
            return Some(ColorValue::Rgb(byte(0)?, byte(2)?, byte(4)?));
        }
        let key: String = t
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .collect::<String>()
            .to_lowercase()
            .replace("grey", "gray");
        COLOR_NAMES
            .iter()
            .find(|n| **n == key)
            .map(|n| ColorValue::Named(n))
    }
}

/// `[console.colors]`: each replaces a colour of the theme (text and label alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorOverrides {
    /// Healthy, available, ready.
    pub good: Option<ColorValue>,
    /// Degraded, a lag near the RPO, amber verdicts.
    pub warn: Option<ColorValue>,
    /// Down, an outage, over the RPO, blocked.
    pub bad: Option<ColorValue>,
    /// Health that could not be read.
    pub unknown: Option<ColorValue>,
    /// Borders and secondary text.
    pub muted: Option<ColorValue>,
    /// Worth knowing, neither good nor bad (a component already moved).
    pub info: Option<ColorValue>,
    /// The background of the selected row.
    pub selection: Option<ColorValue>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawColors {
    good: Option<Spanned<String>>,
    warn: Option<Spanned<String>>,
    bad: Option<Spanned<String>>,
    unknown: Option<Spanned<String>>,
    muted: Option<Spanned<String>>,
    info: Option<Spanned<String>>,
    selection: Option<Spanned<String>>,
}

/// Validates `theme`.
pub(super) fn theme(ck: &mut Checker<'_>, raw: Option<Spanned<String>>) -> ThemeName {
    let Some(raw) = raw else {
        return ThemeName::default();
    };
    let found = ThemeName::NAMES
        .iter()
        .find(|(n, _)| *n == raw.get_ref().trim())
        .map(|(_, t)| *t);
    found.unwrap_or_else(|| {
        let names: Vec<&str> = ThemeName::NAMES.iter().map(|(n, _)| *n).collect();
        let hint = crate::suggest::closest(raw.get_ref(), names.iter().copied(), 3)
            .map(|n| format!(" (did you mean '{n}'?)"))
            .unwrap_or_default();
        ck.at(
            raw.span(),
            format!(
                "unknown theme '{}'{hint}; expected one of: {}",
                raw.get_ref(),
                names.join(", ")
            ),
        );
        ThemeName::default()
    })
}

/// Validates `[console.colors]`.
pub(super) fn colors(ck: &mut Checker<'_>, raw: Option<RawColors>) -> ColorOverrides {
    let Some(raw) = raw else {
        return ColorOverrides::default();
    };
    let mut one = |key: &str, v: Option<Spanned<String>>| -> Option<ColorValue> {
        let v = v?;
        let parsed = ColorValue::parse(v.get_ref());
        if parsed.is_none() {
            let hint = crate::suggest::closest(v.get_ref(), COLOR_NAMES.iter().copied(), 2)
                .map(|n| format!(" (did you mean '{n}'?)"))
                .unwrap_or_default();
            ck.at(
                v.span(),
                format!(
                    "console.colors.{key}: '{}' is not a colour{hint}; use #rrggbb or one of: {}",
                    v.get_ref(),
                    COLOR_NAMES.join(", ")
                ),
            );
        }
        parsed
    };
    ColorOverrides {
        good: one("good", raw.good),
        warn: one("warn", raw.warn),
        bad: one("bad", raw.bad),
        unknown: one("unknown", raw.unknown),
        muted: one("muted", raw.muted),
        info: one("info", raw.info),
        selection: one("selection", raw.selection),
    }
}
