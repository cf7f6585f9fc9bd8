//! HTTPS on loopback and a managed-identity token endpoint, so that Microsoft's own clients
//! (the Azure CLI, the Python SDKs' credentials), which refuse a bearer token over plain HTTP,
//! run against the simulator.
//!
//! - The certificate: a fresh CA (written as PEM to a file the client trusts, e.g. through
//!   `REQUESTS_CA_BUNDLE`) and a leaf for `127.0.0.1`, `::1` and `localhost` signed by it, made
//!   at startup with rcgen; rustls serves the leaf and the CA.
//! - The token endpoint: App Service's managed-identity protocol, as MSAL Python's
//!   `ManagedIdentityClient` (used by `az login --identity`) and azure-identity's
//!   `ManagedIdentityCredential` send it: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=R`
//!   with the header `X-IDENTITY-HEADER: {IDENTITY_HEADER}`, answered with
//!   `{"access_token", "expires_on", "resource", "token_type", "client_id"}`. The token is an
//!   unsigned-in-effect JWT carrying the tenant (`tid`) and object id (`oid`) the CLI reads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

use super::providers::{PRINCIPAL, TENANT};

/// The token endpoint's path on the simulator (IMDS's path, App Service's protocol).
pub const TOKEN_PATH: &str = "/metadata/identity/oauth2/token";
/// The client id of the simulated managed identity.
pub const CLIENT_ID: &str = "0d3c5a9e-7b21-4c8f-9e6a-2f1b4d5c6e7f";
/// How long a minted token lasts (seconds).
const TOKEN_SECS: i64 = 3600;

/// How the simulator serves HTTPS.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Where to write the CA certificate (PEM); none: only kept in memory (`SimServer::ca_pem`).
    pub cert_path: Option<PathBuf>,
}

/// A generated certificate and the acceptor serving it.
#[derive(Clone)]
pub struct SimTls {
    /// The CA certificate clients trust (PEM).
    pub ca_pem: String,
    pub acceptor: TlsAcceptor,
}

impl std::fmt::Debug for SimTls {
    /// The certificate, not the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimTls").finish_non_exhaustive()
    }
}

/// Makes a CA and a loopback leaf certificate signed by it, and the acceptor serving them.
pub fn generate() -> Result<SimTls, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| format!("cannot make the simulator's certificate: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.distinguished_name.push(
        DnType::CommonName,
        "azfailover simulator CA (loopback only)",
    );
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().map_err(err)?;
    let mut leaf = CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        "::1".to_string(),
        "localhost".to_string(),
    ])
    .map_err(err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "azfailover simulator");
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(err)?;

    let chain = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("cannot set up TLS: {e}"))?
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .map_err(|e| format!("cannot set up TLS: {e}"))?;
    Ok(SimTls {
        ca_pem: ca_cert.pem(),
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

/// Writes the CA certificate to `path` (creating its directory).
pub fn write_cert(path: &Path, pem: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, pem)
}

/// The answer of the token endpoint to `GET ?resource=R` with the right `X-IDENTITY-HEADER`
/// (App Service's shape; `expires_on` is epoch seconds as a string), or the error and its
/// status.
pub fn token_answer(
    query: &std::collections::BTreeMap<String, String>,
    header: Option<&str>,
    secret: &str,
    now: time::OffsetDateTime,
) -> Result<Value, (u16, Value)> {
    if header != Some(secret) {
        return Err((
            401,
            json!({"statusCode": 401, "message": "The X-IDENTITY-HEADER header is missing or wrong (see IDENTITY_HEADER in the simulator's startup output)."}),
        ));
    }
    let resource = query
        .get("resource")
        .cloned()
        .or_else(|| {
            query
                .get("scope")
                .map(|s| s.trim_end_matches(".default").to_string())
        })
        .unwrap_or_else(|| "https://management.azure.com/".to_string());
    let exp = now.unix_timestamp() + TOKEN_SECS;
    Ok(json!({
        "access_token": jwt(&resource, now.unix_timestamp(), exp),
        "expires_on": exp.to_string(),
        "resource": resource,
        "token_type": "Bearer",
        "client_id": CLIENT_ID,
    }))
}

/// A JWT of the simulated identity (the CLI decodes it without checking the signature, for
/// `tid`; the simulator accepts any bearer token).
fn jwt(aud: &str, iat: i64, exp: i64) -> String {
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
    };
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "azfailover-sim"});
    let claims = json!({
        "aud": aud, "iss": format!("https://sts.windows.net/{TENANT}/"), "iat": iat, "nbf": iat,
        "exp": exp, "tid": TENANT, "oid": PRINCIPAL, "sub": PRINCIPAL, "appid": CLIENT_ID,
        "idtyp": "app", "xms_mirid": "azfailover-simulator",
    });
    format!(
        "{}.{}.{}",
        b64(&header),
        b64(&claims),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b"azfailover-simulator")
    )
}

/// Azure's cloud metadata (`GET /metadata/endpoints`, no authentication), pointing the
/// resource manager and the login endpoint at this simulator (`base`, e.g.
/// `https://127.0.0.1:41234`).
pub fn cloud_metadata(base: &str) -> Value {
    json!({
        "portal": "https://portal.azure.com",
        "authentication": {
            "loginEndpoint": format!("{base}/"),
            "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
            "tenant": "common",
            "identityProvider": "AAD"
        },
        "media": "https://rest.media.azure.net",
        "graphAudience": "https://graph.windows.net/",
        "graph": "https://graph.windows.net/",
        "name": "azfailover-sim",
        "suffixes": {
            "azureDataLakeStoreFileSystem": "azuredatalakestore.net",
            "acrLoginServer": "azurecr.io",
            "sqlServerHostname": "database.windows.net",
            "azureDataLakeAnalyticsCatalogAndJob": "azuredatalakeanalytics.net",
            "keyVaultDns": "vault.azure.net",
            "storage": "core.windows.net",
            "azureFrontDoorEndpointSuffix": "azurefd.net",
            "storageSyncEndpointSuffix": "afs.azure.net",
            "mhsmDns": "managedhsm.azure.net",
            "mysqlServerEndpoint": "mysql.database.azure.com",
            "postgresqlServerEndpoint": "postgres.database.azure.com",
            "mariadbServerEndpoint": "mariadb.database.azure.com",
            "synapseAnalytics": "dev.azuresynapse.net",
            "attestationEndpoint": "attest.azure.net"
        },
        "batch": "https://batch.core.windows.net/",
        "resourceManager": format!("{base}/"),
        "vmImageAliasDoc": "https://raw.githubusercontent.com/Azure/azure-rest-api-specs/main/arm-compute/quickstart-templates/aliases.json",
        "activeDirectoryDataLake": "https://datalake.azure.net/",
        "sqlManagement": "https://management.core.windows.net:8443/",
        "microsoftGraphResourceId": "https://graph.microsoft.com/",
        "appInsightsResourceId": "https://api.applicationinsights.io",
        "appInsightsTelemetryChannelResourceId": "https://dc.applicationinsights.azure.com/v2/track",
        "attestationResourceId": "https://attest.azure.net",
        "synapseAnalyticsResourceId": "https://dev.azuresynapse.net",
        "logAnalyticsResourceId": "https://api.loganalytics.io",
        "ossrDbmsResourceId": "https://ossrdbms-aad.database.windows.net"
    })
}

/// The lines a user pastes into a shell to point their own `az` (and SDK credentials) at the
/// simulator at `url` (https), trusting the CA at `cert`, signing in through the token endpoint.
pub fn client_setup(url: &str, secret: &str, cert: Option<&Path>) -> Vec<String> {
    let mut lines = vec![
        format!("export IDENTITY_ENDPOINT={url}{TOKEN_PATH}"),
        format!("export IDENTITY_HEADER={secret}"),
    ];
    if let Some(c) = cert {
        lines.push(format!("export REQUESTS_CA_BUNDLE={}", c.display()));
    }
    lines.extend([
        format!(
            "az cloud register -n azfailover-sim --endpoint-resource-manager {url}/ --endpoint-active-directory {url}/ --endpoint-active-directory-resource-id https://management.core.windows.net/ --endpoint-active-directory-graph-resource-id https://graph.windows.net/ --endpoint-sql-management https://management.core.windows.net:8443/"
        ),
        "az cloud set -n azfailover-sim".to_string(),
        "az login --identity".to_string(),
    ]);
    lines
}

/// Where `sim --tls` and `drill --tls` write the CA certificate when not told: in the data
/// directory, one file per process (two simulators never overwrite each other's).
pub fn default_cert_path() -> PathBuf {
    crate::paths::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("sim")
        .join(format!("ca-{}.pem", std::process::id()))
}

/// Serves HTTPS beside a running (drill) simulator, with its certificate in the data directory,
/// and writes the client setup lines to a shell file next to it. Returns the HTTPS URL and the
/// file.
pub async fn serve_for_clients(sim: &mut super::SimServer) -> std::io::Result<(String, PathBuf)> {
    let cert = default_cert_path();
    let url = sim
        .serve_tls_too(TlsOptions {
            cert_path: Some(cert.clone()),
        })
        .await?;
    let env = cert.with_file_name(format!("az-{}.sh", std::process::id()));
    let mut text = String::from(
        "# Point your own az at the drill's simulator: . THIS_FILE (then az works on the simulated resources)\n",
    );
    for l in sim.client_setup() {
        text.push_str(&l);
        text.push('\n');
    }
    crate::paths::write_private(&env, text.as_bytes())?;
    Ok((url, env))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token endpoint answers App Service's shape to the right header only, with a JWT
    /// whose claims carry the tenant.
    #[test]
    fn token_endpoint_shape() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let mut q = std::collections::BTreeMap::new();
        q.insert(
            "resource".to_string(),
            "https://management.core.windows.net/".to_string(),
        );
        assert_eq!(
            token_answer(&q, Some("nope"), "s3cret", now).unwrap_err().0,
            401
        );
        assert_eq!(token_answer(&q, None, "s3cret", now).unwrap_err().0, 401);
        let t = token_answer(&q, Some("s3cret"), "s3cret", now).unwrap();
        assert_eq!(t["expires_on"], "1800003600");
        assert_eq!(t["resource"], "https://management.core.windows.net/");
        let jwt = t["access_token"].as_str().unwrap();
        let claims = jwt.split('.').nth(1).unwrap();
        let claims: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(claims)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["tid"], TENANT);
        assert_eq!(claims["exp"], 1_800_003_600);
    }

    /// A certificate pair is made, and the CA is PEM.
    #[test]
    fn certificates_are_made() {
        let t = generate().unwrap();
        assert!(t.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
