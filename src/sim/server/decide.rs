//! How the simulator decides one ARM request: authentication, ARM's token buckets, the
//! api-version, the faults in force (outages, control planes, latency, throttling, flakiness),
//! then the world's answer.

use super::*;
use crate::sim::providers::resource_graph;
use crate::sim::throttle;

/// Whether a request only reads: a GET, or a Resource Graph query (a POST that changes
/// nothing, so it is neither in `operations` nor saved after).
pub(super) fn is_read(method: &str, path: &str) -> bool {
    method == "GET" || resource_graph::is_query(method, path)
}

/// Decides an ARM request's fate under the lock: auth, the token buckets, api-version,
/// transport faults, a downed region's ARM behaviour, then the world's answer.
pub(super) fn decide(
    w: &mut World,
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    base_url: &str,
    auth: Option<&str>,
    body: &Bytes,
) -> Decision {
    w.advance();
    w.requests += 1;
    let now = w.now();
    let mut d = Decision {
        reply: None,
        delay: Duration::ZERO,
        hang: false,
        malformed: false,
        drop: false,
        drop_after: false,
        now,
    };
    let token_ok = auth
        .and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        })
        .is_some_and(|t| !t.trim().is_empty());
    if !token_ok {
        let msg = if auth.is_none() {
            "Authentication failed. The 'Authorization' header is missing."
        } else {
            "Authentication failed. The 'Authorization' header is provided in an invalid format."
        };
        d.reply = Some(
            Reply::from(ArmError::new(401, if auth.is_none() { "AuthenticationFailed" } else { "InvalidAuthenticationToken" }, msg))
                .header("WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\""),
        );
        return d;
    }
    if let Some(t) = auth.and_then(|a| a.split_once(' ')).map(|(_, t)| t.trim())
        && w.token_fingerprints.len() < 64
    {
        w.token_fingerprints.insert(fingerprint(t));
    }
    // ARM's token buckets, once the caller is known and before anything else: a refused
    // request changes nothing and is not logged; every answer says what is left.
    let (principal, tenant) = throttle::principal_of(auth);
    // Resource Graph's queries count against its own quota, not ARM's buckets.
    let counted = if resource_graph::is_query(method, path) {
        w.throttle.take_graph(&principal, Instant::now())
    } else {
        let scope = throttle::Scope::of(path, tenant.as_deref());
        w.throttle.take(
            &scope,
            &principal,
            throttle::Kind::of(method),
            Instant::now(),
        )
    };
    if let Some(mut refused) = counted.refused {
        refused.headers.extend(counted.headers);
        d.reply = Some(refused);
        return d;
    }
    let mut d = answer(w, d, method, path, query, base_url, body);
    if let Some(reply) = d.reply.as_mut() {
        reply.headers.extend(counted.headers);
    }
    d
}

/// The answer of an authenticated request the buckets let through: the api-version, the
/// transport faults, a downed region's ARM behaviour, then the world's answer.
fn answer(
    w: &mut World,
    mut d: Decision,
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    base_url: &str,
    body: &Bytes,
) -> Decision {
    let Some(api_version) = query.get("api-version").cloned() else {
        d.reply = Some(
            ArmError::bad_request(
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
            .into(),
        );
        return d;
    };
    if !is_api_version(&api_version) {
        d.reply = Some(ArmError::bad_request("InvalidApiVersionParameter",
            format!("The api-version '{api_version}' is invalid. The supported versions are of the form 'YYYY-MM-DD' or 'YYYY-MM-DD-preview'.")).into());
        return d;
    }

    // Transport faults: flaky connections and 5xx, then throttling.
    if let Some(f) = w.faults.flaky.clone() {
        let hits = f
            .methods
            .as_ref()
            .is_none_or(|m| m.iter().any(|m| m.eq_ignore_ascii_case(method)));
        if f.until.is_some_and(|u| Instant::now() >= u) {
            w.faults.flaky = None;
        } else if !hits {
        } else if fastrand::f64() < f.drop_rate {
            if fastrand::f64() < f.after_apply {
                // The request goes through; only its answer is lost.
                d.drop_after = true;
            } else {
                d.drop = true;
                return d;
            }
        } else if fastrand::f64() < f.error_rate {
            let (status, code) = if fastrand::bool() {
                (500, "InternalServerError")
            } else {
                (503, "ServiceUnavailable")
            };
            d.reply = Some(
                ArmError::new(
                    status,
                    code,
                    "The server encountered a transient error. Please retry the request.",
                )
                .into(),
            );
            return d;
        }
    }
    if let Some(until) = w.faults.throttle_until {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            w.faults.throttle_until = None;
        } else {
            let secs = left.as_secs_f64().ceil().max(1.0) as u64;
            let reply = Reply::from(ArmError::new(429, "TooManyRequests",
                format!("The request is being throttled as the limit has been reached for operation type - {}. Please try again after {secs} seconds.",
                    if method == "GET" { "Read" } else { "Write" })))
                .header("Retry-After", secs.to_string());
            d.reply = Some(reply);
            return d;
        }
    }

    // Region effects: latency, and the ARM behaviour of a downed region for its regional resources.
    let found = w.find(path).map(|(i, rest)| (i, rest.to_ascii_lowercase()));
    let region = found.as_ref().map(|(i, _)| w.serving_region(*i));
    // The region whose outage takes this request's control plane down (`World::outage_region`).
    let outage_region = found.as_ref().and_then(|(i, _)| w.outage_region(*i, path));
    let m = Some(method.to_ascii_uppercase());
    let mut keys = vec![(None, None), (None, m.clone())];
    if region.is_some() {
        keys.push((region.clone(), None));
        keys.push((region.clone(), m));
    }
    d.delay = keys.iter().filter_map(|k| w.faults.latency.get(k)).sum();
    if let (Some((_, rest)), Some(region)) = (&found, &outage_region) {
        let health_call = rest.starts_with("/providers/microsoft.resourcehealth");
        let st = w.regions.get(region);
        if !health_call && st.is_some_and(|s| s.status == RegionStatus::Down) {
            match st.map(|s| s.arm).unwrap_or_default() {
                ArmBehaviour::Error => {
                    d.reply = Some(ArmError::new(503, "ServiceUnavailable",
                        format!("The resource provider in region '{region}' is unavailable. Please retry later.")).into());
                    if method != "GET" {
                        w.log_mutation(method, path, 503);
                    }
                    return d;
                }
                ArmBehaviour::Hang => {
                    if method != "GET" {
                        w.log_mutation(method, path, 0);
                    }
                    d.hang = true;
                    d.reply = Some(Reply::empty(504));
                    return d;
                }
                ArmBehaviour::Up => {}
            }
        }
    }
    let key = found
        .as_ref()
        .map(|(i, _)| w.resources[*i].id.key())
        .unwrap_or_default();
    for k in [key, String::new()] {
        if let Some(n) = w.faults.malformed.get_mut(&k).filter(|n| **n > 0) {
            *n -= 1;
            d.malformed = true;
            break;
        }
    }

    let json_body = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => Some(v),
            Err(e) => {
                d.reply = Some(
                    ArmError::bad_request(
                        "InvalidRequestContent",
                        format!(
                            "The request content was invalid and could not be deserialized: {e}"
                        ),
                    )
                    .into(),
                );
                return d;
            }
        }
    };
    let req = Request {
        method,
        path,
        query,
        body: json_body,
        base_url,
        api_version: &api_version,
    };
    let reply = w.handle(&req).unwrap_or_else(Reply::from);
    if !is_read(method, path) {
        w.log_mutation(method, path, reply.status);
    }
    d.reply = Some(reply);
    d
}
