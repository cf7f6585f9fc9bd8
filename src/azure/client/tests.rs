//! Tests of `client`.
use super::*;

#[test]
fn retry_after_seconds_and_dates() {
    let mut h = HeaderMap::new();
    h.insert("retry-after", "7".parse().unwrap());
    assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(30);
    h.insert(
        "retry-after",
        crate::timefmt::http_date(later)
            .replace("GMT", "+0000")
            .parse()
            .unwrap(),
    );
    let d = retry_after(&h).unwrap();
    assert!(
        d > Duration::from_secs(25) && d <= Duration::from_secs(31),
        "{d:?}"
    );
    h.insert("retry-after", "soon".parse().unwrap());
    assert_eq!(retry_after(&h), None);
}

#[test]
fn arm_errors_are_parsed_with_or_without_a_body() {
    let e = arm_error(
        409,
        &Bytes::from_static(br#"{"error":{"code":"Busy","message":"try later"}}"#),
    );
    assert_eq!(
        e,
        ErrorKind::Api {
            status: 409,
            code: "Busy".into(),
            message: "try later".into()
        }
    );
    let e = arm_error(502, &Bytes::from_static(b"<html>bad gateway</html>"));
    assert!(matches!(e, ErrorKind::Api { status: 502, ref code, .. } if code == "BadGateway"));
}

#[test]
fn the_budget_reads_the_smaller_of_the_principal_and_global_buckets() {
    let mut h = HeaderMap::new();
    h.insert(
        "x-ms-ratelimit-remaining-subscription-reads",
        "120".parse().unwrap(),
    );
    h.insert(
        "x-ms-ratelimit-remaining-subscription-global-reads",
        "3600".parse().unwrap(),
    );
    h.insert(
        "x-ms-ratelimit-remaining-subscription-writes",
        "199".parse().unwrap(),
    );
    let mut b = Budget::default();
    b.note(&h, 0);
    assert_eq!(b.reads, Some(120));
    assert_eq!(b.writes, Some(199));
    assert_eq!(b.deletes, None);
    let now = b.reads_now().unwrap();
    assert!((120..=121).contains(&now), "{now}");
    // A junk header leaves the last figure.
    let mut h = HeaderMap::new();
    h.insert(
        "x-ms-ratelimit-remaining-subscription-reads",
        "lots".parse().unwrap(),
    );
    b.note(&h, 0);
    assert_eq!(b.reads, Some(120));
}

#[test]
fn a_late_answer_to_an_earlier_request_does_not_raise_the_budget() {
    let reads = |n: u32| {
        let mut h = HeaderMap::new();
        h.insert(
            "x-ms-ratelimit-remaining-subscription-reads",
            n.to_string().parse().unwrap(),
        );
        h
    };
    let mut b = Budget::default();
    // Request 10 was counted when 100 were left; request 5, sent before it, when 200 were
    // (its answer crossed 10's on the way back).
    b.note(&reads(100), 10);
    b.note(&reads(200), 5);
    assert_eq!(b.reads, Some(100));
    // A lower figure from an earlier request is taken (it reached ARM later: a new
    // connection), and a later one's figure still replaces it.
    b.note(&reads(95), 9);
    assert_eq!(b.reads, Some(95));
    b.note(&reads(99), 8);
    assert_eq!(b.reads, Some(95));
    // A later request's figure is taken, higher (refilled) or lower.
    b.note(&reads(120), 11);
    assert_eq!(b.reads, Some(120));
    b.note(&reads(90), 12);
    assert_eq!(b.reads, Some(90));
    // The writes figure keeps its own order.
    let mut h = HeaderMap::new();
    h.insert(
        "x-ms-ratelimit-remaining-subscription-writes",
        "150".parse().unwrap(),
    );
    b.note(&h, 3);
    assert_eq!((b.writes, b.reads), (Some(150), Some(90)));
}

#[test]
fn resource_graph_quota_headers_are_read_and_name_the_wait_of_a_429() {
    let mut h = HeaderMap::new();
    h.insert("x-ms-user-quota-remaining", "0".parse().unwrap());
    h.insert("x-ms-user-quota-resets-after", "00:00:03".parse().unwrap());
    let mut b = Budget::default();
    assert!(!b.graph_exhausted());
    b.note(&h, 0);
    assert_eq!(b.graph_queries, Some(0));
    assert!(b.graph_exhausted());
    // ARG's 429 names its window's end, not a Retry-After.
    assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
    h.insert(
        "x-ms-user-quota-resets-after",
        "01:02:03.5".parse().unwrap(),
    );
    assert_eq!(
        quota_resets_after(&h),
        Some(Duration::from_secs_f64(3723.5))
    );
    h.insert("x-ms-user-quota-resets-after", "soon".parse().unwrap());
    assert_eq!(quota_resets_after(&h), None);
    // Queries left: not exhausted; ARM's read figure is untouched.
    h.insert("x-ms-user-quota-remaining", "14".parse().unwrap());
    b.note(&h, 0);
    assert!(!b.graph_exhausted());
    assert_eq!(b.reads, None);
}

#[test]
fn an_error_with_details_says_the_first_one() {
    let body = br#"{"error":{"code":"BadRequest","message":"Please provide below info when asking for support: timestamp = x, correlationId = y.","details":[{"code":"InvalidQuery","message":"Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying."},{"code":"ParserFailure","message":"ParserFailure","line":1,"characterPositionInLine":12,"token":"summarize"}]}}"#;
    let ErrorKind::Api { code, message, .. } = arm_error(400, &Bytes::from_static(body)) else {
        panic!("an API error");
    };
    assert_eq!(code, "BadRequest");
    assert!(
        message.contains("(InvalidQuery: Query is invalid."),
        "{message}"
    );
}

#[test]
fn the_writes_left_refill_at_the_documented_rate_from_the_last_figure() {
    let b = Budget {
        writes: Some(4),
        writes_at: Some(Instant::now() - Duration::from_millis(500)),
        ..Default::default()
    };
    // 4 left half a second ago, +10/s: 9 now.
    let now = b.writes_now().unwrap();
    assert!((9..=10).contains(&now), "{now}");
    let full = Budget {
        writes: Some(190),
        writes_at: Some(Instant::now() - Duration::from_secs(60)),
        ..Default::default()
    };
    assert_eq!(full.writes_now(), Some(Budget::WRITE_BUCKET));
    assert_eq!(Budget::default().writes_now(), None);
}

#[test]
fn the_read_gate_sends_while_the_estimate_is_above_the_reserve() {
    // No figure yet: the read goes (its answer tells), however many are in flight.
    assert_eq!(read_gate(None, Duration::ZERO, 500, 60), None);
    // 200 left, 10 in flight: 190 above a reserve of 60.
    assert_eq!(read_gate(Some(200), Duration::ZERO, 10, 60), None);
    // 61 left and nothing in flight is one above the reserve; 60 is not.
    assert_eq!(read_gate(Some(61), Duration::ZERO, 0, 60), None);
    assert!(read_gate(Some(60), Duration::ZERO, 0, 60).is_some());
    // A foreground client keeps no reserve: 5 left with 4 in flight goes, with 5 it waits.
    assert_eq!(read_gate(Some(5), Duration::ZERO, 4, 0), None);
    assert!(read_gate(Some(5), Duration::ZERO, 5, 0).is_some());
    // 50 left a second ago is 75 now at the documented 25/s: above 60.
    assert_eq!(read_gate(Some(50), Duration::from_secs(1), 0, 60), None);
}

#[test]
fn the_read_gate_waits_what_the_documented_refill_needs() {
    let ms = |m: u64| Duration::from_millis(m);
    let close = |got: Option<Duration>, want: Duration| {
        let got = got.expect("it waits");
        assert!(
            got.abs_diff(want) <= ms(2),
            "waits {got:?}, expected {want:?}"
        );
    };
    // 70 left and 10 in flight is 60: one token short of going, 40 ms at 25/s.
    close(read_gate(Some(70), Duration::ZERO, 10, 60), ms(40));
    // 50 left 200 ms ago is 55 now: 6 short, 240 ms.
    close(read_gate(Some(50), ms(200), 0, 60), ms(240));
    // Far short (none left, a reserve of 60): at most a second before looking again.
    close(
        read_gate(Some(0), Duration::ZERO, 0, 60),
        Duration::from_secs(1),
    );
    // A fraction of a token short: at least 20 ms.
    close(read_gate(Some(60), ms(39), 0, 60), ms(20));
    // A full bucket by the estimate, but 200 in flight: refill cannot make room, only answers
    // (which wake the read at once): a second.
    close(
        read_gate(Some(250), Duration::ZERO, 200, 60),
        Duration::from_secs(1),
    );
    // The reserve is the engine's: one number.
    assert_eq!(BACKGROUND_READ_RESERVE, 60);
}

#[test]
fn azure_time_never_steps_back_on_a_date_header_s_rounding_but_follows_a_real_change() {
    let t0 = time::macros::datetime!(2026-12-02 03:00:00 UTC);
    let start = Instant::now();
    let mut clock = ServerClock {
        date: Some((t0, start)),
        given: None,
    };
    let at = |ms: u64| start + Duration::from_millis(ms);
    assert_eq!(clock.now(at(900)), t0 + time::Duration::milliseconds(900));
    // The next answer says 03:00:00 again (to the second), 100 ms later: held, not 0.8 s back.
    clock.date = Some((t0, at(1_000)));
    assert_eq!(clock.now(at(1_000)), t0 + time::Duration::milliseconds(900));
    assert_eq!(clock.now(at(1_050)), t0 + time::Duration::milliseconds(900));
    // It goes on from the header once that is ahead again.
    assert_eq!(clock.now(at(1_950)), t0 + time::Duration::milliseconds(950));
    // A clock rewound by an hour (a restarted simulator) is followed, not held.
    let rewound = t0 - time::Duration::hours(1);
    clock.date = Some((rewound, at(2_000)));
    assert_eq!(clock.now(at(2_000)), rewound);
}
