//! Tests of the server.
use super::*;

/// Only ARM's two api-version forms are accepted.
#[test]
fn api_version_forms() {
    assert!(is_api_version("2025-01-01"));
    assert!(is_api_version("2024-10-01-preview"));
    assert!(!is_api_version("2025-1-01"));
    assert!(!is_api_version("latest"));
    assert!(!is_api_version("2025-01-01-beta"));
}
