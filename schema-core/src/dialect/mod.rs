//! SQL dialects: type mapping in both directions, identifier quoting, default
//! rendering, model normalisation, and rendering [`Op`](crate::ops::Op)s to SQL.
//!
//! A [`Dialect`] is a plain `Copy` enum; each method dispatches with a `match`
//! to the per-dialect module (`sqlite`, `postgres`, `mysql`).
//!
//! # How the two sides of a diff are made comparable
//!
//! The differ compares a live database (introspected) with the models. The
//! model side is first passed through [`Dialect::normalize_schema`], which
//! rewrites it into the shape introspection reports for that dialect; types
//! are compared through [`Dialect::canonical_type`] (what the dialect stores),
//! defaults through [`Dialect::normalize_default`] and check expressions
//! through [`normalize_check_sql`]. What introspection must report is listed
//! in [`Dialect::normalize_schema`].

mod mysql;
mod postgres;
mod render;
pub(crate) mod sqlite;

pub use render::RenderedMigration;

use crate::model::{Column, DefaultValue, LogicalType, Schema, Table};
use crate::naming;

/// A SQL dialect cargo-schema can generate SQL for and diff against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35+.
    Sqlite,
    /// PostgreSQL 13+.
    Postgres,
    /// MySQL 8 / MariaDB 10.6+.
    Mysql,
}

impl Dialect {
    /// Every dialect, in a fixed order (handy for tests and loops).
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

    /// Lower-case name: `sqlite`, `postgres`, `mysql`.
    pub fn name(&self) -> &'static str {
        match self {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
        }
    }

    /// Maps a type as the database reports it back (SQLite declared type,
    /// PostgreSQL `format_type`/`information_schema` spelling, MySQL
    /// `COLUMN_TYPE`) to a [`LogicalType`]. Aliases collapse (`int4`,
    /// `integer` → `Integer`; `tinyint(1)` → `Boolean`); anything without a
    /// logical equivalent becomes `Custom` with the spelling upper-cased and
    /// whitespace collapsed.
    pub fn parse_type(&self, declared: &str) -> LogicalType {
        let ty = DeclaredType::parse(declared);
        match self {
            Dialect::Sqlite => sqlite::parse_type(&ty),
            Dialect::Postgres => postgres::parse_type(&ty),
            Dialect::Mysql => mysql::parse_type(&ty),
        }
        .unwrap_or_else(|| LogicalType::Custom(ty.canonical()))
    }

    /// The SQL type of a logical type in this dialect (SPEC §2 type table).
    pub fn render_logical_type(&self, ty: &LogicalType) -> String {
        match self {
            Dialect::Sqlite => sqlite::render_type(ty),
            Dialect::Postgres => postgres::render_type(ty),
            Dialect::Mysql => mysql::render_type(ty),
        }
    }

    /// The SQL type of a column as it appears in a column definition. On
    /// SQLite an auto-increment key is always `INTEGER` (only that exact
    /// spelling makes a rowid alias); elsewhere this is
    /// [`render_logical_type`](Self::render_logical_type).
    pub fn render_type(&self, col: &Column) -> String {
        if *self == Dialect::Sqlite && col.auto_increment {
            return "INTEGER".to_string();
        }
        self.render_logical_type(&col.ty)
    }

    /// The type as this dialect stores it: `parse_type(render_logical_type(ty))`.
    /// Two columns have the same type in this dialect exactly when their
    /// canonical types are equal (`Timestamp`/`TimestampTz` on MySQL and
    /// SQLite, `Json`/`Text` on SQLite).
    pub fn canonical_type(&self, ty: &LogicalType) -> LogicalType {
        self.parse_type(&self.render_logical_type(ty))
    }

    /// Quotes an identifier: `"name"` (SQLite, PostgreSQL) or `` `name` ``
    /// (MySQL), doubling any embedded quote character. Always quotes, so
    /// reserved words and mixed case are safe.
    pub fn quote_ident(&self, name: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            Dialect::Sqlite | Dialect::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A SQL string literal: `'it''s'` (MySQL also escapes backslashes,
    /// which it treats as escapes by default).
    pub fn quote_str(&self, value: &str) -> String {
        let mut s = value.replace('\'', "''");
        if *self == Dialect::Mysql {
            s = s.replace('\\', "\\\\");
        }
        format!("'{s}'")
    }

    /// Renders a server default as it appears after `DEFAULT`. Booleans are
    /// `TRUE`/`FALSE` on PostgreSQL and `1`/`0` on SQLite and MySQL (where
    /// booleans are integers); raw SQL that is not a literal or a
    /// `CURRENT_*` keyword is parenthesised on SQLite and MySQL, which only
    /// accept expressions in parentheses.
    pub fn render_default(&self, default: &DefaultValue) -> String {
        match default {
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(f) => f.clone(),
            DefaultValue::Bool(b) => match (self, b) {
                (Dialect::Postgres, true) => "TRUE".to_string(),
                (Dialect::Postgres, false) => "FALSE".to_string(),
                (_, true) => "1".to_string(),
                (_, false) => "0".to_string(),
            },
            DefaultValue::Str(s) => self.quote_str(s),
            DefaultValue::Sql(sql) => {
                let sql = sql.trim();
                if *self == Dialect::Postgres || is_default_literal(sql) || is_wrapped(sql) {
                    sql.to_string()
                } else {
                    format!("({sql})")
                }
            }
        }
    }

    /// The default of a column as rendered in its definition. Differs from
    /// [`render_default`](Self::render_default) only on MySQL, where a
    /// `DATETIME(6)` column needs `CURRENT_TIMESTAMP(6)`.
    pub fn render_column_default(&self, col: &Column) -> Option<String> {
        let default = col.default.as_ref()?;
        let rendered = self.render_default(default);
        // MySQL only accepts literal defaults on TEXT/BLOB/JSON columns as
        // expressions (8.0.13+; MariaDB accepts both).
        if *self == Dialect::Mysql
            && is_default_literal(&rendered)
            && !is_current_timestamp(&rendered)
        {
            let ty = self.render_type(col);
            if ty.ends_with("TEXT") || ty.ends_with("BLOB") || ty == "JSON" {
                return Some(format!("({rendered})"));
            }
        }
        if *self == Dialect::Mysql && is_current_timestamp(&rendered) {
            let ty = self.render_type(col);
            if let Some(fsp) = ty
                .strip_prefix("DATETIME(")
                .and_then(|r| r.strip_suffix(')'))
            {
                return Some(format!("CURRENT_TIMESTAMP({fsp})"));
            }
        }
        Some(rendered)
    }

    /// Longest identifier the dialect accepts: PostgreSQL 63, MySQL 64,
    /// SQLite unlimited (`None`).
    pub fn max_identifier_len(&self) -> Option<usize> {
        match self {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(63),
            Dialect::Mysql => Some(64),
        }
    }

    /// Renders operations as an up and a down migration (the down section
    /// is the inverse operations in reverse order). See [`RenderedMigration`].
    pub fn render_migration(&self, ops: &[crate::ops::Op]) -> RenderedMigration {
        render::render_migration(*self, ops)
    }

    /// Whether the dialect can rename a constraint of this kind in place
    /// (otherwise the differ drops and re-adds it, or rebuilds on SQLite).
    pub fn can_rename_constraint(&self, kind: crate::ops::ConstraintKind) -> bool {
        match self {
            Dialect::Sqlite => false,
            Dialect::Postgres => postgres::can_rename_constraint(kind),
            Dialect::Mysql => mysql::can_rename_constraint(kind),
        }
    }

    /// Shortens an identifier to [`max_identifier_len`](Self::max_identifier_len)
    /// with [`naming::shorten`].
    pub fn shorten(&self, name: &str) -> String {
        match self.max_identifier_len() {
            Some(limit) => naming::shorten(name, limit),
            None => name.to_string(),
        }
    }

    /// Normalises a server default for comparison: case outside string
    /// literals, redundant parentheses, PostgreSQL casts (`'x'::text`),
    /// `now()`/`current_timestamp()`/`CURRENT_TIMESTAMP(6)`, numeric
    /// spelling, and booleans (`TRUE`/`1`/`'1'`) are folded, so every
    /// spelling a database reports for the default the model asked for
    /// compares equal.
    pub fn normalize_default(&self, default: &DefaultValue, ty: &LogicalType) -> String {
        normalize_default_sql(&self.render_default(default), &self.canonical_type(ty))
    }

    /// Whether two optional defaults are the same for a column of type `ty`.
    pub fn defaults_equal(
        &self,
        a: Option<&DefaultValue>,
        b: Option<&DefaultValue>,
        ty: &LogicalType,
    ) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => self.normalize_default(a, ty) == self.normalize_default(b, ty),
            (Some(d), None) | (None, Some(d)) => self.normalize_default(d, ty) == "null",
        }
    }

    /// Rewrites a model schema into the shape introspection reports for
    /// this dialect, so that `diff(introspected, normalize_schema(models))`
    /// is empty right after applying the generated migration. Idempotent;
    /// the differ applies it to both sides.
    ///
    /// Every dialect:
    /// - identifiers longer than [`max_identifier_len`](Self::max_identifier_len)
    ///   are shortened with [`naming::shorten`];
    /// - primary-key columns are NOT NULL;
    /// - `auto_increment` survives only on the single column of a
    ///   single-column primary key of an integer type, and such a column
    ///   has no default.
    ///
    /// SQLite (what introspection must report):
    /// - unique constraints become unique indexes of the same name (we create
    ///   them with `CREATE UNIQUE INDEX`; `PRAGMA index_list` origin `c`);
    ///   an index of origin `u` (a table-level `UNIQUE` some other tool made)
    ///   is reported as a [`UniqueConstraint`](crate::model::UniqueConstraint)
    ///   under its `sqlite_autoindex_...` name and stays one;
    /// - primary keys and foreign keys have no name (`None`); they are
    ///   compared by columns;
    /// - the auto-increment key is rendered `INTEGER NOT NULL PRIMARY KEY
    ///   AUTOINCREMENT`; introspection reports `auto_increment = true` when the
    ///   table's SQL contains `AUTOINCREMENT`, with type `Integer`;
    /// - comments are dropped (SQLite has none).
    ///
    /// PostgreSQL: the auto-increment key is an identity column
    /// (`attidentity` `d`/`a`; a legacy `serial` with a `nextval(...)`
    /// default counts too, reported without the default).
    ///
    /// MySQL: unique constraints become unique indexes (MySQL does not tell
    /// them apart); the primary key has no name; `NO ACTION` referential
    /// actions become `RESTRICT` (what InnoDB reports); every foreign key whose
    /// columns are not a leading prefix of the primary key or of an index
    /// gets an explicit index `ix_<table>_<cols>` (MySQL would otherwise create
    /// one implicitly, named after the constraint, and the next diff would
    /// drop it).
    pub fn normalize_schema(&self, model: &Schema) -> Schema {
        Schema::new(
            model
                .tables
                .iter()
                .map(|t| self.normalize_table(t))
                .collect(),
        )
    }

    fn normalize_table(&self, t: &Table) -> Table {
        let d = *self;
        let mut t = t.clone();
        t.name = d.shorten(&t.name);
        t.renamed_from = t.renamed_from.map(|n| d.shorten(&n));
        let pk_cols: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|pk| pk.columns.iter().map(|c| d.shorten(c)).collect())
            .unwrap_or_default();
        for col in &mut t.columns {
            col.name = d.shorten(&col.name);
            col.renamed_from = col.renamed_from.take().map(|n| d.shorten(&n));
            if pk_cols.contains(&col.name) {
                col.nullable = false;
            }
            let single_int_pk = pk_cols.len() == 1
                && pk_cols[0] == col.name
                && matches!(
                    col.ty,
                    LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt
                );
            if !single_int_pk {
                col.auto_increment = false;
            }
            if col.auto_increment {
                col.default = None;
                if d == Dialect::Sqlite {
                    col.ty = LogicalType::Integer;
                }
            }
            if d == Dialect::Sqlite {
                col.comment = None;
            }
        }
        let shorten_all = |v: &mut Vec<String>| v.iter_mut().for_each(|c| *c = d.shorten(c));
        if let Some(pk) = &mut t.primary_key {
            shorten_all(&mut pk.columns);
            pk.name = match d {
                Dialect::Postgres => pk.name.as_ref().map(|n| d.shorten(n)),
                Dialect::Sqlite | Dialect::Mysql => None,
            };
        }
        for ix in &mut t.indexes {
            ix.name = d.shorten(&ix.name);
            shorten_all(&mut ix.columns);
        }
        for uq in &mut t.uniques {
            uq.name = d.shorten(&uq.name);
            shorten_all(&mut uq.columns);
        }
        for fk in &mut t.foreign_keys {
            fk.name = match d {
                Dialect::Sqlite => None,
                _ => fk.name.as_ref().map(|n| d.shorten(n)),
            };
            shorten_all(&mut fk.columns);
            fk.ref_table = d.shorten(&fk.ref_table);
            shorten_all(&mut fk.ref_columns);
            // InnoDB treats NO ACTION as RESTRICT and reports it so.
            if d == Dialect::Mysql {
                for action in [&mut fk.on_delete, &mut fk.on_update] {
                    if *action == crate::model::ReferentialAction::NoAction {
                        *action = crate::model::ReferentialAction::Restrict;
                    }
                }
            }
        }
        for ck in &mut t.checks {
            ck.name = d.shorten(&ck.name);
        }
        if d != Dialect::Postgres {
            for uq in std::mem::take(&mut t.uniques) {
                // A table-level UNIQUE found in a SQLite table (made by another
                // tool) is not an index we can drop: keep it a constraint, so
                // changing it takes a rebuild.
                if uq.name.starts_with(SQLITE_AUTOINDEX) {
                    t.uniques.push(uq);
                    continue;
                }
                if !t.indexes.iter().any(|ix| ix.name == uq.name) {
                    t.indexes.push(crate::model::Index {
                        name: uq.name,
                        columns: uq.columns,
                        unique: true,
                    });
                }
            }
        }
        if d == Dialect::Sqlite {
            t.comment = None;
        }
        if d == Dialect::Mysql {
            add_mysql_fk_indexes(&mut t, d);
        }
        t
    }
}

/// Prefix of the indexes SQLite creates for table-level `UNIQUE` constraints.
pub const SQLITE_AUTOINDEX: &str = "sqlite_autoindex_";

/// MySQL needs an index whose leading columns are a foreign key's columns;
/// make it explicit so the database and the model agree.
fn add_mysql_fk_indexes(t: &mut Table, d: Dialect) {
    for fk in t.foreign_keys.clone() {
        let covered = |cols: &[String]| {
            cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
        };
        let by_pk = t
            .primary_key
            .as_ref()
            .is_some_and(|pk| covered(&pk.columns));
        let by_index = t.indexes.iter().any(|ix| covered(&ix.columns));
        if !by_pk && !by_index {
            t.indexes.push(crate::model::Index {
                name: d.shorten(&naming::index(&t.name, &fk.columns)),
                columns: fk.columns.clone(),
                unique: false,
            });
        }
    }
}

/// A declared type split into an upper-cased base name (whitespace
/// collapsed) and its numeric parameters: `character varying(255)` →
/// (`CHARACTER VARYING`, `[255]`), with any text after the parameters (e.g.
/// ` unsigned`, ` with time zone`) kept in `suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredType {
    pub base: String,
    pub params: Vec<String>,
    pub suffix: String,
}

impl DeclaredType {
    pub(crate) fn parse(declared: &str) -> Self {
        let collapse = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_uppercase()
        };
        match declared.find('(') {
            Some(open) => {
                let close = declared[open..]
                    .find(')')
                    .map(|i| open + i)
                    .unwrap_or(declared.len());
                let params = declared[open + 1..close]
                    .split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect();
                let suffix = declared.get(close + 1..).unwrap_or("");
                DeclaredType {
                    base: collapse(&declared[..open]),
                    params,
                    suffix: collapse(suffix),
                }
            }
            None => DeclaredType {
                base: collapse(declared),
                params: Vec::new(),
                suffix: String::new(),
            },
        }
    }

    /// The single numeric parameter, if there is exactly one.
    pub(crate) fn one_param(&self) -> Option<u32> {
        match self.params.as_slice() {
            [p] => p.parse().ok(),
            _ => None,
        }
    }

    /// `(precision, scale)` of `NUMERIC(p,s)`; `NUMERIC(p)` has scale 0.
    pub(crate) fn numeric(&self) -> Option<LogicalType> {
        let precision = self.params.first()?.parse().ok()?;
        let scale = match self.params.get(1) {
            Some(s) => s.parse().ok()?,
            None => 0,
        };
        (self.params.len() <= 2).then_some(LogicalType::Numeric { precision, scale })
    }

    /// Upper-cased, whitespace-collapsed spelling used for `Custom`.
    pub(crate) fn canonical(&self) -> String {
        let mut s = self.base.clone();
        if !self.params.is_empty() {
            s.push('(');
            s.push_str(&self.params.join(","));
            s.push(')');
        }
        if !self.suffix.is_empty() {
            s.push(' ');
            s.push_str(&self.suffix);
        }
        s
    }
}

// The expression normaliser lives with the SQL lexer; these keep its
// functions at their `dialect::` paths.
pub use crate::sql::normalize::normalize_check_sql;
pub(crate) use crate::sql::normalize::{
    is_current_timestamp, is_default_literal, is_wrapped, normalize_default_sql,
    rename_ident_in_sql,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_type_splits_params_and_suffix() {
        let t = DeclaredType::parse("character  varying(255)");
        assert_eq!(t.base, "CHARACTER VARYING");
        assert_eq!(t.params, vec!["255"]);
        let t = DeclaredType::parse("int(10) unsigned");
        assert_eq!(t.canonical(), "INT(10) UNSIGNED");
        assert_eq!(
            DeclaredType::parse("numeric(10, 2)").numeric(),
            Some(LogicalType::Numeric {
                precision: 10,
                scale: 2
            })
        );
    }

    #[test]
    fn parse_type_sqlite() {
        use LogicalType::*;
        let d = Dialect::Sqlite;
        assert_eq!(d.parse_type("INTEGER"), Integer);
        assert_eq!(d.parse_type("integer"), Integer);
        assert_eq!(d.parse_type("BIGINT"), BigInt);
        assert_eq!(d.parse_type("VARCHAR(255)"), Varchar(255));
        assert_eq!(
            d.parse_type("NUMERIC(10,2)"),
            Numeric {
                precision: 10,
                scale: 2
            }
        );
        assert_eq!(d.parse_type("CHAR(36)"), Uuid);
        assert_eq!(d.parse_type("CHAR(2)"), Custom("CHAR(2)".into()));
        assert_eq!(d.parse_type("TIMESTAMP"), Timestamp);
        assert_eq!(d.parse_type("datetime"), Timestamp);
        assert_eq!(d.parse_type("BOOLEAN"), Boolean);
        assert_eq!(d.parse_type(""), Custom(String::new()));
        assert_eq!(d.parse_type("citext"), Custom("CITEXT".into()));
    }

    #[test]
    fn parse_type_postgres() {
        use LogicalType::*;
        let d = Dialect::Postgres;
        assert_eq!(d.parse_type("int4"), Integer);
        assert_eq!(d.parse_type("integer"), Integer);
        assert_eq!(d.parse_type("int8"), BigInt);
        assert_eq!(d.parse_type("smallint"), SmallInt);
        assert_eq!(d.parse_type("character varying(255)"), Varchar(255));
        assert_eq!(
            d.parse_type("character varying"),
            Custom("CHARACTER VARYING".into())
        );
        assert_eq!(d.parse_type("timestamp with time zone"), TimestampTz);
        assert_eq!(d.parse_type("timestamp(6) with time zone"), TimestampTz);
        assert_eq!(d.parse_type("timestamp without time zone"), Timestamp);
        assert_eq!(
            d.parse_type("timestamp(3) without time zone"),
            Custom("TIMESTAMP(3) WITHOUT TIME ZONE".into())
        );
        assert_eq!(d.parse_type("jsonb"), Json);
        assert_eq!(d.parse_type("json"), Custom("JSON".into()));
        assert_eq!(d.parse_type("double precision"), Double);
        assert_eq!(d.parse_type("bytea"), Blob);
        assert_eq!(
            d.parse_type("numeric(10,2)"),
            Numeric {
                precision: 10,
                scale: 2
            }
        );
        assert_eq!(d.parse_type("uuid"), Uuid);
        assert_eq!(d.parse_type("boolean"), Boolean);
        assert_eq!(d.parse_type("integer[]"), Custom("INTEGER[]".into()));
    }

    #[test]
    fn parse_type_mysql() {
        use LogicalType::*;
        let d = Dialect::Mysql;
        assert_eq!(d.parse_type("int(11)"), Integer);
        assert_eq!(d.parse_type("int"), Integer);
        assert_eq!(d.parse_type("tinyint(1)"), Boolean);
        assert_eq!(d.parse_type("tinyint(4)"), Custom("TINYINT(4)".into()));
        assert_eq!(d.parse_type("bigint(20)"), BigInt);
        assert_eq!(
            d.parse_type("int(10) unsigned"),
            Custom("INT(10) UNSIGNED".into())
        );
        assert_eq!(d.parse_type("datetime(6)"), Timestamp);
        assert_eq!(d.parse_type("datetime"), Custom("DATETIME".into()));
        assert_eq!(d.parse_type("longblob"), Blob);
        assert_eq!(d.parse_type("char(36)"), Uuid);
        assert_eq!(
            d.parse_type("decimal(10,2)"),
            Numeric {
                precision: 10,
                scale: 2
            }
        );
        assert_eq!(d.parse_type("double"), Double);
        assert_eq!(d.parse_type("float"), Real);
        assert_eq!(d.parse_type("json"), Json);
        assert_eq!(d.parse_type("varchar(255)"), Varchar(255));
    }

    /// Every logical type renders to something that parses back to its
    /// canonical type, and canonicalisation is a fixpoint.
    #[test]
    fn render_parse_fixpoint() {
        use LogicalType::*;
        let all = [
            Boolean,
            SmallInt,
            Integer,
            BigInt,
            Real,
            Double,
            Text,
            Varchar(40),
            Blob,
            Date,
            Time,
            Timestamp,
            TimestampTz,
            Uuid,
            Json,
            Numeric {
                precision: 12,
                scale: 3,
            },
            Custom("CITEXT".into()),
        ];
        for d in Dialect::ALL {
            for ty in &all {
                let canon = d.canonical_type(ty);
                assert_eq!(d.canonical_type(&canon), canon, "{d:?} {ty:?}");
                let stored = d.parse_type(&d.render_logical_type(ty));
                assert_eq!(stored, canon);
            }
        }
        assert_eq!(Dialect::Mysql.canonical_type(&TimestampTz), Timestamp);
        assert_eq!(Dialect::Sqlite.canonical_type(&TimestampTz), Timestamp);
        assert_eq!(Dialect::Postgres.canonical_type(&TimestampTz), TimestampTz);
        assert_eq!(Dialect::Sqlite.canonical_type(&Json), Text);
        assert_eq!(Dialect::Postgres.canonical_type(&Json), Json);
        assert_eq!(
            Dialect::Postgres.canonical_type(&Custom("int4".into())),
            Integer
        );
    }

    fn sql(s: &str) -> DefaultValue {
        DefaultValue::Sql(s.into())
    }

    /// Every spelling a database reports for a model default compares equal.
    #[test]
    fn default_spellings_fold() {
        use LogicalType::*;
        let eq = |d: Dialect, model: DefaultValue, db: &str, ty: LogicalType| {
            assert!(
                d.defaults_equal(Some(&model), Some(&sql(db)), &ty),
                "{d:?}: {model:?} vs {db}"
            );
        };
        let pg = Dialect::Postgres;
        eq(pg, DefaultValue::Str("x".into()), "'x'::text", Text);
        eq(
            pg,
            DefaultValue::Str("x".into()),
            "'x'::character varying",
            Varchar(10),
        );
        eq(pg, DefaultValue::Str("it's".into()), "'it''s'::text", Text);
        eq(pg, sql("CURRENT_TIMESTAMP"), "now()", TimestampTz);
        eq(pg, sql("now()"), "CURRENT_TIMESTAMP", Timestamp);
        eq(pg, DefaultValue::Bool(true), "true", Boolean);
        eq(pg, DefaultValue::Int(-1), "'-1'::integer", Integer);
        eq(pg, DefaultValue::Int(-1), "(-1)", Integer);
        eq(pg, DefaultValue::Float("1.50".into()), "1.5", Double);
        eq(
            pg,
            DefaultValue::Float("0.0".into()),
            "0.00",
            Numeric {
                precision: 10,
                scale: 2,
            },
        );
        eq(pg, sql("'2020-01-01'"), "'2020-01-01'::date", Date);
        let my = Dialect::Mysql;
        eq(
            my,
            sql("CURRENT_TIMESTAMP"),
            "current_timestamp()",
            Timestamp,
        );
        eq(
            my,
            sql("CURRENT_TIMESTAMP"),
            "CURRENT_TIMESTAMP(6)",
            Timestamp,
        );
        eq(my, DefaultValue::Bool(true), "'1'", Boolean);
        eq(my, DefaultValue::Bool(false), "0", Boolean);
        eq(my, DefaultValue::Int(5), "'5'", Integer);
        eq(my, DefaultValue::Str("x".into()), "_utf8mb4'x'", Text);
        eq(my, DefaultValue::Str("x".into()), "('x')", Text);
        let lite = Dialect::Sqlite;
        eq(lite, DefaultValue::Bool(true), "TRUE", Boolean);
        eq(lite, DefaultValue::Bool(true), "1", Boolean);
        eq(lite, sql("datetime('now')"), "(datetime('now'))", Timestamp);
        eq(
            lite,
            sql("CURRENT_TIMESTAMP"),
            "current_timestamp",
            Timestamp,
        );
        eq(lite, DefaultValue::Str("a b".into()), "'a b'", Text);
        assert!(lite.defaults_equal(Some(&sql("NULL")), None, &Text));
    }

    /// Real changes still differ.
    #[test]
    fn different_defaults_differ() {
        use LogicalType::*;
        let ne = |d: Dialect, a: DefaultValue, b: DefaultValue, ty: LogicalType| {
            assert!(
                !d.defaults_equal(Some(&a), Some(&b), &ty),
                "{d:?}: {a:?} vs {b:?}"
            );
        };
        for d in Dialect::ALL {
            ne(d, DefaultValue::Int(1), DefaultValue::Int(2), Integer);
            ne(
                d,
                DefaultValue::Str("x".into()),
                DefaultValue::Str("X".into()),
                Text,
            );
            ne(
                d,
                DefaultValue::Str("1".into()),
                DefaultValue::Str("01".into()),
                Text,
            );
            ne(
                d,
                DefaultValue::Bool(true),
                DefaultValue::Bool(false),
                Boolean,
            );
            ne(d, sql("CURRENT_TIMESTAMP"), sql("CURRENT_DATE"), Timestamp);
            assert!(!d.defaults_equal(Some(&DefaultValue::Int(0)), None, &Integer));
        }
    }

    #[test]
    fn rendered_defaults() {
        let col = |ty: LogicalType, d: DefaultValue| Column {
            default: Some(d),
            ..Column::new("c", ty)
        };
        let my = Dialect::Mysql;
        assert_eq!(
            my.render_column_default(&col(LogicalType::Timestamp, sql("CURRENT_TIMESTAMP")))
                .as_deref(),
            Some("CURRENT_TIMESTAMP(6)")
        );
        assert_eq!(
            my.render_column_default(&col(LogicalType::Text, DefaultValue::Str("x".into())))
                .as_deref(),
            Some("('x')")
        );
        assert_eq!(
            my.render_default(&DefaultValue::Str("a\\b'c".into())),
            "'a\\\\b''c'"
        );
        assert_eq!(
            Dialect::Sqlite.render_default(&sql("datetime('now')")),
            "(datetime('now'))"
        );
        assert_eq!(Dialect::Postgres.render_default(&sql("now()")), "now()");
        assert_eq!(
            Dialect::Postgres.render_default(&DefaultValue::Bool(true)),
            "TRUE"
        );
        assert_eq!(
            Dialect::Sqlite.render_default(&DefaultValue::Bool(true)),
            "1"
        );
    }

    #[test]
    fn long_identifiers_are_shortened_per_dialect() {
        let long = format!("ix_{}", "very_long_column_name_".repeat(4));
        let t = Table {
            name: "t".into(),
            columns: vec![Column::new("a", LogicalType::Integer)],
            indexes: vec![crate::model::Index {
                name: long.clone(),
                columns: vec!["a".into()],
                unique: false,
            }],
            ..Table::default()
        };
        let s = Schema::new(vec![t]);
        for (d, limit) in [(Dialect::Postgres, 63), (Dialect::Mysql, 64)] {
            let name = &d.normalize_schema(&s).tables[0].indexes[0].name;
            assert_eq!(name.len(), limit, "{d:?}");
            assert_eq!(
                d.normalize_schema(&d.normalize_schema(&s)),
                d.normalize_schema(&s),
                "idempotent"
            );
        }
        assert_eq!(
            Dialect::Sqlite.normalize_schema(&s).tables[0].indexes[0].name,
            long
        );
    }
}
