//! What a simulated ARM handler answers: a status, headers and an optional JSON body, and ARM's
//! error shape.

use serde_json::{Value, json};

/// An ARM error: HTTP status plus the `{"error":{"code","message"}}` body.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArmError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ArmError {
    /// An error with a status, ARM code and message.
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ArmError {
        ArmError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// 400 with a code.
    pub fn bad_request(code: &str, message: impl Into<String>) -> ArmError {
        ArmError::new(400, code, message)
    }

    /// 404 ResourceNotFound for a path.
    pub fn not_found(what: &str) -> ArmError {
        ArmError::new(
            404,
            "ResourceNotFound",
            format!("The Resource '{what}' was not found."),
        )
    }

    /// 409 Conflict for a resource busy with another operation.
    pub fn conflict(code: &str, message: impl Into<String>) -> ArmError {
        ArmError::new(409, code, message)
    }

    /// 503 for an operation whose region went down before it could take effect.
    pub fn unavailable(region: &crate::region::Region) -> ArmError {
        ArmError::new(
            503,
            "ServiceUnavailable",
            format!("The operation could not be completed: region '{region}' is unavailable."),
        )
    }

    /// The JSON body ARM sends.
    pub fn body(&self) -> Value {
        json!({"error": {"code": self.code, "message": self.message}})
    }
}

/// A list's body, `{"value": items}`, built around the items as they are: `json!` would copy
/// every item through the serializer first (a list of a thousand resources is most of what a
/// simulated request costs).
pub fn list_body(items: Vec<Value>) -> Value {
    let mut body = serde_json::Map::new();
    body.insert("value".into(), Value::Array(items));
    Value::Object(body)
}

/// A response to send.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// A status with no body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

impl From<ArmError> for Reply {
    /// An ARM error as its answer: the error's status and ARM's error body.
    fn from(e: ArmError) -> Reply {
        Reply {
            status: e.status,
            headers: Vec::new(),
            body: Some(e.body()),
        }
    }
}
