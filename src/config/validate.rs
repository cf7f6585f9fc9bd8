//! Validation of a parsed configuration: every problem located (file:line:column) and named
//! in one pass, each component's targets checked against its kind.

use super::*;

pub(super) fn validate(raw: RawConfig, ck: &mut Checker<'_>, origin: &str) -> Config {
    let d = raw.deployment.into_inner();
    let region = |ck: &mut Checker<'_>, s: &Spanned<String>| -> Region {
        let r = Region::new(s.get_ref());
        if r.info().is_none() {
            let hint = r
                .suggestion()
                .map(|n| format!(" (did you mean '{n}'?)"))
                .unwrap_or_default();
            ck.at(
                s.span(),
                format!("unknown Azure region '{}'{hint}", s.get_ref()),
            );
        }
        r
    };
    let primary_region = region(ck, &d.primary_region);
    let secondary_region = region(ck, &d.secondary_region);
    if primary_region == secondary_region {
        ck.at(
            d.secondary_region.span(),
            "secondary_region must differ from primary_region",
        );
    }
    if d.name.get_ref().trim().is_empty() {
        ck.at(d.name.span(), "deployment name is empty");
    }
    bounded(ck, &d.name, "deployment name", NAME_MAX);
    if !is_guid(d.subscription_id.get_ref()) {
        ck.at(
            d.subscription_id.span(),
            format!(
                "subscription_id '{}' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                d.subscription_id.get_ref()
            ),
        );
    }
    for (v, key) in [
        (&d.rto_minutes, "rto_minutes"),
        (&d.rpo_minutes, "rpo_minutes"),
    ] {
        if *v.get_ref() == 0 {
            ck.at(v.span(), format!("{key} must be at least 1"));
        }
    }
    let arm_endpoint = match &d.arm_endpoint {
        None => PUBLIC_ARM_ENDPOINT.to_string(),
        Some(s) => {
            let url = s.get_ref().trim_end_matches('/').to_string();
            if let Some(rest) = url.strip_prefix("http://") {
                if !is_loopback_url(&url) {
                    ck.at(
                        s.span(),
                        format!(
                            "arm_endpoint uses plain http:// to '{}': a bearer token is only sent over plain HTTP to a loopback address (127.0.0.1, ::1, localhost); use https://",
                            rest.split('/').next().unwrap_or_default()
                        ),
                    );
                }
            } else if !url.starts_with("https://") {
                ck.at(
                    s.span(),
                    format!("arm_endpoint '{url}' must start with https:// (or http:// for a loopback simulator)"),
                );
            }
            url
        }
    };

    let auth = match raw.auth {
        None => Auth {
            method: AuthMethod::AzureCli,
            tenant_id: None,
            client_id: None,
        },
        Some(a) => {
            let a = a.into_inner();
            let method = AuthMethod::NAMES
                .iter()
                .find(|(n, _)| *n == a.method.get_ref())
                .map(|(_, m)| *m);
            let method = method.unwrap_or_else(|| {
                let names: Vec<_> = AuthMethod::NAMES.iter().map(|(n, _)| *n).collect();
                ck.at(
                    a.method.span(),
                    format!(
                        "unknown auth method '{}'; expected one of: {}",
                        a.method.get_ref(),
                        names.join(", ")
                    ),
                );
                AuthMethod::AzureCli
            });
            if method == AuthMethod::ClientSecret {
                for (v, key) in [(&a.tenant_id, "tenant_id"), (&a.client_id, "client_id")] {
                    if v.is_none() {
                        ck.at(
                            a.method.span(),
                            format!("auth method 'client-secret' needs {key} in [auth] (the secret itself comes only from AZURE_CLIENT_SECRET)"),
                        );
                    }
                }
            }
            if method == AuthMethod::Simulator && !is_loopback_url(&arm_endpoint) {
                ck.at(
                    a.method.span(),
                    format!("auth method 'simulator' sends a fixed development token and is refused unless arm_endpoint is a loopback address (it is '{arm_endpoint}')"),
                );
            }
            Auth {
                method,
                tenant_id: a.tenant_id.map(Spanned::into_inner),
                client_id: a.client_id.map(Spanned::into_inner),
            }
        }
    };

    let deployment = Deployment {
        name: d.name.into_inner(),
        subscription_id: d.subscription_id.into_inner(),
        primary_region: primary_region.clone(),
        secondary_region: secondary_region.clone(),
        rto_minutes: d.rto_minutes.into_inner(),
        rpo_minutes: d.rpo_minutes.into_inner(),
        arm_endpoint,
    };

    let mut names = HashSet::new();
    let mut ids: HashSet<String> = HashSet::new();
    let mut components = Vec::new();
    let declared = raw.components.len();
    for c in raw.components {
        let span = c.span();
        if let Some(comp) = validate_component(c.into_inner(), span.clone(), ck, &deployment) {
            if !names.insert(comp.name.clone()) {
                ck.at(
                    span.clone(),
                    format!("duplicate component name '{}'", comp.name),
                );
            }
            for id in comp.resource_ids() {
                if !ids.insert(id.key()) {
                    ck.at(
                        span.clone(),
                        format!(
                            "resource '{id}' is named by more than one component ('{}' is the second)",
                            comp.name
                        ),
                    );
                }
            }
            components.push(comp);
        }
    }
    if declared == 0 {
        ck.issues.push(ConfigIssue {
            line: None,
            column: None,
            message: "the configuration names no [[components]]: add at least one".into(),
        });
    }

    let mut step_ids = HashSet::new();
    let mut custom_steps = Vec::new();
    for s in raw.runbook.steps {
        let s = s.into_inner();
        let id = s.id.get_ref().clone();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        {
            ck.at(
                s.id.span(),
                format!("step id '{id}' may only use a-z, 0-9, '-' and '.'"),
            );
        } else if !step_ids.insert(id.clone()) {
            ck.at(s.id.span(), format!("duplicate runbook step id '{id}'"));
        }
        bounded(ck, &s.id, "step id", NAME_MAX);
        bounded(ck, &s.title, "step title", TITLE_MAX);
        bounded(ck, &s.instructions, "step instructions", TEXT_MAX);
        let phase = parse_enum::<Phase>(s.phase.get_ref()).unwrap_or_else(|| {
            ck.at(
                s.phase.span(),
                format!(
                    "unknown phase '{}'; expected one of: prepare, data, compute, verify, traffic, finish",
                    s.phase.get_ref()
                ),
            );
            Phase::Prepare
        });
        let applies_to = match s.applies_to {
            None => vec![RunbookKind::Failover, RunbookKind::Failback],
            Some(list) => list
                .into_inner()
                .into_iter()
                .filter_map(|k| {
                    let parsed = parse_enum::<RunbookKind>(k.get_ref());
                    if parsed.is_none() {
                        ck.at(
                            k.span(),
                            format!(
                                "applies_to takes \"failover\" and \"failback\", not '{}'",
                                k.get_ref()
                            ),
                        );
                    }
                    parsed
                })
                .collect(),
        };
        custom_steps.push(CustomStep {
            id,
            title: s.title.into_inner(),
            phase,
            instructions: s.instructions.into_inner(),
            applies_to,
        });
    }

    let console = ConsoleSettings {
        refresh_seconds: positive(ck, raw.console.refresh_seconds, 15, "refresh_seconds"),
        request_timeout_seconds: positive(
            ck,
            raw.console.request_timeout_seconds,
            10,
            "request_timeout_seconds",
        ),
        mouse: raw.console.mouse.unwrap_or(false),
        theme: theme::theme(ck, raw.console.theme),
        colors: theme::colors(ck, raw.console.colors),
    };

    Config {
        origin: origin.to_string(),
        deployment,
        auth,
        components,
        custom_steps,
        console,
    }
}

pub(super) fn positive(
    ck: &mut Checker<'_>,
    v: Option<Spanned<u32>>,
    default: u32,
    key: &str,
) -> u32 {
    match v {
        None => default,
        Some(v) if *v.get_ref() == 0 => {
            ck.at(v.span(), format!("{key} must be at least 1"));
            default
        }
        Some(v) => v.into_inner(),
    }
}

pub(super) fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s)).ok()
}

/// Reports text over `max` characters, or with control characters, at its place in the file.
pub(super) fn bounded(ck: &mut Checker<'_>, v: &Spanned<String>, what: &str, max: usize) {
    let n = v.get_ref().chars().count();
    if n > max {
        ck.at(
            v.span(),
            format!("{what} is {n} characters long: at most {max}"),
        );
    } else if what != "step instructions" && v.get_ref().chars().any(char::is_control) {
        ck.at(v.span(), format!("{what} contains control characters"));
    }
}

pub(super) fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

pub(super) fn validate_component(
    c: RawComponent,
    span: Range<usize>,
    ck: &mut Checker<'_>,
    d: &Deployment,
) -> Option<Component> {
    let name = c.name.get_ref().clone();
    if name.trim().is_empty() {
        ck.at(c.name.span(), "component name is empty");
    }
    bounded(ck, &c.name, "component name", NAME_MAX);
    let Some(kind) = ComponentKind::parse(c.kind.get_ref()) else {
        let kinds: Vec<_> = ComponentKind::ALL.iter().map(|k| k.as_str()).collect();
        ck.at(
            c.kind.span(),
            format!(
                "component '{name}': unknown kind '{}'; expected one of: {}",
                c.kind.get_ref(),
                kinds.join(", ")
            ),
        );
        return None;
    };
    let mode = Mode::parse(c.mode.get_ref()).unwrap_or_else(|| {
        ck.at(
            c.mode.span(),
            format!(
                "component '{name}': unknown mode '{}'; expected \"hot-hot\" or \"hot-cold\"",
                c.mode.get_ref()
            ),
        );
        Mode::HotCold
    });

    // Keys that belong to another shape are named precisely rather than ignored.
    let misplaced = |ck: &mut Checker<'_>, key: &str, v: &Option<Spanned<String>>, why: &str| {
        if let Some(v) = v {
            ck.at(
                v.span(),
                format!("component '{name}' ({kind}): '{key}' does not apply: {why}"),
            );
        }
    };
    let parse_id = |ck: &mut Checker<'_>, key: &str, v: &Spanned<String>| -> Option<ResourceId> {
        match ResourceId::parse(v.get_ref()) {
            Err(e) => {
                ck.at(
                    v.span(),
                    format!(
                        "component '{name}': {key} '{}' is not a resource id: {e}",
                        v.get_ref()
                    ),
                );
                None
            }
            Ok(id) if !id.is_type(kind.resource_type()) => {
                ck.at(
                    v.span(),
                    format!(
                        "component '{name}': {key} is a {} but kind '{kind}' needs a {}",
                        id.full_type(),
                        kind.resource_type()
                    ),
                );
                None
            }
            Ok(id) => Some(id),
        }
    };
    let required = |ck: &mut Checker<'_>, key: &str, v: &Option<Spanned<String>>| {
        if v.is_none() {
            ck.at(
                span.clone(),
                format!("component '{name}' ({kind}) needs '{key}'"),
            );
        }
    };

    let (pk, sk) = kind.routing_keys().unwrap_or(("", ""));
    for (key, v) in [
        ("primary_endpoint", &c.primary_endpoint),
        ("secondary_endpoint", &c.secondary_endpoint),
        ("primary_origin", &c.primary_origin),
        ("secondary_origin", &c.secondary_origin),
    ] {
        if key != pk && key != sk {
            let why = match kind {
                ComponentKind::TrafficManager => {
                    "Traffic Manager takes primary_endpoint and secondary_endpoint"
                }
                ComponentKind::FrontDoor => "Front Door takes primary_origin and secondary_origin",
                _ => "only traffic-manager and front-door name endpoints or origins",
            };
            misplaced(ck, key, v, why);
        }
    }
    if let Some(r) = &c.regions
        && !kind.has_replica_regions()
    {
        ck.at(
            r.span(),
            format!("component '{name}' ({kind}): 'regions' applies only to cosmos-db and container-registry"),
        );
    }

    let targets = match kind.shape() {
        Shape::Paired => {
            misplaced(
                ck,
                "resource",
                &c.resource,
                "this kind has one resource per region: use 'primary' and 'secondary'",
            );
            required(ck, "primary", &c.primary);
            required(ck, "secondary", &c.secondary);
            let p = c.primary.as_ref().and_then(|v| parse_id(ck, "primary", v));
            let s = c
                .secondary
                .as_ref()
                .and_then(|v| parse_id(ck, "secondary", v));
            if let (Some(p), Some(s)) = (&p, &s)
                && p == s
            {
                ck.at(
                    c.secondary.as_ref().unwrap().span(),
                    format!("component '{name}': primary and secondary are the same resource"),
                );
            }
            Targets::Paired {
                primary: p?,
                secondary: s?,
            }
        }
        Shape::Replicated | Shape::Routing => {
            let why = "this kind is one replicated resource: use 'resource'";
            misplaced(ck, "primary", &c.primary, why);
            misplaced(ck, "secondary", &c.secondary, why);
            required(ck, "resource", &c.resource);
            let resource = c
                .resource
                .as_ref()
                .and_then(|v| parse_id(ck, "resource", v));
            if kind.shape() == Shape::Routing {
                let (pv, sv) = match kind {
                    ComponentKind::TrafficManager => (&c.primary_endpoint, &c.secondary_endpoint),
                    _ => (&c.primary_origin, &c.secondary_origin),
                };
                required(ck, pk, pv);
                required(ck, sk, sv);
                if let (Some(p), Some(s)) = (pv, sv)
                    && p.get_ref() == s.get_ref()
                {
                    ck.at(
                        s.span(),
                        format!("component '{name}': {pk} and {sk} are the same"),
                    );
                }
                Targets::Routing {
                    resource: resource?,
                    primary: pv.as_ref()?.get_ref().clone(),
                    secondary: sv.as_ref()?.get_ref().clone(),
                }
            } else {
                let regions = vec![d.primary_region.clone(), d.secondary_region.clone()];
                if let Some(list) = c.regions.filter(|_| kind.has_replica_regions()) {
                    let list_span = list.span();
                    let mut listed = Vec::new();
                    for r in list.into_inner() {
                        let region = Region::new(r.get_ref());
                        if region != d.primary_region && region != d.secondary_region {
                            ck.at(
                                r.span(),
                                format!(
                                    "component '{name}': region '{}' is not in the deployment (primary {}, secondary {})",
                                    r.get_ref(),
                                    d.primary_region,
                                    d.secondary_region
                                ),
                            );
                        } else if !listed.contains(&region) {
                            listed.push(region);
                        }
                    }
                    if listed.len() == 1 {
                        ck.at(
                            list_span,
                            format!("component '{name}': 'regions' must list both the primary and the secondary region to be a failover target"),
                        );
                    }
                }
                Targets::Replicated {
                    resource: resource?,
                    regions,
                }
            }
        }
    };
    let partner_server = partner_server(ck, &name, kind, &targets, c.partner_server);
    let rpo_minutes = c.rpo_minutes.map(|v| {
        if *v.get_ref() == 0 {
            ck.at(
                v.span(),
                format!("component '{name}': rpo_minutes must be at least 1"),
            );
        }
        v.into_inner()
    });
    Some(Component {
        name,
        kind,
        mode,
        targets,
        rpo_minutes,
        partner_server,
    })
}

/// `partner_server` of a sql-failover-group: a SQL server, not the group's own.
pub(super) fn partner_server(
    ck: &mut Checker<'_>,
    name: &str,
    kind: ComponentKind,
    targets: &Targets,
    v: Option<Spanned<String>>,
) -> Option<ResourceId> {
    let v = v?;
    if kind != ComponentKind::SqlFailoverGroup {
        ck.at(
            v.span(),
            format!(
                "component '{name}' ({kind}): 'partner_server' applies only to sql-failover-group"
            ),
        );
        return None;
    }
    let id = match ResourceId::parse(v.get_ref()) {
        Ok(id) if id.is_type("Microsoft.Sql/servers") => id,
        Ok(id) => {
            ck.at(
                v.span(),
                format!(
                    "component '{name}': partner_server is a {} but must be a Microsoft.Sql/servers (the secondary server)",
                    id.full_type()
                ),
            );
            return None;
        }
        Err(e) => {
            ck.at(
                v.span(),
                format!(
                    "component '{name}': partner_server '{}' is not a resource id: {e}",
                    v.get_ref()
                ),
            );
            return None;
        }
    };
    if let Targets::Replicated { resource, .. } = targets
        && resource.parent().is_some_and(|own| own == id)
    {
        ck.at(
            v.span(),
            format!("component '{name}': partner_server is the failover group's own server; name the secondary server"),
        );
        return None;
    }
    Some(id)
}
