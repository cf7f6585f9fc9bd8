//! Errors of the ARM client: what failed, on which resource, ARM's code and message, and the
//! request ids to quote to Azure support.

use std::fmt;

/// What kind of failure.
#[derive(Debug, Clone, PartialEq)]
pub enum ErrorKind {
    /// Signing in failed (exit 69).
    Auth(String),
    /// No connection could be made (exit 69).
    Unreachable(String),
    /// The per-request deadline or the total deadline passed.
    Deadline { after_ms: u64 },
    /// ARM answered with an error status.
    Api {
        status: u16,
        code: String,
        message: String,
    },
    /// ARM answered something that is not what the API promises.
    Malformed(String),
    /// A mutation's outcome is unknown (the request left, no answer came back): re-read the
    /// resource's state before doing anything else. It is never re-sent blindly.
    Ambiguous(String),
    /// The caller cancelled.
    Cancelled,
    /// A long-running operation ended Failed or Canceled.
    OperationFailed {
        status: String,
        code: String,
        message: String,
    },
}

/// An error of one ARM call.
#[derive(Debug, Clone, PartialEq)]
pub struct AzureError {
    pub kind: ErrorKind,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The resource path (without the host).
    pub path: String,
    /// ARM's `x-ms-request-id`, when an answer came back.
    pub request_id: Option<String>,
    /// Our `x-ms-client-request-id`.
    pub client_request_id: Option<String>,
    pub attempts: u32,
}

impl AzureError {
    pub(crate) fn new(kind: ErrorKind, method: &str, path: &str) -> AzureError {
        AzureError {
            kind,
            method: method.to_string(),
            path: path.to_string(),
            request_id: None,
            client_request_id: None,
            attempts: 1,
        }
    }

    /// ARM's error code, if ARM answered with one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Api { code, .. } | ErrorKind::OperationFailed { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if ARM answered.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the failure is about reaching Azure at all (exit 69 for one-shot commands).
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Auth(_) | ErrorKind::Unreachable(_) | ErrorKind::Deadline { .. }
        )
    }
}

impl fmt::Display for AzureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.method, self.path)?;
        match &self.kind {
            ErrorKind::Auth(m) => write!(f, "{m}")?,
            ErrorKind::Unreachable(m) => write!(f, "cannot reach Azure Resource Manager: {m}")?,
            ErrorKind::Deadline { after_ms } => write!(
                f,
                "no answer within {:.1} s (not responding)",
                *after_ms as f64 / 1000.0
            )?,
            ErrorKind::Api {
                status,
                code,
                message,
            } => write!(f, "{status} {code}: {message}")?,
            ErrorKind::Malformed(m) => write!(f, "unexpected answer: {m}")?,
            ErrorKind::Ambiguous(m) => write!(
                f,
                "outcome unknown ({m}); re-read the resource's state before retrying"
            )?,
            ErrorKind::Cancelled => write!(f, "cancelled")?,
            ErrorKind::OperationFailed {
                status,
                code,
                message,
            } => write!(f, "operation {status}: {code}: {message}")?,
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [x-ms-request-id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for AzureError {}
