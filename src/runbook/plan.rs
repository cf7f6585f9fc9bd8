//! Runbook generation from the topology and the live state (DR-RUNBOOKS.md): failover (planned
//! when the source region answers, forced when it does not) and failback (re-protect first,
//! then planned moves back). Phases run in order: prepare, data, compute, verify, traffic,
//! finish.

use std::collections::BTreeMap;
use std::time::Duration;

use super::model::*;
use crate::azure::models::*;
use crate::azure::{EndpointUpdate, PromoteOptions, SqlFailover};
use crate::config::{
    Component, ComponentKind, Config, Mode, Phase, ResourceId, RunbookKind, Targets,
};
use crate::health::collect::{Observations, Reading};
use crate::health::{RegionHealth, RegionRole, Snapshot};
use crate::region::Region;
use crate::timefmt::{human, rfc3339};

/// What generation looks at.
struct Gen<'a> {
    cfg: &'a Config,
    obs: &'a Observations,
    kind: RunbookKind,
    from: Region,
    to: Region,
    forced: bool,
    steps: Vec<Step>,
}

/// Builds the runbook that would run now.
pub fn plan(cfg: &Config, obs: &Observations, snap: &Snapshot, kind: RunbookKind) -> Runbook {
    let (p, s) = (
        cfg.deployment.primary_region.clone(),
        cfg.deployment.secondary_region.clone(),
    );
    let (from, to) = match kind {
        RunbookKind::Failover => (p, s),
        RunbookKind::Failback => (s, p),
    };
    let role = if kind == RunbookKind::Failover {
        RegionRole::Primary
    } else {
        RegionRole::Secondary
    };
    let from_health = snap
        .region(role)
        .map_or(RegionHealth::Unknown, |r| r.health);
    let forced = matches!(from_health, RegionHealth::Outage | RegionHealth::Unknown);
    let mut g = Gen {
        cfg,
        obs,
        kind,
        from,
        to,
        forced,
        steps: Vec::new(),
    };
    g.prepare();
    for c in &cfg.components {
        g.data(c);
    }
    for c in &cfg.components {
        g.compute(c);
    }
    g.verify_gate();
    for c in &cfg.components {
        g.traffic(c);
    }
    g.finish();
    g.custom_steps();
    let mut steps = g.steps;
    // Phases in order; generation order within a phase (custom steps last).
    steps.sort_by_key(|s| s.phase);
    if let Some(last) = steps.iter_mut().rev().find(|s| s.phase == Phase::Traffic) {
        last.completes_traffic_shift = true;
    } else if let Some(gate) = steps.iter_mut().find(|s| s.id == "verify.gate") {
        gate.completes_traffic_shift = true;
    }
    Runbook {
        kind,
        deployment: cfg.deployment.name.clone(),
        from_region: g.from,
        to_region: g.to,
        forced,
        steps,
    }
}

fn step(id: String, title: String, phase: Phase, kind: StepKind) -> Step {
    Step {
        id,
        title,
        why: String::new(),
        component: None,
        phase,
        kind,
        confirm: if kind == StepKind::Verify {
            Confirm::None
        } else {
            Confirm::Yes
        },
        destructive: false,
        data_loss: None,
        az: Vec::new(),
        action: None,
        preconditions: Vec::new(),
        postcondition: None,
        timeout: Duration::from_secs(15 * 60),
        parallel_group: None,
        after: None,
        outside_rto: false,
        completes_traffic_shift: false,
    }
}

impl Gen<'_> {
    fn reading(&self, id: &ResourceId) -> Option<&Reading> {
        self.obs.reads.get(&id.key()).and_then(|r| r.as_ref().ok())
    }

    fn failover(&self) -> bool {
        self.kind == RunbookKind::Failover
    }

    /// The paired resource in the target / source region.
    fn side<'c>(&self, c: &'c Component) -> Option<(&'c ResourceId, &'c ResourceId)> {
        match &c.targets {
            Targets::Paired { primary, secondary } if self.failover() => Some((primary, secondary)),
            Targets::Paired { primary, secondary } => Some((secondary, primary)),
            _ => None,
        }
    }

    fn push(&mut self, mut s: Step, c: Option<&Component>) {
        if let Some(c) = c {
            s.component = Some(c.name.clone());
        }
        self.steps.push(s);
    }

    /// A destructive, data-losing step: the target region's name typed, the loss spelled out.
    fn typed(&self, s: &mut Step, loss: Option<String>) {
        s.destructive = true;
        s.confirm = Confirm::Typed(self.to.to_string());
        s.data_loss = loss;
    }

    fn prepare(&mut self) {
        let (from, to) = (self.from.clone(), self.to.clone());
        if self.failover() {
            let mut s = step(
                "prepare.confirm-outage".into(),
                format!("Confirm the {from} outage and declare the incident"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "A failover moves production to {to}. Confirm with Service Health and your own probes that {from} is really down (or that a planned move is wanted), open the incident and notify the stakeholders."
            );
            s.az.push(format!("az rest --method get --url \"https://management.azure.com/subscriptions/{}/providers/Microsoft.ResourceHealth/events?api-version={}\"", self.cfg.deployment.subscription_id, crate::azure::api::versions::RESOURCE_HEALTH));
            self.push(s, None);
            let mut s = step(
                "prepare.fence-primary".into(),
                format!("Fence {from}: stop writers, schedules and jobs"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "If {from} still answers, anything that keeps writing there would be lost or split the data (split brain). Disable pipeline schedules, cancel running jobs, stop batch writers."
            );
            if let Some(ws) = self
                .cfg
                .components
                .iter()
                .find(|c| c.kind == ComponentKind::MlWorkspace)
                && let Targets::Paired { primary, .. } = &ws.targets
            {
                {
                    s.az.push(format!(
                        "az ml schedule list -w {} -g {} -o table",
                        primary.name(),
                        primary.resource_group()
                    ));
                    s.az.push(format!(
                        "az ml job list -w {} -g {} --query \"[?status=='Running'].name\"",
                        primary.name(),
                        primary.resource_group()
                    ));
                }
            }
            self.push(s, None);
        } else {
            let mut s = step(
                "prepare.confirm-primary-healthy".into(),
                format!("Confirm {to} is healthy and schedule the failback window"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = format!(
                "Failback moves production back to {to}: only once Microsoft has resolved the incident and {to} is healthy, in an agreed window, with stakeholders notified."
            );
            s.preconditions.push(Precondition::RegionHealthy {
                region: to.to_string(),
            });
            self.push(s, None);
            let mut s = step(
                "prepare.quiesce-writers".into(),
                format!("Quiesce writers in {from} (read-only window)"),
                Phase::Prepare,
                StepKind::Manual,
            );
            s.why = "Planned moves synchronise first; writes during the move would race it. Stop batch writers and schedules for the window.".into();
            self.push(s, None);
        }
        let mut s = step(
            "prepare.check-target".into(),
            format!("Check {to}: network, identity, standby resources"),
            Phase::Prepare,
            StepKind::Verify,
        );
        s.why = format!(
            "Before any data moves, {to} must be reachable and its standby provisioned: VNets, private endpoints and DNS, RBAC and quota are pre-built, and every standby resource exists."
        );
        s.preconditions.push(Precondition::RegionReady {
            region: to.to_string(),
        });
        for c in &self.cfg.components {
            if matches!(
                c.kind,
                ComponentKind::KeyVault
                    | ComponentKind::ContainerRegistry
                    | ComponentKind::AppInsights
            ) {
                continue;
            }
            if self.failover() {
                s.preconditions.push(Precondition::StandbyProvisioned {
                    component: c.name.clone(),
                });
            }
        }
        self.push(s, None);
    }

    fn data(&mut self, c: &Component) {
        match c.kind {
            ComponentKind::Storage => self.storage(c),
            ComponentKind::SqlFailoverGroup => self.sql(c),
            ComponentKind::PostgresFlexible | ComponentKind::MysqlFlexible => self.flex(c),
            ComponentKind::CosmosDb => self.cosmos(c),
            _ => {}
        }
    }

    fn storage(&mut self, c: &Component) {
        let Targets::Replicated { resource, .. } = &c.targets else {
            return;
        };
        let sa = match self.reading(resource) {
            Some(Reading::Storage(sa)) => Some(sa.clone()),
            _ => None,
        };
        let geo = sa
            .as_ref()
            .and_then(|a| a.properties.geo_replication_stats.clone());
        let to = self.to.clone();
        if !self.failover() && sa.as_ref().is_some_and(|a| !a.is_geo_redundant()) {
            // After an unplanned failover the account is LRS: re-protect first.
            let mut s = step(
                format!("data.{}.reprotect", c.name),
                format!("Re-enable geo-redundancy of {}", resource.name()),
                Phase::Data,
                StepKind::Action,
            );
            s.why = "An unplanned failover left the account locally redundant. Re-enabling GRS copies it back to the original region (this takes time and costs egress); failback is only possible once that copy is Live.".into();
            s.action = Some(Action::StorageSetSku {
                id: resource.to_string(),
                sku: "Standard_RAGRS".into(),
            });
            s.az.push(format!(
                "az storage account update {} --sku Standard_RAGRS",
                resource.az_args()
            ));
            s.postcondition = Some(Postcondition::GeoRedundant {
                component: c.name.clone(),
            });
            s.timeout = Duration::from_secs(120);
            self.push(s, Some(c));
        }
        if !self.failover() {
            let mut s = step(
                format!("data.{}.wait-sync", c.name),
                format!(
                    "Wait until {} replicates to {to} (Live, planned failover possible)",
                    resource.name()
                ),
                Phase::Data,
                StepKind::Verify,
            );
            s.why = "A planned failover back loses nothing, but only once geo-replication is Live and canPlannedFailover is true.".into();
            s.postcondition = Some(Postcondition::PlannedFailoverPossible {
                component: c.name.clone(),
            });
            s.timeout = Duration::from_secs(4 * 3600);
            s.az.push(format!("az storage account show {} --expand geoReplicationStats --query geoReplicationStats", resource.az_args()));
            self.push(s, Some(c));
        }
        let planned = !self.forced
            && (geo
                .as_ref()
                .is_some_and(|g| g.can_planned_failover == Some(true))
                || !self.failover());
        let mut s = step(
            format!("data.{}.failover", c.name),
            format!(
                "{} failover of storage {} to {to}",
                if planned { "Planned" } else { "Unplanned" },
                resource.name()
            ),
            Phase::Data,
            StepKind::Action,
        );
        s.action = Some(Action::StorageFailover {
            id: resource.to_string(),
            planned,
        });
        s.parallel_group = Some("data".into());
        s.postcondition = Some(Postcondition::ActiveIn {
            component: c.name.clone(),
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(90 * 60);
        if planned {
            s.why = format!(
                "Moves the primary endpoint of {} to {to} after synchronising: nothing is lost and the account stays geo-redundant. It takes up to an hour; the account is unavailable meanwhile.",
                resource.name()
            );
            s.az.push(format!(
                "az storage account failover {} --failover-type Planned",
                resource.az_args()
            ));
        } else {
            let loss = geo.as_ref().and_then(|g| g.last_sync_time).map(|lst| {
                let lag = (self.obs.now - lst).as_seconds_f64().max(0.0);
                format!(
                    "writes to {} after {} UTC — {} — will be lost",
                    resource.name(),
                    &rfc3339(lst)[11..19],
                    human(Duration::from_secs_f64(lag))
                )
            });
            s.why = format!(
                "{} answers no more: an unplanned failover makes {to} the primary. Writes after the last sync are lost, and the account becomes locally redundant until re-protected.",
                self.from
            );
            s.az.push(format!(
                "az storage account failover {} --yes",
                resource.az_args()
            ));
            self.typed(&mut s, loss.or(Some(format!("writes to {} after its last sync time (unknown: could not be read) will be lost", resource.name()))));
            s.preconditions.push(Precondition::RegionNotHealthy {
                region: self.from.to_string(),
            });
        }
        s.preconditions.push(Precondition::ActiveIn {
            component: c.name.clone(),
            region: self.from.to_string(),
        });
        self.push(s, Some(c));
    }

    fn sql(&mut self, c: &Component) {
        let Targets::Replicated { resource, .. } = &c.targets else {
            return;
        };
        let Some(server) = resource.parent() else {
            return;
        };
        // The group on the server that becomes primary: the partner when failing over, the
        // configured (original) server when failing back.
        let partner = match self.reading(resource) {
            Some(Reading::SqlFg(fg, _)) => {
                fg.properties.partner_servers.first().map(|p| p.id.clone())
            }
            _ => None,
        };
        let (target_server, target_name) = if self.failover() {
            let Some(p) = partner else {
                self.unreadable(c, resource);
                return;
            };
            let name = p.rsplit('/').next().unwrap_or_default().to_string();
            (p, name)
        } else {
            (server.to_string(), server.name().to_string())
        };
        let group = format!("{target_server}/failoverGroups/{}", resource.name());
        let to = self.to.clone();
        let mut s = step(
            format!("data.{}.failover", c.name),
            format!(
                "{} failover of SQL failover group {} to {target_name} ({to})",
                if self.forced { "Forced" } else { "Planned" },
                resource.name()
            ),
            Phase::Data,
            StepKind::Action,
        );
        s.action = Some(Action::SqlFailover {
            group_on_target: group,
            mode: if self.forced {
                SqlFailover::Forced
            } else {
                SqlFailover::Planned
            },
        });
        s.parallel_group = Some("data".into());
        s.postcondition = Some(Postcondition::ActiveIn {
            component: c.name.clone(),
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(15 * 60);
        s.preconditions.push(Precondition::ActiveIn {
            component: c.name.clone(),
            region: self.from.to_string(),
        });
        let base = format!(
            "az sql failover-group set-primary -g {} -s {target_name} -n {}",
            resource.resource_group(),
            resource.name()
        );
        if self.forced {
            s.why = format!(
                "{} is down, so a planned failover would time out. A forced failover makes {target_name} the primary at once; the listener follows. Transactions not yet replicated (usually seconds) are lost; the old primary rejoins as secondary when it returns.",
                self.from
            );
            s.az.push(format!("{base} --allow-data-loss"));
            self.typed(&mut s, Some("transactions not yet replicated to the secondary (typically a few seconds) will be lost".into()));
            s.preconditions.push(Precondition::RegionNotHealthy {
                region: self.from.to_string(),
            });
        } else {
            s.why = format!(
                "Synchronises, then swaps roles: {target_name} becomes primary with no data loss; the read-write listener follows (DNS TTL 30 s). Posted to the server that becomes primary."
            );
            s.az.push(base);
        }
        self.push(s, Some(c));
    }

    fn flex(&mut self, c: &Component) {
        let Some((source, target)) = self.side(c) else {
            return;
        };
        let (source, target) = (source.clone(), target.clone());
        let pg = c.kind == ComponentKind::PostgresFlexible;
        let to = self.to.clone();
        let target_role = match self.reading(&target) {
            Some(Reading::Flex(f)) => f.role(),
            _ => None,
        };
        let target_is_replica = matches!(
            target_role,
            Some(
                ReplicationRole::AsyncReplica
                    | ReplicationRole::GeoAsyncReplica
                    | ReplicationRole::Replica
            )
        );
        if !self.failover() && !target_is_replica {
            // The original primary is not a replica (a standalone promotion): rebuild by hand.
            let mut s = step(
                format!("data.{}.recreate-replica", c.name),
                format!(
                    "Recreate {} as a replica of {}",
                    target.name(),
                    source.name()
                ),
                Phase::Data,
                StepKind::Manual,
            );
            s.why = format!(
                "{} was promoted standalone, so {} no longer replicates from it. Recreate a read replica in {to} (with virtual endpoints for PostgreSQL), wait until it has caught up, then fail back.",
                source.name(),
                target.name()
            );
            let cli = if pg { "postgres" } else { "mysql" };
            s.az.push(format!("az {cli} flexible-server replica create --replica-name {} -g {} --source-server {} --location {to}", target.name(), target.resource_group(), source));
            self.push(s, Some(c));
        }
        if pg {
            let forced = self.forced;
            let mut s = step(
                format!("data.{}.promote", c.name),
                format!(
                    "{} switchover of PostgreSQL to {} ({to})",
                    if forced { "Forced" } else { "Planned" },
                    target.name()
                ),
                Phase::Data,
                StepKind::Action,
            );
            s.action = Some(Action::PostgresPromote {
                replica: target.to_string(),
                opts: PromoteOptions {
                    switchover: true,
                    forced,
                },
            });
            s.az.push(format!("az postgres flexible-server replica promote {} --promote-mode switchover --promote-option {}", target.az_args(), if forced { "forced" } else { "planned" }));
            if forced {
                s.why = format!(
                    "{} is down: a forced switchover promotes {} without waiting for the primary. Transactions not yet replayed are lost; HA and geo-backup must be re-enabled afterwards.",
                    self.from,
                    target.name()
                );
                self.typed(&mut s, Some(format!("transactions not yet replayed on {} (see its Read Replica Lag metric; usually minutes) will be lost", target.name())));
                s.preconditions.push(Precondition::RegionNotHealthy {
                    region: self.from.to_string(),
                });
            } else {
                s.why = format!(
                    "Synchronises, then swaps roles: {} becomes the primary and {} its replica; the virtual endpoints follow. Nothing is lost.",
                    target.name(),
                    source.name()
                );
            }
            self.finish_data_step(c, s);
        } else {
            let mut s = step(
                format!("data.{}.stop-replication", c.name),
                format!("Stop replication: promote MySQL {} ({to})", target.name()),
                Phase::Data,
                StepKind::Action,
            );
            s.action = Some(Action::MysqlStopReplication {
                replica: target.to_string(),
            });
            s.az.push(format!(
                "az mysql flexible-server replica stop-replication {}",
                target.az_args()
            ));
            s.why = format!(
                "Makes {} a standalone, writable server. It is irreversible: the application must be repointed to it (no virtual endpoints), and a new replica built later.",
                target.name()
            );
            let loss = if self.forced {
                Some(format!(
                    "transactions not yet replayed on {} (Replica Lag metric) will be lost",
                    target.name()
                ))
            } else {
                None
            };
            self.typed(&mut s, loss);
            self.finish_data_step(c, s);
        }
    }

    fn finish_data_step(&mut self, c: &Component, mut s: Step) {
        s.parallel_group = Some("data".into());
        s.postcondition = Some(Postcondition::ActiveIn {
            component: c.name.clone(),
            region: self.to.to_string(),
        });
        s.preconditions.push(Precondition::ActiveIn {
            component: c.name.clone(),
            region: self.from.to_string(),
        });
        s.timeout = Duration::from_secs(15 * 60);
        self.push(s, Some(c));
    }

    fn cosmos(&mut self, c: &Component) {
        let Targets::Replicated { resource, regions } = &c.targets else {
            return;
        };
        let acct = match self.reading(resource) {
            Some(Reading::Cosmos(a)) => Some(a.clone()),
            _ => None,
        };
        let to = self.to.clone();
        let offline_target = acct.as_ref().is_some_and(|a| {
            !a.properties
                .read_locations
                .iter()
                .any(|l| l.location_name == to)
        });
        if !self.failover() && offline_target {
            let mut s = step(
                format!("data.{}.online-region", c.name),
                format!("Bring {to} back online for Cosmos DB {}", resource.name()),
                Phase::Data,
                StepKind::Action,
            );
            s.why = format!(
                "{to} was taken offline during the outage; it must be online (as a read region) before it can take the writes back."
            );
            s.action = Some(Action::CosmosOnline {
                id: resource.to_string(),
                region: to.clone(),
            });
            s.az.push(format!(
                "az cosmosdb online-region {} --region {to}",
                resource.az_args()
            ));
            s.postcondition = Some(Postcondition::InstanceAvailable {
                component: c.name.clone(),
                region: to.to_string(),
            });
            s.timeout = Duration::from_secs(30 * 60);
            self.push(s, Some(c));
        }
        let mut s = step(
            format!("data.{}.failover", c.name),
            format!(
                "Move the Cosmos DB write region of {} to {to}",
                resource.name()
            ),
            Phase::Data,
            StepKind::Action,
        );
        if self.forced {
            s.action = Some(Action::CosmosOffline {
                id: resource.to_string(),
                region: self.from.clone(),
            });
            s.az.push(format!(
                "az cosmosdb offline-region {} --region {}",
                resource.az_args(),
                self.from
            ));
            s.why = format!(
                "{} is down, so a priority change would fail. Taking it offline moves the writes to {to} in seconds; unreplicated writes land in the conflict feed. {} returns only when it is brought online again.",
                self.from, self.from
            );
            self.typed(&mut s, Some("writes not yet replicated to the other region (under 15 minutes with session consistency) may be lost".into()));
            s.preconditions.push(Precondition::RegionNotHealthy {
                region: self.from.to_string(),
            });
        } else {
            let mut order: Vec<(Region, u32)> = vec![(to.clone(), 0)];
            let others: Vec<Region> = regions.iter().filter(|r| **r != to).cloned().collect();
            for (k, r) in others.into_iter().enumerate() {
                order.push((r, k as u32 + 1));
            }
            let policies: Vec<String> = order.iter().map(|(r, p)| format!("{r}={p}")).collect();
            s.az.push(format!(
                "az cosmosdb failover-priority-change {} --failover-policies {}",
                resource.az_args(),
                policies.join(" ")
            ));
            s.action = Some(Action::CosmosPriority {
                id: resource.to_string(),
                order,
            });
            s.why = format!(
                "Makes {to} the write region with no data loss (every region must be healthy). Clients using the SDK's preferred regions follow automatically."
            );
        }
        self.finish_data_step(c, s);
    }

    fn unreadable(&mut self, c: &Component, id: &ResourceId) {
        let mut s = step(
            format!("data.{}.manual", c.name),
            format!(
                "Fail over {} by hand (its state could not be read)",
                id.name()
            ),
            Phase::Data,
            StepKind::Manual,
        );
        s.why = "azfailover could not read this resource, so it cannot build the exact request. Follow the az commands and confirm when done.".into();
        s.az.push(format!("az resource show --ids {id}"));
        self.push(s, Some(c));
    }

    fn compute(&mut self, c: &Component) {
        let Some((source, target)) = self.side(c) else {
            return;
        };
        let (source, target) = (source.clone(), target.clone());
        let to = self.to.clone();
        match c.kind {
            ComponentKind::MlCompute => {
                let (min, max) = match (self.reading(&source), self.reading(&target)) {
                    (Some(Reading::Compute(src)), _) => {
                        let sc = src
                            .properties
                            .properties
                            .as_ref()
                            .and_then(|p| p.scale_settings.clone());
                        sc.map_or((0, 4), |s| (s.min_node_count, s.max_node_count.max(1)))
                    }
                    (_, Some(Reading::Compute(_))) | (None, None) | (_, _) => (0, 4),
                };
                let target_max = match self.reading(&target) {
                    Some(Reading::Compute(t)) => t
                        .properties
                        .properties
                        .as_ref()
                        .and_then(|p| p.scale_settings.as_ref())
                        .map_or(0, |s| s.max_node_count),
                    _ => 0,
                };
                if target_max >= max {
                    return;
                }
                let ws = target.parent_name().unwrap_or_default().to_string();
                let mut s = step(
                    format!("compute.{}.scale", c.name),
                    format!(
                        "Scale compute cluster {} in {to} to {max} nodes",
                        target.name()
                    ),
                    Phase::Compute,
                    StepKind::Action,
                );
                s.why = format!(
                    "The standby cluster waits at {target_max} nodes; training resubmitted to {to} needs the primary's capacity (quota for the VM size must exist in {to})."
                );
                s.action = Some(Action::ComputeScale {
                    id: target.to_string(),
                    min,
                    max,
                });
                s.az.push(format!("az ml compute update -n {} -w {ws} -g {} --min-instances {min} --max-instances {max}", target.name(), target.resource_group()));
                s.postcondition = Some(Postcondition::ComputeMax {
                    component: c.name.clone(),
                    region: to.to_string(),
                    max,
                });
                s.parallel_group = Some("compute".into());
                s.timeout = Duration::from_secs(20 * 60);
                self.push(s, Some(c));
            }
            ComponentKind::Aks => {
                let running = matches!(self.reading(&target), Some(Reading::Aks(a)) if a.power() == PowerState::Running);
                let start_id = format!("compute.{}.start", c.name);
                if !running {
                    let mut s = step(
                        format!("compute.{}.start", c.name),
                        format!("Start AKS cluster {} in {to}", target.name()),
                        Phase::Compute,
                        StepKind::Action,
                    );
                    s.why = "The cold standby cluster is stopped (no cost, state kept). Starting it takes several minutes.".into();
                    s.action = Some(Action::AksPower {
                        id: target.to_string(),
                        start: true,
                    });
                    s.az.push(format!("az aks start {}", target.az_args()));
                    s.postcondition = Some(Postcondition::AksRunning {
                        component: c.name.clone(),
                        region: to.to_string(),
                    });
                    s.parallel_group = Some("compute".into());
                    s.timeout = Duration::from_secs(30 * 60);
                    self.push(s, Some(c));
                }
                let wanted: Vec<(String, u32)> = match self.reading(&source) {
                    Some(Reading::Aks(a)) => a
                        .properties
                        .agent_pool_profiles
                        .iter()
                        .map(|p| (p.name.clone(), p.count.unwrap_or(0)))
                        .collect(),
                    _ => Vec::new(),
                };
                let have: BTreeMap<String, u32> = match self.reading(&target) {
                    Some(Reading::Aks(a)) => a
                        .properties
                        .agent_pool_profiles
                        .iter()
                        .map(|p| (p.name.clone(), p.count.unwrap_or(0)))
                        .collect(),
                    _ => BTreeMap::new(),
                };
                for (pool, count) in wanted {
                    if have.get(&pool).copied().unwrap_or(0) >= count || count == 0 {
                        continue;
                    }
                    let mut s = step(
                        format!("compute.{}.scale-{pool}", c.name),
                        format!("Scale node pool {pool} of {} to {count}", target.name()),
                        Phase::Compute,
                        StepKind::Action,
                    );
                    s.why =
                        format!("Matches the primary's capacity so {to} can carry the full load.");
                    s.action = Some(Action::AksScale {
                        id: target.to_string(),
                        pool: pool.clone(),
                        count,
                    });
                    s.az.push(format!("az aks nodepool scale -g {} --cluster-name {} -n {pool} --node-count {count}", target.resource_group(), target.name()));
                    // Side by side with the other compute steps, once its cluster runs.
                    s.parallel_group = Some("compute".into());
                    if !running {
                        s.after = Some(start_id.clone());
                    }
                    s.postcondition = Some(Postcondition::AksRunning {
                        component: c.name.clone(),
                        region: to.to_string(),
                    });
                    s.timeout = Duration::from_secs(30 * 60);
                    self.push(s, Some(c));
                }
            }
            ComponentKind::MlOnlineEndpoint => {
                let src_caps: BTreeMap<String, u32> = match self.reading(&source) {
                    Some(Reading::Endpoint(_, deps)) => deps
                        .iter()
                        .map(|d| {
                            (
                                d.name.clone(),
                                d.sku.as_ref().and_then(|s| s.capacity).unwrap_or(1),
                            )
                        })
                        .collect(),
                    _ => BTreeMap::new(),
                };
                let tgt_caps: BTreeMap<String, u32> = match self.reading(&target) {
                    Some(Reading::Endpoint(_, deps)) => deps
                        .iter()
                        .map(|d| {
                            (
                                d.name.clone(),
                                d.sku.as_ref().and_then(|s| s.capacity).unwrap_or(1),
                            )
                        })
                        .collect(),
                    _ => BTreeMap::new(),
                };
                for (dep, cap) in &tgt_caps {
                    let want = src_caps.get(dep).copied().unwrap_or(*cap);
                    if want <= *cap {
                        continue;
                    }
                    let ws = target.parent_name().unwrap_or_default().to_string();
                    let mut s = step(
                        format!("compute.{}.scale-{dep}", c.name),
                        format!(
                            "Scale deployment {dep} of {} to {want} instances",
                            target.name()
                        ),
                        Phase::Compute,
                        StepKind::Action,
                    );
                    s.why = format!(
                        "{to} must carry the full scoring load before traffic moves (VM provisioning and image pull take minutes; SKU quota must exist)."
                    );
                    s.action = Some(Action::DeploymentScale {
                        endpoint: target.to_string(),
                        deployment: dep.clone(),
                        instances: want,
                    });
                    s.az.push(format!("az ml online-deployment update -n {dep} --endpoint-name {} -w {ws} -g {} --set instance_count={want}", target.name(), target.resource_group()));
                    s.postcondition = Some(Postcondition::DeploymentCapacity {
                        component: c.name.clone(),
                        region: to.to_string(),
                        deployment: dep.clone(),
                        instances: want,
                    });
                    s.parallel_group = Some("compute".into());
                    s.timeout = Duration::from_secs(30 * 60);
                    self.push(s, Some(c));
                }
            }
            _ => {}
        }
    }

    fn verify_gate(&mut self) {
        let to = self.to.clone();
        let mut s = step(
            "verify.gate".into(),
            format!("Gate: every data store writable in {to}, deployments succeeded, {to} healthy"),
            Phase::Verify,
            StepKind::Verify,
        );
        s.why = format!(
            "Traffic must not move before {to} can serve it: data stores primary/writable there, online deployments Succeeded, compute scaled, and no outage in {to}. Run a smoke test (az ml online-endpoint invoke) if you can."
        );
        s.confirm = Confirm::Yes;
        s.postcondition = Some(Postcondition::DataWritableIn {
            region: to.to_string(),
        });
        s.timeout = Duration::from_secs(10 * 60);
        for c in &self.cfg.components {
            if let (ComponentKind::MlOnlineEndpoint, Targets::Paired { primary, secondary }) =
                (c.kind, &c.targets)
            {
                let t = if self.failover() { secondary } else { primary };
                let ws = t.parent_name().unwrap_or_default();
                s.az.push(format!(
                    "az ml online-endpoint invoke -n {} -w {ws} -g {} --request-file sample.json",
                    t.name(),
                    t.resource_group()
                ));
            }
        }
        self.push(s, None);
    }

    fn traffic(&mut self, c: &Component) {
        let to = self.to.clone();
        let from = self.from.clone();
        match (&c.targets, c.kind) {
            (Targets::Paired { .. }, ComponentKind::MlOnlineEndpoint)
                if c.mode == Mode::HotCold =>
            {
                let Some((_, target)) = self.side(c) else {
                    return;
                };
                let target = target.clone();
                let deployments: Vec<String> = match self.reading(&target) {
                    Some(Reading::Endpoint(_, deps)) => {
                        deps.iter().map(|d| d.name.clone()).collect()
                    }
                    _ => vec!["blue".to_string()],
                };
                let Some(first) = deployments.first().cloned() else {
                    return;
                };
                let traffic: BTreeMap<String, u32> = deployments
                    .iter()
                    .map(|d| (d.clone(), if *d == first { 100 } else { 0 }))
                    .collect();
                let ws = target.parent_name().unwrap_or_default().to_string();
                let mut s = step(
                    format!("traffic.{}.route", c.name),
                    format!("Route {}'s traffic to deployment {first}", target.name()),
                    Phase::Traffic,
                    StepKind::Action,
                );
                s.why = format!(
                    "The standby endpoint in {to} takes no traffic yet; this sends all of it to {first} (a PUT of the endpoint: PATCH cannot change traffic)."
                );
                s.action = Some(Action::EndpointTraffic {
                    id: target.to_string(),
                    traffic,
                });
                s.az.push(format!(
                    "az ml online-endpoint update -n {} -w {ws} -g {} --traffic \"{first}=100\"",
                    target.name(),
                    target.resource_group()
                ));
                s.preconditions.push(Precondition::VerifyGatePassed);
                s.postcondition = Some(Postcondition::TrafficIn {
                    component: c.name.clone(),
                    region: to.to_string(),
                });
                s.timeout = Duration::from_secs(10 * 60);
                self.push(s, Some(c));
            }
            (
                Targets::Routing {
                    resource,
                    primary,
                    secondary,
                },
                ComponentKind::TrafficManager | ComponentKind::FrontDoor,
            ) => {
                let (src_ep, dst_ep) = if self.failover() {
                    (primary.clone(), secondary.clone())
                } else {
                    (secondary.clone(), primary.clone())
                };
                let tm = c.kind == ComponentKind::TrafficManager;
                let word = if tm { "endpoint" } else { "origin" };
                let enabled = |name: &str| -> bool {
                    match self.reading(resource) {
                        Some(Reading::TrafficManager(p)) => {
                            p.properties.endpoints.iter().any(|e| {
                                e.name.eq_ignore_ascii_case(name)
                                    && e.properties.endpoint_status != Some(EnabledState::Disabled)
                            })
                        }
                        Some(Reading::FrontDoor(_, o)) => o.iter().any(|e| {
                            e.name.eq_ignore_ascii_case(name)
                                && e.properties.enabled_state != Some(EnabledState::Disabled)
                        }),
                        _ => true,
                    }
                };
                let ep_type = match self.reading(resource) {
                    Some(Reading::TrafficManager(p)) => p
                        .properties
                        .endpoints
                        .iter()
                        .find(|e| e.name.eq_ignore_ascii_case(&dst_ep))
                        .map_or("externalEndpoints", |e| match e.path_type() {
                            "AzureEndpoints" => "azureEndpoints",
                            "NestedEndpoints" => "nestedEndpoints",
                            _ => "externalEndpoints",
                        }),
                    _ => "externalEndpoints",
                };
                let cmd = |name: &str, state: &str| -> String {
                    if tm {
                        format!(
                            "az network traffic-manager endpoint update -g {} --profile-name {} -n {name} --type {ep_type} --endpoint-status {state}",
                            resource.resource_group(),
                            resource.name()
                        )
                    } else {
                        format!(
                            "az afd origin update -g {} --profile-name {} --origin-group-name {} --origin-name {name} --enabled-state {state}",
                            resource.resource_group(),
                            resource.parent_name().unwrap_or_default(),
                            resource.name()
                        )
                    }
                };
                let action = |name: &str, enable: bool| -> Action {
                    let update = EndpointUpdate {
                        enabled: Some(enable),
                        ..Default::default()
                    };
                    if tm {
                        Action::TrafficManagerEndpoint {
                            profile: resource.to_string(),
                            endpoint: name.to_string(),
                            update,
                        }
                    } else {
                        Action::FrontDoorOrigin {
                            origin_group: resource.to_string(),
                            origin: name.to_string(),
                            update,
                        }
                    }
                };
                if !enabled(&dst_ep) {
                    let mut s = step(
                        format!("traffic.{}.enable-{}", c.name, to),
                        format!("Enable {word} {dst_ep} ({to})"),
                        Phase::Traffic,
                        StepKind::Action,
                    );
                    s.why =
                        format!("{to}'s {word} must take traffic before {from}'s is switched off.");
                    s.action = Some(action(&dst_ep, true));
                    s.az.push(cmd(&dst_ep, "Enabled"));
                    s.preconditions.push(Precondition::VerifyGatePassed);
                    s.postcondition = Some(Postcondition::EndpointEnabled {
                        component: c.name.clone(),
                        endpoint: dst_ep.clone(),
                        enabled: true,
                    });
                    s.timeout = Duration::from_secs(10 * 60);
                    self.push(s, Some(c));
                }
                if self.failover() {
                    let mut s = step(
                        format!("traffic.{}.disable-{}", c.name, from),
                        format!("Disable {word} {src_ep} ({from}): send all traffic to {to}"),
                        Phase::Traffic,
                        StepKind::Action,
                    );
                    s.why = format!(
                        "Do not rely on health probes: when every {word} fails its probes, {} fails open and keeps sending traffic to {from}. Disabling it shifts traffic explicitly (clients follow after the DNS TTL).",
                        if tm { "Traffic Manager" } else { "Front Door" }
                    );
                    s.action = Some(action(&src_ep, false));
                    s.az.push(cmd(&src_ep, "Disabled"));
                    s.preconditions.push(Precondition::VerifyGatePassed);
                    s.preconditions.push(Precondition::NotLastEnabled {
                        component: c.name.clone(),
                        endpoint: src_ep.clone(),
                    });
                    s.postcondition = Some(Postcondition::EndpointEnabled {
                        component: c.name.clone(),
                        endpoint: src_ep.clone(),
                        enabled: false,
                    });
                    s.timeout = Duration::from_secs(10 * 60);
                    self.push(s, Some(c));
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self) {
        let to = self.to.clone();
        let from = self.from.clone();
        let ws = self
            .cfg
            .components
            .iter()
            .find(|c| c.kind == ComponentKind::MlWorkspace)
            .cloned();
        if let Some(ws) = ws {
            let target = self
                .side(&ws)
                .map(|(_, t)| t.name().to_string())
                .unwrap_or_default();
            let mut s = step(
                format!("finish.{}.switch", ws.name),
                format!("Switch users, CI/CD and schedules to workspace {target}"),
                Phase::Finish,
                StepKind::Manual,
            );
            s.component = Some(ws.name.clone());
            s.why = format!(
                "Azure ML has no failover API: repoint config.json / MLClient, pipeline variables and schedules to {target}; re-register assets not in a registry; resubmit failed jobs; ask users to recreate compute instances in {to}."
            );
            s.az.push(format!(
                "az ml workspace show -n {target} --query discovery_url"
            ));
            self.push(s, None);
        }
        if self.failover() {
            for c in self.cfg.components.clone() {
                if matches!(
                    c.kind,
                    ComponentKind::KeyVault | ComponentKind::ContainerRegistry
                ) {
                    let mut s = step(
                        format!("finish.{}.observe", c.name),
                        format!(
                            "Watch {} ({}): failover is Microsoft's",
                            c.name,
                            c.kind.label()
                        ),
                        Phase::Finish,
                        StepKind::Verify,
                    );
                    s.component = Some(c.name.clone());
                    s.why = if c.kind == ComponentKind::KeyVault {
                        "Key Vault fails over to the paired region automatically, best effort, possibly hours later; meanwhile it is read-only. Nothing to run: keep it outside the RTO.".into()
                    } else {
                        format!(
                            "Geo-replicated registries keep serving from {to}; pushes and Tasks stay in the home region. Nothing to run."
                        )
                    };
                    s.outside_rto = true;
                    s.confirm = Confirm::None;
                    self.push(s, None);
                }
            }
            let storage: Vec<Component> = self
                .cfg
                .components
                .iter()
                .filter(|c| c.kind == ComponentKind::Storage)
                .cloned()
                .collect();
            for c in storage {
                if let Some(s0) = self
                    .steps
                    .iter()
                    .find(|s| s.id == format!("data.{}.failover", c.name))
                    && matches!(
                        s0.action,
                        Some(Action::StorageFailover { planned: false, .. })
                    )
                {
                    {
                        let Targets::Replicated { resource, .. } = &c.targets else {
                            continue;
                        };
                        let mut s = step(
                            format!("finish.{}.reprotect", c.name),
                            format!(
                                "Re-protect storage {}: re-enable geo-redundancy",
                                resource.name()
                            ),
                            Phase::Finish,
                            StepKind::Action,
                        );
                        s.component = Some(c.name.clone());
                        s.why = format!(
                            "After the unplanned failover the account is locally redundant in {to}: one more regional failure would lose it. Re-enabling RA-GRS copies it to {from} (takes time, costs egress)."
                        );
                        s.action = Some(Action::StorageSetSku {
                            id: resource.to_string(),
                            sku: "Standard_RAGRS".into(),
                        });
                        s.az.push(format!(
                            "az storage account update {} --sku Standard_RAGRS",
                            resource.az_args()
                        ));
                        s.postcondition = Some(Postcondition::GeoRedundant {
                            component: c.name.clone(),
                        });
                        s.outside_rto = true;
                        s.timeout = Duration::from_secs(120);
                        self.push(s, None);
                    }
                }
            }
        } else {
            // Failback: return the secondary to its cold size.
            for c in self.cfg.components.clone() {
                if c.mode != Mode::HotCold {
                    continue;
                }
                let Targets::Paired { secondary, .. } = &c.targets else {
                    continue;
                };
                let (id, title, action, cmd) = match c.kind {
                    ComponentKind::MlCompute => {
                        let ws = secondary.parent_name().unwrap_or_default();
                        (
                            format!("finish.{}.scale-down", c.name),
                            format!("Scale {} in {from} back to 0 nodes", secondary.name()),
                            Action::ComputeScale {
                                id: secondary.to_string(),
                                min: 0,
                                max: 0,
                            },
                            format!(
                                "az ml compute update -n {} -w {ws} -g {} --min-instances 0 --max-instances 0",
                                secondary.name(),
                                secondary.resource_group()
                            ),
                        )
                    }
                    ComponentKind::Aks => (
                        format!("finish.{}.stop", c.name),
                        format!("Stop AKS cluster {} in {from}", secondary.name()),
                        Action::AksPower {
                            id: secondary.to_string(),
                            start: false,
                        },
                        format!("az aks stop {}", secondary.az_args()),
                    ),
                    _ => continue,
                };
                let mut s = step(id, title, Phase::Finish, StepKind::Action);
                s.component = Some(c.name.clone());
                s.why = format!("{from} goes back to being a cold standby (no cost while idle).");
                s.action = Some(action);
                s.az.push(cmd);
                s.outside_rto = true;
                self.push(s, None);
            }
        }
        let mut s = step(
            "finish.notify".into(),
            "Notify all-clear and record the timings".into(),
            Phase::Finish,
            StepKind::Manual,
        );
        s.why = format!(
            "Watch error rates through at least one DNS TTL, then tell stakeholders production serves from {to}; azfailover writes the report with per-step timings and the data-loss window."
        );
        self.push(s, None);
    }

    fn custom_steps(&mut self) {
        for cs in self.cfg.custom_steps.clone() {
            if !cs.applies_to.contains(&self.kind) {
                continue;
            }
            let mut s = step(cs.id.clone(), cs.title.clone(), cs.phase, StepKind::Manual);
            s.why = cs.instructions.clone();
            self.push(s, None);
        }
    }
}
