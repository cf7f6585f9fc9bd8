//! Faults the simulator can inject, from the control API (`POST /_sim/faults`), a scenario or
//! the console's `:fault` command (its grammar, `parse_fault`, is here beside the faults).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::world::{ArmBehaviour, Flaky, Incident, RegionStatus, World};
use crate::config::{ComponentKind, Shape};

/// Whether a `region-outage` without `control_plane` takes the regional control planes of
/// replicated resources down too (see `providers::ControlPlane`), as a regional outage of Azure
/// does. On: the collector reads a SQL group through its partner when the primary's server
/// does not answer.
pub const REGIONAL_CONTROL_PLANES_BY_DEFAULT: bool = true;

/// One fault. `resource` is a full resource id; scenarios may use `target` instead:
/// a component name, `kind:<kind>` or `kind:<kind>@primary|secondary`, or `*` (everything that
/// replicates). Regions may be written `primary` / `secondary`.
/// Durations (`seconds` of throttle and flaky, `millis`) are real time; replication lag is data time.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fault {
    RegionOutage {
        region: String,
        title: Option<String>,
        /// What ARM does with requests about the region's own resources (default `error`).
        arm: Option<ArmBehaviour>,
        /// Whether the outage also takes down the regional control planes of resources that
        /// are not one of a pair's per-region resources (each provider's `control_plane`: a SQL
        /// failover group through its server there, a registry whose home it is), while global
        /// ones go on answering. None: `REGIONAL_CONTROL_PLANES_BY_DEFAULT` (on).
        #[serde(default)]
        control_plane: Option<bool>,
    },
    RegionRecover {
        region: String,
    },
    RegionDegrade {
        region: String,
        title: Option<String>,
    },
    ReplicationLag {
        resource: Option<String>,
        target: Option<String>,
        seconds: f64,
    },
    Throttle {
        seconds: f64,
    },
    ResourceDown {
        resource: Option<String>,
        target: Option<String>,
    },
    ResourceRecover {
        resource: Option<String>,
        target: Option<String>,
    },
    Latency {
        millis: u64,
        region: Option<String>,
        /// Only requests with these HTTP methods (all when omitted): `["POST", "PATCH"]` delays
        /// the answers of writes after they took effect.
        #[serde(default)]
        methods: Option<Vec<String>>,
    },
    Flaky {
        #[serde(default)]
        error_rate: f64,
        #[serde(default)]
        drop_rate: f64,
        seconds: Option<f64>,
        /// The share of dropped connections that are dropped after the request took effect
        /// (a lost answer, as in Azure); 0 when omitted.
        #[serde(default)]
        after_apply: Option<f64>,
        /// The HTTP methods it hits; all when omitted.
        #[serde(default)]
        methods: Option<Vec<String>>,
    },
    Malformed {
        resource: Option<String>,
        count: Option<u32>,
    },
    /// Azure ML drift: removes `item` (`datastore`, ...; `name`: one, all when omitted) from a
    /// workspace, or with `restore` undoes every drift of it.
    WorkspaceDrift {
        resource: Option<String>,
        target: Option<String>,
        item: String,
        name: Option<String>,
    },
    /// Sets a region's Azure ML vCPU limit (of one VM family with `family`, of all when omitted).
    Quota {
        region: String,
        limit: i64,
        family: Option<String>,
    },
    /// ARM's token buckets (`throttle.rs`): each kind's size (`reads`, `writes`, `deletes`,
    /// tokens per principal) and refill (`read_refill`, `write_refill`, `delete_refill`, tokens
    /// a second), those not named kept; `reset` starts from the documented buckets, `unlimited`
    /// turns throttling off (or on again with `false`). Every bucket starts full at its new
    /// size; naming a size or a refill turns throttling on.
    RateLimit {
        reads: Option<u32>,
        writes: Option<u32>,
        deletes: Option<u32>,
        read_refill: Option<f64>,
        write_refill: Option<f64>,
        delete_refill: Option<f64>,
        #[serde(default)]
        reset: bool,
        unlimited: Option<bool>,
    },
    /// Removes throttling, latency, flaky and malformed faults and puts the token buckets back
    /// to what the simulator started with (regions stay as they are).
    Clear,
}

impl World {
    /// Applies a fault; Ok describes what changed, Err says why it does not apply.
    pub fn apply_fault(&mut self, fault: &Fault) -> Result<String, String> {
        let now = self.now();
        let out = match fault {
            Fault::RegionOutage {
                region,
                title,
                arm,
                control_plane,
            } => {
                let r = self.region_arg(region)?;
                if self.regions[&r].status == RegionStatus::Down {
                    return Err(format!("region '{r}' is already down"));
                }
                // What Resource Graph goes on answering about the region's resources.
                super::providers::resource_graph::remember(self);
                let st = self.regions.get_mut(&r).expect("resolved");
                st.status = RegionStatus::Down;
                st.since = Some(now);
                st.arm = arm.unwrap_or_default();
                st.control_plane = control_plane.unwrap_or(REGIONAL_CONTROL_PLANES_BY_DEFAULT);
                self.resolve_incidents(&r);
                let title = title.clone().unwrap_or_else(|| {
                    format!("Multiple services impacted in {}", r.display_name())
                });
                self.raise_incident(&r, title, "Critical");
                format!(
                    "region {r} is down (ARM requests for its resources: {:?}{})",
                    st_arm(self, &r),
                    if self.regions[&r].control_plane {
                        "; regional control planes included"
                    } else {
                        ""
                    }
                )
            }
            Fault::RegionRecover { region } => {
                let r = self.region_arg(region)?;
                let st = self.regions.get_mut(&r).expect("resolved");
                if st.status == RegionStatus::Up {
                    return Err(format!("region '{r}' is not down or degraded"));
                }
                st.status = RegionStatus::Up;
                st.since = Some(now);
                self.resolve_incidents(&r);
                format!("region {r} recovered")
            }
            Fault::RegionDegrade { region, title } => {
                let r = self.region_arg(region)?;
                let st = self.regions.get_mut(&r).expect("resolved");
                if st.status != RegionStatus::Up {
                    return Err(format!("region '{r}' is already {:?}", st.status));
                }
                st.status = RegionStatus::Degraded;
                st.since = Some(now);
                let title = title
                    .clone()
                    .unwrap_or_else(|| format!("Degraded performance in {}", r.display_name()));
                self.raise_incident(&r, title, "Warning");
                format!("region {r} is degraded")
            }
            Fault::ReplicationLag {
                resource,
                target,
                seconds,
            } => {
                if crate::timefmt::bounded_secs(*seconds).is_none() {
                    return Err("seconds must be zero or more, and at most 10 years".into());
                }
                let targets = self.targets(resource.as_deref(), target.as_deref())?;
                let mut changed = Vec::new();
                for i in targets {
                    if let Some(rep) = self.replication_mut(i) {
                        rep.lag_secs = *seconds;
                        changed.push(self.resources[i].id.name().to_string());
                    }
                }
                if changed.is_empty() {
                    return Err("none of the named resources replicates (storage, SQL failover group, Cosmos DB, or a PostgreSQL/MySQL replica)".into());
                }
                format!("replication lag {seconds} s on {}", changed.join(", "))
            }
            Fault::Throttle { seconds } => {
                let d = real_duration(*seconds)?;
                self.faults.throttle_until = Some(Instant::now() + d);
                format!("every ARM request answers 429 for {seconds} s")
            }
            Fault::ResourceDown { resource, target }
            | Fault::ResourceRecover { resource, target } => {
                let down = matches!(fault, Fault::ResourceDown { .. });
                let targets = self.targets(resource.as_deref(), target.as_deref())?;
                let names: Vec<String> = targets
                    .iter()
                    .map(|&i| {
                        self.resources[i].down = down;
                        self.resources[i].id.name().to_string()
                    })
                    .collect();
                format!(
                    "{} {}",
                    names.join(", "),
                    if down { "down" } else { "recovered" }
                )
            }
            Fault::Latency {
                millis,
                region,
                methods,
            } => {
                let key = match region {
                    Some(r) => Some(self.region_arg(r)?),
                    None => None,
                };
                let methods: Vec<Option<String>> = match methods {
                    None => vec![None],
                    Some(list) => list
                        .iter()
                        .map(|m| http_method(m).map(Some))
                        .collect::<Result<_, _>>()?,
                };
                if *millis > 600_000 {
                    return Err("millis must be at most 600000 (10 minutes)".into());
                }
                let mut desc = key.as_ref().map_or("every request".to_string(), |r| {
                    format!("requests about {r}")
                });
                if methods.iter().any(Option::is_some) {
                    let names: Vec<&str> = methods.iter().flatten().map(String::as_str).collect();
                    desc.push_str(&format!(" ({})", names.join("/")));
                }
                for m in methods {
                    if *millis == 0 {
                        self.faults.latency.remove(&(key.clone(), m));
                    } else {
                        self.faults
                            .latency
                            .insert((key.clone(), m), Duration::from_millis(*millis));
                    }
                }
                if *millis == 0 {
                    format!("no added latency on {desc}")
                } else {
                    format!("{millis} ms added to {desc}")
                }
            }
            Fault::Flaky {
                error_rate,
                drop_rate,
                seconds,
                after_apply,
                methods,
            } => {
                let after_apply = after_apply.unwrap_or(0.0);
                for (v, n) in [
                    (error_rate, "error_rate"),
                    (drop_rate, "drop_rate"),
                    (&after_apply, "after_apply"),
                ] {
                    if !(0.0..=1.0).contains(v) {
                        return Err(format!("{n} must be between 0 and 1"));
                    }
                }
                let methods = match methods {
                    Some(list) => Some(
                        list.iter()
                            .map(|m| http_method(m))
                            .collect::<Result<Vec<_>, _>>()?,
                    ),
                    None => None,
                };
                let until = seconds
                    .map(real_duration)
                    .transpose()?
                    .map(|d| Instant::now() + d);
                let which = methods.as_ref().map_or("requests".to_string(), |m| {
                    format!("{} requests", m.join("/"))
                });
                self.faults.flaky = Some(Flaky {
                    error_rate: *error_rate,
                    drop_rate: *drop_rate,
                    after_apply,
                    methods,
                    until,
                });
                format!(
                    "{:.0}% of {which} fail with 5xx, {:.0}% lose their connection ({:.0}% of those after taking effect)",
                    error_rate * 100.0,
                    drop_rate * 100.0,
                    after_apply * 100.0
                )
            }
            Fault::Malformed { resource, count } => {
                let key = match resource {
                    Some(r) => {
                        let (i, _) = self
                            .find(r)
                            .ok_or_else(|| format!("no simulated resource '{r}'"))?;
                        self.resources[i].id.key()
                    }
                    None => String::new(),
                };
                let n = count.unwrap_or(1);
                self.faults.malformed.insert(key, n);
                format!("the next {n} answer(s) are malformed JSON")
            }
            Fault::WorkspaceDrift {
                resource,
                target,
                item,
                name,
            } => {
                let targets = self.targets(resource.as_deref(), target.as_deref())?;
                super::providers::aml_readiness::drift(self, &targets, item, name.as_deref())?
            }
            Fault::Quota {
                region,
                limit,
                family,
            } => {
                let r = self.region_arg(region)?;
                super::providers::aml_readiness::set_quota(self, &r, *limit, family.as_deref())?
            }
            Fault::RateLimit {
                reads,
                writes,
                deletes,
                read_refill,
                write_refill,
                delete_refill,
                reset,
                unlimited,
            } => {
                use super::throttle::{Kind, RateLimits};
                let sized = [reads, writes, deletes].iter().any(|v| v.is_some())
                    || [read_refill, write_refill, delete_refill]
                        .iter()
                        .any(|v| v.is_some());
                if !sized && !reset && unlimited.is_none() {
                    return Err("name a bucket size (reads, writes, deletes), a refill (read_refill, write_refill, delete_refill), reset or unlimited".into());
                }
                let mut limits = if *reset {
                    RateLimits::documented()
                } else {
                    self.throttle.limits()
                };
                limits = limits
                    .with(Kind::Read, *reads, *read_refill)?
                    .with(Kind::Write, *writes, *write_refill)?
                    .with(Kind::Delete, *deletes, *delete_refill)?;
                limits.enabled = match unlimited {
                    Some(off) => !off,
                    None => true,
                };
                if sized && !limits.enabled {
                    return Err("'unlimited': true turns the buckets off; it cannot go with sizes or refills".into());
                }
                self.throttle.set(limits);
                format!("ARM token buckets per principal: {}", limits.describe())
            }
            Fault::Clear => {
                self.faults = Default::default();
                self.throttle.restore();
                "transport faults cleared".into()
            }
        };
        self.refresh_replication();
        tracing::info!(target: "azfailover::sim", "fault: {out}");
        Ok(out)
    }

    /// A fault's region (or `primary`/`secondary`), refused if the deployment has no such region.
    fn region_arg(&self, raw: &str) -> Result<crate::region::Region, String> {
        self.resolve_region(raw).ok_or_else(|| {
            format!(
                "region '{raw}' is not in the deployment (primary {}, secondary {})",
                self.primary, self.secondary
            )
        })
    }

    /// Raises the Service Health incident a responder would see for an outage or degradation.
    fn raise_incident(
        &mut self,
        region: &crate::region::Region,
        title: String,
        level: &'static str,
    ) {
        let n = self.incidents.len() + 1;
        let tracking_id = format!(
            "SIM{}-{:03}",
            region
                .as_str()
                .to_ascii_uppercase()
                .chars()
                .take(3)
                .collect::<String>(),
            n
        );
        self.incidents.push(Incident {
            tracking_id,
            title,
            region: region.clone(),
            level,
            started: self.now(),
            mitigated: None,
        });
    }

    /// Marks a recovered region's open incidents mitigated (Resource Health's recentlyResolved).
    fn resolve_incidents(&mut self, region: &crate::region::Region) {
        let now = self.now();
        for inc in self
            .incidents
            .iter_mut()
            .filter(|i| &i.region == region && i.mitigated.is_none())
        {
            inc.mitigated = Some(now);
        }
    }

    /// Resolves a fault's resource id or scenario target to resource indexes.
    pub fn targets(
        &self,
        resource: Option<&str>,
        target: Option<&str>,
    ) -> Result<Vec<usize>, String> {
        if let Some(r) = resource {
            let (i, rest) = self
                .find(r)
                .ok_or_else(|| format!("no simulated resource '{r}'"))?;
            if !rest.is_empty() {
                return Err(format!("no simulated resource '{r}'"));
            }
            return Ok(vec![i]);
        }
        let Some(t) = target else {
            return Err("name a 'resource' (a full resource id)".into());
        };
        let all = 0..self.resources.len();
        let found: Vec<usize> = if t == "*" {
            all.filter(|&i| self.resources[i].kind.shape() != Shape::Routing)
                .collect()
        } else if let Some(spec) = t.strip_prefix("kind:") {
            let (kind, side) = spec
                .split_once('@')
                .map_or((spec, None), |(k, s)| (k, Some(s)));
            let kind =
                ComponentKind::parse(kind).ok_or_else(|| format!("unknown kind '{kind}'"))?;
            let region = side.map(|s| self.region_arg(s)).transpose()?;
            all.filter(|&i| {
                let r = &self.resources[i];
                r.kind == kind
                    && region
                        .as_ref()
                        .is_none_or(|reg| !r.regional || &r.home == reg)
            })
            .collect()
        } else {
            all.filter(|&i| self.resources[i].component == t).collect()
        };
        if found.is_empty() {
            return Err(format!("target '{t}' names no simulated resource"));
        }
        Ok(found)
    }
}

/// What ARM does for a region's resources, as the fault's answer reports it.
fn st_arm(world: &World, r: &crate::region::Region) -> ArmBehaviour {
    world.regions.get(r).map(|s| s.arm).unwrap_or_default()
}

/// An HTTP method ARM uses, upper case.
fn http_method(m: &str) -> Result<String, String> {
    let m = m.trim().to_ascii_uppercase();
    if ["GET", "PUT", "PATCH", "POST", "DELETE"].contains(&m.as_str()) {
        Ok(m)
    } else {
        Err(format!(
            "methods: '{m}' is not an HTTP method ARM uses (GET, PUT, PATCH, POST, DELETE)"
        ))
    }
}

/// A transport fault's duration in real time: more than 0, less than a day.
fn real_duration(seconds: f64) -> Result<Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds < 86_400.0 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err("seconds must be more than 0 and less than a day".into())
    }
}

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
    "workspace-drift",
    "quota",
    "rate-limit",
    "clear",
];

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
        "workspace-drift" | "drift" => workspace_drift(args),
        "quota" => quota(args),
        "rate-limit" => rate_limit(args),
        "clear" => Ok(Fault::Clear),
        other => Err(
            match crate::suggest::closest(other, FAULT_KINDS.iter().copied(), 2) {
                Some(near) => format!("did you mean '{near}'? '{other}' is not a fault"),
                None => format!("unknown fault '{other}': {}", FAULT_KINDS.join(", ")),
            },
        ),
    }
}

/// `workspace-drift <item> [name] [component[@primary|@secondary]]`: drifts the secondary
/// workspace (of every `ml-workspace` component, or of the one named) from its primary.
fn workspace_drift(args: &[&str]) -> Result<Fault, String> {
    const USAGE: &str = "usage: :fault workspace-drift <item> [name] [component@secondary] (items: datastore, model, environment, role-assignment, user-role, private-endpoint, dns-link, managed-network, registry-region, restore)";
    let (item, rest) = args.split_first().ok_or(USAGE)?;
    let (target, rest): (String, &[&str]) = match rest.last() {
        Some(t) if t.contains('@') => (t.to_string(), &rest[..rest.len() - 1]),
        _ => ("kind:ml-workspace@secondary".into(), rest),
    };
    if rest.len() > 1 {
        return Err(USAGE.into());
    }
    Ok(Fault::WorkspaceDrift {
        resource: None,
        target: Some(target),
        item: item.to_string(),
        name: rest.first().map(|s| s.to_string()),
    })
}

/// `quota <region> <limit> [family]`: a region's Azure ML vCPU limit.
fn quota(args: &[&str]) -> Result<Fault, String> {
    const USAGE: &str = "usage: :fault quota <region> <vCPU limit> [VM family, e.g. NCADSA100v4]";
    match args {
        [region, limit] | [region, limit, _] => Ok(Fault::Quota {
            region: region.to_string(),
            limit: limit.parse().map_err(|_| USAGE.to_string())?,
            family: args.get(2).map(|s| s.to_string()),
        }),
        _ => Err(USAGE.into()),
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

/// `rate-limit reset|unlimited|[reads=N] [read_refill=R] [writes=N] ...` (`key=value` pairs as
/// the JSON fault's fields; `reset` and `unlimited` alone or before the pairs).
fn rate_limit(args: &[&str]) -> Result<Fault, String> {
    let usage = "usage: :fault rate-limit reset|unlimited|<reads|writes|deletes|read_refill|write_refill|delete_refill>=N ...";
    if args.is_empty() {
        return Err(usage.into());
    }
    let mut f = serde_json::Map::new();
    f.insert("kind".into(), "rate-limit".into());
    for a in args {
        match a.split_once('=') {
            None if *a == "reset" => {
                f.insert("reset".into(), true.into());
            }
            None if *a == "unlimited" || *a == "off" => {
                f.insert("unlimited".into(), true.into());
            }
            Some((k, v))
                if [
                    "reads",
                    "writes",
                    "deletes",
                    "read_refill",
                    "write_refill",
                    "delete_refill",
                ]
                .contains(&k) =>
            {
                let bad = || format!("'{v}' is not a number for {k}; {usage}");
                let n: serde_json::Value = if k.ends_with("_refill") {
                    v.parse::<f64>().map_err(|_| bad())?.into()
                } else {
                    v.parse::<u32>().map_err(|_| bad())?.into()
                };
                f.insert(k.into(), n);
            }
            _ => return Err(format!("'{a}'? {usage}")),
        }
    }
    serde_json::from_value(f.into()).map_err(|e| format!("{e}; {usage}"))
}

/// A duration in seconds: `90`, `90s`, `2m`, `1h30m`.
fn seconds(arg: Option<&&str>, usage: &str) -> Result<f64, String> {
    let arg = arg.ok_or(usage)?;
    crate::timefmt::parse_duration(arg)
        .map(|d| d.as_secs_f64())
        .ok_or_else(|| format!("'{arg}' is not a duration; {usage}"))
}
