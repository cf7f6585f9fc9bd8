//! The configuration: deployment, authentication, components and custom runbook steps.
//!
//! Parsing keeps byte spans so that every validation error names the file, line and column.

pub mod fleet;
mod kind;
mod resource_id;
mod theme;
mod unknown_keys;
mod validate;

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use fleet::FleetError;
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
        let cfg = raw.map(|raw| validate::validate(raw, &mut ck, origin));
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

/// The longest name (deployment, component, step id) a screen can show whole.
pub const NAME_MAX: usize = 64;
/// The longest step title.
pub const TITLE_MAX: usize = 200;
/// The longest free text (a custom step's instructions).
pub const TEXT_MAX: usize = 8000;

#[cfg(test)]
mod tests;
