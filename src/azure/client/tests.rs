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
