//! Global routers: enable the target's endpoint or origin, then (failover) disable the
//! source's, explicitly: probes alone fail open.

use std::time::Duration;

use super::{Gen, step};
use crate::azure::EndpointUpdate;
use crate::azure::az::routing as az;
use crate::azure::models::EnabledState;
use crate::config::{Component, ComponentKind, Phase, ResourceId};
use crate::health::collect::Reading;
use crate::runbook::model::*;

/// The traffic steps of a Traffic Manager profile or Front Door origin group, whose primary and
/// secondary entries are named `primary` and `secondary`.
pub(super) fn traffic(
    g: &mut Gen<'_>,
    c: &Component,
    resource: &ResourceId,
    primary: &str,
    secondary: &str,
) {
    let (to, from) = (g.to.clone(), g.from.clone());
    let (src_ep, dst_ep) = if g.failover() {
        (primary.to_string(), secondary.to_string())
    } else {
        (secondary.to_string(), primary.to_string())
    };
    let tm = c.kind == ComponentKind::TrafficManager;
    let word = if tm { "endpoint" } else { "origin" };
    let enabled = |name: &str| -> bool {
        match g.reading(resource) {
            Some(Reading::TrafficManager(p)) => p.properties.endpoints.iter().any(|e| {
                e.name.eq_ignore_ascii_case(name)
                    && e.properties.endpoint_status != Some(EnabledState::Disabled)
            }),
            Some(Reading::FrontDoor(_, o)) => o.iter().any(|e| {
                e.name.eq_ignore_ascii_case(name)
                    && e.properties.enabled_state != Some(EnabledState::Disabled)
            }),
            _ => true,
        }
    };
    let ep_type = match g.reading(resource) {
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
            az::tm_endpoint_status(resource, name, ep_type, state)
        } else {
            az::afd_origin_state(resource, name, state)
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
        s.why = format!("{to}'s {word} must take traffic before {from}'s is switched off.");
        s.action = Some(action(&dst_ep, true));
        s.az.push(cmd(&dst_ep, "Enabled"));
        s.preconditions.push(Precondition::VerifyGatePassed);
        s.postcondition = Some(Postcondition::EndpointEnabled {
            component: c.name.clone(),
            endpoint: dst_ep.clone(),
            enabled: true,
        });
        s.timeout = Duration::from_secs(10 * 60);
        g.push(s, Some(c));
    }
    if g.failover() {
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
        g.push(s, Some(c));
    }
}
