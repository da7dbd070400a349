//! The pure-Rust PostgreSQL driver (tokio-postgres): which URL parameters
//! it takes, and TLS through rustls with libpq's `sslmode` semantics.

use std::path::PathBuf;
use std::sync::Arc;

use diesel_async::AsyncPgConnection;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use schema_core::url::DatabaseUrl;

use super::pure::{rewrite_query, DriverRuntime};
use super::{Establish, PgConnection};
use diesel_async::async_connection_wrapper::BlockOn;

/// Parameters tokio-postgres understands, passed on as they are.
const KNOWN: &[&str] = &[
    "user",
    "password",
    "dbname",
    "options",
    "application_name",
    "host",
    "hostaddr",
    "port",
    "connect_timeout",
    "tcp_user_timeout",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_retries",
    "target_session_attrs",
    "load_balance_hosts",
];

/// How the server's certificate is checked once TLS is on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verify {
    /// Encrypt only (libpq's `prefer` / `require`).
    Nothing,
    /// The chain must lead to one of these roots (`verify-ca`).
    Chain(Roots),
    /// The chain, and the certificate must name the host (`verify-full`).
    ChainAndHost(Roots),
}

/// Where the trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    /// A PEM file (`sslrootcert=FILE`, or libpq's `~/.postgresql/root.crt`).
    File(PathBuf),
    /// The Mozilla roots compiled in (`sslrootcert=system`).
    System,
}

/// How to connect: tokio-postgres' connection string, and TLS (`None`: off).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    conn_str: String,
    tls: Option<Verify>,
}

impl Establish for PgConnection {
    fn open(url: &DatabaseUrl) -> Result<Self, String> {
        let plan = plan(url, default_root_file())?;
        let tls = plan.tls.as_ref().map(client_config).transpose()?;
        let conn = DriverRuntime.block_on(async move {
            let config: tokio_postgres::Config =
                plan.conn_str.parse().map_err(|e| format!("{e}"))?;
            // diesel-async sets the session up with prepared statements;
            // inside a transaction a transaction-mode pooler keeps them on
            // one server session (the settings are ones poolers track).
            let conn = match tls {
                None => {
                    let (client, conn) = config
                        .connect(tokio_postgres::NoTls)
                        .await
                        .map_err(pg_error)?;
                    queue(client.batch_execute("BEGIN"));
                    AsyncPgConnection::try_from_client_and_connection(client, conn).await
                }
                Some(tls) => {
                    let tls = tokio_postgres_rustls::MakeRustlsConnect::new(tls);
                    let (client, conn) = config.connect(tls).await.map_err(pg_error)?;
                    queue(client.batch_execute("BEGIN"));
                    AsyncPgConnection::try_from_client_and_connection(client, conn).await
                }
            };
            let mut conn = conn.map_err(|e| e.to_string())?;
            diesel_async::SimpleAsyncConnection::batch_execute(&mut conn, "COMMIT")
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>(conn)
        })?;
        Ok(conn.into())
    }
}

/// Polls `request` once, which queues its message for the connection; the
/// connection is not being driven yet, so nothing more could happen. The
/// messages queued after it are sent after it, in order, once it is.
fn queue<F: std::future::Future>(request: F) {
    let mut request = std::pin::pin!(request);
    let waker = std::task::Waker::noop();
    let _ = request
        .as_mut()
        .poll(&mut std::task::Context::from_waker(waker));
}

/// tokio-postgres' message with its cause (the server's own words).
fn pg_error(e: tokio_postgres::Error) -> String {
    match std::error::Error::source(&e) {
        Some(cause) if !e.to_string().contains(&cause.to_string()) => format!("{e}: {cause}"),
        _ => e.to_string(),
    }
}

/// libpq's default root certificate file, when it exists.
fn default_root_file() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let file = PathBuf::from(home).join(".postgresql/root.crt");
    file.exists().then_some(file)
}

/// The connection plan for `url`, with libpq's `sslmode` meanings (a URL
/// without one is `prefer`: TLS when the server offers it).
fn plan(url: &DatabaseUrl, default_roots: Option<PathBuf>) -> Result<Plan, String> {
    let mut mode = String::from("prefer");
    let mut root: Option<String> = None;
    let conn_str = rewrite_query(&url.diesel_url(false), |key, value| match key {
        "sslmode" => {
            mode = value.to_string();
            Ok(None)
        }
        "sslrootcert" => {
            root = Some(percent_decode(value));
            Ok(None)
        }
        _ => match KNOWN.iter().find(|k| **k == key) {
            Some(k) => Ok(Some((*k, value.to_string()))),
            None => Err(format!(
                "the pure-Rust PostgreSQL driver does not know the URL parameter `{key}` \
                 (client certificates and other libpq-only options need libpq); remove it, or \
                 use the `postgres-libpq` feature"
            )),
        },
    })?;
    let roots = || match root.as_deref() {
        Some("system") => Ok(Roots::System),
        Some(file) => Ok(Roots::File(PathBuf::from(file))),
        None => default_roots.clone().map(Roots::File).ok_or_else(|| {
            format!(
                "`sslmode={mode}` checks the server's certificate: name the CA with \
                 `sslrootcert=/path/to/ca.pem`, or `sslrootcert=system` for the public roots"
            )
        }),
    };
    let (tp_mode, tls) = match mode.as_str() {
        "disable" => ("disable", None),
        "allow" | "prefer" => ("prefer", Some(Verify::Nothing)),
        // libpq checks the chain under `require` too when a root file is
        // given.
        "require" if root.is_some() => ("require", Some(Verify::Chain(roots()?))),
        "require" => ("require", Some(Verify::Nothing)),
        "verify-ca" => ("require", Some(Verify::Chain(roots()?))),
        "verify-full" => ("require", Some(Verify::ChainAndHost(roots()?))),
        other => return Err(format!("unknown `sslmode={other}`")),
    };
    let sep = if conn_str.contains('?') { '&' } else { '?' };
    Ok(Plan {
        conn_str: format!("{conn_str}{sep}sslmode={tp_mode}"),
        tls,
    })
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration that checks what `verify` asks for.
fn client_config(verify: &Verify) -> Result<ClientConfig, String> {
    let provider = provider();
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Verify::Nothing => Arc::new(EncryptOnly(provider.clone())),
        Verify::Chain(roots) => Arc::new(IgnoreHostName(webpki(roots, &provider)?)),
        Verify::ChainAndHost(roots) => webpki(roots, &provider)?,
    };
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn webpki(
    roots: &Roots,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, String> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::System => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Roots::File(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("cannot read sslrootcert {}: {e}", path.display()))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(format!(
                    "sslrootcert {} holds no usable certificate",
                    path.display()
                ));
            }
        }
    }
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|e| e.to_string())
}

/// `prefer` / `require`: the connection is encrypted, the certificate is not
/// checked (what libpq does); the handshake's signatures still are.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must be trusted; the name in it need not match.
#[derive(Debug)]
struct IgnoreHostName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_of(u: &str) -> Result<Plan, String> {
        plan(&DatabaseUrl::parse(u).unwrap(), None)
    }

    #[test]
    fn sslmode_follows_libpq() {
        let p = plan_of("postgres://app:pw@db:5432/app?application_name=web").unwrap();
        assert_eq!(
            p.conn_str,
            "postgres://app:pw@db:5432/app?application_name=web&sslmode=prefer"
        );
        assert_eq!(p.tls, Some(Verify::Nothing));
        let p = plan_of("postgres://db/app?sslmode=disable").unwrap();
        assert_eq!(
            (p.conn_str.as_str(), p.tls),
            ("postgres://db/app?sslmode=disable", None)
        );
        let p = plan_of("postgresql+asyncpg://app@db/app?ssl=require").unwrap();
        assert_eq!(p.conn_str, "postgres://app@db/app?sslmode=require");
        assert_eq!(p.tls, Some(Verify::Nothing));
        let p = plan_of("postgres://db/app?sslmode=verify-full&sslrootcert=/etc/ca.pem").unwrap();
        assert_eq!(p.conn_str, "postgres://db/app?sslmode=require");
        assert_eq!(
            p.tls,
            Some(Verify::ChainAndHost(Roots::File("/etc/ca.pem".into())))
        );
        let p = plan_of("postgres://db/app?sslmode=verify-ca&sslrootcert=system").unwrap();
        assert_eq!(p.tls, Some(Verify::Chain(Roots::System)));
        let p = plan_of("postgres://db/app?sslmode=require&sslrootcert=/ca.pem").unwrap();
        assert_eq!(p.tls, Some(Verify::Chain(Roots::File("/ca.pem".into()))));
        let p = plan(
            &DatabaseUrl::parse("postgres://db/app?sslmode=verify-full").unwrap(),
            Some("/home/u/.postgresql/root.crt".into()),
        )
        .unwrap();
        assert_eq!(
            p.tls,
            Some(Verify::ChainAndHost(Roots::File(
                "/home/u/.postgresql/root.crt".into()
            )))
        );
    }

    #[test]
    fn what_the_driver_cannot_do_is_refused_by_name() {
        let e = plan_of("postgres://db/app?sslmode=verify-full").unwrap_err();
        assert!(e.contains("sslrootcert="), "{e}");
        let e = plan_of("postgres://db/app?sslcert=/c.pem&sslkey=/k.pem").unwrap_err();
        assert!(
            e.contains("`sslcert`") && e.contains("postgres-libpq"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_root_file_is_a_clear_error() {
        let e =
            client_config(&Verify::Chain(Roots::File("/nonexistent/ca.pem".into()))).unwrap_err();
        assert!(
            e.contains("cannot read sslrootcert /nonexistent/ca.pem"),
            "{e}"
        );
        assert!(client_config(&Verify::ChainAndHost(Roots::System)).is_ok());
        assert!(client_config(&Verify::Nothing).is_ok());
    }
}
