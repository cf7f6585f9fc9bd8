//! Azure Machine Learning operations (Microsoft.MachineLearningServices/workspaces: computes,
//! online endpoints and their deployments).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{ArmRequest, Body};
use crate::azure::api::versions::AML;
use crate::azure::error::{AzureError, ErrorKind};
use crate::azure::models::{OnlineEndpoint, ScaleSettings};

/// `PATCH {id}`: resizes an AmlCompute cluster (the body nests `properties` twice).
pub fn compute_scale(id: &str, scale: &ScaleSettings) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: id.to_string(),
        api_version: AML,
        query: &[],
        body: Body::Json(json!({"properties": {"properties": {"scaleSettings": scale}}})),
    }
}

/// `PUT {id}`: sets an online endpoint's traffic split (the body is the endpoint as it reads
/// when sent: `endpoint_with_traffic`).
pub fn endpoint_traffic(id: &str, traffic: &BTreeMap<String, u32>) -> ArmRequest {
    ArmRequest {
        method: "PUT",
        path: id.to_string(),
        api_version: AML,
        query: &[],
        body: Body::EndpointTraffic(traffic.clone()),
    }
}

/// The body of `endpoint_traffic`: `current` without its read-only fields, with `traffic`.
pub fn endpoint_with_traffic(
    id: &str,
    current: &OnlineEndpoint,
    traffic: &BTreeMap<String, u32>,
) -> Result<Value, AzureError> {
    let mut body = current.raw.clone();
    let Some(obj) = body.as_object_mut() else {
        return Err(AzureError::new(
            ErrorKind::Malformed("the endpoint is not a JSON object".into()),
            "PUT",
            id,
        ));
    };
    // Read-only fields are not sent back.
    for k in ["id", "name", "type", "systemData"] {
        obj.remove(k);
    }
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for k in ["provisioningState", "scoringUri", "swaggerUri"] {
            props.remove(k);
        }
        props.insert("traffic".into(), json!(traffic));
    }
    Ok(body)
}

/// `PATCH {endpoint}/deployments/{deployment}`: scales a managed online deployment.
pub fn deployment_scale(endpoint_id: &str, deployment: &str, instances: u32) -> ArmRequest {
    ArmRequest {
        method: "PATCH",
        path: format!("{endpoint_id}/deployments/{deployment}"),
        api_version: AML,
        query: &[],
        body: Body::Json(json!({"sku": {"capacity": instances}})),
    }
}
