//! Models versus a live database: the comparison behind
//! [`Migrator::check_models`](crate::Migrator::check_models) and the CLI's
//! autogenerate, `check` and `diff`.

use schema_core::dialect::{Dialect, ServerVersion};
use schema_core::diff::{diff_with_hints, Diff};
use schema_core::Schema;

use crate::conn::Connection;
use crate::error::{Error, Result};
use crate::introspect::{introspect, IntrospectOptions};

/// Which tables a comparison covers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompareOptions {
    /// The version table and the tables the user excludes (glob patterns):
    /// never compared, neither in the database nor in the models.
    pub tables: IntrospectOptions,
    /// Compare only the tables the models name (and their `renamed_from`
    /// names), so tables the application does not model are not reported
    /// (a drift check). Otherwise a table without a model is one to drop
    /// (autogenerate).
    pub only_modelled_tables: bool,
}

impl CompareOptions {
    /// Whether `table` takes part in a comparison with `models`. The one
    /// filter, applied to both sides.
    pub fn compares(&self, table: &str, models: &Schema) -> bool {
        if self.tables.skips(table) {
            return false;
        }
        !self.only_modelled_tables
            || models
                .tables
                .iter()
                .any(|t| t.name == table || t.renamed_from.as_deref() == Some(table))
    }
}

/// The outcome of [`compare_models`].
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The database's dialect (render the operations with it).
    pub dialect: Dialect,
    /// The database's tables that were compared.
    pub live: Schema,
    /// The model tables that were compared.
    pub models: Schema,
    /// The operations that turn the database into the models, and possible
    /// renames.
    pub diff: Diff,
    /// The server's version, read from it (`None` when it does not say):
    /// render with it in [`RenderOptions::server_version`], so a lock-safe
    /// form the server is too old for is written plainly.
    ///
    /// [`RenderOptions::server_version`]: schema_core::dialect::RenderOptions::server_version
    pub server_version: Option<ServerVersion>,
}

/// Refuses models that ask `dialect` for what it cannot do (see
/// [`Dialect::unsupported_in`]), rather than generate SQL that fails or
/// silently leaves the request out.
pub fn check_models_fit(models: &Schema, dialect: Dialect) -> Result<()> {
    let problems = dialect.unsupported_in(models);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::UnsupportedByDialect {
        dialect: dialect.name().to_string(),
        problems,
    })
}

/// Introspects `conn` and diffs it against `models`, both sides filtered by
/// [`CompareOptions::compares`]. Models the database's dialect cannot
/// hold are refused before anything is read
/// ([`check_models_fit`]).
pub fn compare_models(
    conn: &mut Connection,
    models: &Schema,
    options: &CompareOptions,
) -> Result<Comparison> {
    check_models_fit(models, conn.dialect())?;
    let live = introspect(conn, &options.tables)?;
    let keep = |s: Schema| -> Schema {
        let unmodelled = s.unmodelled;
        Schema::new(
            s.tables
                .into_iter()
                .filter(|t| options.compares(&t.name, models))
                .collect(),
        )
        .with_unmodelled(unmodelled)
    };
    let live = keep(live);
    let models = keep(models.clone());
    let dialect = conn.dialect();
    let diff = diff_with_hints(&live, &models, dialect);
    let server_version = conn.server_version()?;
    Ok(Comparison {
        dialect,
        live,
        models,
        diff,
        server_version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_core::{Column, LogicalType, Table};

    fn table(name: &str) -> Table {
        Table {
            name: name.into(),
            columns: vec![Column::new("id", LogicalType::BigInt)],
            ..Table::default()
        }
    }

    #[test]
    fn one_filter_for_both_sides() {
        let mut renamed = table("people");
        renamed.renamed_from = Some("users".into());
        let models = Schema::new(vec![table("orgs"), renamed, table("legacy_x")]);
        let options = CompareOptions {
            tables: IntrospectOptions {
                version_table: "v".into(),
                ignore_tables: vec!["legacy_*".into()],
                on_table: None,
            },
            only_modelled_tables: false,
        };
        assert!(options.compares("orgs", &models));
        assert!(options.compares("unrelated", &models));
        assert!(!options.compares("v", &models));
        assert!(!options.compares("legacy_x", &models));
        let only = CompareOptions {
            only_modelled_tables: true,
            ..options
        };
        assert!(only.compares("users", &models), "a renamed_from name");
        assert!(!only.compares("unrelated", &models));
        assert!(!only.compares("legacy_x", &models));
    }

    #[test]
    fn compares_a_live_database() {
        let mut conn = Connection::establish("sqlite::memory:").unwrap();
        conn.execute("CREATE TABLE unrelated (x INTEGER); CREATE TABLE v (x INTEGER)")
            .unwrap();
        let models = Schema::new(vec![table("orgs")]);
        let mut options = CompareOptions {
            tables: IntrospectOptions {
                version_table: "v".into(),
                ignore_tables: Vec::new(),
                on_table: None,
            },
            only_modelled_tables: true,
        };
        let c = compare_models(&mut conn, &models, &options).unwrap();
        assert!(c.live.tables.is_empty());
        assert_eq!(c.diff.ops.len(), 1, "{:?}", c.diff.ops);
        options.only_modelled_tables = false;
        let c = compare_models(&mut conn, &models, &options).unwrap();
        let names: Vec<&str> = c.live.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["unrelated"]);
        assert_eq!(c.diff.ops.len(), 2, "drop unrelated, create orgs");
    }
}
