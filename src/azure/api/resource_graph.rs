//! Azure Resource Graph: one query over every subscription at once, read page by page. It is a
//! read, though ARG takes it as a POST: an [`ArmClient`] sends it in read-only mode too, with
//! the request deadline of every read, and it counts against ARG's own quota (tracked in
//! [`crate::azure::Budget`]), not ARM's write buckets.

use super::versions as v;
use crate::azure::client::{ArmClient, parse};
use crate::azure::error::{AzureError, ErrorKind};
use crate::azure::models::*;

/// The tenant-level path of a query (no subscription in it: the body names them).
pub const RESOURCE_GRAPH_PATH: &str = "/providers/Microsoft.ResourceGraph/resources";

/// Rows asked for per page: ARG's most.
pub const GRAPH_PAGE: u32 = 1000;

/// Pages read at most (a million rows): past it the answer is refused as malformed.
const MAX_PAGES: u32 = 1000;

impl ArmClient {
    /// Runs `query` over `subscriptions`, every page: the same query sent again with each
    /// page's `$skipToken` until a page has none.
    pub async fn resource_graph(
        &self,
        subscriptions: &[String],
        query: &str,
    ) -> Result<QueryRows, AzureError> {
        self.resource_graph_paged(subscriptions, query, GRAPH_PAGE)
            .await
    }

    /// `resource_graph` with `top` rows a page.
    pub async fn resource_graph_paged(
        &self,
        subscriptions: &[String],
        query: &str,
        top: u32,
    ) -> Result<QueryRows, AzureError> {
        let mut request = QueryRequest::new(subscriptions, query, top);
        let mut out = QueryRows::default();
        loop {
            let body = serde_json::to_value(&request).map_err(|e| {
                AzureError::new(
                    ErrorKind::Malformed(e.to_string()),
                    "POST",
                    RESOURCE_GRAPH_PATH,
                )
            })?;
            let resp = self
                .post_query(RESOURCE_GRAPH_PATH, v::RESOURCE_GRAPH, &body)
                .await?;
            let page: QueryResponse = parse(&resp, "POST", RESOURCE_GRAPH_PATH)?;
            if out.pages == 0 {
                out.total_records = page.total_records;
            }
            out.pages += 1;
            out.truncated |= page.result_truncated;
            out.rows.extend(page.data);
            let next = page.skip_token.filter(|t| !t.is_empty());
            let Some(token) = next else {
                return Ok(out);
            };
            if request.options.skip_token.as_deref() == Some(token.as_str())
                || out.pages >= MAX_PAGES
            {
                let mut err = AzureError::new(
                    ErrorKind::Malformed(format!(
                        "Resource Graph kept paging (page {} gave the same $skipToken or one too many)",
                        out.pages
                    )),
                    "POST",
                    RESOURCE_GRAPH_PATH,
                );
                err.request_id = resp.request_id;
                return Err(err);
            }
            request.options.skip_token = Some(token);
        }
    }
}
