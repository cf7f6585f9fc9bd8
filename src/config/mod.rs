//! The configuration: deployment, authentication, components and custom runbook steps.
//!
//! Parsing keeps byte spans so that every validation error names the file, line and column.

mod kind;
mod resource_id;
mod theme;
mod unknown_keys;

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use kind::{ComponentKind, Mode, Shape};
pub use resource_id::{ResourceId, ResourceIdError};
pub use theme::{COLOR_NAMES, ColorOverrides, ColorValue, ThemeName};

use crate::region::Region;

/// The demo deployment, embedded so that `azfailover demo` needs no file on disk.
pub const DEMO_TOML: &str = include_str!("../../assets/demo.toml");

/// Public Azure's Resource Manager endpoint.
pub const PUBLIC_ARM_ENDPOINT: &str = "https://management.azure.com";

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it was read from (a path, or `<demo>`), for messages.
    pub origin: String,
    pub deployment: Deployment,
    pub auth: Auth,
    pub components: Vec<Component>,
    pub custom_steps: Vec<CustomStep>,
    pub console: ConsoleSettings,
}

/// The `[deployment]` table.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub name: String,
    pub subscription_id: String,
    pub primary_region: Region,
    pub secondary_region: Region,
    pub rto_minutes: u32,
    pub rpo_minutes: u32,
    /// ARM base URL without a trailing slash.
    pub arm_endpoint: String,
}

/// How azfailover signs in to Azure (`[auth]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    AzureCli,
    DeveloperTools,
    ManagedIdentity,
    WorkloadIdentity,
    ClientSecret,
    Simulator,
}

impl AuthMethod {
    const NAMES: &'static [(&'static str, AuthMethod)] = &[
        ("azure-cli", AuthMethod::AzureCli),
        ("developer-tools", AuthMethod::DeveloperTools),
        ("managed-identity", AuthMethod::ManagedIdentity),
        ("workload-identity", AuthMethod::WorkloadIdentity),
        ("client-secret", AuthMethod::ClientSecret),
        ("simulator", AuthMethod::Simulator),
    ];

    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        Self::NAMES.iter().find(|(_, m)| *m == self).unwrap().0
    }
}

/// The `[auth]` table.
#[derive(Debug, Clone)]
pub struct Auth {
    pub method: AuthMethod,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
}

/// The `[console]` table.
#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    /// Health refresh interval.
    pub refresh_seconds: u32,
    /// Deadline of one ARM request.
    pub request_timeout_seconds: u32,
    /// Mouse capture (off by default so resource ids can be selected and copied).
    pub mouse: bool,
    /// `theme`: dark (default), light or high-contrast.
    pub theme: ThemeName,
    /// `[console.colors]`: colours that replace the theme's.
    pub colors: ColorOverrides,
}

/// Where a component's resources are.
#[derive(Debug, Clone)]
pub enum Targets {
    /// One resource per region.
    Paired {
        primary: ResourceId,
        secondary: ResourceId,
    },
    /// One replicated resource, present in `regions` (primary region first).
    Replicated {
        resource: ResourceId,
        regions: Vec<Region>,
    },
    /// A global router with a named endpoint (or origin) per region.
    Routing {
        resource: ResourceId,
        primary: String,
        secondary: String,
    },
}

/// One `[[components]]` entry.
#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    pub kind: ComponentKind,
    pub mode: Mode,
    pub targets: Targets,
    /// The component's own RPO, if it overrides the deployment's.
    pub rpo_minutes: Option<u32>,
    /// sql-failover-group only: the partner (secondary) server, so that a forced failover never
    /// needs to read the primary server.
    pub partner_server: Option<ResourceId>,
}

impl Component {
    /// Every resource id the component names.
    pub fn resource_ids(&self) -> Vec<&ResourceId> {
        match &self.targets {
            Targets::Paired { primary, secondary } => vec![primary, secondary],
            Targets::Replicated { resource, .. } | Targets::Routing { resource, .. } => {
                vec![resource]
            }
        }
    }
}

/// The phases of a runbook, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Prepare,
    Data,
    Compute,
    Verify,
    Traffic,
    Finish,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 6] = [
        Phase::Prepare,
        Phase::Data,
        Phase::Compute,
        Phase::Verify,
        Phase::Traffic,
        Phase::Finish,
    ];

    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Prepare => "prepare",
            Phase::Data => "data",
            Phase::Compute => "compute",
            Phase::Verify => "verify",
            Phase::Traffic => "traffic",
            Phase::Finish => "finish",
        }
    }
}

/// Which runbooks a custom step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunbookKind {
    Failover,
    Failback,
}

impl RunbookKind {
    /// "failover" or "failback" (the configuration's, the journal's and the report's word).
    pub fn as_str(self) -> &'static str {
        match self {
            RunbookKind::Failover => "failover",
            RunbookKind::Failback => "failback",
        }
    }
}

/// A `[[runbook.steps]]` entry: a manual step the operator confirms when done.
#[derive(Debug, Clone)]
pub struct CustomStep {
    pub id: String,
    pub title: String,
    pub phase: Phase,
    pub instructions: String,
    pub applies_to: Vec<RunbookKind>,
}

/// One problem in a configuration, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigIssue {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

/// Every problem found in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub origin: String,
    pub issues: Vec<ConfigIssue>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.origin)?;
            if let Some(line) = issue.line {
                write!(f, ":{line}")?;
                if let Some(col) = issue.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": {}", issue.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    deployment: Spanned<RawDeployment>,
    auth: Option<Spanned<RawAuth>>,
    #[serde(default)]
    components: Vec<Spanned<RawComponent>>,
    #[serde(default)]
    runbook: RawRunbook,
    #[serde(default)]
    console: RawConsole,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeployment {
    name: Spanned<String>,
    subscription_id: Spanned<String>,
    primary_region: Spanned<String>,
    secondary_region: Spanned<String>,
    rto_minutes: Spanned<u32>,
    rpo_minutes: Spanned<u32>,
    arm_endpoint: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuth {
    method: Spanned<String>,
    tenant_id: Option<Spanned<String>>,
    client_id: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: Spanned<String>,
    kind: Spanned<String>,
    mode: Spanned<String>,
    primary: Option<Spanned<String>>,
    secondary: Option<Spanned<String>>,
    resource: Option<Spanned<String>>,
    regions: Option<Spanned<Vec<Spanned<String>>>>,
    primary_endpoint: Option<Spanned<String>>,
    secondary_endpoint: Option<Spanned<String>>,
    primary_origin: Option<Spanned<String>>,
    secondary_origin: Option<Spanned<String>>,
    rpo_minutes: Option<Spanned<u32>>,
    partner_server: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRunbook {
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    id: Spanned<String>,
    title: Spanned<String>,
    phase: Spanned<String>,
    instructions: Spanned<String>,
    applies_to: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConsole {
    refresh_seconds: Option<Spanned<u32>>,
    request_timeout_seconds: Option<Spanned<u32>>,
    mouse: Option<bool>,
    theme: Option<Spanned<String>>,
    colors: Option<theme::RawColors>,
}

/// Collects issues with their positions while validating.
struct Checker<'a> {
    text: &'a str,
    issues: Vec<ConfigIssue>,
}

impl Checker<'_> {
    fn at(&mut self, span: Range<usize>, message: impl Into<String>) {
        let (line, column) = line_col(self.text, span.start);
        self.issues.push(ConfigIssue {
            line: Some(line),
            column: Some(column),
            message: message.into(),
        });
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Config {
    /// Points the configuration at a simulator: its URL, and the simulator's sign-in.
    pub fn use_simulator(&mut self, url: &str) {
        self.deployment.arm_endpoint = url.to_string();
        self.auth.method = AuthMethod::Simulator;
    }

    /// The demo deployment (assets/demo.toml, embedded).
    pub fn demo() -> Config {
        Config::parse(DEMO_TOML, "<demo: assets/demo.toml>").expect("the embedded demo is valid")
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            origin: origin.clone(),
            issues: vec![ConfigIssue {
                line: None,
                column: None,
                message: format!("cannot read the file: {e}"),
            }],
        })?;
        Config::parse(&text, &origin)
    }

    /// The default location: `config.toml` in the platform config directory.
    pub fn default_path() -> Option<PathBuf> {
        crate::paths::project_dirs().map(|d| d.config_dir().join("config.toml"))
    }

    /// Parses and validates configuration text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Config, ConfigError> {
        let fail = |issues| ConfigError {
            origin: origin.to_string(),
            issues,
        };
        let mut ck = Checker {
            text,
            issues: Vec::new(),
        };
        let raw = unknown_keys::deserialize(text, &mut ck);
        let cfg = raw.map(|raw| validate(raw, &mut ck, origin));
        // In the order of the file: a person fixes them from the top.
        ck.issues
            .sort_by_key(|i| (i.line.is_none(), i.line, i.column));
        match cfg {
            Some(cfg) if ck.issues.is_empty() => Ok(cfg),
            _ => Err(fail(ck.issues)),
        }
    }

    /// The RPO that applies to a component, in minutes.
    pub fn rpo_minutes(&self, component: &Component) -> u32 {
        component.rpo_minutes.unwrap_or(self.deployment.rpo_minutes)
    }

    /// The component with this name.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }
}

/// Whether a URL's host is a loopback address (`127.0.0.0/8`, `::1`, `localhost`).
pub fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.split_once("://").map(|(_, r)| r) else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

fn validate(raw: RawConfig, ck: &mut Checker<'_>, origin: &str) -> Config {
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

fn positive(ck: &mut Checker<'_>, v: Option<Spanned<u32>>, default: u32, key: &str) -> u32 {
    match v {
        None => default,
        Some(v) if *v.get_ref() == 0 => {
            ck.at(v.span(), format!("{key} must be at least 1"));
            default
        }
        Some(v) => v.into_inner(),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(s)).ok()
}

/// The longest name (deployment, component, step id) a screen can show whole.
pub const NAME_MAX: usize = 64;
/// The longest step title.
pub const TITLE_MAX: usize = 200;
/// The longest free text (a custom step's instructions).
pub const TEXT_MAX: usize = 8000;

/// Reports text over `max` characters, or with control characters, at its place in the file.
fn bounded(ck: &mut Checker<'_>, v: &Spanned<String>, what: &str, max: usize) {
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

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn validate_component(
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
fn partner_server(
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

#[cfg(test)]
mod tests;
