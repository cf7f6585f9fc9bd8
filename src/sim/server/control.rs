//! The simulator's `/_sim/` control API (not part of ARM): faults, state, the mutation log,
//! the token buckets' levels (`/_sim/budget`).

use super::*;

/// The `/_sim/` control API.
pub(super) fn control(
    world: &Shared,
    method: &str,
    path: &str,
    body: &Bytes,
) -> (Reply, time::OffsetDateTime) {
    let mut w = world
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    w.advance();
    let now = w.now();
    let bad = |msg: String| Reply::from(ArmError::bad_request("InvalidFault", msg));
    let reply = match (method, path.trim_end_matches('/')) {
        ("POST", "/_sim/faults") => match serde_json::from_slice::<Fault>(body) {
            Err(e) => bad(format!(
                "not a fault: {e}; see CONTRACT.md for the kinds and their fields"
            )),
            Ok(f) => match w.apply_fault(&f) {
                Ok(done) => Reply::ok(json!({"applied": done})),
                Err(why) => bad(why),
            },
        },
        ("DELETE", "/_sim/faults") => {
            let done = w.apply_fault(&Fault::Clear).unwrap_or_default();
            Reply::ok(json!({"applied": done}))
        }
        ("GET", "/_sim/state") => Reply::ok(state(&w)),
        ("GET", "/_sim/budget") => Reply::ok(w.throttle.view(Instant::now())),
        ("POST", "/_sim/time-scale") => {
            match serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("scale").and_then(Value::as_f64))
            {
                Some(s) if crate::sim::clock::SimClock::valid_scale(s) => {
                    w.clock.set_scale(s);
                    Reply::ok(json!({"time_scale": s}))
                }
                _ => bad(format!(
                    "the body must be {{\"scale\": N}} with {} <= N <= {}",
                    crate::sim::clock::MIN_TIME_SCALE,
                    crate::sim::clock::MAX_TIME_SCALE
                )),
            }
        }
        _ => ArmError::not_found(path).into(),
    };
    if method != "GET" {
        w.persist();
    }
    (reply, now)
}

/// The simulated world as JSON (`GET /_sim/state`).
pub fn state(w: &World) -> Value {
    let resources: Vec<Value> = (0..w.resources.len())
        .map(|i| {
            let r = &w.resources[i];
            json!({
                "id": r.id, "component": r.component, "kind": r.kind, "home": r.home,
                "serving_region": w.serving_region(i), "down": r.down,
                "availability": w.availability(i).0,
                "arm": w.render(i, r.id.as_str(), true),
            })
        })
        .collect();
    let lros: Vec<Value> = w
        .ops
        .iter()
        .map(|o| {
            json!({
                "id": o.id, "resource": w.resources[o.resource].id, "action": format!("{:?}", o.action),
                "started": crate::timefmt::rfc3339(o.started), "completes": crate::timefmt::rfc3339(o.completes),
                "status": match &o.status {
                    OpStatus::InProgress => json!("InProgress"),
                    OpStatus::Succeeded => json!("Succeeded"),
                    OpStatus::Failed(e) => json!({"Failed": e}),
                },
            })
        })
        .collect();
    json!({
        "deployment": w.deployment,
        "subscription": w.subscription,
        "now": crate::timefmt::rfc3339(w.now()),
        "time_scale": w.clock.scale(),
        "primary_region": w.primary,
        "secondary_region": w.secondary,
        "regions": w.regions,
        "incidents": w.incidents,
        "resources": resources,
        "operations": w.log,
        "long_running_operations": lros,
        "data_loss": w.data_loss,
        "faults": {
            "throttled": w.faults.throttle_until.is_some_and(|u| u > Instant::now()),
            "latency_ms": w.faults.latency.iter().map(|((r, m), d)| json!({"region": r, "method": m, "millis": d.as_millis() as u64})).collect::<Vec<_>>(),
            "flaky": w.faults.flaky,
        },
        "scenario": w.timeline.as_ref().map(|t| json!({
            "name": t.scenario.name, "description": t.scenario.description,
            "events": t.scenario.events.len(), "applied": t.applied,
        })),
        "requests": w.requests,
        "rate_limits": w.throttle.view(Instant::now()),
        "token_fingerprints": w.token_fingerprints,
    })
}
