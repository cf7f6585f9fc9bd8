//! Authentication: an azure_identity credential per `[auth] method`, with a token cache and a
//! timeout (the CLI credentials have neither), and a description of who is signed in.
//! Tokens stay in memory: they are never logged, printed, journaled or shown.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::{Secret, TokenCredential};
use azure_identity::{
    AzureCliCredential, ClientSecretCredential, DeveloperToolsCredential,
    ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use base64::Engine;
use time::OffsetDateTime;
use tokio::sync::Mutex;

use crate::config::{AuthMethod, Config, is_loopback_url};

/// The fixed development token the `simulator` method sends (to loopback only).
const SIMULATOR_TOKEN: &str = "azfailover-simulator-development-token";

/// Refresh a cached token this long before it expires.
const REFRESH_MARGIN: time::Duration = time::Duration::minutes(5);

/// A bearer token. Its Debug form hides the value and it has no Display.
#[derive(Clone)]
pub struct BearerToken(Secret);

impl BearerToken {
    /// The header value `Bearer <token>`; used only when building a request.
    pub(crate) fn header_value(&self) -> String {
        format!("Bearer {}", self.0.secret())
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

/// Who is signed in, as far as the token tells (no secret in it).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// `azure-cli`, `simulator`, ...
    pub method: String,
    pub tenant_id: Option<String>,
    /// A user's name (upn / unique_name), if a user.
    pub user: Option<String>,
    /// An application's client id (appid / azp), if a service principal or managed identity.
    pub client_id: Option<String>,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.user, &self.client_id) {
            (Some(u), _) => write!(f, "{u}")?,
            (None, Some(c)) => write!(f, "app {c}")?,
            (None, None) => write!(f, "{}", self.method)?,
        }
        if let Some(t) = &self.tenant_id {
            write!(f, " (tenant {t})")?;
        }
        Ok(())
    }
}

/// A sign-in failure, with what to do about it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("sign-in with '{method}' failed: {detail}\n  what to do: {hint}")]
pub struct AuthError {
    pub method: &'static str,
    pub detail: String,
    pub hint: String,
}

enum Source {
    Fixed,
    Azure(Arc<dyn TokenCredential>),
}

/// Hands out tokens for the ARM scope, cached until shortly before they expire.
pub struct TokenSource {
    method: AuthMethod,
    source: Source,
    scope: String,
    timeout: Duration,
    cache: Mutex<Option<(BearerToken, OffsetDateTime)>>,
    identity: std::sync::Mutex<Identity>,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("method", &self.method)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// The token scope for an ARM endpoint (public Azure's for a loopback simulator).
pub fn scope_for(arm_endpoint: &str) -> String {
    if is_loopback_url(arm_endpoint) {
        "https://management.azure.com/.default".into()
    } else {
        format!("{}/.default", arm_endpoint.trim_end_matches('/'))
    }
}

fn hint(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::AzureCli => {
            "run `az login` (and `az account set --subscription <id>`), or choose another [auth] method"
        }
        AuthMethod::DeveloperTools => "run `az login` or `azd auth login`",
        AuthMethod::ManagedIdentity => {
            "run azfailover on an Azure VM, App Service or container with a managed identity; for a user-assigned identity set client_id in [auth]"
        }
        AuthMethod::WorkloadIdentity => {
            "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE (Kubernetes workload identity)"
        }
        AuthMethod::ClientSecret => {
            "set AZURE_CLIENT_SECRET for the service principal named by tenant_id and client_id in [auth]"
        }
        AuthMethod::Simulator => "the simulator method only works with a loopback arm_endpoint",
    }
}

/// Where to get the Azure CLI.
const INSTALL_AZ: &str = "install the Azure CLI (https://learn.microsoft.com/cli/azure/install-azure-cli, or `pip install azure-cli`), then run `az login`";

/// Whether an executable of this name is on `PATH` (as the shell that runs `az` finds it).
fn on_path(program: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|dir| {
        let candidate = dir.join(program);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(&candidate)
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        }
        #[cfg(not(unix))]
        {
            candidate.with_extension("cmd").is_file() || candidate.with_extension("exe").is_file()
        }
    })
}

/// A failed token request, said in the words of what went wrong: a CLI credential whose tool
/// is not installed says so and how to install it, rather than to sign in with it.
fn token_failure(method: AuthMethod, detail: String) -> AuthError {
    let missing =
        |tool: &str| !on_path(tool) || detail.contains(&format!("{tool} not found on PATH"));
    let (detail, hint) = match method {
        AuthMethod::AzureCli if missing("az") => (
            "the Azure CLI is not installed: there is no `az` on PATH".to_string(),
            format!("{INSTALL_AZ}; or choose another [auth] method in the configuration"),
        ),
        AuthMethod::DeveloperTools if missing("az") && missing("azd") => (
            "neither the Azure CLI (`az`) nor the Azure Developer CLI (`azd`) is installed: neither is on PATH".to_string(),
            format!("{INSTALL_AZ} (or install azd and run `azd auth login`); or choose another [auth] method in the configuration"),
        ),
        _ => (detail, hint(method).to_string()),
    };
    AuthError {
        method: method.as_str(),
        detail,
        hint,
    }
}

impl TokenSource {
    /// Builds the credential the configuration asks for.
    pub fn from_config(cfg: &Config, timeout: Duration) -> Result<TokenSource, AuthError> {
        let method = cfg.auth.method;
        let fail = |detail: String| AuthError {
            method: method.as_str(),
            detail,
            hint: hint(method).into(),
        };
        let source = match method {
            AuthMethod::Simulator => {
                if !is_loopback_url(&cfg.deployment.arm_endpoint) {
                    return Err(fail(format!(
                        "refused: arm_endpoint '{}' is not a loopback address",
                        cfg.deployment.arm_endpoint
                    )));
                }
                Source::Fixed
            }
            AuthMethod::AzureCli => Source::Azure(
                AzureCliCredential::new(Some(azure_identity::AzureCliCredentialOptions {
                    tenant_id: cfg.auth.tenant_id.clone(),
                    ..Default::default()
                }))
                .map_err(|e| fail(e.to_string()))?,
            ),
            AuthMethod::DeveloperTools => {
                Source::Azure(DeveloperToolsCredential::new(None).map_err(|e| fail(e.to_string()))?)
            }
            AuthMethod::ManagedIdentity => Source::Azure(
                ManagedIdentityCredential::new(Some(ManagedIdentityCredentialOptions {
                    user_assigned_id: cfg.auth.client_id.clone().map(UserAssignedId::ClientId),
                    ..Default::default()
                }))
                .map_err(|e| fail(e.to_string()))?,
            ),
            AuthMethod::WorkloadIdentity => Source::Azure(
                WorkloadIdentityCredential::new(Some(WorkloadIdentityCredentialOptions {
                    tenant_id: cfg.auth.tenant_id.clone(),
                    client_id: cfg.auth.client_id.clone(),
                    ..Default::default()
                }))
                .map_err(|e| fail(e.to_string()))?,
            ),
            AuthMethod::ClientSecret => {
                let secret = std::env::var("AZURE_CLIENT_SECRET")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| fail("AZURE_CLIENT_SECRET is not set".into()))?;
                let tenant = cfg.auth.tenant_id.clone().unwrap_or_default();
                let client = cfg.auth.client_id.clone().unwrap_or_default();
                Source::Azure(
                    ClientSecretCredential::new(&tenant, client, Secret::new(secret), None)
                        .map_err(|e| fail(e.to_string()))?,
                )
            }
        };
        Ok(TokenSource {
            method,
            source,
            scope: scope_for(&cfg.deployment.arm_endpoint),
            timeout,
            cache: Mutex::new(None),
            identity: std::sync::Mutex::new(Identity {
                method: method.as_str().into(),
                tenant_id: cfg.auth.tenant_id.clone(),
                user: None,
                client_id: cfg.auth.client_id.clone(),
            }),
        })
    }

    /// Who is signed in (filled in from the first token's claims).
    pub fn identity(&self) -> Identity {
        self.identity
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A valid token: the cached one, or a fresh one within the timeout.
    pub async fn token(&self) -> Result<BearerToken, AuthError> {
        let mut cache = self.cache.lock().await;
        let now = OffsetDateTime::now_utc();
        if let Some((t, exp)) = cache.as_ref()
            && *exp - REFRESH_MARGIN > now
        {
            return Ok(t.clone());
        }
        let (token, expires) = match &self.source {
            Source::Fixed => (
                BearerToken(Secret::new(SIMULATOR_TOKEN)),
                now + time::Duration::hours(24),
            ),
            Source::Azure(cred) => {
                let got = tokio::time::timeout(self.timeout, cred.get_token(&[&self.scope], None))
                    .await
                    .map_err(|_| AuthError {
                        method: self.method.as_str(),
                        detail: format!("no token within {} s", self.timeout.as_secs()),
                        hint: hint(self.method).into(),
                    })?
                    .map_err(|e| token_failure(self.method, first_line(&e.to_string())))?;
                if let Some(id) = claims_identity(got.token.secret(), self.method) {
                    *self
                        .identity
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = id;
                }
                (BearerToken(got.token), got.expires_on)
            }
        };
        *cache = Some((token.clone(), expires));
        Ok(token)
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s);
    line.chars().take(300).collect()
}

/// Reads the identity claims of a JWT access token (display only; nothing is verified here:
/// Azure verifies the token, azfailover only says whose it is).
fn claims_identity(token: &str, method: AuthMethod) -> Option<Identity> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(Identity {
        method: method.as_str().into(),
        tenant_id: s("tid"),
        user: s("upn")
            .or_else(|| s("unique_name"))
            .or_else(|| s("preferred_username")),
        client_id: s("appid").or_else(|| s("azp")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_hides_the_value() {
        let t = BearerToken(Secret::new("super-secret"));
        assert!(!format!("{t:?}").contains("super-secret"));
    }

    #[test]
    fn identity_from_claims() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"tid":"t-1","upn":"oncall@contoso.com","appid":"04b07795"}"#);
        let id = claims_identity(&format!("h.{payload}.s"), AuthMethod::AzureCli).unwrap();
        assert_eq!(id.user.as_deref(), Some("oncall@contoso.com"));
        assert_eq!(id.to_string(), "oncall@contoso.com (tenant t-1)");
        assert!(claims_identity("opaque", AuthMethod::AzureCli).is_none());
    }

    #[test]
    fn scope_follows_the_endpoint() {
        assert_eq!(
            scope_for("https://management.azure.com"),
            "https://management.azure.com/.default"
        );
        assert_eq!(
            scope_for("https://management.usgovcloudapi.net/"),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            scope_for("http://127.0.0.1:8080"),
            "https://management.azure.com/.default"
        );
    }
}
