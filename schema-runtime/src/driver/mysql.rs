//! The pure-Rust MySQL/MariaDB driver (mysql_async): its URL spelling and
//! TLS through rustls.

use schema_core::url::DatabaseUrl;

use super::pure::rewrite_query;
use super::{Establish, MysqlConnection};

impl Establish for MysqlConnection {
    fn open(url: &DatabaseUrl) -> Result<Self, String> {
        <Self as diesel::Connection>::establish(&connection_string(url)?).map_err(|e| e.to_string())
    }
}

/// The URL in mysql_async's spelling: `socket` for libmysqlclient's
/// `unix_socket`, and `ssl_mode` as its `require_ssl` / `verify_ca` /
/// `verify_identity` switches (certificates are checked against the
/// webpki roots).
fn connection_string(url: &DatabaseUrl) -> Result<String, String> {
    let mut tls: Option<&'static str> = None;
    let base = rewrite_query(&url.diesel_url(false), |key, value| match key {
        "unix_socket" => Ok(Some(("socket", value.to_string()))),
        "ssl_mode" => {
            tls = match value.to_ascii_lowercase().as_str() {
                // mysql_async has no "TLS if offered": like `disabled`.
                "disabled" | "preferred" => None,
                "required" => Some("require_ssl=true&verify_ca=false&verify_identity=false"),
                "verify_ca" => Some("require_ssl=true&verify_ca=true&verify_identity=false"),
                "verify_identity" => Some("require_ssl=true&verify_ca=true&verify_identity=true"),
                other => return Err(format!("unknown `ssl_mode={other}`")),
            };
            Ok(None)
        }
        _ => Err(format!(
            "the pure-Rust MySQL driver cannot use the URL parameter `{key}` (certificate \
             files need libmysqlclient); remove it, or use the `mysql-libmysqlclient` feature"
        )),
    })?;
    Ok(match tls {
        None => base,
        Some(t) if base.contains('?') => format!("{base}&{t}"),
        Some(t) => format!("{base}?{t}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(u: &str) -> Result<String, String> {
        connection_string(&DatabaseUrl::parse(u).unwrap())
    }

    #[test]
    fn urls_in_mysql_async_spelling() {
        assert_eq!(
            conn("mysql://root@localhost/app?socket=/run/mysqld.sock").unwrap(),
            "mysql://root@localhost/app?socket=/run/mysqld.sock"
        );
        assert_eq!(
            conn("mysql://root@db/app?ssl-mode=disabled").unwrap(),
            "mysql://root@db/app"
        );
        assert_eq!(
            conn("mysql://root@db/app?ssl-mode=REQUIRED").unwrap(),
            "mysql://root@db/app?require_ssl=true&verify_ca=false&verify_identity=false"
        );
        assert_eq!(
            conn("mysql+aiomysql://u@h/db?socket=/s&ssl-mode=VERIFY_IDENTITY").unwrap(),
            "mysql://u@h/db?socket=/s&require_ssl=true&verify_ca=true&verify_identity=true"
        );
        let ca = conn("mysql://root@db/app?ssl_ca=/ca.pem").unwrap_err();
        assert!(
            ca.contains("`ssl_ca`") && ca.contains("mysql-libmysqlclient"),
            "{ca}"
        );
    }
}
