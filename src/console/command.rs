//! The `:` command line: parsing of `:q`, `:refresh`, `:sort <col>`, `:filter <text>`,
//! `:fault <kind> ...` and `:plan ...` into commands the pure `update` carries out; the command
//! table that help, Tab completion and "did you mean" read.

use crate::sim::Fault;
use crate::sim::world::ArmBehaviour;

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

/// The fault kinds `:fault` takes, in the order completion offers them.
pub const FAULT_KINDS: &[&str] = &[
    "region-outage",
    "region-recover",
    "region-degrade",
    "replication-lag",
    "resource-down",
    "resource-recover",
    "latency",
    "throttle",
    "flaky",
    "malformed",
    "clear",
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

/// `:fault <kind> <args...>`, or `:fault {json}` as the simulator's control API takes it.
pub fn parse_fault(rest: &str) -> Result<Fault, String> {
    if rest.starts_with('{') {
        return serde_json::from_str(rest).map_err(|e| format!("fault JSON: {e}"));
    }
    let args: Vec<&str> = rest.split_whitespace().collect();
    let (kind, args) = args
        .split_first()
        .ok_or("usage: :fault <kind> ... (? lists the kinds)")?;
    match *kind {
        "region-outage" | "outage" => region_outage(args),
        "region-recover" | "recover" => Ok(Fault::RegionRecover {
            region: region(kind, args)?,
        }),
        "region-degrade" | "degrade" => Ok(Fault::RegionDegrade {
            region: region(kind, args)?,
            title: None,
        }),
        "replication-lag" | "lag" => replication_lag(args),
        "resource-down" => {
            target(kind, args).map(|(resource, target)| Fault::ResourceDown { resource, target })
        }
        "resource-recover" => {
            target(kind, args).map(|(resource, target)| Fault::ResourceRecover { resource, target })
        }
        "latency" => latency(args),
        "throttle" => Ok(Fault::Throttle {
            seconds: seconds(args.first(), "usage: :fault throttle <seconds>")?,
        }),
        "flaky" => flaky(args),
        "malformed" => malformed(args),
        "clear" => Ok(Fault::Clear),
        other => Err(
            match crate::suggest::closest(other, FAULT_KINDS.iter().copied(), 2) {
                Some(near) => format!("did you mean '{near}'? '{other}' is not a fault"),
                None => format!("unknown fault '{other}': {}", FAULT_KINDS.join(", ")),
            },
        ),
    }
}

/// The region argument of a region fault.
fn region(kind: &str, args: &[&str]) -> Result<String, String> {
    args.first()
        .map(|r| r.to_string())
        .ok_or_else(|| format!("usage: :fault {kind} <region>"))
}

/// `region-outage <region> [error|hang|up]`.
fn region_outage(args: &[&str]) -> Result<Fault, String> {
    let usage = "usage: :fault region-outage <region> [error|hang|up]";
    let region = args.first().ok_or(usage)?.to_string();
    let arm = match args.get(1).copied() {
        None => None,
        Some("error") => Some(ArmBehaviour::Error),
        Some("hang") => Some(ArmBehaviour::Hang),
        Some("up") => Some(ArmBehaviour::Up),
        Some(other) => return Err(format!("unknown ARM behaviour '{other}'; {usage}")),
    };
    Ok(Fault::RegionOutage {
        region,
        title: None,
        arm,
        control_plane: None,
    })
}

/// A resource id (starting with `/`) or a scenario target (component name, `kind:...`, `*`).
fn target(kind: &str, args: &[&str]) -> Result<(Option<String>, Option<String>), String> {
    let t = args
        .first()
        .ok_or_else(|| format!("usage: :fault {kind} <component|resource-id|*>"))?;
    Ok(if t.starts_with('/') {
        (Some(t.to_string()), None)
    } else {
        (None, Some(t.to_string()))
    })
}

/// `replication-lag <target> <seconds>`.
fn replication_lag(args: &[&str]) -> Result<Fault, String> {
    let usage = "usage: :fault replication-lag <component|resource-id|*> <seconds>";
    let (resource, target) = target("replication-lag", args).map_err(|_| usage.to_string())?;
    let seconds = seconds(args.get(1), usage)?;
    Ok(Fault::ReplicationLag {
        resource,
        target,
        seconds,
    })
}

/// `latency <millis> [region]`.
fn latency(args: &[&str]) -> Result<Fault, String> {
    let usage = "usage: :fault latency <millis> [region]";
    let millis = args
        .first()
        .and_then(|m| m.trim_end_matches("ms").parse().ok())
        .ok_or(usage)?;
    Ok(Fault::Latency {
        millis,
        region: args.get(1).map(|r| r.to_string()),
        methods: None,
    })
}

/// `flaky <error-rate> [drop-rate] [seconds]` (rates between 0 and 1).
fn flaky(args: &[&str]) -> Result<Fault, String> {
    let usage = "usage: :fault flaky <error-rate 0..1> [drop-rate 0..1] [seconds]";
    let rate = |s: Option<&&str>| -> Result<f64, String> {
        s.map_or(Ok(0.0), |s| s.parse().map_err(|_| usage.to_string()))
    };
    let error_rate = rate(Some(args.first().ok_or(usage)?))?;
    let drop_rate = rate(args.get(1))?;
    let seconds = args.get(2).map(|s| seconds(Some(s), usage)).transpose()?;
    Ok(Fault::Flaky {
        error_rate,
        drop_rate,
        seconds,
        after_apply: None,
        methods: None,
    })
}

/// `malformed [count]`.
fn malformed(args: &[&str]) -> Result<Fault, String> {
    let count = match args.first() {
        Some(c) => Some(c.parse().map_err(|_| "usage: :fault malformed [count]")?),
        None => None,
    };
    Ok(Fault::Malformed {
        resource: None,
        count,
    })
}

/// A duration in seconds: `90`, `90s`, `2m`, `1h30m`.
fn seconds(arg: Option<&&str>, usage: &str) -> Result<f64, String> {
    let arg = arg.ok_or(usage)?;
    crate::timefmt::parse_duration(arg)
        .map(|d| d.as_secs_f64())
        .ok_or_else(|| format!("'{arg}' is not a duration; {usage}"))
}
