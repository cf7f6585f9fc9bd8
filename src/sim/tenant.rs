//! What ARM answers above any one resource, which the Azure CLI asks for: the subscriptions
//! and tenants the signed-in identity sees (`az login`, `az account`), one subscription, and a
//! subscription's resource list (`GET /subscriptions/{id}/resources`, with the `$filter` on
//! `resourceType` / `name` / `resourceGroup` the CLI sends for a command given without `-g`),
//! paged as ARM pages (`{value, nextLink?}`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::providers::TENANT;
use super::reply::{ArmError, Reply};
use super::routes::Request;
use super::world::World;

/// The simulated subscription as `GET /subscriptions` lists it.
fn subscription(w: &World) -> Value {
    json!({
        "id": format!("/subscriptions/{}", w.subscription),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": w.subscription,
        "tenantId": TENANT,
        "displayName": format!("{} (simulated)", w.deployment),
        "state": "Enabled",
        "subscriptionPolicies": {"locationPlacementId": "Public_2014-09-01", "quotaId": "EnterpriseAgreement_2014-09-01", "spendingLimit": "Off"},
        "tags": {}
    })
}

/// Answers the tenant-level and subscription-level reads, if `req` is one.
pub fn handle(w: &World, req: &Request<'_>) -> Option<Result<Reply, ArmError>> {
    if req.method != "GET" {
        return None;
    }
    let lower = req.path.to_ascii_lowercase();
    let segs: Vec<&str> = lower
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        ["subscriptions"] => Some(Ok(Reply::ok(
            json!({"value": [subscription(w)], "count": {"type": "Total", "value": 1}}),
        ))),
        ["tenants"] => Some(Ok(Reply::ok(json!({"value": [{
            "id": format!("/tenants/{TENANT}"), "tenantId": TENANT, "tenantCategory": "Home",
            "country": "United States", "countryCode": "US", "displayName": "Contoso (simulated)",
            "domains": ["contoso.onmicrosoft.com"], "defaultDomain": "contoso.onmicrosoft.com",
            "tenantType": "AAD"
        }]})))),
        ["subscriptions", sub] | ["subscriptions", sub, "resources"]
            if !sub.eq_ignore_ascii_case(&w.subscription) =>
        {
            Some(Err(ArmError::new(
                404,
                "SubscriptionNotFound",
                format!("The subscription '{sub}' could not be found."),
            )))
        }
        ["subscriptions", _] => Some(Ok(Reply::ok(subscription(w)))),
        ["subscriptions", _, "resources"] => Some(resources(w, req, None)),
        ["subscriptions", _, "resourcegroups", rg, "resources"] => {
            Some(resources(w, req, Some(rg)))
        }
        _ => None,
    }
}

/// The top-level resources the world holds: each resource's own top-level resource (a SQL
/// failover group's two servers, a compute's workspace, an origin group's profile), once.
fn top_level(w: &World) -> Vec<Value> {
    let mut seen = BTreeMap::new();
    let mut ids: Vec<(String, usize)> = w.index.iter().map(|(k, &i)| (k.clone(), i)).collect();
    ids.sort();
    for (key, i) in ids {
        let r = &w.resources[i];
        // The id in the client's spelling: the resource's own, or the alias found in the index.
        let full = if r.id.key() == key {
            r.id.to_string()
        } else {
            r.state
                .provider()
                .aliases()
                .into_iter()
                .find(|a| a.to_ascii_lowercase() == key)
                .unwrap_or_else(|| key.clone())
        };
        let parts: Vec<&str> = full.split('/').collect();
        // /subscriptions/S/resourceGroups/RG/providers/NS/type/name[/...]
        if parts.len() < 9 || !parts[5].eq_ignore_ascii_case("providers") {
            continue;
        }
        let id = parts[..9].join("/");
        let ty = format!("{}/{}", parts[6], parts[7]);
        let location = if id.eq_ignore_ascii_case(&full) {
            w.render(i, &full, false)
                .get("location")
                .and_then(Value::as_str)
                .map(crate::region::Region::new)
                .unwrap_or_else(|| r.home.clone())
        } else {
            match w.control_plane(i, &full) {
                super::providers::ControlPlane::Regional(reg) => reg,
                super::providers::ControlPlane::Global => crate::region::Region::new("global"),
            }
        };
        seen.entry(id.to_ascii_lowercase()).or_insert_with(|| {
            json!({"id": id, "name": parts[8], "type": ty, "location": location.as_str(), "tags": {}})
        });
    }
    seen.into_values().collect()
}

/// One clause of `$filter`: `field eq 'value'`.
fn clause(c: &str) -> Option<(String, String)> {
    let (field, value) = c.trim().split_once(" eq ")?;
    let value = value.trim().trim_matches('\'');
    Some((field.trim().to_ascii_lowercase(), value.to_string()))
}

/// `GET .../resources[?$filter=...&$top=N&$skiptoken=K]`: the matching top-level resources,
/// `$top` per page with a nextLink to the next.
fn resources(w: &World, req: &Request<'_>, rg: Option<&str>) -> Result<Reply, ArmError> {
    let filter = req.query.get("$filter").map(String::as_str).unwrap_or("");
    let mut clauses = Vec::new();
    for c in filter.split(" and ").filter(|c| !c.trim().is_empty()) {
        match clause(c) {
            Some(cl) => clauses.push(cl),
            None => {
                return Err(ArmError::bad_request(
                    "InvalidFilterInQueryString",
                    format!(
                        "The simulator understands $filter clauses of the form \"field eq 'value'\" joined by 'and'; got '{c}'."
                    ),
                ));
            }
        }
    }
    let all: Vec<Value> = top_level(w)
        .into_iter()
        .filter(|r| {
            let id = r["id"].as_str().unwrap_or("");
            let group = id.split('/').nth(4).unwrap_or("");
            rg.is_none_or(|g| group.eq_ignore_ascii_case(g))
                && clauses.iter().all(|(f, v)| {
                    let have = match f.as_str() {
                        "resourcetype" => r["type"].as_str(),
                        "name" => r["name"].as_str(),
                        "resourcegroup" => Some(group),
                        "location" => r["location"].as_str(),
                        _ => return false,
                    };
                    have.is_some_and(|h| h.eq_ignore_ascii_case(v))
                })
        })
        .collect();
    let skip: usize = req
        .query
        .get("$skiptoken")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let top: usize = req
        .query
        .get("$top")
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1000);
    let page: Vec<Value> = all.iter().skip(skip).take(top).cloned().collect();
    let mut body = crate::sim::reply::list_body(page);
    if skip + top < all.len() {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("api-version", req.api_version);
        if !filter.is_empty() {
            q.append_pair("$filter", filter);
        }
        q.append_pair("$top", &top.to_string());
        q.append_pair("$skiptoken", &(skip + top).to_string());
        body["nextLink"] = json!(format!("{}{}?{}", req.base_url, req.path, q.finish()));
    }
    Ok(Reply::ok(body))
}
