//! Azure Resource Graph (`Microsoft.ResourceGraph`, api-version 2024-04-01): the query request
//! and the answer of `POST /providers/Microsoft.ResourceGraph/resources` (ARM-API.md §1). A
//! query runs over subscriptions at once; its answer comes in pages, the next one asked for
//! by sending the same query again with the page's `$skipToken`.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The body of a query.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueryRequest {
    /// The subscriptions it runs over.
    pub subscriptions: Vec<String>,
    /// The KQL query (`Resources | where type in~ (...) | project ...`).
    pub query: String,
    pub options: QueryRequestOptions,
}

/// `options` of a query.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct QueryRequestOptions {
    /// Rows per page, 1 to 1000.
    #[serde(rename = "$top")]
    pub top: u32,
    /// The page after the one that gave this token.
    #[serde(rename = "$skipToken", skip_serializing_if = "Option::is_none")]
    pub skip_token: Option<String>,
    /// `objectArray` (rows as objects) or `table` (columns and rows).
    #[serde(rename = "resultFormat")]
    pub result_format: String,
}

impl QueryRequest {
    /// The first page of `query` over `subscriptions`, `top` rows a page, rows as objects.
    pub fn new(subscriptions: &[String], query: &str, top: u32) -> QueryRequest {
        QueryRequest {
            subscriptions: subscriptions.to_vec(),
            query: query.to_string(),
            options: QueryRequestOptions {
                top: top.clamp(1, 1000),
                skip_token: None,
                result_format: "objectArray".into(),
            },
        }
    }
}

/// One page of a query's answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResponse {
    /// Rows the whole query matched (every page).
    #[serde(default)]
    pub total_records: i64,
    /// Rows on this page.
    #[serde(default)]
    pub count: i64,
    /// Whether the answer was cut short (ARG writes the string `"true"` or `"false"`).
    #[serde(default, deserialize_with = "truncated")]
    pub result_truncated: bool,
    /// Present only when another page follows.
    #[serde(rename = "$skipToken", default)]
    pub skip_token: Option<String>,
    /// The rows, as objects (a `table` answer is turned into objects).
    #[serde(default, deserialize_with = "rows")]
    pub data: Vec<Map<String, Value>>,
    #[serde(default)]
    pub facets: Vec<Value>,
}

/// `resultTruncated`: the strings `"true"` / `"false"` (a JSON boolean is read too).
fn truncated<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// `data`: an array of row objects (`objectArray`), or `{"columns": [{"name"}], "rows": [[..]]}`
/// (`table`), turned into objects by column name.
fn rows<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Map<String, Value>>, D::Error> {
    use serde::de::Error;
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Ok(m),
                other => Err(D::Error::custom(format!("a row is not an object: {other}"))),
            })
            .collect(),
        Value::Object(table) => {
            let names: Vec<String> = table
                .get("columns")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| c["name"].as_str().unwrap_or_default().to_string())
                .collect();
            Ok(table
                .get("rows")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_array)
                .map(|cells| names.iter().cloned().zip(cells.iter().cloned()).collect())
                .collect())
        }
        other => Err(D::Error::custom(format!(
            "data is neither rows nor a table: {other}"
        ))),
    }
}

/// Every row of a query, all pages read.
#[derive(Debug, Clone, Default)]
pub struct QueryRows {
    pub rows: Vec<Map<String, Value>>,
    /// What the first page said the query matched.
    pub total_records: i64,
    /// Pages read (requests sent, retries aside).
    pub pages: u32,
    /// Some page said the answer was cut short.
    pub truncated: bool,
}

impl QueryRows {
    /// A row as the resource's own GET would carry it: the columns that are null left out, so
    /// that a typed model's defaults apply (ARG writes null for a projected column a resource
    /// does not have).
    pub fn resource(row: &Map<String, Value>) -> Value {
        Value::Object(
            row.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn truncated_is_a_string_and_tables_become_rows() {
        let p: QueryResponse = serde_json::from_value(json!({
            "totalRecords": 2, "count": 2, "resultTruncated": "true", "facets": [],
            "data": {"columns": [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"}],
                     "rows": [["/a", 1], ["/b", 2]]}
        }))
        .unwrap();
        assert!(p.result_truncated);
        assert!(p.skip_token.is_none());
        assert_eq!(p.data.len(), 2);
        assert_eq!(p.data[1]["id"], "/b");
        assert_eq!(p.data[1]["n"], 2);
        let p: QueryResponse =
            serde_json::from_value(json!({"resultTruncated": "false", "data": []})).unwrap();
        assert!(!p.result_truncated && p.data.is_empty());
    }

    #[test]
    fn a_request_says_top_and_the_token_only_when_there_is_one() {
        let mut r = QueryRequest::new(&["s".into()], "Resources", 5000);
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"subscriptions": ["s"], "query": "Resources",
                   "options": {"$top": 1000, "resultFormat": "objectArray"}})
        );
        r.options.skip_token = Some("t".into());
        assert_eq!(
            serde_json::to_value(&r).unwrap()["options"]["$skipToken"],
            "t"
        );
    }

    #[test]
    fn null_columns_are_left_out_of_a_resource() {
        let row = json!({"id": "/x", "name": "x", "sku": null, "properties": {}});
        let v = QueryRows::resource(row.as_object().unwrap());
        assert!(v.get("sku").is_none());
        assert_eq!(v["name"], "x");
    }
}
