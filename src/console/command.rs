//! The `:` command line: parsing of `:q`, `:refresh`, `:sort <col>`, `:filter <text>`,
//! `:fault <kind> ...` (its grammar is `crate::sim::faults::parse_fault`) and `:plan ...` into commands the pure `update` carries out; the command
//! table that help, Tab completion and "did you mean" read.

use crate::sim::Fault;
/// The `:fault` grammar lives with the faults it builds.
pub use crate::sim::faults::{FAULT_KINDS, parse_fault};

use super::app::{Screen, SortKey};

/// A parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    Refresh,
    Help,
    Sort(SortKey),
    /// An empty text clears the filter.
    Filter(String),
    Screen(Screen),
    Fault(Fault),
    /// `:plan failover|failback`: the runbook that would run now, as a preview.
    Plan(crate::config::RunbookKind),
    /// `:failover` / `:failback`: start that run in this console (after one confirmation).
    Start(crate::config::RunbookKind),
}

/// What the first argument of a command is, for Tab completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    None,
    SortColumn,
    FaultKind,
    PlanKind,
}

/// One documented command, for `?`, for Tab completion and for "did you mean".
pub struct CommandDoc {
    /// The names it is typed as (without aliases); help shows `usage`.
    pub names: &'static [&'static str],
    pub usage: &'static str,
    pub desc: &'static str,
    pub arg: Arg,
}

/// Builds a command entry.
const fn doc(
    names: &'static [&'static str],
    usage: &'static str,
    desc: &'static str,
    arg: Arg,
) -> CommandDoc {
    CommandDoc {
        names,
        usage,
        desc,
        arg,
    }
}

/// Every command, in the order the help shows them.
#[rustfmt::skip]
pub const COMMANDS: &[CommandDoc] = &[
    doc(&["q"], ":q", "quit (refused while a run goes on)", Arg::None),
    doc(&["refresh"], ":refresh", "refresh health now", Arg::None),
    doc(&["help"], ":help", "this help", Arg::None),
    doc(&["sort"], ":sort name|health|lag|ready|kind|active|config", "sort the components (like N H L R K A C)", Arg::SortColumn),
    doc(&["filter"], ":filter <regex>  :filter !<regex>", "show matching components, or (!) the others; empty: all", Arg::None),
    doc(&["overview", "timeline", "detail", "runbook", "reports"], ":overview  :timeline  :detail  :runbook  :reports", "switch screen (like 1–5)", Arg::None),
    doc(&["failover", "failback"], ":failover  :failback", "start that run here (asks first; each step asks again)", Arg::None),
    doc(&["plan"], ":plan failover|failback", "preview the runbook that would run now (nothing runs)", Arg::PlanKind),
    doc(&["fault"], ":fault region-outage <region> [error|hang|up]", "demo/drill: take a region down", Arg::FaultKind),
    doc(&["fault"], ":fault region-recover|region-degrade <region>", "demo/drill: recover or degrade a region", Arg::FaultKind),
    doc(&["fault"], ":fault replication-lag <component|*> <seconds>", "demo/drill: replication lag", Arg::FaultKind),
    doc(&["fault"], ":fault resource-down|resource-recover <component>", "demo/drill: one component's resources", Arg::FaultKind),
    doc(&["fault"], ":fault latency <millis> [region]", "demo/drill: slow ARM answers (0 removes)", Arg::FaultKind),
    doc(&["fault"], ":fault throttle <seconds>", "demo/drill: ARM answers 429", Arg::FaultKind),
    doc(&["fault"], ":fault flaky <error-rate> [drop-rate] [seconds]", "demo/drill: random 5xx and drops", Arg::FaultKind),
    doc(&["fault"], ":fault malformed [count]  :fault clear", "demo/drill: bad JSON; clear faults", Arg::FaultKind),
];

/// The kinds of runbook `:plan` takes.
pub const PLAN_KINDS: &[&str] = &["failover", "failback"];

/// Every command name, once each, in help order.
pub fn names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for n in COMMANDS.iter().flat_map(|c| c.names.iter().copied()) {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// What completion can offer besides the fixed words: the deployment's regions and components.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub regions: Vec<String>,
    pub components: Vec<String>,
}

/// The completions of the word under the cursor (the line's end): where that word starts
/// (a byte offset) and the candidates that extend it, in order.
pub fn completions(line: &str, known: &Known) -> (usize, Vec<String>) {
    let start = line.rfind(' ').map_or(0, |i| i + 1);
    let word = &line[start..];
    let before: Vec<&str> = line[..start].split_whitespace().collect();
    let fixed = |words: &[&str]| -> Vec<String> { words.iter().map(|w| w.to_string()).collect() };
    let pool: Vec<String> = match before.as_slice() {
        [] => fixed(&names()),
        [cmd] => match COMMANDS
            .iter()
            .find(|c| c.names.contains(cmd))
            .map(|c| c.arg)
        {
            Some(Arg::SortColumn) => SortKey::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
            Some(Arg::FaultKind) => fixed(FAULT_KINDS),
            Some(Arg::PlanKind) => fixed(PLAN_KINDS),
            _ => Vec::new(),
        },
        [
            "fault",
            "region-outage" | "region-recover" | "region-degrade",
        ] => known.regions.clone(),
        [
            "fault",
            "replication-lag" | "resource-down" | "resource-recover",
        ] => {
            let mut c = known.components.clone();
            c.push("*".into());
            c
        }
        ["fault", "region-outage", _] => fixed(&["error", "hang", "up"]),
        _ => Vec::new(),
    };
    let candidates = pool.into_iter().filter(|c| c.starts_with(word)).collect();
    (start, candidates)
}

/// The longest prefix all the candidates share.
pub fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut prefix = first.clone();
    for c in &candidates[1..] {
        let shared = prefix
            .chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        prefix.truncate(shared);
    }
    prefix
}

/// Parses a command line (without the leading `:`).
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim().trim_start_matches(':');
    let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let args: Vec<&str> = rest.split_whitespace().collect();
    match name {
        "q" | "q!" | "quit" | "qa" | "exit" => Ok(Command::Quit),
        "r" | "refresh" => Ok(Command::Refresh),
        "h" | "help" | "?" => Ok(Command::Help),
        "sort" => parse_sort(&args),
        "filter" | "f" => Ok(Command::Filter(rest.to_string())),
        "overview" | "1" => Ok(Command::Screen(Screen::Overview)),
        "timeline" | "events" | "2" => Ok(Command::Screen(Screen::Timeline)),
        "detail" | "3" => Ok(Command::Screen(Screen::Detail)),
        "runbook" | "run" | "4" => Ok(Command::Screen(Screen::Runbook)),
        "reports" | "report" | "5" => Ok(Command::Screen(Screen::Reports)),
        "failover" => Ok(Command::Start(crate::config::RunbookKind::Failover)),
        "failback" => Ok(Command::Start(crate::config::RunbookKind::Failback)),
        "plan" => match args.first().copied() {
            Some("failover") | None => Ok(Command::Plan(crate::config::RunbookKind::Failover)),
            Some("failback") => Ok(Command::Plan(crate::config::RunbookKind::Failback)),
            Some(other) => Err(format!("usage: :plan failover|failback (not '{other}')")),
        },
        "fault" => parse_fault(rest).map(Command::Fault),
        "" => Err("type a command, e.g. :q or :refresh (? lists them)".into()),
        other => Err(match crate::suggest::closest(other, names(), 2) {
            Some(near) => {
                format!("did you mean ':{near}'? ':{other}' is not a command (? lists them)")
            }
            None => format!("unknown command ':{other}' (? lists the commands)"),
        }),
    }
}

/// `:sort <column>`.
fn parse_sort(args: &[&str]) -> Result<Command, String> {
    let usage = "usage: :sort name|health|lag|ready|kind|active|config";
    let col = args.first().ok_or(usage)?;
    SortKey::parse(col).map(Command::Sort).ok_or_else(|| {
        let names = SortKey::ALL.map(SortKey::as_str);
        match crate::suggest::closest(col, names, 2) {
            Some(near) => format!("did you mean '{near}'? '{col}' is not a column; {usage}"),
            None => format!("unknown sort column '{col}'; {usage}"),
        }
    })
}
