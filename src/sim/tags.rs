//! The Tags API on a resource group (`{rg}/providers/Microsoft.Resources/tags/default`): where
//! the runbook's lock lives, so that a second operator is told who is already failing over.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::reply::{ArmError, Reply};
use super::routes::Request;
use super::world::World;

impl World {
    /// Reads or changes a resource group's tags (GET, PUT, PATCH Merge/Replace/Delete, DELETE)
    /// as ARM does, so the run lock can be taken, seen and released.
    pub fn rg_tags(&mut self, req: &Request<'_>, rg: &str) -> Result<Reply, ArmError> {
        let known = self
            .resources
            .iter()
            .any(|r| r.id.resource_group().eq_ignore_ascii_case(rg));
        if !known {
            return Err(ArmError::new(
                404,
                "ResourceGroupNotFound",
                format!("Resource group '{rg}' could not be found."),
            ));
        }
        let key = rg.to_ascii_lowercase();
        let body = req.body.clone().unwrap_or(Value::Null);
        let given: BTreeMap<String, String> = body
            .pointer("/properties/tags")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        let tags = self.rg_tags.entry(key).or_default();
        match req.method {
            "GET" => {}
            "PUT" => *tags = given,
            "PATCH" => match body
                .get("operation")
                .and_then(Value::as_str)
                .unwrap_or("Merge")
            {
                o if o.eq_ignore_ascii_case("merge") => tags.extend(given),
                o if o.eq_ignore_ascii_case("replace") => *tags = given,
                o if o.eq_ignore_ascii_case("delete") => tags.retain(|k, _| !given.contains_key(k)),
                o => {
                    return Err(ArmError::bad_request(
                        "InvalidTagOperation",
                        format!("operation '{o}' is not Merge, Replace or Delete."),
                    ));
                }
            },
            "DELETE" => tags.clear(),
            _ => {
                return Err(ArmError::new(
                    405,
                    "MethodNotAllowed",
                    "The tags API answers GET, PUT, PATCH and DELETE.",
                ));
            }
        }
        let path = req.path.trim_end_matches('/');
        Ok(Reply::ok(
            json!({"id": path, "name": "default", "type": "Microsoft.Resources/tags", "properties": {"tags": tags}}),
        ))
    }
}
