//! How an ARM request finds its answer: a monitor of a long-running operation first, then
//! Azure Resource Graph's queries, then the subscription-wide answers (Resource Health, Service Health, resource-group tags), then what
//! every resource answers (its JSON, its availability), and last the providers' route table
//! (`providers::ROUTES`), where each provider declares `(kind, method, path, handler)`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::providers;
use super::reply::{ArmError, Reply};
use super::world::World;
use crate::config::ComponentKind;

/// One request, as the ARM layer sees it (auth and api-version already checked).
#[derive(Debug)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent (case kept).
    pub path: &'a str,
    /// Query parameters with lowercase names.
    pub query: &'a BTreeMap<String, String>,
    pub body: Option<Value>,
    /// `http://host:port` of this server, for absolute monitor URLs.
    pub base_url: &'a str,
    pub api_version: &'a str,
}

/// What a provider's handler is given: the request, the resource it is about, and the values of
/// the route's `{placeholders}` (in the case the client sent them).
pub struct Call<'a> {
    pub req: &'a Request<'a>,
    /// The resource's index in the world.
    pub i: usize,
    params: Vec<(&'static str, &'a str)>,
}

/// The body a request without one is treated as, so handlers read fields without unwrapping.
static NO_BODY: Value = Value::Null;

impl Call<'_> {
    /// The value of `{name}` in the route's path; empty if the route has no such placeholder.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v)
    }

    /// The JSON body, `null` when the client sent none (ARM reports the missing fields).
    pub fn body(&self) -> &Value {
        self.req.body.as_ref().unwrap_or(&NO_BODY)
    }
}

/// A provider's answer to one request about one of its resources.
pub type Handler = fn(&mut World, &Call<'_>) -> Result<Reply, ArmError>;

/// One line of the route table: requests with `method` about a resource of `kind` whose path
/// below the resource id is `path` (literal segments match in any case; `{name}` matches one
/// segment and is handed to the handler).
pub struct Route {
    pub kind: ComponentKind,
    pub method: &'static str,
    pub path: &'static str,
    pub handler: Handler,
}

impl Route {
    /// A route, written as a line of a provider's `ROUTES` table.
    pub const fn new(
        kind: ComponentKind,
        method: &'static str,
        path: &'static str,
        handler: Handler,
    ) -> Route {
        Route {
            kind,
            method,
            path,
            handler,
        }
    }

    /// The placeholders' values if `segs` (the path below the resource, split) is this route's
    /// path; None if it is another one.
    fn matches<'a>(&self, segs: &[&'a str]) -> Option<Vec<(&'static str, &'a str)>> {
        let pattern = segments(self.path);
        if pattern.len() != segs.len() {
            return None;
        }
        let mut params = Vec::new();
        for (p, s) in pattern.iter().zip(segs) {
            match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => params.push((name, *s)),
                None if p.eq_ignore_ascii_case(s) => {}
                None => return None,
            }
        }
        Some(params)
    }
}

/// A path's segments, ignoring empty ones (a trailing or doubled `/` changes nothing).
fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect()
}

/// The first route of the table that answers `method` on `rest` below a resource of `kind`.
fn route<'a>(
    kind: ComponentKind,
    method: &str,
    segs: &[&'a str],
) -> Option<(&'static Route, Vec<(&'static str, &'a str)>)> {
    providers::ROUTES
        .iter()
        .flat_map(|table| table.iter())
        .filter(|r| r.kind == kind && r.method == method)
        .find_map(|r| r.matches(segs).map(|params| (r, params)))
}

impl World {
    /// Answers an ARM request: the one entry point the server calls once a request is
    /// authenticated and versioned.
    pub fn handle(&mut self, req: &Request<'_>) -> Result<Reply, ArmError> {
        if req.method == "GET" {
            *self
                .gets
                .entry(req.path.trim_end_matches('/').to_ascii_lowercase())
                .or_default() += 1;
            if let Some(log) = self
                .get_log
                .as_mut()
                .filter(|l| l.len() < super::world::GET_LOG_MAX)
            {
                let query: String = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(req.query.iter())
                    .finish();
                log.push(format!("{}?{query}", req.path));
            }
        }
        if let Some(reply) = self.monitor(req.path, req) {
            return Ok(reply);
        }
        if providers::resource_graph::is_query(req.method, req.path) {
            self.graph_queries += 1;
            return providers::resource_graph::query(self, req);
        }
        if let Some(answer) = super::tenant::handle(self, req) {
            return answer;
        }
        let lower = req.path.to_ascii_lowercase();
        let segs: Vec<&str> = lower.trim_matches('/').split('/').collect();
        // Subscription and resource-group scoped Resource Health.
        if segs.len() >= 2 && segs[0] == "subscriptions" {
            if segs[1] != self.subscription.to_ascii_lowercase() {
                return Err(ArmError::new(
                    404,
                    "SubscriptionNotFound",
                    format!("The subscription '{}' could not be found.", segs[1]),
                ));
            }
            if segs.len() == 8
                && segs[2] == "resourcegroups"
                && segs[4..] == ["providers", "microsoft.resources", "tags", "default"]
            {
                return self.rg_tags(req, segs[3]);
            }
            let tail = segs[2..].join("/");
            let rg = (segs.len() >= 4 && segs[2] == "resourcegroups").then(|| segs[3]);
            let rg_tail = if segs.len() >= 4 {
                segs[4..].join("/")
            } else {
                String::new()
            };
            if req.method == "GET" {
                if tail == "providers/microsoft.resourcehealth/availabilitystatuses" {
                    return Ok(self.list_availability(req, None));
                }
                if let (Some(rg), "providers/microsoft.resourcehealth/availabilitystatuses") =
                    (rg, rg_tail.as_str())
                {
                    return Ok(self.list_availability(req, Some(rg)));
                }
                if tail == "providers/microsoft.resourcehealth/events" {
                    return Ok(Reply::ok(self.events()));
                }
                if tail == "providers/microsoft.sql/servers" {
                    return Ok(crate::sim::providers::sql::list_servers(self));
                }
                if let Some(reply) =
                    providers::aml_readiness::subscription_get(self, req, &segs[2..])
                {
                    return Ok(reply);
                }
                // Any other provider's list of its top-level resources.
                if let ["providers", ns, kind] = segs[2..] {
                    return Ok(self.list_by_subscription(ns, kind));
                }
            }
        }
        let Some((i, rest)) = self.find(req.path) else {
            return Err(ArmError::not_found(req.path));
        };
        let rest_lower = rest.to_ascii_lowercase();
        match (req.method, rest_lower.trim_end_matches('/')) {
            ("GET", "/providers/microsoft.resourcehealth/availabilitystatuses/current") => {
                return Ok(Reply::ok(self.availability_json(i)));
            }
            ("GET", "/providers/microsoft.resourcehealth/availabilitystatuses") => {
                return Ok(Reply::ok(json!({"value": [self.availability_json(i)]})));
            }
            ("GET", "") => {
                let expand = req
                    .query
                    .get("$expand")
                    .is_some_and(|e| e.to_ascii_lowercase().contains("georeplicationstats"));
                return Ok(Reply::ok(self.render(i, req.path, expand)));
            }
            _ => {}
        }
        let segs = segments(rest);
        match route(self.resources[i].kind, req.method, &segs) {
            Some((route, params)) => (route.handler)(self, &Call { req, i, params }),
            None if req.method == "GET" => Err(ArmError::not_found(req.path)),
            None => Err(ArmError::new(
                405,
                "MethodNotAllowed",
                format!(
                    "The simulator does not support {} on '{}'.",
                    req.method, req.path
                ),
            )),
        }
    }
}

/// A handler for paths ARM knows but the simulated resource does not have (404, not 405).
pub fn not_found(_: &mut World, call: &Call<'_>) -> Result<Reply, ArmError> {
    Err(ArmError::not_found(call.req.path))
}

impl World {
    /// Whether resource `i`'s control plane answers now: its region is not down, or ARM goes
    /// on answering for it.
    fn control_plane_answers(&self, i: usize) -> bool {
        let id = self.resources[i].id.to_string();
        self.outage_region(i, &id).is_none_or(|r| {
            self.regions.get(&r).is_none_or(|s| {
                s.status != crate::sim::world::RegionStatus::Down
                    || s.arm == crate::sim::world::ArmBehaviour::Up
            })
        })
    }

    /// `GET /subscriptions/{s}/providers/{namespace}/{type}`: every top-level resource of that
    /// type, each as its GET answers it — less those whose region's control plane does not
    /// answer now (their GET would fail: a list from the regions that answer, as ARM's fan-out
    /// gives). One page (the simulator's worlds are small enough).
    pub(crate) fn list_by_subscription(&self, namespace: &str, kind: &str) -> Reply {
        let suffix = format!("/providers/{namespace}/{kind}/");
        let mut value: Vec<serde_json::Value> = (0..self.resources.len())
            .filter(|&i| {
                let id = self.resources[i].id.to_string().to_ascii_lowercase();
                id.find(&suffix)
                    .is_some_and(|at| !id[at + suffix.len()..].contains('/'))
            })
            .filter(|&i| self.control_plane_answers(i))
            .map(|i| {
                let id = self.resources[i].id.to_string();
                self.render(i, &id, false)
            })
            .collect();
        // The accounts the simulated workspaces keep their own data in are the subscription's
        // too (their GET answers them): Accounts_List lists them beside the configured ones.
        if namespace.eq_ignore_ascii_case("microsoft.storage")
            && kind.eq_ignore_ascii_case("storageaccounts")
        {
            value.extend(
                (0..self.resources.len())
                    .filter(|&i| {
                        self.resources[i].kind == crate::config::ComponentKind::MlWorkspace
                    })
                    .filter(|&i| self.control_plane_answers(i))
                    .map(|i| {
                        providers::aml_readiness::render_default_storage(self, &self.resources[i])
                    }),
            );
        }
        Reply::ok(crate::sim::reply::list_body(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A literal segment matches in any case, a placeholder hands over the client's spelling.
    #[test]
    fn patterns_match_case_insensitively_and_capture_placeholders() {
        let r = Route::new(ComponentKind::Aks, "PUT", "/agentPools/{pool}", not_found);
        let params = r.matches(&["AGENTPOOLS", "Gpu"]).unwrap();
        assert_eq!(params, vec![("pool", "Gpu")]);
        assert!(r.matches(&["agentPools"]).is_none());
        assert!(r.matches(&["agentPools", "gpu", "x"]).is_none());
        assert!(r.matches(&["nodePools", "gpu"]).is_none());
        assert_eq!(segments("//failover/"), vec!["failover"]);
        assert!(segments("").is_empty());
    }

    /// Every route is reachable: no earlier line of the table answers its requests instead (a
    /// `{placeholder}` route written before a literal one would swallow it), and none is there
    /// twice.
    #[test]
    fn no_route_is_shadowed_by_an_earlier_one() {
        let all: Vec<&Route> = providers::ROUTES.iter().flat_map(|t| t.iter()).collect();
        for r in &all {
            let concrete: Vec<&str> = segments(r.path)
                .into_iter()
                .map(|s| if s.starts_with('{') { "x" } else { s })
                .collect();
            let (found, _) = route(r.kind, r.method, &concrete).expect("routes to itself");
            assert_eq!(
                found.path, r.path,
                "{} {} {} is answered by {}",
                r.kind, r.method, r.path, found.path
            );
            let twins = all
                .iter()
                .filter(|o| o.kind == r.kind && o.method == r.method)
                .filter(|o| o.path.eq_ignore_ascii_case(r.path))
                .count();
            assert_eq!(
                twins, 1,
                "{} {} {} is in the table twice",
                r.kind, r.method, r.path
            );
        }
    }

    /// Routes name the methods the server passes on as they arrive: upper case.
    #[test]
    fn methods_are_upper_case() {
        for r in providers::ROUTES.iter().flat_map(|t| t.iter()) {
            assert_eq!(r.method, r.method.to_ascii_uppercase(), "{}", r.path);
        }
    }
}
