//! Tests of the token buckets, on an injected clock (`Instant`s the test chooses).
use super::*;
use std::time::Duration;

const SUB: &str = "8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b";

fn sub() -> Scope {
    Scope::Subscription(SUB.into())
}

fn header<'a>(o: &'a Outcome, name: &str) -> Option<&'a str> {
    o.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn small(reads: u32, refill: f64) -> RateLimits {
    RateLimits::documented()
        .with(Kind::Read, Some(reads), Some(refill))
        .unwrap()
}

/// A JWT (unsigned, as the simulator reads it) with these claims.
fn jwt(claims: Value) -> String {
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
    };
    format!(
        "Bearer {}.{}.sig",
        b64(&json!({"alg": "none"})),
        b64(&claims)
    )
}

#[test]
fn methods_count_as_reads_writes_and_deletes() {
    assert_eq!(Kind::of("GET"), Kind::Read);
    assert_eq!(Kind::of("head"), Kind::Read);
    assert_eq!(Kind::of("DELETE"), Kind::Delete);
    for m in ["PUT", "PATCH", "POST"] {
        assert_eq!(Kind::of(m), Kind::Write, "{m}");
    }
}

#[test]
fn paths_with_a_subscription_count_against_it_and_the_rest_against_the_tenant() {
    assert_eq!(
        Scope::of(
            &format!("/subscriptions/{}/resourceGroups/rg", SUB.to_uppercase()),
            None
        ),
        sub()
    );
    assert_eq!(
        Scope::of("/subscriptions", Some("T1")),
        Scope::Tenant("t1".into())
    );
    assert_eq!(
        Scope::of("/tenants", None),
        Scope::Tenant(DEFAULT_TENANT.into())
    );
}

#[test]
fn the_principal_is_the_tokens_object_id_else_its_subject_else_shared() {
    let t = jwt(json!({"oid": "OID-1", "sub": "sub-1", "tid": "tenant-1"}));
    assert_eq!(
        principal_of(Some(&t)),
        ("oid-1".to_string(), Some("tenant-1".to_string()))
    );
    let t = jwt(json!({"sub": "sub-1"}));
    assert_eq!(principal_of(Some(&t)).0, "sub-1");
    assert_eq!(
        principal_of(Some("Bearer test-token")),
        (SHARED_PRINCIPAL.to_string(), None)
    );
    assert_eq!(principal_of(None).0, SHARED_PRINCIPAL);
}

#[test]
fn a_request_takes_one_token_and_the_headers_say_what_is_left() {
    let mut t = Throttle::default();
    let now = Instant::now();
    let o = t.take(&sub(), "p", Kind::Read, now);
    assert!(o.refused.is_none());
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("249")
    );
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-global-reads"),
        Some("3749")
    );
    // Only the request's own operation type is said.
    assert_eq!(o.headers.len(), 2);
    let o = t.take(&sub(), "p", Kind::Write, now);
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-writes"),
        Some("199")
    );
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-global-writes"),
        Some("2999")
    );
    let o = t.take(&sub(), "p", Kind::Delete, now);
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-deletes"),
        Some("199")
    );
    // The reads were not touched by the write and the delete.
    let o = t.take(&sub(), "p", Kind::Read, now);
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("248")
    );
}

#[test]
fn an_empty_bucket_refuses_with_retry_after_and_takes_nothing() {
    let mut t = Throttle::new(small(2, 0.5));
    let now = Instant::now();
    assert!(t.take(&sub(), "p", Kind::Read, now).refused.is_none());
    assert!(t.take(&sub(), "p", Kind::Read, now).refused.is_none());
    let o = t.take(&sub(), "p", Kind::Read, now);
    let r = o.refused.as_ref().expect("refused");
    assert_eq!(r.status, 429);
    // One token at 0.5/s: 2 s.
    assert!(
        r.headers
            .contains(&("Retry-After".to_string(), "2".to_string()))
    );
    let body = r.body.as_ref().unwrap();
    assert_eq!(body["error"]["code"], "SubscriptionRequestsThrottled");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("'read' requests"), "{msg}");
    assert!(
        msg.contains(&format!("subscription '{SUB}' actor 'p'")),
        "{msg}"
    );
    assert!(msg.contains("try again after '2' seconds"), "{msg}");
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("0")
    );
    // Refused requests take nothing: the global bucket has had two taken, not three.
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-global-reads"),
        Some("28")
    );
    // Writes have their own bucket.
    assert!(t.take(&sub(), "p", Kind::Write, now).refused.is_none());
}

#[test]
fn retry_after_is_whole_seconds_and_at_least_one() {
    let mut t = Throttle::new(small(1, 25.0));
    let now = Instant::now();
    t.take(&sub(), "p", Kind::Read, now);
    let r = t.take(&sub(), "p", Kind::Read, now).refused.unwrap();
    // A token is back in 40 ms: still "1".
    assert!(
        r.headers
            .contains(&("Retry-After".to_string(), "1".to_string()))
    );
    let mut t = Throttle::new(small(1, 0.3));
    t.take(&sub(), "p", Kind::Read, now);
    let r = t
        .take(&sub(), "p", Kind::Read, now + Duration::from_millis(100))
        .refused
        .unwrap();
    // 0.03 back, 0.97 to go at 0.3/s: 3.23 s, rounded up.
    assert!(
        r.headers
            .contains(&("Retry-After".to_string(), "4".to_string()))
    );
}

#[test]
fn buckets_refill_continuously_up_to_their_size() {
    let mut t = Throttle::new(small(10, 2.0));
    let t0 = Instant::now();
    for _ in 0..10 {
        assert!(t.take(&sub(), "p", Kind::Read, t0).refused.is_none());
    }
    assert!(t.take(&sub(), "p", Kind::Read, t0).refused.is_some());
    // Half a second: one token back at 2/s.
    let o = t.take(&sub(), "p", Kind::Read, t0 + Duration::from_millis(500));
    assert!(o.refused.is_none());
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("0")
    );
    // 2.5 s more: 5 tokens back (4 after this request).
    let o = t.take(&sub(), "p", Kind::Read, t0 + Duration::from_millis(3000));
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("4")
    );
    // An hour: full, never more than the size.
    let o = t.take(&sub(), "p", Kind::Read, t0 + Duration::from_secs(3600));
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("9")
    );
}

#[test]
fn the_global_bucket_is_fifteen_times_one_principals_and_shared_by_all() {
    let mut t = Throttle::new(small(2, 1.0));
    let now = Instant::now();
    // Each of 15 principals empties its own bucket: 30 reads, the whole global bucket.
    for p in 0..15 {
        for _ in 0..2 {
            let o = t.take(&sub(), &format!("p{p}"), Kind::Read, now);
            assert!(o.refused.is_none(), "p{p}");
        }
        assert!(
            t.take(&sub(), &format!("p{p}"), Kind::Read, now)
                .refused
                .is_some()
        );
    }
    // A sixteenth principal has a full bucket of its own, but the subscription's is empty.
    let o = t.take(&sub(), "p15", Kind::Read, now);
    let r = o.refused.as_ref().expect("the global bucket refuses");
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("2")
    );
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-global-reads"),
        Some("0")
    );
    let msg = r.body.as_ref().unwrap()["error"]["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("across all principals"), "{msg}");
    // The global bucket refills 15 times as fast: in 1/15 s it has a token again.
    let later = now + Duration::from_millis(70);
    assert!(t.take(&sub(), "p15", Kind::Read, later).refused.is_none());
    // Another subscription has buckets of its own.
    let other = Scope::Subscription("other".into());
    assert!(t.take(&other, "p0", Kind::Read, now).refused.is_none());
}

#[test]
fn two_principals_have_separate_buckets_and_share_the_global_one() {
    let mut t = Throttle::new(small(3, 1.0));
    let now = Instant::now();
    for _ in 0..3 {
        t.take(&sub(), "alice", Kind::Read, now);
    }
    assert!(t.take(&sub(), "alice", Kind::Read, now).refused.is_some());
    let o = t.take(&sub(), "bob", Kind::Read, now);
    assert!(o.refused.is_none());
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("2")
    );
    // 45 in all, 4 taken (the refused one took nothing).
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-global-reads"),
        Some("41")
    );
}

#[test]
fn tenant_requests_have_tenant_buckets_and_headers_and_no_global_one() {
    let mut t = Throttle::new(small(1, 1.0));
    let now = Instant::now();
    let tenant = Scope::Tenant("t".into());
    let o = t.take(&tenant, "p", Kind::Read, now);
    assert_eq!(
        o.headers,
        vec![(
            "x-ms-ratelimit-remaining-tenant-reads".to_string(),
            "0".to_string()
        )]
    );
    let r = t.take(&tenant, "p", Kind::Read, now).refused.unwrap();
    assert_eq!(r.body.unwrap()["error"]["code"], "TenantRequestsThrottled");
    // The subscription's buckets are others.
    assert!(t.take(&sub(), "p", Kind::Read, now).refused.is_none());
}

#[test]
fn off_throttles_nothing_and_says_nothing() {
    let mut t = Throttle::new(RateLimits::unlimited());
    let now = Instant::now();
    for _ in 0..1000 {
        let o = t.take(&sub(), "p", Kind::Write, now);
        assert!(o.refused.is_none());
        assert!(o.headers.is_empty());
    }
}

#[test]
fn new_limits_start_full_and_restore_goes_back_to_the_start() {
    let mut t = Throttle::new(RateLimits::unlimited());
    let now = Instant::now();
    t.set(small(1, 1.0));
    assert!(t.take(&sub(), "p", Kind::Read, now).refused.is_none());
    assert!(t.take(&sub(), "p", Kind::Read, now).refused.is_some());
    t.set(small(5, 1.0));
    let o = t.take(&sub(), "p", Kind::Read, now);
    assert_eq!(
        header(&o, "x-ms-ratelimit-remaining-subscription-reads"),
        Some("4")
    );
    t.restore();
    assert_eq!(t.limits(), RateLimits::unlimited());
    assert!(t.take(&sub(), "p", Kind::Read, now).headers.is_empty());
}

#[test]
fn limits_are_checked() {
    let d = RateLimits::documented();
    assert!(d.with(Kind::Read, Some(0), None).is_err());
    assert!(d.with(Kind::Write, None, Some(0.0)).is_err());
    assert!(d.with(Kind::Delete, None, Some(f64::NAN)).is_err());
    assert!(d.with(Kind::Delete, Some(5), Some(0.5)).is_ok());
    assert_eq!(
        d.describe(),
        "reads 250 (+25/s), writes 200 (+10/s), deletes 200 (+10/s); Resource Graph 15 queries per 5 s"
    );
    assert!(d.with_graph(Some(0), None).is_err());
    assert!(d.with_graph(None, Some(0.0)).is_err());
    assert_eq!(d.with_graph(Some(2), Some(1.5)).unwrap().graph.queries, 2);
}

#[test]
fn resource_graph_takes_fifteen_queries_per_five_seconds_then_answers_its_429() {
    let mut t = Throttle::default();
    let start = Instant::now();
    for n in (0..15).rev() {
        let o = t.take_graph("p", start);
        assert!(o.refused.is_none());
        assert_eq!(
            header(&o, "x-ms-user-quota-remaining"),
            Some(n.to_string().as_str())
        );
        assert_eq!(header(&o, "x-ms-user-quota-resets-after"), Some("00:00:05"));
    }
    let o = t.take_graph("p", start + Duration::from_millis(2500));
    let refused = o
        .refused
        .clone()
        .expect("the 16th query in the window is refused");
    assert_eq!(refused.status, 429);
    let body = refused.body.unwrap();
    assert_eq!(body["error"]["code"], "RateLimiting");
    assert_eq!(body["error"]["details"][0]["code"], "RateLimiting");
    assert_eq!(header(&o, "x-ms-user-quota-remaining"), Some("0"));
    assert_eq!(header(&o, "x-ms-user-quota-resets-after"), Some("00:00:03"));
    // Another principal has its own window; ARM's buckets are untouched.
    assert!(t.take_graph("q", start).refused.is_none());
    assert_eq!(t.refused.get("graph"), Some(&1));
    assert!(t.view(start)["buckets"].as_array().unwrap().is_empty());
    // The window over, a new one starts with the next query.
    let o = t.take_graph("p", start + Duration::from_secs(5));
    assert!(o.refused.is_none());
    assert_eq!(header(&o, "x-ms-user-quota-remaining"), Some("14"));
    // Unlimited: no quota and no headers.
    let mut off = Throttle::new(RateLimits::unlimited());
    assert!(off.take_graph("p", start).headers.is_empty());
}

#[test]
fn the_view_lists_the_used_buckets_and_their_levels() {
    let mut t = Throttle::new(small(10, 1.0));
    let now = Instant::now();
    t.take(&sub(), "p", Kind::Read, now);
    let v = t.view(now);
    assert_eq!(v["enabled"], true);
    assert_eq!(v["limits"]["reads"]["size"], 10);
    let b = v["buckets"].as_array().unwrap();
    assert_eq!(b.len(), 2, "{v}");
    assert!(b.iter().any(|b| b["scope"] == "subscription"
        && b["principal"] == "p"
        && b["level"] == 9.0
        && b["subscription"] == SUB));
    assert!(
        b.iter().any(|b| b["scope"] == "subscription-global"
            && b["level"] == 149.0
            && b["size"] == 150)
    );
}

#[test]
fn full_buckets_are_forgotten_when_there_are_too_many() {
    let mut t = Throttle::new(small(2, 1.0));
    let now = Instant::now();
    for p in 0..MAX_BUCKETS {
        t.take(&Scope::Tenant(format!("t{p}")), "p", Kind::Read, now);
    }
    assert_eq!(t.buckets.len(), MAX_BUCKETS);
    // A minute later every one of them is full again: all forgotten but the new ones.
    t.take(&sub(), "p", Kind::Read, now + Duration::from_secs(60));
    assert_eq!(t.buckets.len(), 2);
}

/// The demo's world, for the fault's tests.
fn world() -> crate::sim::World {
    crate::sim::World::from_config(
        &crate::config::Config::demo(),
        crate::sim::SimClock::new(1.0),
    )
}

fn rate_limit(json: Value) -> crate::sim::Fault {
    serde_json::from_value(json).expect("a rate-limit fault")
}

#[test]
fn the_rate_limit_fault_sets_sizes_and_refills_and_reset_and_clear_undo_it() {
    let mut w = world();
    assert_eq!(w.throttle.limits(), RateLimits::documented());
    let done = w
        .apply_fault(&rate_limit(
            json!({"kind": "rate-limit", "reads": 5, "read_refill": 0.5, "deletes": 3}),
        ))
        .unwrap();
    assert!(done.contains("reads 5 (+0.5/s)"), "{done}");
    let l = w.throttle.limits();
    assert_eq!((l.reads.size, l.reads.refill_per_second), (5, 0.5));
    assert_eq!((l.deletes.size, l.deletes.refill_per_second), (3, 10.0));
    assert_eq!(l.writes, RateLimits::documented().writes);
    // Named fields change, the others stay.
    w.apply_fault(&rate_limit(json!({"kind": "rate-limit", "writes": 7})))
        .unwrap();
    assert_eq!(w.throttle.limits().reads.size, 5);
    assert_eq!(w.throttle.limits().writes.size, 7);
    w.apply_fault(&rate_limit(
        json!({"kind": "rate-limit", "unlimited": true}),
    ))
    .unwrap();
    assert!(!w.throttle.limits().enabled);
    w.apply_fault(&rate_limit(json!({"kind": "rate-limit", "reset": true})))
        .unwrap();
    assert_eq!(w.throttle.limits(), RateLimits::documented());
    // `clear` goes back to what the simulator started with.
    w.throttle = Throttle::new(RateLimits::unlimited());
    w.apply_fault(&rate_limit(json!({"kind": "rate-limit", "reads": 1})))
        .unwrap();
    assert!(w.throttle.limits().enabled);
    w.apply_fault(&crate::sim::Fault::Clear).unwrap();
    assert_eq!(w.throttle.limits(), RateLimits::unlimited());
}

#[test]
fn a_rate_limit_fault_that_says_nothing_or_too_little_is_refused() {
    let mut w = world();
    for bad in [
        json!({"kind": "rate-limit"}),
        json!({"kind": "rate-limit", "reads": 0}),
        json!({"kind": "rate-limit", "write_refill": -1.0}),
        json!({"kind": "rate-limit", "reads": 5, "unlimited": true}),
    ] {
        let e = w.apply_fault(&rate_limit(bad.clone())).unwrap_err();
        assert!(!e.is_empty(), "{bad}");
    }
    assert_eq!(w.throttle.limits(), RateLimits::documented());
}

#[test]
fn the_console_grammar_and_scenario_files_take_the_rate_limit_fault() {
    use crate::sim::Fault;
    use crate::sim::faults::parse_fault;
    assert_eq!(
        parse_fault("rate-limit reads=5 read_refill=0.5").unwrap(),
        rate_limit(json!({"kind": "rate-limit", "reads": 5, "read_refill": 0.5}))
    );
    assert!(matches!(
        parse_fault("rate-limit reset").unwrap(),
        Fault::RateLimit { reset: true, .. }
    ));
    assert!(matches!(
        parse_fault("rate-limit unlimited").unwrap(),
        Fault::RateLimit {
            unlimited: Some(true),
            ..
        }
    ));
    assert!(parse_fault("rate-limit").unwrap_err().contains("usage"));
    assert!(parse_fault("rate-limit reads=many").is_err());
    assert!(parse_fault("rate-limit colour=blue").is_err());
    let s = crate::sim::Scenario::parse(
        "name = \"x\"\ndescription = \"d\"\n[[events]]\nat = \"10s\"\nkind = \"rate-limit\"\nreads = 20\nread_refill = 2\n",
        "x.toml",
    )
    .unwrap();
    assert_eq!(
        s.events[0].1,
        rate_limit(json!({"kind": "rate-limit", "reads": 20, "read_refill": 2.0}))
    );
}

#[test]
fn a_saved_world_keeps_its_limits_and_its_buckets_start_full() {
    let mut w = world();
    w.throttle = Throttle::new(RateLimits::unlimited());
    w.apply_fault(&rate_limit(json!({"kind": "rate-limit", "reads": 3})))
        .unwrap();
    let now = Instant::now();
    w.throttle.take(&sub(), "p", Kind::Read, now);
    let text = serde_json::to_string(&w).unwrap();
    let back: crate::sim::World = serde_json::from_str(&text).unwrap();
    assert_eq!(back.throttle.limits().reads.size, 3);
    assert_eq!(back.throttle.baseline(), RateLimits::unlimited());
    assert!(back.throttle.buckets.is_empty());
}
