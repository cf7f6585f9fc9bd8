//! `private network` and `managed network` of a workspace pair.
//!
//! - `private network`, when the primary workspace is private (public network access disabled,
//!   or private endpoints): an approved private endpoint for the secondary workspace and for each
//!   data account (the datastores' accounts, the secondary's default storage) in the secondary
//!   region, and the `privatelink.api.azureml.ms` and `privatelink.notebooks.azure.net` zones
//!   linked to the secondary's network (the virtual network of its workspace endpoint).
//! - `managed network`, when the primary uses one: the secondary's is provisioned (`Active`: an
//!   `Inactive` one is provisioned by the first compute or deployment, ≈30 minutes on the RTO
//!   path), in the same isolation mode, with the primary's user-defined outbound rules and none
//!   `Failed`.

use super::super::{Ctx, Derived, Pair};
use super::{name_in, read_failed};
use crate::azure::az::aml as az;
use crate::azure::models::*;
use crate::config::ResourceId;
use crate::health::check::CheckId;
use crate::health::collect::{AmlNetwork, Reading};
use crate::region::Region;
use crate::text::sanitize;

/// The primary workspace, when it was read.
fn primary_ws<'a>(pair: &Pair<'a>) -> Option<&'a Workspace> {
    match pair.primary {
        Some(Reading::Workspace(pw, _)) => Some(pw),
        _ => None,
    }
}

/// `private network` of a workspace pair.
pub(in super::super) fn private_network(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) {
    let (passed, reason) = private_check(ctx, pair, sw, d);
    d.check(CheckId::PrivateNetwork, passed, reason);
}

/// The approved endpoints of `pecs` and where each sits (region, vnet, subnet), as read.
fn approved<'a>(
    n: &'a AmlNetwork,
    pecs: &'a [PrivateEndpointConnection],
) -> Vec<(&'a PrivateEndpointConnection, Option<&'a PrivateEndpoint>)> {
    pecs.iter()
        .filter(|x| x.is_approved())
        .map(|x| {
            let pe = x
                .endpoint_id()
                .and_then(|id| n.endpoints.get(&id.to_ascii_lowercase()))
                .and_then(|r| r.as_ref().ok());
            (x, pe)
        })
        .collect()
}

/// Whether one of the approved endpoints sits in `region` (an endpoint whose region could not
/// be read counts: its connection is approved).
fn in_region(
    list: &[(&PrivateEndpointConnection, Option<&PrivateEndpoint>)],
    region: &Region,
) -> bool {
    list.iter()
        .any(|(_, pe)| pe.is_none_or(|pe| pe.location.as_ref().is_none_or(|l| l == region)))
}

/// The vnet and subnet of the first approved endpoint in `region`.
fn network_in(
    list: &[(&PrivateEndpointConnection, Option<&PrivateEndpoint>)],
    region: &Region,
) -> Option<(String, String)> {
    list.iter().filter_map(|(_, pe)| *pe).find_map(|pe| {
        (pe.location.as_ref() == Some(region))
            .then(|| Some((pe.vnet()?, pe.properties.subnet.as_ref()?.id.clone())))
            .flatten()
    })
}

fn private_check(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) -> (Option<bool>, String) {
    let Some(n) = ctx
        .obs
        .aml
        .get(&pair.c.name)
        .and_then(|r| r.network.as_ref())
    else {
        return (None, "the private network was not read yet".into());
    };
    let (p_region, s_region) = (&ctx.primary, &ctx.secondary);
    let s_name = sanitize(&sw.name).into_owned();
    let pw = primary_ws(pair);
    let p_pecs = match &n.primary_pecs {
        Ok(l) => l.as_slice(),
        Err(e) if pw.is_none_or(|w| !w.properties.is_private()) => {
            return (
                None,
                read_failed("the primary workspace's private endpoints", e),
            );
        }
        Err(_) => &[],
    };
    let p_ok = approved(n, p_pecs);
    if pw.is_none_or(|w| !w.properties.is_private()) && p_ok.is_empty() {
        return if pw.is_none() {
            (
                None,
                "the primary workspace was not read: whether it is private is unknown".into(),
            )
        } else {
            (
                Some(true),
                "the primary workspace is public (no private endpoint): nothing to mirror".into(),
            )
        };
    }
    let s_pecs = match &n.secondary_pecs {
        Ok(l) => l,
        Err(e) => {
            return (
                None,
                read_failed(&format!("{s_name}'s private endpoints"), e),
            );
        }
    };
    let s_ok = approved(n, s_pecs);
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    let all: Vec<_> = s_ok
        .iter()
        .chain(p_ok.iter())
        .copied()
        .chain(
            n.account_pecs
                .values()
                .flatten()
                .flat_map(|l| approved(n, l)),
        )
        .collect();
    let s_net = network_in(&all, s_region);
    let ws_here = in_region(&s_ok, s_region);
    if !ws_here {
        let why = match s_pecs.first() {
            Some(x) => format!("{} is {}", name_in(&x.name), sanitize(x.state())),
            None => "none".into(),
        };
        wrong.push(format!(
            "no approved private endpoint for {s_name} in {s_region} ({why})"
        ));
    }
    let ws_id = ResourceId::parse(&sw.id).ok();
    d.standby(
        CheckId::PrivateNetwork,
        "private endpoint of the workspace",
        (Some(in_region(&p_ok, p_region)), Some(ws_here)),
        if ws_here {
            String::new()
        } else {
            format!("none approved in {s_region}")
        },
        match (&ws_id, &s_net, ws_here) {
            (Some(id), Some((_, subnet)), false) => Some(az::private_endpoint_create(
                &format!("pe-{}", id.name()),
                id,
                subnet,
                &sw.id,
                "amlworkspace",
            )),
            _ => None,
        },
    );
    let own_storage = sw.properties.storage_account.as_deref();
    accounts(
        n,
        (p_region, s_region),
        (ws_id.as_ref(), own_storage),
        s_net.as_ref(),
        d,
        &mut wrong,
        &mut unknown,
    );
    let p_vnet = network_in(&p_ok, p_region).map(|x| x.0);
    let s_vnet = network_in(&s_ok, s_region).map(|x| x.0);
    dns(n, (p_vnet, s_vnet), s_region, d, &mut wrong, &mut unknown);
    if !wrong.is_empty() {
        (Some(false), wrong.join("; "))
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        (
            Some(true),
            format!(
                "{s_name} and its data accounts have approved private endpoints in {s_region}, its network is linked to the Azure ML DNS zones"
            ),
        )
    }
}

/// An approved endpoint in the secondary region for each data account.
fn accounts(
    n: &AmlNetwork,
    (p_region, s_region): (&Region, &Region),
    (ws, own_storage): (Option<&ResourceId>, Option<&str>),
    s_net: Option<&(String, String)>,
    d: &mut Derived,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let mut ids: Vec<&String> = n.account_pecs.keys().collect();
    ids.sort();
    for id in ids {
        let account = name_in(id);
        let list = match &n.account_pecs[id] {
            Ok(l) => approved(n, l),
            Err(e) => {
                unknown.push(read_failed(
                    &format!("the private endpoints of {account}"),
                    e,
                ));
                continue;
            }
        };
        let here = list
            .iter()
            .any(|(_, pe)| pe.is_some_and(|pe| pe.location.as_ref() == Some(s_region)));
        let there = list
            .iter()
            .any(|(_, pe)| pe.is_some_and(|pe| pe.location.as_ref() == Some(p_region)));
        let unread = list.iter().any(|(_, pe)| pe.is_none());
        let secondary = if here {
            Some(true)
        } else if unread {
            unknown.push(format!(
                "{account}: where its private endpoints sit could not be read"
            ));
            None
        } else {
            wrong.push(format!(
                "no approved private endpoint for {account} in {s_region}"
            ));
            Some(false)
        };
        d.standby(
            CheckId::PrivateNetwork,
            format!("private endpoint for {account}"),
            // The secondary's own default storage is not the primary's to reach.
            (
                (!own_storage.is_some_and(|o| o.eq_ignore_ascii_case(id))).then_some(there),
                secondary,
            ),
            if secondary == Some(false) {
                format!("none approved in {s_region}")
            } else {
                String::new()
            },
            match (ws, s_net, secondary) {
                (Some(ws), Some((_, subnet)), Some(false)) => Some(az::private_endpoint_create(
                    &format!("pe-{account}-{s_region}"),
                    ws,
                    subnet,
                    id,
                    "blob",
                )),
                _ => None,
            },
        );
    }
}

/// The Azure ML DNS zones linked to each region's network.
fn dns(
    n: &AmlNetwork,
    (p_vnet, s_vnet): (Option<String>, Option<String>),
    s_region: &Region,
    d: &mut Derived,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let Some(s_vnet) = s_vnet else {
        // No endpoint in the secondary: its network is unknown (already a failure above).
        return;
    };
    let zones = match &n.zones {
        Some(Ok(z)) => z,
        Some(Err(e)) => return unknown.push(read_failed("the private DNS zones", e)),
        None => return unknown.push("the private DNS zones were not read".into()),
    };
    let vnet = name_in(&s_vnet);
    for zone in AML_DNS_ZONES {
        let Some(z) = zones.iter().find(|z| z.name.eq_ignore_ascii_case(zone)) else {
            unknown.push(format!(
                "{zone} is not in this subscription (a hub subscription's, or custom DNS?): its links are not checked"
            ));
            continue;
        };
        let links = match n.links.get(*zone) {
            Some(Ok(l)) => l,
            Some(Err(e)) => {
                unknown.push(read_failed(&format!("the links of {zone}"), e));
                continue;
            }
            None => {
                unknown.push(format!("the links of {zone} were not read"));
                continue;
            }
        };
        let here = links.iter().any(|l| l.links(&s_vnet));
        let there = p_vnet.as_ref().map(|v| links.iter().any(|l| l.links(v)));
        if !here {
            wrong.push(format!("{zone} is not linked to {vnet} ({s_region})"));
        }
        d.standby(
            CheckId::PrivateNetwork,
            format!("DNS {zone}"),
            (there, Some(here)),
            if here {
                String::new()
            } else {
                format!("not linked to {vnet}")
            },
            (!here)
                .then(|| ResourceId::parse(&z.id).ok())
                .flatten()
                .map(|zid| az::dns_link_create(&zid, &format!("link-{s_region}"), &s_vnet)),
        );
    }
}

// ---- managed network ----

/// `managed network` of a workspace pair.
pub(in super::super) fn managed_network(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) {
    let (passed, reason) = managed_check(ctx, pair, sw, d);
    d.check(CheckId::ManagedNetwork, passed, reason);
}

fn status_of(ws: &Workspace) -> &str {
    ws.properties
        .managed_network
        .as_ref()
        .and_then(|m| m.status.as_ref())
        .and_then(|s| s.status.as_deref())
        .unwrap_or("unknown")
}

fn managed_check(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    d: &mut Derived,
) -> (Option<bool>, String) {
    let s_name = sanitize(&sw.name).into_owned();
    let s_mode = sw.properties.managed_isolation();
    let Some(pw) = primary_ws(pair) else {
        return (
            None,
            "the primary workspace was not read: whether it uses a managed network is unknown"
                .into(),
        );
    };
    let Some(p_mode) = pw.properties.managed_isolation() else {
        return (
            Some(true),
            "the primary workspace uses no managed network: nothing to mirror".into(),
        );
    };
    let mut wrong = Vec::new();
    let s_active = status_of(sw).eq_ignore_ascii_case("Active");
    let id = ResourceId::parse(&sw.id).ok();
    match s_mode {
        None => wrong.push(format!(
            "{s_name} uses no managed network; the primary's is {}",
            sanitize(p_mode)
        )),
        Some(m) if !m.eq_ignore_ascii_case(p_mode) => wrong.push(format!(
            "{s_name}'s managed network is {}, the primary's {}",
            sanitize(m),
            sanitize(p_mode)
        )),
        Some(_) if !s_active => wrong.push(format!(
            "{s_name}'s managed network is {}: ≈30 min to provision, on the RTO path of the first online deployment (provision it now)",
            sanitize(status_of(sw))
        )),
        Some(_) => {}
    }
    d.standby(
        CheckId::ManagedNetwork,
        format!("managed network ({})", sanitize(p_mode)),
        (
            Some(status_of(pw).eq_ignore_ascii_case("Active")),
            Some(s_mode.is_some_and(|m| m.eq_ignore_ascii_case(p_mode)) && s_active),
        ),
        match s_mode {
            None => "none".to_string(),
            Some(_) if !s_active => format!("{}: ≈30 min to provision", sanitize(status_of(sw))),
            Some(_) => String::new(),
        },
        (s_mode.is_some() && !s_active)
            .then(|| id.as_ref().map(az::provision_network))
            .flatten(),
    );
    let mut unknown = Vec::new();
    if s_mode.is_some() {
        rules(ctx, pair, sw, id.as_ref(), d, &mut wrong, &mut unknown);
    }
    if !wrong.is_empty() {
        (Some(false), wrong.join("; "))
    } else if !unknown.is_empty() {
        (None, unknown.join("; "))
    } else {
        (
            Some(true),
            format!("{s_name}'s managed network is Active, with the primary's outbound rules"),
        )
    }
}

/// The primary's user-defined outbound rules are in the secondary; none failed there.
fn rules(
    ctx: &Ctx<'_>,
    pair: &Pair<'_>,
    sw: &Workspace,
    id: Option<&ResourceId>,
    d: &mut Derived,
    wrong: &mut Vec<String>,
    unknown: &mut Vec<String>,
) {
    let s_name = sanitize(&sw.name).into_owned();
    let Some((p, s)) = ctx
        .obs
        .aml
        .get(&pair.c.name)
        .and_then(|r| r.outbound.as_ref())
    else {
        return unknown.push("the outbound rules were not read".into());
    };
    let (p, s) = match (p, s) {
        (Ok(p), Ok(s)) => (p, s),
        (Err(e), _) => return unknown.push(read_failed("the primary's outbound rules", e)),
        (_, Err(e)) => return unknown.push(read_failed(&format!("{s_name}'s outbound rules"), e)),
    };
    for rule in p.iter().filter(|r| r.user_defined()) {
        let name = sanitize(&rule.name).into_owned();
        let kind = sanitize(rule.properties.rule_type.as_deref().unwrap_or("rule")).into_owned();
        let target = sanitize(&rule.target()).into_owned();
        let twin = s.iter().find(|x| x.name.eq_ignore_ascii_case(&rule.name));
        let note = match twin {
            None => {
                wrong.push(format!(
                    "outbound rule {name} ({kind} {target}) missing in {s_name}"
                ));
                "missing".to_string()
            }
            Some(t) if t.target() != rule.target() => {
                let theirs = sanitize(&t.target()).into_owned();
                wrong.push(format!(
                    "outbound rule {name} goes to {theirs} in {s_name}, to {target} in the primary"
                ));
                format!("goes to {theirs}")
            }
            Some(t) if t.failed() => {
                wrong.push(format!(
                    "outbound rule {name} Failed in {s_name}: {}",
                    sanitize(
                        t.properties
                            .error_information
                            .as_deref()
                            .unwrap_or("no detail")
                    )
                ));
                "Failed".to_string()
            }
            Some(_) => String::new(),
        };
        let fix = match (twin, id) {
            (None, Some(id)) => fix_rule(id, rule),
            _ => None,
        };
        d.standby(
            CheckId::ManagedNetwork,
            format!("outbound rule {name} ({kind} {target})"),
            (Some(!rule.failed()), Some(note.is_empty())),
            note,
            fix,
        );
    }
    for rule in s.iter().filter(|r| r.failed() && !r.user_defined()) {
        wrong.push(format!(
            "outbound rule {} Failed in {s_name}: {}",
            sanitize(&rule.name),
            sanitize(
                rule.properties
                    .error_information
                    .as_deref()
                    .unwrap_or("no detail")
            )
        ));
    }
}

/// The `az ml workspace outbound-rule set` that adds `rule` to `ws`.
fn fix_rule(ws: &ResourceId, rule: &OutboundRule) -> Option<String> {
    let kind = rule.properties.rule_type.as_deref()?.to_ascii_lowercase();
    let dest = rule.properties.destination.as_ref()?;
    let word = |v: &serde_json::Value, k: &str| {
        v[k].as_str()
            .filter(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_./,*:".contains(c))
            })
            .map(str::to_string)
    };
    let name = Some(rule.name.as_str()).filter(|n| {
        n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
    })?;
    match kind.as_str() {
        "fqdn" => {
            let fqdn = dest.as_str().filter(|s| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.*".contains(c))
            })?;
            Some(az::outbound_rule_fqdn(ws, name, fqdn))
        }
        "servicetag" => Some(az::outbound_rule_service_tag(
            ws,
            name,
            &word(dest, "serviceTag")?,
            &word(dest, "protocol")?,
            &word(dest, "portRanges")?,
        )),
        "privateendpoint" => Some(az::outbound_rule_private_endpoint(
            ws,
            name,
            &word(dest, "serviceResourceId")?,
            &word(dest, "subresourceTarget")?,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
