//! The ARM write operations azfailover sends, each defined once: method, path, api-version,
//! query and body (ARM-API.md), one file per provider. `ArmWriter`'s typed methods and the
//! runbook's table of actions (`runbook::run::arm`) both build their requests here.

pub mod aks;
pub mod aml;
pub mod cosmos;
pub mod flex;
pub mod routing;
pub mod sql;
pub mod storage;

use std::collections::BTreeMap;

use serde_json::Value;

use super::client::{ArmWriter, Submitted};
use super::error::AzureError;

/// One mutating ARM request.
#[derive(Debug, Clone, PartialEq)]
pub struct ArmRequest {
    /// POST, PUT or PATCH.
    pub method: &'static str,
    /// The resource (or action) path, as the journal and the report name it.
    pub path: String,
    /// Sent as `?api-version=`.
    pub api_version: &'static str,
    /// Further query parameters.
    pub query: &'static [(&'static str, &'static str)],
    pub body: Body,
}

/// What a request carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    /// An online endpoint with a new traffic split: the endpoint as it reads now, its read-only
    /// fields dropped and `properties.traffic` replaced (a PUT of the whole endpoint, since a
    /// PATCH cannot change traffic).
    EndpointTraffic(BTreeMap<String, u32>),
}

impl ArmWriter {
    /// Sends a request built by one of this module's operations.
    pub async fn send(&self, r: &ArmRequest) -> Result<Submitted, AzureError> {
        let body = match &r.body {
            Body::None => None,
            Body::Json(v) => Some(v.clone()),
            Body::EndpointTraffic(traffic) => {
                let current = self.reader().online_endpoint(&r.path).await?;
                Some(aml::endpoint_with_traffic(&r.path, &current, traffic)?)
            }
        };
        self.submit(r.method, &r.path, r.api_version, r.query, body.as_ref())
            .await
    }
}
