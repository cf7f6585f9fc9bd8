//! Global routers: a Traffic Manager profile's endpoints, a Front Door origin group's origins,
//! one per region; which are enabled and where traffic goes.

use super::{Ctx, Derived, combine, read_of, regional_health, short};
use crate::azure::models::*;
use crate::config::{Component, ComponentKind, ResourceId};
use crate::health::check::CheckId;
use crate::health::collect::Reading;
use crate::health::model::{InstanceHealth, InstanceStatus};

/// A router: one instance per region (its endpoint or origin there), whether the secondary
/// one is enabled, and where traffic goes (the enabled, healthy entry with the best priority).
pub(super) fn derive(
    ctx: &Ctx<'_>,
    c: &Component,
    id: &ResourceId,
    p_name: &str,
    s_name: &str,
    d: &mut Derived,
) {
    let read = read_of(ctx, id);
    let (own, detail) = combine(ctx, id, read);
    let entries: Vec<(String, bool, Option<u32>, InstanceHealth, String)> = match read {
        Some(Ok(Reading::TrafficManager(tm))) => {
            d.prop(
                "routing method",
                tm.properties
                    .traffic_routing_method
                    .clone()
                    .unwrap_or_default(),
            );
            if let Some(dns) = &tm.properties.dns_config {
                d.prop(
                    "DNS",
                    format!(
                        "{} (TTL {} s)",
                        dns.fqdn.clone().unwrap_or_default(),
                        dns.ttl.unwrap_or(0)
                    ),
                );
            }
            d.az.push(crate::azure::az::routing::tm_endpoints(id));
            tm.properties
                .endpoints
                .iter()
                .map(|e| {
                    let enabled = e.properties.endpoint_status != Some(EnabledState::Disabled);
                    let mon = e.properties.endpoint_monitor_status.clone();
                    let h = match (&mon, enabled) {
                        (_, false) => InstanceHealth::Degraded,
                        (Some(EndpointMonitorStatus::Online), _) => InstanceHealth::Available,
                        (Some(EndpointMonitorStatus::CheckingEndpoint), _) => {
                            InstanceHealth::Degraded
                        }
                        (
                            Some(EndpointMonitorStatus::Degraded | EndpointMonitorStatus::Stopped),
                            _,
                        ) => InstanceHealth::Unavailable,
                        _ => InstanceHealth::Unknown,
                    };
                    let state = format!(
                        "{}, priority {}, {}",
                        if enabled { "enabled" } else { "disabled" },
                        e.properties.priority.unwrap_or(0),
                        mon.map_or("-".into(), |m| m.to_string())
                    );
                    (e.name.clone(), enabled, e.properties.priority, h, state)
                })
                .collect()
        }
        Some(Ok(Reading::FrontDoor(_, origins))) => {
            d.az.push(crate::azure::az::routing::afd_origins(id));
            origins
                .iter()
                .map(|o| {
                    let enabled = o.properties.enabled_state != Some(EnabledState::Disabled);
                    let h = if enabled {
                        InstanceHealth::Available
                    } else {
                        InstanceHealth::Degraded
                    };
                    let state = format!(
                        "{}, priority {}",
                        if enabled { "enabled" } else { "disabled" },
                        o.properties.priority.map_or("-".into(), |p| p.to_string())
                    );
                    (o.name.clone(), enabled, o.properties.priority, h, state)
                })
                .collect()
        }
        Some(Err(e)) => {
            d.errors.push(e.message.clone());
            d.check(CheckId::Readable, Some(false), short(&e.message));
            Vec::new()
        }
        _ => Vec::new(),
    };
    let (word, secondary_enabled, some_enabled) = if c.kind == ComponentKind::TrafficManager {
        (
            "endpoint",
            CheckId::SecondaryEndpointEnabled,
            CheckId::SomeEndpointEnabled,
        )
    } else {
        (
            "origin",
            CheckId::SecondaryOriginEnabled,
            CheckId::SomeOriginEnabled,
        )
    };
    let mut enabled_regions = Vec::new();
    for (region, name) in [(&ctx.primary, p_name), (&ctx.secondary, s_name)] {
        match entries.iter().find(|e| e.0.eq_ignore_ascii_case(name)) {
            Some((_, enabled, prio, h, state)) => {
                let (h, why) = regional_health(
                    ctx,
                    region,
                    if own == InstanceHealth::Unavailable {
                        own
                    } else {
                        *h
                    },
                );
                d.serving.insert(region.to_string(), *enabled);
                if *enabled && h == InstanceHealth::Available {
                    enabled_regions.push((region.clone(), prio.unwrap_or(u32::MAX)));
                }
                d.instances.push(InstanceStatus {
                    region: region.to_string(),
                    health: h,
                    resource_id: format!("{id}/{name}"),
                    state: state.clone(),
                    detail: why.or(detail.clone()),
                });
            }
            None if read.is_some_and(|r| r.is_ok()) => {
                d.check(
                    CheckId::entry_exists(word, name),
                    Some(false),
                    format!("no {word} named '{name}' in {}", id.name()),
                );
                d.instances.push(InstanceStatus {
                    region: region.to_string(),
                    health: InstanceHealth::Unknown,
                    resource_id: format!("{id}/{name}"),
                    state: "missing".into(),
                    detail: None,
                });
            }
            None => d.instances.push(InstanceStatus {
                region: region.to_string(),
                health: own,
                resource_id: format!("{id}/{name}"),
                state: "unreadable".into(),
                detail: detail.clone(),
            }),
        }
    }
    let s_entry = entries.iter().find(|e| e.0.eq_ignore_ascii_case(s_name));
    if let Some((_, enabled, _, _, _)) = s_entry {
        d.check(
            secondary_enabled,
            Some(*enabled),
            format!(
                "{s_name} is {}",
                if *enabled { "enabled" } else { "disabled" }
            ),
        );
    }
    if !entries.is_empty() {
        let any = entries.iter().any(|e| e.1);
        d.check(
            some_enabled,
            Some(any),
            if any {
                format!("at least one {word} takes traffic")
            } else {
                format!("every {word} is disabled: nothing is served")
            },
        );
    }
    // Where traffic goes: the enabled, healthy entry with the best priority (both, if equal).
    enabled_regions.sort_by_key(|(_, p)| *p);
    d.active = enabled_regions.first().map(|(r, _)| r.clone());
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::health::collect::Reading;
    use crate::health::derive::tests::*;
    use crate::health::model::InstanceHealth;

    /// A Traffic Manager endpoint: name, enabled, monitor status, priority.
    fn endpoint(name: &str, enabled: bool, monitor: &str, priority: u32) -> Value {
        json!({"id": format!("/x/{name}"), "name": name,
            "type": "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
            "properties": {"endpointStatus": if enabled { "Enabled" } else { "Disabled" },
                "endpointMonitorStatus": monitor, "priority": priority}})
    }

    /// The demo's profile with these endpoints.
    fn with_profile(o: &mut Obs, endpoints: Vec<Value>) {
        let id = o.resource("scoring-traffic");
        o.read(
            &id,
            Reading::TrafficManager(model(json!({
                "id": id.to_string(), "name": id.name(), "location": "global",
                "properties": {"trafficRoutingMethod": "Priority",
                    "dnsConfig": {"fqdn": "contoso-scoring.trafficmanager.net", "ttl": 30},
                    "endpoints": endpoints}
            }))),
        );
    }

    /// The demo plus a Front Door origin group, `scoring-edge`, with these origins (name,
    /// enabled, priority).
    fn with_front_door(origins: &[(&str, bool, u32)]) -> Obs {
        let mut o = Obs::demo_with(
            r#"[[components]]
name = "scoring-edge"
kind = "front-door"
mode = "hot-hot"
resource = "/subscriptions/8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b/resourceGroups/rg-ml-global/providers/Microsoft.Cdn/profiles/afd-ml/originGroups/scoring"
primary_origin = "eastus-origin"
secondary_origin = "westus-origin"
"#,
        );
        let id = o.resource("scoring-edge");
        let origins = origins
            .iter()
            .map(|(n, on, p)| {
                model(json!({"name": n, "properties": {
                    "enabledState": if *on { "Enabled" } else { "Disabled" }, "priority": p}}))
            })
            .collect();
        o.read(
            &id,
            Reading::FrontDoor(
                model(json!({"id": id.to_string(), "name": id.name()})),
                origins,
            ),
        );
        o
    }

    #[test]
    fn both_endpoints_online_serve_and_the_best_priority_is_active() {
        let mut o = Obs::demo();
        with_profile(
            &mut o,
            vec![
                endpoint("eastus-endpoint", true, "Online", 1),
                endpoint("westus-endpoint", true, "Online", 2),
            ],
        );
        let c = o.component("scoring-traffic");
        assert_eq!(c.ha_status, "both serving");
        assert_eq!(c.active_region, "eastus");
        assert_eq!(c.instances[1].state, "enabled, priority 2, Online");
        assert!(c.instances[1].resource_id.ends_with("/westus-endpoint"));
        assert_eq!(
            check(&c, "secondary endpoint enabled").reason,
            "westus-endpoint is enabled"
        );
        assert!(c.properties.contains(&(
            "DNS".into(),
            "contoso-scoring.trafficmanager.net (TTL 30 s)".into()
        )));
    }

    #[test]
    fn a_disabled_secondary_endpoint_is_not_ready_and_the_primary_stays_active() {
        let mut o = Obs::demo();
        with_profile(
            &mut o,
            vec![
                endpoint("eastus-endpoint", true, "Online", 1),
                endpoint("westus-endpoint", false, "Disabled", 2),
            ],
        );
        let c = o.component("scoring-traffic");
        assert_eq!(check(&c, "secondary endpoint enabled").passed, Some(false));
        assert_eq!(c.instances[1].health, InstanceHealth::Degraded);
        assert_eq!(c.ha_status, "only eastus serving");
        assert_eq!(c.active_region, "eastus");
    }

    #[test]
    fn a_probe_failing_primary_moves_traffic_to_the_secondary() {
        let mut o = Obs::demo();
        with_profile(
            &mut o,
            vec![
                endpoint("eastus-endpoint", true, "Degraded", 1),
                endpoint("westus-endpoint", true, "Online", 2),
            ],
        );
        let c = o.component("scoring-traffic");
        assert_eq!(c.instances[0].health, InstanceHealth::Unavailable);
        assert_eq!(c.active_region, "westus");
    }

    #[test]
    fn every_endpoint_disabled_serves_nothing() {
        let mut o = Obs::demo();
        with_profile(
            &mut o,
            vec![
                endpoint("eastus-endpoint", false, "Disabled", 1),
                endpoint("westus-endpoint", false, "Disabled", 2),
            ],
        );
        let c = o.component("scoring-traffic");
        let k = check(&c, "some endpoint enabled");
        assert_eq!(
            (k.passed, k.reason.as_str()),
            (Some(false), "every endpoint is disabled: nothing is served")
        );
        assert_eq!(c.ha_status, "not serving");
    }

    #[test]
    fn a_configured_endpoint_the_profile_lacks_is_missing() {
        let mut o = Obs::demo();
        with_profile(&mut o, vec![endpoint("eastus-endpoint", true, "Online", 1)]);
        let c = o.component("scoring-traffic");
        let k = check(&c, "endpoint 'westus-endpoint' exists");
        assert_eq!(k.passed, Some(false));
        assert_eq!(
            k.reason,
            "no endpoint named 'westus-endpoint' in tm-contoso-scoring"
        );
        assert_eq!(c.instances[1].state, "missing");
        assert_eq!(c.instances[1].health, InstanceHealth::Unknown);
    }

    #[test]
    fn an_unreadable_profile_fails_readable() {
        let mut o = Obs::demo();
        let id = o.resource("scoring-traffic");
        o.fail(&id, "GET ...: 500 InternalServerError", false);
        let c = o.component("scoring-traffic");
        assert_eq!(check(&c, "readable").passed, Some(false));
        assert!(c.instances.iter().all(|i| i.state == "unreadable"));
        assert!(!has_check(&c, "some endpoint enabled"));
    }

    #[test]
    fn front_door_origins_are_read_the_same_way() {
        let o = with_front_door(&[("eastus-origin", false, 1), ("westus-origin", true, 2)]);
        let c = o.component("scoring-edge");
        assert_eq!(c.active_region, "westus");
        assert_eq!(c.instances[0].state, "disabled, priority 1");
        assert_eq!(check(&c, "secondary origin enabled").passed, Some(true));
        assert_eq!(
            check(&c, "some origin enabled").reason,
            "at least one origin takes traffic"
        );
        assert_eq!(c.ha_status, "only westus serving");
        assert!(c.az_commands[0].starts_with(
            "az afd origin list -g rg-ml-global --profile-name afd-ml --origin-group-name scoring"
        ));
    }
}
