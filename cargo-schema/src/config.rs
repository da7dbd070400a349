//! `[package.metadata.schema]` / `[workspace.metadata.schema]` as a typed
//! struct.
//!
//! The struct is deserialized with serde. Errors name the offending key and
//! what it must be, and an unknown key gets a did-you-mean, so the table is
//! read through a small map adapter that remembers the key being read (toml's
//! own errors keep it private).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, Error as _, IntoDeserializer, MapAccess};
use serde::{Deserialize, Deserializer};

use crate::error::CliError;

/// `[package.metadata.schema]`, with `[workspace.metadata.schema]` filling
/// keys the package does not set. Every key is optional; a missing one takes
/// its value from [`Config::default`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Migrations directory, relative to the package directory.
    #[serde(deserialize_with = "checked")]
    pub migrations_dir: PathBuf,
    /// File name template for new migrations.
    #[serde(deserialize_with = "checked")]
    pub file_template: String,
    /// Name of the environment variable holding the URL.
    #[serde(deserialize_with = "checked")]
    pub database_url_env: String,
    /// Fallback URL when neither the flag nor the env var is set.
    #[serde(deserialize_with = "checked")]
    pub database_url: Option<String>,
    /// Name of the version table.
    #[serde(deserialize_with = "checked")]
    pub version_table: String,
    /// Other workspace packages holding models.
    #[serde(deserialize_with = "checked")]
    pub model_packages: Vec<String>,
    /// Table names or `*` globs autogenerate leaves alone.
    #[serde(deserialize_with = "checked")]
    pub ignore_tables: Vec<String>,
    /// `session` (default) or `table`; checked by the commands that take
    /// the lock, so a bad value does not break `models` or `history`.
    #[serde(deserialize_with = "checked")]
    pub lock_mode: Option<String>,
    /// `per-migration` (default) or `all`; checked like `lock_mode`.
    #[serde(deserialize_with = "checked")]
    pub transaction_mode: Option<String>,
    /// Seconds to wait for the migration lock.
    #[serde(deserialize_with = "checked")]
    pub lock_timeout: Option<u64>,
    /// How long each statement of a migration may run, and wait for a lock,
    /// on the server (`"30s"`, `"5min"`, or seconds).
    #[serde(deserialize_with = "checked")]
    pub statement_timeout: Option<std::time::Duration>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            migrations_dir: PathBuf::from("migrations"),
            file_template: schema_core::migration::DEFAULT_FILE_TEMPLATE.to_string(),
            database_url_env: "DATABASE_URL".to_string(),
            database_url: None,
            version_table: schema_core::migration::DEFAULT_VERSION_TABLE.to_string(),
            model_packages: Vec::new(),
            ignore_tables: Vec::new(),
            lock_mode: None,
            transaction_mode: None,
            lock_timeout: None,
            statement_timeout: None,
        }
    }
}

impl Config {
    /// Reads one `[*.metadata.schema]` table of the manifest at `path` (named
    /// in errors); keys it does not set keep their defaults.
    pub fn from_table(table: &toml::Table, path: &Path) -> Result<Config, CliError> {
        let entries = Entries {
            iter: table.iter(),
            pending: None,
        };
        Config::deserialize(MapAccessDeserializer::new(entries)).map_err(|e| CliError::Config {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

/// Text to add to a manifest by `init`.
pub const INIT_CONFIG: &str = "\n[package.metadata.schema]\nmigrations_dir = \"migrations\"\n# database_url = \"sqlite://app.db\"   # fallback when DATABASE_URL is not set\n";

/// A type a config key can have, and how an error describes it.
trait ConfigValue: Sized {
    /// What a value of this type must be, as in "key `x` must be …".
    const WANT: &'static str;
    /// The value, or `None` when `value` has another type.
    fn from_toml(value: toml::Value) -> Option<Self>;
}

impl ConfigValue for String {
    const WANT: &'static str = "a string";
    fn from_toml(value: toml::Value) -> Option<Self> {
        match value {
            toml::Value::String(s) => Some(s),
            _ => None,
        }
    }
}

impl ConfigValue for PathBuf {
    const WANT: &'static str = String::WANT;
    fn from_toml(value: toml::Value) -> Option<Self> {
        String::from_toml(value).map(PathBuf::from)
    }
}

impl ConfigValue for Vec<String> {
    const WANT: &'static str = "a list of strings";
    fn from_toml(value: toml::Value) -> Option<Self> {
        match value {
            toml::Value::Array(items) => items.into_iter().map(String::from_toml).collect(),
            _ => None,
        }
    }
}

/// The one integer key is `lock_timeout`, hence the wording.
impl ConfigValue for u64 {
    const WANT: &'static str = "a whole number of seconds";
    fn from_toml(value: toml::Value) -> Option<Self> {
        value.as_integer().and_then(|n| u64::try_from(n).ok())
    }
}

/// `statement_timeout`: a duration string, or whole seconds.
impl ConfigValue for std::time::Duration {
    const WANT: &'static str =
        "a duration such as \"30s\", \"500ms\" or \"5min\", or a whole number of seconds";
    fn from_toml(value: toml::Value) -> Option<Self> {
        match value {
            toml::Value::Integer(n) => u64::try_from(n).ok().map(std::time::Duration::from_secs),
            toml::Value::String(s) => schema_core::migration::parse_duration(&s),
            _ => None,
        }
    }
}

/// A key that is present has a value; absence is `#[serde(default)]`'s job.
impl<T: ConfigValue> ConfigValue for Option<T> {
    const WANT: &'static str = T::WANT;
    fn from_toml(value: toml::Value) -> Option<Self> {
        T::from_toml(value).map(Some)
    }
}

/// Every field's deserializer: the value must have the field's type, with
/// the error "must be …" (the key is added by [`Entries`]).
fn checked<'de, D: Deserializer<'de>, T: ConfigValue>(d: D) -> Result<T, D::Error> {
    let value = toml::Value::deserialize(d)?;
    T::from_toml(value).ok_or_else(|| D::Error::custom(format_args!("must be {}", T::WANT)))
}

/// Why a table does not deserialize.
#[derive(Debug)]
enum TableError {
    /// A key that is no field of [`Config`]; `known` is serde's field list.
    UnknownKey {
        key: String,
        known: &'static [&'static str],
    },
    /// A known key with a value of the wrong type.
    BadValue { key: String, message: String },
    /// Anything else serde reports.
    Other(String),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::UnknownKey { key, known } => {
                write!(f, "unknown key `{key}` in [metadata.schema]")?;
                if let Some(k) = schema_core::suggest::did_you_mean(key, known) {
                    write!(f, "; did you mean `{k}`?")?;
                }
                write!(f, " (known keys: {})", known.join(", "))
            }
            TableError::BadValue { key, message } => {
                write!(f, "[metadata.schema] key `{key}` {message}")
            }
            TableError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for TableError {}

impl serde::de::Error for TableError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TableError::Other(msg.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        TableError::UnknownKey {
            key: field.to_string(),
            known: expected,
        }
    }
}

/// The entries of a TOML table as a serde map that remembers which key it is
/// reading, so a value's error can name it.
struct Entries<'a> {
    iter: toml::map::Iter<'a, String, toml::Value>,
    /// The key just handed out, with its value.
    pending: Option<(&'a str, &'a toml::Value)>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = TableError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TableError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        let key: serde::de::value::StrDeserializer<'_, TableError> =
            key.as_str().into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TableError> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| TableError::custom("a value was asked for before its key"))?;
        seed.deserialize(value.clone())
            .map_err(|e| TableError::BadValue {
                key: key.to_string(),
                message: e.message().to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Config, String> {
        let table: toml::Table = text.parse().unwrap();
        Config::from_table(&table, Path::new("Cargo.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn every_key_is_read() {
        let c = read(
            r#"
            migrations_dir = "db"
            file_template = "{rev}"
            database_url_env = "APP_DB"
            database_url = "sqlite://app.db"
            version_table = "versions"
            model_packages = ["models"]
            ignore_tables = ["legacy_*"]
            lock_mode = "session"
            transaction_mode = "all"
            lock_timeout = 5
            statement_timeout = "90s"
            "#,
        )
        .unwrap();
        assert_eq!(
            c,
            Config {
                migrations_dir: PathBuf::from("db"),
                file_template: "{rev}".to_string(),
                database_url_env: "APP_DB".to_string(),
                database_url: Some("sqlite://app.db".to_string()),
                version_table: "versions".to_string(),
                model_packages: vec!["models".to_string()],
                ignore_tables: vec!["legacy_*".to_string()],
                lock_mode: Some("session".to_string()),
                transaction_mode: Some("all".to_string()),
                lock_timeout: Some(5),
                statement_timeout: Some(std::time::Duration::from_secs(90)),
            }
        );
    }

    #[test]
    fn an_empty_table_is_the_default() {
        assert_eq!(read("").unwrap(), Config::default());
        assert_eq!(Config::default().version_table, "schema_revisions");
    }

    #[test]
    fn unknown_keys_list_the_known_ones_and_suggest_the_closest() {
        assert_eq!(
            read("migration_dir = \"db\"").unwrap_err(),
            "Cargo.toml: unknown key `migration_dir` in [metadata.schema]; did you mean `migrations_dir`? (known keys: migrations_dir, file_template, database_url_env, database_url, version_table, model_packages, ignore_tables, lock_mode, transaction_mode, lock_timeout, statement_timeout)"
        );
        let err = read("colour = true").unwrap_err();
        assert!(
            err.starts_with("Cargo.toml: unknown key `colour` in [metadata.schema] (known keys: "),
            "{err}"
        );
    }

    #[test]
    fn wrong_types_name_the_key_and_what_it_must_be() {
        let cases = [
            ("migrations_dir = 1", "`migrations_dir` must be a string"),
            ("database_url = false", "`database_url` must be a string"),
            (
                "model_packages = \"m\"",
                "`model_packages` must be a list of strings",
            ),
            (
                "ignore_tables = [\"a\", 1]",
                "`ignore_tables` must be a list of strings",
            ),
            (
                "lock_timeout = -1",
                "`lock_timeout` must be a whole number of seconds",
            ),
            (
                "lock_timeout = \"5\"",
                "`lock_timeout` must be a whole number of seconds",
            ),
            (
                "statement_timeout = \"soon\"",
                "`statement_timeout` must be a duration such as \"30s\", \"500ms\" or \"5min\", or a whole number of seconds",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                read(text).unwrap_err(),
                format!("Cargo.toml: [metadata.schema] key {want}"),
                "{text}"
            );
        }
    }
}
