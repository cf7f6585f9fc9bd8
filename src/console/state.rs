//! The small types of the console's state: screens, sort keys, input modes, messages, what the
//! console shows about itself, and the cursor of a scrolling list.

use time::OffsetDateTime;

use super::Badge;

/// Lag values kept per component for the sparkline.
pub const LAG_HISTORY: usize = 60;
/// Events kept in the timeline.
pub const TIMELINE_MAX: usize = 2000;
/// How long a message stays in the status bar.
pub const MESSAGE_SECONDS: i64 = 5;

/// The screens, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Overview,
    Timeline,
    Detail,
    /// The runbook of the run this console drives.
    Runbook,
    /// Reports of past drills and runs.
    Reports,
}

impl Screen {
    /// Every screen, in Tab order (its number is its position + 1).
    pub const ALL: [Screen; 5] = [
        Screen::Overview,
        Screen::Timeline,
        Screen::Detail,
        Screen::Runbook,
        Screen::Reports,
    ];

    /// The screen's name in tabs and help.
    pub fn title(self) -> &'static str {
        match self {
            Screen::Overview => "overview",
            Screen::Timeline => "timeline",
            Screen::Detail => "detail",
            Screen::Runbook => "runbook",
            Screen::Reports => "reports",
        }
    }

    /// The screen `step` places away in Tab order.
    pub fn cycle(self, step: isize) -> Screen {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0) as isize;
        Self::ALL[(i + step).rem_euclid(Self::ALL.len() as isize) as usize]
    }
}

/// How the components table is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// As in the configuration.
    Config,
    /// Worst first.
    Health,
    Name,
    /// Highest lag relative to the RPO first.
    Lag,
    /// Not ready first.
    Ready,
    Kind,
    Active,
}

impl SortKey {
    /// Every key, in the order `s` cycles through them.
    pub const ALL: [SortKey; 7] = [
        SortKey::Config,
        SortKey::Health,
        SortKey::Name,
        SortKey::Lag,
        SortKey::Ready,
        SortKey::Kind,
        SortKey::Active,
    ];

    /// The name `:sort` takes and the status bar shows.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Config => "config",
            SortKey::Health => "health",
            SortKey::Name => "name",
            SortKey::Lag => "lag",
            SortKey::Ready => "ready",
            SortKey::Kind => "kind",
            SortKey::Active => "active",
        }
    }

    /// Parses a `:sort` column name.
    pub fn parse(s: &str) -> Option<SortKey> {
        let s = s.to_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The order in words: "worst first", or its reverse.
    pub fn order(self, reversed: bool) -> &'static str {
        let (first, reverse) = match self {
            SortKey::Config => ("as configured", "reversed"),
            SortKey::Health => ("worst first", "best first"),
            SortKey::Lag => ("highest first (against the RPO)", "lowest first"),
            SortKey::Ready => ("not ready first", "ready first"),
            SortKey::Name | SortKey::Kind | SortKey::Active => ("A→Z", "Z→A"),
        };
        if reversed { reverse } else { first }
    }

    /// The marker of the sorted column: ▲ for A→Z, ▼ for the alarming first (lag, health,
    /// readiness), the other way round when reversed.
    pub fn arrow(self, reversed: bool) -> &'static str {
        let up = matches!(
            self,
            SortKey::Name | SortKey::Kind | SortKey::Active | SortKey::Config
        );
        if up != reversed { "▲" } else { "▼" }
    }

    /// The next key in the `s` cycle.
    pub fn next(self) -> SortKey {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// What keys do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Normal,
    /// Typing a `:` command.
    Command,
    /// Typing a `/` filter (applied as it is typed).
    Filter,
}

/// The tone of a status-bar message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Good,
    Error,
}

/// A short-lived status-bar message.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub until: OffsetDateTime,
}

/// What the console shows about itself, fixed at start.
#[derive(Debug, Clone)]
pub struct Meta {
    pub deployment: String,
    pub primary: String,
    pub secondary: String,
    pub rto_minutes: u32,
    pub rpo_minutes: u32,
    pub badge: Badge,
    pub read_only: bool,
    pub identity: Option<String>,
    pub scenario: Option<String>,
    pub faults_enabled: bool,
    pub refresh_seconds: u32,
    /// A snapshot older than this is overdue: a refresh and a request deadline have passed
    /// without a new one.
    pub overdue_after_seconds: u64,
    pub mouse: bool,
    /// Opened from a fleet overview: `q` (and Esc on its overview) goes back there.
    pub in_fleet: bool,
}

/// A selection in a scrolling list: the selected row and the first visible one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Moves by `delta` rows within `len` rows and scrolls so the selection stays in `height`.
    pub fn step(&mut self, delta: isize, len: usize, height: usize) {
        let target = (self.selected as isize + delta).clamp(0, len.saturating_sub(1) as isize);
        self.select(target as usize, len, height);
    }

    /// Selects row `index` (clamped) and scrolls so that it is visible.
    pub fn select(&mut self, index: usize, len: usize, height: usize) {
        self.selected = index.min(len.saturating_sub(1));
        let height = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        self.offset = self.offset.min(len.saturating_sub(height));
    }
}
