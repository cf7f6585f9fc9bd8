//! Resource Health and Service Health, for every resource alike: what the console's health
//! screen and the runbook's preconditions read to tell an outage from a healthy region. A
//! provider only adds its own exceptions (`Provider::availability`, `microsoft_managed`).

use serde_json::{Map, Value, json};

use super::providers::CREATED;
use super::reply::Reply;
use super::routes::Request;
use super::world::{Incident, RegionStatus, World};
use crate::timefmt::rfc3339;

impl World {
    /// Availability for Resource Health: state, title, summary.
    pub fn availability(&self, i: usize) -> (&'static str, String, String) {
        let r = &self.resources[i];
        let region = self.serving_region(i);
        if r.down {
            return (
                "Unavailable",
                "Unavailable".into(),
                format!("The resource '{}' is unavailable.", r.id.name()),
            );
        }
        let provider = r.state.provider();
        if let Some(own) = provider.availability(self, i) {
            return own;
        }
        match self.region_status(&region) {
            RegionStatus::Down if provider.microsoft_managed() => (
                "Degraded",
                "Degraded".into(),
                format!(
                    "An Azure service issue in {} affects this resource; Microsoft-managed replicas in other regions keep serving (writes may be unavailable).",
                    region.display_name()
                ),
            ),
            RegionStatus::Down => (
                "Unavailable",
                "Unavailable".into(),
                format!(
                    "An Azure service issue in {} is affecting this resource.",
                    region.display_name()
                ),
            ),
            RegionStatus::Degraded => (
                "Degraded",
                "Degraded".into(),
                format!(
                    "An Azure service issue in {} is degrading this resource.",
                    region.display_name()
                ),
            ),
            RegionStatus::Up => (
                "Available",
                "Available".into(),
                "There aren't any known Azure platform problems affecting this resource.".into(),
            ),
        }
    }

    /// Resource Health's current availability of resource `i`, as ARM writes it.
    pub fn availability_json(&self, i: usize) -> Value {
        let r = &self.resources[i];
        let (state, title, summary) = self.availability(i);
        let now = rfc3339(self.now());
        let since = self
            .regions
            .get(&self.serving_region(i))
            .and_then(|s| s.since)
            .map(rfc3339)
            .unwrap_or_else(|| CREATED.to_string());
        let mut props = json!({
            "availabilityState": state, "title": title, "summary": summary,
            "reasonType": if state == "Available" { "" } else { "Unplanned" },
            "context": if state == "Available" { "" } else { "Platform Initiated" },
            "category": if state == "Available" { "" } else { "Unplanned" },
            "reasonChronicity": if state == "Available" { "Persistent" } else { "Transient" },
            "detailedStatus": summary, "occuredTime": since, "reportedTime": now,
            "recommendedActions": [
                {"action": "Check Azure Service Health for incidents in this region", "actionUrl": "<#ServiceHealth>", "actionUrlText": "Service Health"}
            ]
        });
        let m: &mut Map<String, Value> = props.as_object_mut().expect("object");
        if state != "Available" {
            m.insert("rootCauseAttributionTime".into(), json!(since));
            m.insert("resolutionETA".into(), Value::Null);
        } else if let Some(inc) = self.recently_resolved(i) {
            // An outage of the serving region that ended within the last day.
            m.insert(
                "recentlyResolved".into(),
                json!({
                    "unavailableOccuredTime": rfc3339(inc.started),
                    "resolvedTime": inc.mitigated.map(rfc3339),
                    "unavailableSummary": format!("An Azure service issue in {} made this resource unavailable.", inc.region.display_name()),
                }),
            );
        }
        json!({
            "id": format!("{}/providers/Microsoft.ResourceHealth/availabilityStatuses/current", r.id),
            "name": "current", "type": "Microsoft.ResourceHealth/AvailabilityStatuses",
            "location": self.serving_region(i).as_str(), "properties": props
        })
    }

    /// The latest outage (Critical incident) of resource `i`'s serving region that was mitigated
    /// in the last 24 hours of simulated time, for Resource Health's `recentlyResolved`.
    fn recently_resolved(&self, i: usize) -> Option<&Incident> {
        let region = self.serving_region(i);
        let now = self.now();
        self.incidents
            .iter()
            .filter(|inc| inc.region == region && inc.level == "Critical")
            .filter(|inc| {
                inc.mitigated
                    .is_some_and(|m| now - m <= time::Duration::hours(24))
            })
            .max_by_key(|inc| inc.mitigated)
    }

    /// The availability of every resource (of one resource group, if `rg`), paged as ARM pages
    /// a subscription-wide list.
    pub fn list_availability(&self, req: &Request<'_>, rg: Option<&str>) -> Reply {
        let mut items: Vec<Value> = self
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| rg.is_none_or(|g| r.id.resource_group().eq_ignore_ascii_case(g)))
            .map(|(i, _)| self.availability_json(i))
            .collect();
        // Pages of 1000 (or $top), continued by nextLink with $skipToken, as ARM pages.
        let page = req
            .query
            .get("$top")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(1000)
            .clamp(1, 1000);
        let skip = req
            .query
            .get("$skiptoken")
            .and_then(|t| t.parse::<usize>().ok())
            .unwrap_or(0);
        let total = items.len();
        let rest: Vec<Value> = items.drain(..).skip(skip).take(page).collect();
        let mut body = crate::sim::reply::list_body(rest);
        if skip + page < total {
            body["nextLink"] = json!(format!(
                "{}{}?api-version={}&$top={page}&$skipToken={}",
                req.base_url,
                req.path,
                req.api_version,
                skip + page
            ));
        }
        Reply::ok(body)
    }

    /// The Service Health events of the subscription: the incidents an outage or degradation
    /// raised, active or resolved.
    pub fn events(&self) -> Value {
        let value: Vec<Value> = self.incidents.iter().map(|inc| {
            let status = if inc.mitigated.is_some() { "Resolved" } else { "Active" };
            json!({
                "id": format!("/providers/Microsoft.ResourceHealth/events/{}", inc.tracking_id),
                "name": inc.tracking_id, "type": "/providers/Microsoft.ResourceHealth/events",
                "properties": {
                    "eventType": "ServiceIssue", "eventSource": "ServiceHealth", "status": status,
                    "title": inc.title,
                    "summary": format!("Starting at {} UTC, customers in {} may experience failures or high latency across multiple services.",
                        rfc3339(inc.started), inc.region.display_name()),
                    "header": "Your service might have been impacted by an Azure service issue",
                    "article": {"articleContent": format!("<p>{}</p>", inc.title)},
                    "links": [],
                    "level": if inc.level == "Critical" { "Critical" } else { "Warning" },
                    "eventLevel": inc.level,
                    "impactStartTime": rfc3339(inc.started),
                    "impactMitigationTime": inc.mitigated.map(rfc3339),
                    "impact": [{
                        "impactedService": "Multiple Services", "impactedServiceGuid": "00000000-0000-0000-0000-000000000001",
                        "impactedRegions": [{"impactedRegion": inc.region.display_name(), "status": status,
                            "impactedSubscriptions": [self.subscription], "impactedTenants": [],
                            "lastUpdateTime": rfc3339(inc.mitigated.unwrap_or(inc.started))}]
                    }],
                    "recommendedActions": {"message": "Consider failing over to your disaster-recovery region", "actions": [], "localeCode": "en"},
                    "faqs": [], "isHIR": false, "enableMicrosoftSupport": true, "enableChatWithUs": false,
                    "priority": if inc.level == "Critical" { 1 } else { 10 },
                    "lastUpdateTime": rfc3339(inc.mitigated.unwrap_or(inc.started)),
                    "hirStage": if inc.mitigated.is_some() { "resolved" } else { "active" }
                }
            })
        }).collect();
        crate::sim::reply::list_body(value)
    }
}
