//! Azure Resource Graph (`POST /providers/Microsoft.ResourceGraph/resources`, ARM-API.md §1):
//! the queries azfailover's collector sends, answered with the rows of the `Resources` table —
//! each simulated resource of a type Microsoft lists in that table ("Azure Resource Graph table
//! and resource type reference"), as its own GET renders it, with ARG's columns (`type` in
//! lower case, `subscriptionId`, `resourceGroup`, ...), paged by `$top` and an opaque
//! `$skipToken`.
//!
//! The KQL it understands is a subset: `Resources`, then `| where COLUMN in~ ('a', 'b')`
//! (also `in`, `=~`, `==`, `contains`, joined by `and`), `| project COLUMN, ...` and
//! `| limit N` / `| take N`. Anything else is refused with ARG's own error (400 `BadRequest`,
//! `details` `InvalidQuery` then a `ParserFailure` naming the token).
//!
//! In a regional outage ARG, a global service, goes on answering, with what it last knew: a
//! resource whose control plane does not answer keeps the row it had when its region went
//! down (ARG learns of changes from the resource providers' notifications and its own scans,
//! neither of which reaches it from a downed control plane). Otherwise rows are the resources
//! as they are now: the simulator does not play ARG's lag behind ARM (seconds, with no upper
//! bound documented).

use std::collections::HashMap;

use base64::Engine;
use serde_json::{Map, Value, json};

use super::State;
use crate::sim::reply::{ArmError, Reply};
use crate::sim::routes::Request;
use crate::sim::world::{ArmBehaviour, RegionStatus, World};

/// The path of a query, in lower case.
pub const PATH: &str = "/providers/microsoft.resourcegraph/resources";

/// Whether a request is a Resource Graph query (a read, though a POST).
pub fn is_query(method: &str, path: &str) -> bool {
    method.eq_ignore_ascii_case("POST")
        && path
            .trim_end_matches('/')
            .eq_ignore_ascii_case("/providers/Microsoft.ResourceGraph/resources")
}

/// The types of the simulated resources that ARG's `Resources` table carries (Microsoft's
/// list; not there: `workspaces/computes`, `servers/failovergroups`, Front Door origin groups).
const DOCUMENTED: &[&str] = &[
    "microsoft.containerregistry/registries",
    "microsoft.containerregistry/registries/replications",
    "microsoft.containerservice/managedclusters",
    "microsoft.dbformysql/flexibleservers",
    "microsoft.dbforpostgresql/flexibleservers",
    "microsoft.documentdb/databaseaccounts",
    "microsoft.insights/components",
    "microsoft.keyvault/vaults",
    "microsoft.machinelearningservices/workspaces",
    "microsoft.machinelearningservices/workspaces/onlineendpoints",
    "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments",
    "microsoft.network/trafficmanagerprofiles",
    "microsoft.sql/servers",
    "microsoft.storage/storageaccounts",
];

/// The columns of a `Resources` row, in ARG's order.
const COLUMNS: &[&str] = &[
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
    "managedBy",
    "sku",
    "plan",
    "properties",
    "tags",
    "identity",
    "zones",
    "extendedLocation",
];

/// Rows a page holds without `$top`, and at most.
const DEFAULT_TOP: usize = 100;
const MAX_TOP: usize = 1000;

/// Answers a query.
pub fn query(w: &World, req: &Request<'_>) -> Result<Reply, ArmError> {
    let body = req.body.clone().unwrap_or(Value::Null);
    let Some(text) = body.get("query").and_then(Value::as_str) else {
        return Ok(invalid(
            "The request body must name a 'query'.",
            json!({"code": "InvalidRequestContent", "message": "query is required"}),
        ));
    };
    let q = match parse(text) {
        Ok(q) => q,
        Err(e) => return Ok(e),
    };
    let options = &body["options"];
    // A token carries where the next page starts and its size (the example of the next page
    // sends only the token and gets the first page's size).
    let from_token = match options.get("$skipToken").and_then(Value::as_str) {
        Some(token) => match read_token(token, text) {
            Some(t) => Some(t),
            None => {
                return Ok(invalid(
                    "The $skipToken is not valid for this query.",
                    json!({"code": "InvalidSkipToken", "message": "the $skipToken was not given by a page of this query"}),
                ));
            }
        },
        None => None,
    };
    let top = match options.get("$top") {
        None | Some(Value::Null) => from_token.map_or(DEFAULT_TOP, |(_, top)| top),
        Some(v) => match v.as_u64().map(|t| t as usize) {
            Some(t @ 1..=MAX_TOP) => t,
            _ => {
                return Ok(invalid(
                    "The $top option is out of range.",
                    json!({"code": "InvalidTop", "message": format!("$top must be from 1 to {MAX_TOP}")}),
                ));
            }
        },
    };
    let skip = match from_token {
        Some((skip, _)) => skip,
        None => options.get("$skip").and_then(Value::as_u64).unwrap_or(0) as usize,
    };
    let subscriptions: Option<Vec<String>> = body
        .get("subscriptions")
        .and_then(Value::as_array)
        .map(|s| {
            s.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect()
        });
    let mut rows: Vec<Map<String, Value>> = rows(w, &q)
        .into_iter()
        .filter(|r| {
            subscriptions.as_ref().is_none_or(|s| {
                s.contains(&r["subscriptionId"].as_str().unwrap_or_default().to_string())
            })
        })
        .filter(|r| q.filters.iter().all(|f| f.keeps(r)))
        .collect();
    if let Some(n) = q.limit {
        rows.truncate(n);
    }
    let total = rows.len();
    let page: Vec<Map<String, Value>> = rows
        .into_iter()
        .skip(skip)
        .take(top)
        .map(|r| q.project(r))
        .collect();
    let count = page.len();
    let table = options
        .get("resultFormat")
        .and_then(Value::as_str)
        .is_some_and(|f| f.eq_ignore_ascii_case("table"));
    let data = if table {
        as_table(&page)
    } else {
        Value::Array(page.into_iter().map(Value::Object).collect())
    };
    let mut answer = json!({
        "totalRecords": total, "count": count, "resultTruncated": "false", "facets": [],
        "data": data,
    });
    if skip + count < total {
        answer["$skipToken"] = Value::String(token(skip + count, top, text));
    }
    Ok(Reply::ok(answer))
}

/// The rows of the `Resources` table the world holds that may pass `q`'s filters on `type`
/// (the others are not rendered), sorted by id (what pages are cut from).
fn rows(w: &World, q: &Query) -> Vec<Map<String, Value>> {
    let wanted = |ty: &str| {
        q.filters
            .iter()
            .filter(|f| f.column == "type")
            .all(|f| f.keeps_value(ty))
    };
    let mut out = Vec::new();
    for i in 0..w.resources.len() {
        if !row_types(w, i).iter().any(|t| wanted(t)) {
            continue;
        }
        let key = w.resources[i].id.key();
        match w.graph_rows.get(&key).filter(|_| !answers(w, i)) {
            Some(last) => out.extend(last.iter().cloned()),
            None => out.extend(resource_rows(w, i)),
        }
    }
    if wanted("microsoft.sql/servers") {
        out.extend(servers(w));
    }
    let mut seen = HashMap::new();
    let mut rows: Vec<Map<String, Value>> = out
        .into_iter()
        .filter_map(row)
        .filter(|r| {
            let id = r["id"].as_str().unwrap_or_default().to_ascii_lowercase();
            seen.insert(id, ()).is_none()
        })
        .collect();
    rows.sort_by_key(|r| r["id"].as_str().unwrap_or_default().to_ascii_lowercase());
    rows
}

/// The lowercase types of resource `i`'s rows (its own, and its children's).
fn row_types(w: &World, i: usize) -> Vec<String> {
    let r = &w.resources[i];
    let own = r.id.full_type().to_ascii_lowercase();
    let child = match &r.state {
        State::Acr(_) => Some("microsoft.containerregistry/registries/replications"),
        State::Endpoint(_) => {
            Some("microsoft.machinelearningservices/workspaces/onlineendpoints/deployments")
        }
        State::Workspace => Some("microsoft.storage/storageaccounts"),
        _ => None,
    };
    std::iter::once(own)
        .chain(child.map(str::to_string))
        .collect()
}

/// Keeps the rows of every resource as they are now, before a region goes down: what ARG
/// goes on answering about the resources whose control plane is there (a region that answers
/// again has its rows rendered afresh).
pub fn remember(w: &mut World) {
    for i in 0..w.resources.len() {
        if answers(w, i) {
            let rows = resource_rows(w, i);
            w.graph_rows.insert(w.resources[i].id.key(), rows);
        }
    }
}

/// Whether resource `i`'s control plane answers now (its rows are current).
fn answers(w: &World, i: usize) -> bool {
    let id = w.resources[i].id.to_string();
    w.outage_region(i, &id).is_none_or(|r| {
        w.regions
            .get(&r)
            .is_none_or(|s| s.status != RegionStatus::Down || s.arm == ArmBehaviour::Up)
    })
}

/// The GET bodies of resource `i` and of the children ARG lists with it (a registry's
/// replications, an endpoint's deployments, a workspace's default storage account).
fn resource_rows(w: &World, i: usize) -> Vec<Value> {
    let r = &w.resources[i];
    let id = r.id.to_string();
    let mut out = vec![w.render(i, &id, false)];
    match &r.state {
        State::Acr(a) => {
            out.extend(a.replicas.iter().map(|(region, enabled)| {
                super::observe::render_replication(w, r, region, *enabled)
            }))
        }
        State::Endpoint(e) => out.extend(
            e.deployments
                .iter()
                .map(|d| super::aml::render_deployment(w, r, d)),
        ),
        State::Workspace => out.push(super::aml_readiness::render_default_storage(w, r)),
        _ => {}
    }
    out
}

/// The SQL servers of the failover groups (ARG has servers, not their groups).
fn servers(w: &World) -> Vec<Value> {
    super::sql::list_servers(w)
        .body
        .and_then(|b| b.get("value").cloned())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

/// A GET body as ARG's row: every column, `type` and `location` in lower case, the
/// subscription and resource group from the id; None for a type ARG's `Resources` lacks.
fn row(v: Value) -> Option<Map<String, Value>> {
    let Value::Object(mut body) = v else {
        return None;
    };
    let id = body.get("id")?.as_str()?.to_string();
    let ty = body.get("type")?.as_str()?.to_ascii_lowercase();
    if !DOCUMENTED.contains(&ty.as_str()) {
        return None;
    }
    let parsed = crate::config::ResourceId::parse(&id).ok()?;
    let location = body
        .get("location")
        .and_then(Value::as_str)
        .map(|l| l.to_ascii_lowercase().replace(' ', ""));
    let mut r = Map::new();
    for c in COLUMNS {
        let v = match *c {
            "id" => Value::String(id.clone()),
            "type" => Value::String(ty.clone()),
            "tenantId" => Value::String(super::TENANT.into()),
            "location" => location.clone().map_or(Value::Null, Value::String),
            "resourceGroup" => Value::String(parsed.resource_group().to_ascii_lowercase()),
            "subscriptionId" => Value::String(parsed.subscription().to_ascii_lowercase()),
            "tags" => body.remove("tags").unwrap_or_else(|| json!({})),
            "properties" => body.remove("properties").unwrap_or_else(|| json!({})),
            other => body.remove(other).unwrap_or(Value::Null),
        };
        r.insert((*c).to_string(), v);
    }
    Some(r)
}

/// Rows as ARG's `table` format: the columns (name and type), then each row's values.
fn as_table(page: &[Map<String, Value>]) -> Value {
    let names: Vec<&String> = page.first().map(|r| r.keys().collect()).unwrap_or_default();
    let kind = |v: Option<&Value>| match v {
        Some(Value::String(_)) => "string",
        Some(Value::Number(_)) => "integer",
        Some(Value::Bool(_)) => "boolean",
        _ => "object",
    };
    let columns: Vec<Value> = names
        .iter()
        .map(|n| json!({"name": n, "type": kind(page.first().and_then(|r| r.get(*n)))}))
        .collect();
    let rows: Vec<Value> = page
        .iter()
        .map(|r| Value::Array(names.iter().map(|n| r[*n].clone()).collect()))
        .collect();
    json!({"columns": columns, "rows": rows})
}

// ---- the KQL subset ---------------------------------------------------------------------------

/// A parsed query.
#[derive(Debug, Default)]
struct Query {
    filters: Vec<Filter>,
    project: Option<Vec<String>>,
    limit: Option<usize>,
}

/// One condition of a `where`.
#[derive(Debug)]
struct Filter {
    column: String,
    op: Op,
}

#[derive(Debug)]
enum Op {
    /// `in~`: any of them, case-insensitively.
    InCi(Vec<String>),
    /// `in`: any of them, exactly.
    In(Vec<String>),
    /// `=~`
    EqCi(String),
    /// `==`
    Eq(String),
    /// `contains`: a substring, case-insensitively.
    Contains(String),
}

impl Filter {
    /// Whether `row` passes.
    fn keeps(&self, row: &Map<String, Value>) -> bool {
        self.keeps_value(
            row.get(&self.column)
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )
    }

    /// Whether a row whose column holds `v` passes.
    fn keeps_value(&self, v: &str) -> bool {
        match &self.op {
            Op::InCi(list) => list.iter().any(|x| x.eq_ignore_ascii_case(v)),
            Op::In(list) => list.iter().any(|x| x == v),
            Op::EqCi(x) => x.eq_ignore_ascii_case(v),
            Op::Eq(x) => x == v,
            Op::Contains(x) => v.to_ascii_lowercase().contains(&x.to_ascii_lowercase()),
        }
    }
}

impl Query {
    /// The projected columns of a row, in the order `project` names them (a column the row
    /// lacks is null, as in ARG).
    fn project(&self, row: Map<String, Value>) -> Map<String, Value> {
        let Some(cols) = &self.project else {
            return row;
        };
        cols.iter()
            .map(|c| (c.clone(), row.get(c).cloned().unwrap_or(Value::Null)))
            .collect()
    }
}

/// The columns a `where` may test (string columns).
const FILTERABLE: &[&str] = &[
    "id",
    "name",
    "type",
    "tenantId",
    "kind",
    "location",
    "resourceGroup",
    "subscriptionId",
];

/// A token of the query and where it starts (a character position, as ARG counts).
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Sym(&'static str),
}

/// Splits a query into tokens; Err names the position of a character it cannot read.
fn tokens(text: &str) -> Result<Vec<(Tok, usize)>, (String, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != c {
                s.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err((chars[start..].iter().collect(), start));
            }
            i += 1;
            out.push((Tok::Str(s), start));
            continue;
        }
        if let Some(sym) = ["in~", "=~", "=="]
            .iter()
            .find(|s| chars[i..].iter().take(s.len()).copied().eq(s.chars()))
        {
            let sym: &'static str = sym;
            i += sym.chars().count();
            out.push((Tok::Sym(sym), start));
            continue;
        }
        if let Some(sym) = ["|", "(", ")", ","].iter().find(|s| s.starts_with(c)) {
            i += 1;
            out.push((Tok::Sym(sym), start));
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut s = String::new();
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                s.push(chars[i]);
                i += 1;
            }
            out.push((Tok::Word(s), start));
            continue;
        }
        return Err((c.to_string(), start));
    }
    Ok(out)
}

/// Parses the subset; Err is ARG's 400 answer.
fn parse(text: &str) -> Result<Query, Reply> {
    let toks = tokens(text).map_err(|(t, at)| parser_failure(&t, at))?;
    let mut p = Parser { toks, at: 0 };
    match p.next() {
        Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("resources") => {}
        Some((t, at)) => {
            return Err(unsupported(
                &show(&t),
                at,
                "the simulator's Resource Graph answers the Resources table only",
            ));
        }
        None => return Err(parser_failure("", 0)),
    }
    let mut q = Query::default();
    while let Some((t, at)) = p.next() {
        if t != Tok::Sym("|") {
            return Err(parser_failure(&show(&t), at));
        }
        let Some((Tok::Word(op), at)) = p.next() else {
            return Err(parser_failure("|", at));
        };
        match op.to_ascii_lowercase().as_str() {
            "where" => loop {
                q.filters.push(p.condition()?);
                match p.peek() {
                    Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("and") => {
                        p.next();
                    }
                    _ => break,
                }
            },
            "project" => {
                let mut cols = Vec::new();
                loop {
                    let (name, at) = p.word()?;
                    let Some(col) = COLUMNS.iter().find(|c| c.eq_ignore_ascii_case(&name)) else {
                        return Err(unsupported(
                            &name,
                            at,
                            "the simulator projects Resources' own columns only",
                        ));
                    };
                    cols.push((*col).to_string());
                    if p.peek().map(|(t, _)| t) != Some(&Tok::Sym(",")) {
                        break;
                    }
                    p.next();
                }
                q.project = Some(cols);
            }
            "limit" | "take" => {
                let (n, at) = p.word()?;
                let n = n.parse::<usize>().map_err(|_| parser_failure(&n, at))?;
                q.limit = Some(q.limit.map_or(n, |l| l.min(n)));
            }
            _ => {
                return Err(unsupported(
                    &op,
                    at,
                    "the simulator's Resource Graph answers where, project and limit/take only",
                ));
            }
        }
    }
    Ok(q)
}

/// Reads tokens in order.
struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<(Tok, usize)> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn peek(&self) -> Option<&(Tok, usize)> {
        self.toks.get(self.at)
    }

    /// Where the query ends (for an error at its end).
    fn end(&self) -> usize {
        self.toks.last().map_or(0, |(_, at)| *at + 1)
    }

    fn word(&mut self) -> Result<(String, usize), Reply> {
        match self.next() {
            Some((Tok::Word(w), at)) => Ok((w, at)),
            Some((t, at)) => Err(parser_failure(&show(&t), at)),
            None => Err(parser_failure("", self.end())),
        }
    }

    fn string(&mut self) -> Result<String, Reply> {
        match self.next() {
            Some((Tok::Str(s), _)) => Ok(s),
            Some((t, at)) => Err(parser_failure(&show(&t), at)),
            None => Err(parser_failure("", self.end())),
        }
    }

    /// `COLUMN OP VALUE`.
    fn condition(&mut self) -> Result<Filter, Reply> {
        let (name, at) = self.word()?;
        let Some(column) = FILTERABLE.iter().find(|c| c.eq_ignore_ascii_case(&name)) else {
            return Err(unsupported(
                &name,
                at,
                "the simulator filters on id, name, type, tenantId, kind, location, resourceGroup and subscriptionId",
            ));
        };
        let op = match self.next() {
            Some((Tok::Sym("in~"), _)) => Op::InCi(self.list()?),
            Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("in") => Op::In(self.list()?),
            Some((Tok::Sym("=~"), _)) => Op::EqCi(self.string()?),
            Some((Tok::Sym("=="), _)) => Op::Eq(self.string()?),
            Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case("contains") => {
                Op::Contains(self.string()?)
            }
            Some((t, at)) => return Err(parser_failure(&show(&t), at)),
            None => return Err(parser_failure("", self.end())),
        };
        Ok(Filter {
            column: (*column).to_string(),
            op,
        })
    }

    /// `('a', 'b', ...)`.
    fn list(&mut self) -> Result<Vec<String>, Reply> {
        match self.next() {
            Some((Tok::Sym("("), _)) => {}
            Some((t, at)) => return Err(parser_failure(&show(&t), at)),
            None => return Err(parser_failure("", self.end())),
        }
        let mut out = Vec::new();
        loop {
            out.push(self.string()?);
            match self.next() {
                Some((Tok::Sym(","), _)) => {}
                Some((Tok::Sym(")"), _)) => return Ok(out),
                Some((t, at)) => return Err(parser_failure(&show(&t), at)),
                None => return Err(parser_failure("", self.end())),
            }
        }
    }
}

/// A token as the query wrote it.
fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w.clone(),
        Tok::Str(s) => format!("'{s}'"),
        Tok::Sym(s) => (*s).to_string(),
    }
}

/// ARG's 400 for a query it cannot run: `BadRequest`, then `InvalidQuery` and `detail`.
fn invalid(what: &str, detail: Value) -> Reply {
    Reply {
        status: 400,
        headers: Vec::new(),
        body: Some(json!({"error": {
            "code": "BadRequest",
            "message": crate::sim::throttle::support_message(),
            "details": [
                {"code": "InvalidQuery", "message": format!("Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying. {what}").trim_end().to_string()},
                detail
            ]
        }})),
    }
}

/// A query that does not parse, at character `at` (ARG's `ParserFailure`).
fn parser_failure(token: &str, at: usize) -> Reply {
    invalid(
        "",
        json!({"code": "ParserFailure", "message": "ParserFailure", "line": 1,
               "characterPositionInLine": at, "token": token}),
    )
}

/// A query outside the subset the simulator answers (real ARG may run it).
fn unsupported(token: &str, at: usize, why: &str) -> Reply {
    invalid(
        "",
        json!({"code": "ParserFailure", "message": why, "line": 1,
               "characterPositionInLine": at, "token": token}),
    )
}

/// The opaque `$skipToken` of the page of `top` rows starting at row `skip` of `query`.
fn token(skip: usize, top: usize, query: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(json!({"skip": skip, "top": top, "query": fnv(query)}).to_string())
}

/// Where the page of a `$skipToken` starts and its size, if the token is one of `query`'s.
fn read_token(token: &str, query: &str) -> Option<(usize, usize)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    (v["query"].as_str()? == fnv(query)).then_some(())?;
    let top = usize::try_from(v["top"].as_u64()?)
        .ok()
        .filter(|t| (1..=MAX_TOP).contains(t))?;
    Some((usize::try_from(v["skip"].as_u64()?).ok()?, top))
}

/// A short hash of a query, so that a token goes only with its own query.
fn fnv(s: &str) -> String {
    crate::sim::fingerprint(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query_of(text: &str) -> Query {
        parse(text).unwrap_or_else(|r| panic!("{text}: {:?}", r.body))
    }

    fn detail(r: Reply) -> Value {
        let body = r.body.unwrap();
        assert_eq!(body["error"]["code"], "BadRequest");
        assert_eq!(body["error"]["details"][0]["code"], "InvalidQuery");
        body["error"]["details"][1].clone()
    }

    #[test]
    fn the_collectors_query_parses() {
        let q = query_of(
            "Resources | where type in~ ('microsoft.keyvault/vaults', 'Microsoft.Insights/components') \
             | where subscriptionId in~ ('S1') | project id, name, type, location, kind, sku, properties, identity, tags",
        );
        assert_eq!(q.filters.len(), 2);
        assert_eq!(q.project.as_ref().unwrap().len(), 9);
        let row: Map<String, Value> = serde_json::from_value(
            json!({"type": "microsoft.insights/components", "subscriptionId": "s1"}),
        )
        .unwrap();
        assert!(q.filters.iter().all(|f| f.keeps(&row)));
        let q =
            query_of("resources | where name contains 'TEST' and type =~ 'x' | take 3 | limit 5");
        assert_eq!(q.limit, Some(3));
        assert_eq!(q.filters.len(), 2);
    }

    #[test]
    fn anything_else_is_arg_s_invalid_query() {
        let d = detail(parse("Resources | summarize count() by type").unwrap_err());
        assert_eq!(d["code"], "ParserFailure");
        assert_eq!(d["token"], "summarize");
        assert_eq!(d["characterPositionInLine"], 12);
        let d = detail(parse("Resources | where type in~ ('a'").unwrap_err());
        assert_eq!(d["code"], "ParserFailure");
        let d = detail(parse("Resources | where name contains 'unclosed").unwrap_err());
        assert_eq!(d["token"], "'unclosed");
        assert_eq!(
            detail(parse("ResourceContainers").unwrap_err())["token"],
            "ResourceContainers"
        );
        assert_eq!(
            detail(parse("Resources | where properties.x == 'y'").unwrap_err())["token"],
            "properties.x"
        );
    }

    #[test]
    fn a_token_goes_with_its_own_query() {
        let t = token(7, 3, "Resources");
        assert_eq!(read_token(&t, "Resources"), Some((7, 3)));
        assert_eq!(read_token(&t, "Resources | take 1"), None);
        assert_eq!(read_token("not base64!", "Resources"), None);
    }
}
