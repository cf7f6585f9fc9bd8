//! The `:` command line: parsing of `:q`, `:refresh`, `:sort <col>`, `:filter <text>`,
//! `:fault <kind> ...` and `:plan ...` into commands the pure `update` carries out.

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

/// One documented command, for `?` and for errors.
pub struct CommandDoc {
    pub usage: &'static str,
    pub desc: &'static str,
}

/// Every command, in the order the help shows them.
#[rustfmt::skip]
pub const COMMANDS: &[CommandDoc] = &[
    CommandDoc { usage: ":q", desc: "quit" },
    CommandDoc { usage: ":refresh", desc: "refresh health now" },
    CommandDoc { usage: ":sort name|health|lag|ready|kind|active|config", desc: "sort the components" },
    CommandDoc { usage: ":filter <text>", desc: "show matching components only (empty: all)" },
    CommandDoc { usage: ":overview  :timeline  :detail  :runbook", desc: "switch screen" },
    CommandDoc { usage: ":failover  :failback", desc: "start that run here (asks first; every step asks again)" },
    CommandDoc { usage: ":plan failover|failback", desc: "preview the runbook that would run now (nothing runs)" },
    CommandDoc { usage: ":fault region-outage <region> [error|hang|up]", desc: "demo/drill: take a region down" },
    CommandDoc { usage: ":fault region-recover|region-degrade <region>", desc: "demo/drill: recover or degrade a region" },
    CommandDoc { usage: ":fault replication-lag <component|*> <seconds>", desc: "demo/drill: replication lag" },
    CommandDoc { usage: ":fault resource-down|resource-recover <component>", desc: "demo/drill: one component's resources" },
    CommandDoc { usage: ":fault latency <millis> [region]", desc: "demo/drill: slow ARM answers (0 removes)" },
    CommandDoc { usage: ":fault throttle <seconds>", desc: "demo/drill: ARM answers 429" },
    CommandDoc { usage: ":fault flaky <error-rate> [drop-rate] [seconds]", desc: "demo/drill: random 5xx and drops" },
    CommandDoc { usage: ":fault malformed [count]  :fault clear", desc: "demo/drill: bad JSON; clear faults" },
];

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
        other => Err(format!("unknown command ':{other}' (? lists the commands)")),
    }
}

/// `:sort <column>`.
fn parse_sort(args: &[&str]) -> Result<Command, String> {
    let usage = "usage: :sort name|health|lag|ready|kind|active|config";
    let col = args.first().ok_or(usage)?;
    SortKey::parse(col)
        .map(Command::Sort)
        .ok_or_else(|| format!("unknown sort column '{col}'; {usage}"))
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
        other => Err(format!(
            "unknown fault '{other}': region-outage, region-recover, region-degrade, replication-lag, resource-down, resource-recover, latency, throttle, flaky, malformed, clear"
        )),
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
