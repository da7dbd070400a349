//! SQL dialects: everything cargo-schema knows about SQLite, PostgreSQL and
//! MySQL/MariaDB, behind one small `Copy` value, [`Dialect`].
//!
//! `Dialect` picks its dialect's object once (the private `Dialect::imp`,
//! the only `match` on the variants); every method asks that object, and
//! shared code — this module, `render.rs`, `clauses.rs` and the differ —
//! never compares dialects.
//!
//! # Where each fact lives
//!
//! Each of `sqlite.rs`, `postgres.rs` and `mysql.rs` implements the private
//! `DialectImpl` trait and owns, for its dialect:
//!
//! - types both ways: `parse_type` (what the database reports → [`LogicalType`])
//!   and `render_type`, plus the type a column is forced to (SQLite: an
//!   auto-increment key is `INTEGER`, used by rendering and normalisation alike);
//! - quoting: the identifier quote character and whether string literals
//!   escape backslashes (MySQL);
//! - defaults: how booleans are spelled, whether expressions need
//!   parentheses, MySQL's column-type-dependent adjustments, the "now"
//!   expression;
//! - its part of [`Dialect::normalize_schema`] (SQLite: no PK/FK names, no
//!   comments, uniques become indexes; MySQL: `NO ACTION` → `RESTRICT`, no PK
//!   name, uniques become indexes, explicit foreign-key indexes; PostgreSQL
//!   keeps named primary keys);
//! - what it can change in place: `ALTER TABLE` support (anything else is a
//!   SQLite table rebuild), constraint renames, whether an auto-increment
//!   column must stay a key (MySQL), whether `CREATE TABLE` may reference a
//!   table created later (SQLite);
//! - the SQL of every [`Op`] (`render_op`, a rebuild on SQLite);
//! - how migrations run: transactional DDL, how a transaction begins
//!   (`BEGIN IMMEDIATE` on SQLite), SQLite's foreign-key pragmas, the type
//!   to `CAST` to for text;
//! - the identifier length limit and the "now" default of the version table.
//!
//! Shared, dialect-free code: this module (the enum, dispatch, the common
//! part of normalisation, default rendering and comparison, the version
//! table as a [`Table`], `DeclaredType`), `clauses.rs` (the DDL clause
//! builders the dialect files share, and the version table's `CREATE`),
//! `render.rs` (operations → up/down migration, asking the dialect object
//! for each operation's SQL). Normalising check and default expressions for
//! comparison is dialect-free too and belongs to the SQL expression lexer
//! (`normalize_check_sql`, `normalize_default_sql`).
//!
//! Imports run one way: the dialect files use `clauses.rs` and this module,
//! never each other or `render.rs`; this module reaches them only through
//! `Dialect::imp`.
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

#[cfg(test)]
mod api_tests;
mod clauses;
mod mysql;
mod postgres;
mod render;
mod sqlite;

pub use render::{RenderOptions, RenderedMigration, SeparateMigration, ServerVersion};
pub use sqlite::SQLITE_AUTOINDEX;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::model::{
    Column, DefaultValue, EnumType, LogicalType, NullsOrder, PrimaryKey, ReferentialAction, Schema,
    Table, UniqueConstraint,
};
use crate::naming;
use crate::ops::{ConstraintKind, Op};

/// A SQL dialect cargo-schema can generate SQL for and diff against; also
/// the database family a URL points at (`schema_core::url::Backend` is this
/// type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite 3.35+.
    Sqlite,
    /// PostgreSQL 13+.
    Postgres,
    /// MySQL 8 / MariaDB 10.6+.
    Mysql,
}

/// What one dialect knows. Each dialect file implements it on a unit
/// struct; [`Dialect::imp`] is the one place that picks the implementation.
trait DialectImpl {
    /// Lower-case name.
    fn name(&self) -> &'static str;

    /// Reported type → logical type (`None`: not a known spelling).
    fn parse_type(&self, ty: &DeclaredType) -> Option<LogicalType>;
    /// Whether two canonical types store values identically, so changing
    /// one into the other is no change at all.
    fn stores_alike(&self, a: &LogicalType, b: &LogicalType) -> bool {
        a == b
    }
    /// A default as the database reports it, in the form a model would
    /// write it, where the database rewrites it (PostgreSQL reports a
    /// `bytea` string default in hex). `sql` unchanged by default.
    fn stored_default(&self, sql: String, _ty: &LogicalType) -> String {
        sql
    }
    /// Whether a column of this (canonical) type can be an auto-increment
    /// key: the logical integers, and any integer type of the dialect's
    /// own (MySQL's `SMALLINT UNSIGNED`).
    fn is_integer(&self, ty: &LogicalType) -> bool {
        matches!(
            ty,
            LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt
        )
    }
    /// The `Custom` spelling of a type with no logical equivalent: two
    /// spellings the database stores alike must give the same string.
    fn custom_spelling(&self, ty: &DeclaredType) -> String {
        ty.canonical()
    }
    /// Logical type → SQL type.
    fn render_type(&self, ty: &LogicalType) -> String;
    /// The logical type a column is stored with; `col.ty` unless the
    /// dialect forces one.
    fn column_type<'a>(&self, col: &'a Column) -> Cow<'a, LogicalType> {
        Cow::Borrowed(&col.ty)
    }

    /// The character identifiers are quoted with (doubled inside).
    fn ident_quote(&self) -> char;
    /// Whether a backslash in a string literal is an escape character.
    fn backslash_escapes(&self) -> bool;
    /// The `cargo schema lint` rules (by id) that
    /// name a real risk on this database.
    fn lint_rules(&self) -> &'static [&'static str];
    /// The lint rules whose statements lock-safe rendering still writes
    /// plainly, because the server `options` name has no lock-safe form
    /// for them. None by default.
    fn rules_without_lock_safe_form(&self, _options: RenderOptions) -> &'static [&'static str] {
        &[]
    }

    /// A boolean default.
    fn render_bool(&self, value: bool) -> &'static str;
    /// Whether a default that is an expression (not a literal) must be
    /// written in parentheses.
    fn parenthesize_default_expressions(&self) -> bool;
    /// The rendered default of `col`, adjusted to the column's type.
    fn column_default(&self, _col: &Column, rendered: String) -> String {
        rendered
    }
    /// The expression a column defaults to for "the current time".
    fn now_sql(&self) -> &'static str;

    /// Longest identifier accepted (`None`: unlimited).
    fn max_identifier_len(&self) -> Option<usize>;

    /// Whether two referential actions behave the same here.
    fn same_action(&self, a: ReferentialAction, b: ReferentialAction) -> bool {
        a == b
    }

    /// Whether a foreign key's `NO ACTION` is written out rather than left
    /// as the unspecified default (where the database reports the two
    /// differently).
    fn spells_out_no_action(&self) -> bool {
        false
    }
    /// The dialect's part of [`Dialect::normalize_schema`], applied after
    /// the shared part (names shortened, key columns NOT NULL,
    /// auto-increment rules).
    fn normalize_table(&self, t: &mut Table);

    /// Whether a constraint of this kind can be renamed in place.
    fn can_rename_constraint(&self, kind: ConstraintKind) -> bool;
    /// Whether `op` can be applied to `old` in place (otherwise the table
    /// is rebuilt).
    fn alters_in_place(&self, op: &Op, old: &Table) -> bool;
    /// Whether an auto-increment column must be part of a key at all times.
    fn auto_increment_must_be_key(&self) -> bool;
    /// Whether `CREATE TABLE` may declare a foreign key to a table that
    /// does not exist yet.
    fn allows_forward_foreign_keys(&self) -> bool;
    /// How a column of an enum type is stored: a named type (PostgreSQL),
    /// an unnamed `ENUM(...)` (MySQL), plain text (SQLite).
    fn stored_enum(&self, e: &EnumType) -> LogicalType;
    /// Whether enum types are objects of their own, created and dropped
    /// apart from the columns (PostgreSQL).
    fn names_enum_types(&self) -> bool {
        false
    }
    /// A column collation's name as the database reports it back (SQLite:
    /// upper-cased, `None` for its default `BINARY`).
    fn stored_collation(&self, collation: Option<&str>) -> Option<String> {
        collation.map(str::to_string)
    }
    /// Whether columns may hold arrays of a type (PostgreSQL `T[]`), which
    /// the database reports as the element's spelling followed by `[]`.
    /// Whether a generated column can be `VIRTUAL`, computed on read
    /// (PostgreSQL before 18 stores every one).
    fn virtual_generated_columns(&self) -> bool {
        true
    }

    fn stores_arrays(&self) -> bool {
        false
    }

    /// Whether a change of how a column is generated (`old` to `new`,
    /// which differ in that) alters the column where it is, keeping its
    /// indexes; otherwise the column is dropped and added again, and its
    /// indexes and unique constraints with it.
    fn regenerates_in_place(&self, _old: &Column, _new: &Column) -> bool {
        true
    }

    /// A reported `ENUM('a','b')` column type (MySQL), if `declared` is one.
    fn parse_enum(&self, _declared: &str) -> Option<EnumType> {
        None
    }
    /// The SQL of one operation.
    fn render_op(&self, op: &Op, options: RenderOptions) -> Vec<clauses::Line>;

    /// Whether DDL runs inside a transaction that can roll it back.
    fn transactional_ddl(&self) -> bool;
    /// The statement that starts a migration's transaction.
    fn begin_sql(&self) -> &'static str;
    /// Switches foreign-key enforcement off around a migration.
    fn foreign_keys_off_sql(&self) -> Option<&'static str>;
    /// Switches foreign-key enforcement back on.
    fn foreign_keys_on_sql(&self) -> Option<&'static str>;
    /// Lists foreign-key violations before a migration commits.
    fn foreign_key_check_sql(&self) -> Option<&'static str>;
    /// The type `CAST(x AS ...)` converts to for text.
    fn text_cast_type(&self) -> &'static str;

    /// What indexes can do here beyond key columns and uniqueness.
    fn index_support(&self) -> IndexSupport;
}

/// What a dialect's indexes can do beyond key columns and uniqueness: the
/// facts [`Dialect::unsupported_in`] checks models against and
/// normalisation folds defaults with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IndexSupport {
    /// The dialect's name for people, in messages (`MySQL/MariaDB`).
    pub(crate) display: &'static str,
    /// `NULLS FIRST` / `NULLS LAST` can be written on a key column.
    pub(crate) nulls_order: bool,
    /// Without `NULLS`, an ascending key sorts NULLs last (PostgreSQL,
    /// where NULL is larger than every value); otherwise first (SQLite,
    /// MySQL). A descending key sorts them the other way.
    pub(crate) nulls_last_ascending: bool,
    /// A key may index only a prefix of a column (`name(10)`).
    pub(crate) prefix_length: bool,
    /// `INCLUDE (...)` columns.
    pub(crate) include: bool,
    /// Partial indexes (`WHERE ...`).
    pub(crate) partial: bool,
    /// Keys on expressions (`(lower(email))`).
    pub(crate) expressions: bool,
    /// Access methods besides B-tree that `using` may name.
    pub(crate) methods: &'static [&'static str],
    /// Those of `methods` that can store `INCLUDE` columns too.
    pub(crate) include_methods: &'static [&'static str],
    /// A foreign key must keep an index on its columns at every moment:
    /// the index it uses cannot be dropped, even to be re-created at once
    /// (InnoDB: "needed in a foreign key constraint").
    pub(crate) foreign_keys_hold_their_index: bool,
}

impl IndexSupport {
    /// Where a key sorts NULLs when it does not say.
    fn natural_nulls(&self, desc: bool) -> NullsOrder {
        if self.nulls_last_ascending != desc {
            NullsOrder::Last
        } else {
            NullsOrder::First
        }
    }
}

impl Dialect {
    /// Every dialect, in a fixed order (handy for tests and loops).
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

    /// The dialect's object: the only place that tells the variants apart.
    fn imp(self) -> &'static dyn DialectImpl {
        match self {
            Dialect::Sqlite => &sqlite::Sqlite,
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Mysql => &mysql::Mysql,
        }
    }

    /// Lower-case name: `sqlite`, `postgres`, `mysql`.
    pub fn name(&self) -> &'static str {
        self.imp().name()
    }

    /// Lower-case name: `sqlite`, `postgres` or `mysql` (the same as
    /// [`name`](Self::name); the spelling `Backend` callers know).
    pub fn as_str(self) -> &'static str {
        self.imp().name()
    }

    /// The dialect itself: the identity, kept so code written for
    /// `schema_core::url::Backend` (`backend.dialect()`) keeps working now
    /// that the two are one type.
    pub fn dialect(self) -> Dialect {
        self
    }

    /// Maps a type as the database reports it back (SQLite declared type,
    /// PostgreSQL `format_type`/`information_schema` spelling, MySQL
    /// `COLUMN_TYPE`) to a [`LogicalType`]. Aliases collapse (`int4`,
    /// `integer` → `Integer`; `tinyint(1)` → `Boolean`); anything without a
    /// logical equivalent becomes `Custom` with the spelling upper-cased and
    /// whitespace collapsed.
    pub fn parse_type(&self, declared: &str) -> LogicalType {
        if let Some(e) = self.imp().parse_enum(declared) {
            return LogicalType::Enum(e);
        }
        if let Some(elem) = declared
            .trim_end()
            .strip_suffix("[]")
            .filter(|_| self.imp().stores_arrays())
        {
            return LogicalType::Array(Box::new(self.parse_type(elem)));
        }
        let ty = DeclaredType::parse(declared);
        self.imp()
            .parse_type(&ty)
            .unwrap_or_else(|| LogicalType::Custom(self.imp().custom_spelling(&ty)))
    }

    /// The SQL type of a logical type in this dialect.
    pub fn render_logical_type(&self, ty: &LogicalType) -> String {
        self.imp().render_type(ty)
    }

    /// The SQL type of a column as it appears in a column definition. On
    /// SQLite an auto-increment key is always `INTEGER` (only that exact
    /// spelling makes a rowid alias); elsewhere this is
    /// [`render_logical_type`](Self::render_logical_type).
    pub fn render_type(&self, col: &Column) -> String {
        let imp = self.imp();
        imp.render_type(&imp.column_type(col))
    }

    /// The type as this dialect stores it: `parse_type(render_logical_type(ty))`.
    /// Two columns have the same type in this dialect exactly when their
    /// canonical types are equal (`Timestamp`/`TimestampTz` on MySQL and
    /// SQLite, `Json`/`Text` on SQLite).
    pub fn canonical_type(&self, ty: &LogicalType) -> LogicalType {
        if let LogicalType::Enum(e) = ty {
            return self.imp().stored_enum(e);
        }
        self.parse_type(&self.render_logical_type(ty))
    }

    /// A column collation's name as this dialect reports it back, so a
    /// model's spelling and the catalog's compare equal (SQLite matches
    /// collation names in any case and calls its default `BINARY`).
    pub fn stored_collation(&self, collation: Option<&str>) -> Option<String> {
        self.imp().stored_collation(collation)
    }

    /// Whether enum types are objects of their own (PostgreSQL `CREATE
    /// TYPE`), which the differ creates, changes and drops apart from the
    /// columns using them.
    pub fn names_enum_types(&self) -> bool {
        self.imp().names_enum_types()
    }

    /// Whether a column of type `a` and one of type `b` hold the same
    /// values the same way in this dialect (their canonical types are equal,
    /// or the dialect knows they are stored alike): the differ changes a
    /// column's type only when they do not.
    pub fn stores_alike(&self, a: &LogicalType, b: &LogicalType) -> bool {
        let (a, b) = (self.canonical_type(a), self.canonical_type(b));
        a == b || self.imp().stores_alike(&a, &b)
    }

    /// Quotes an identifier: `"name"` (SQLite, PostgreSQL) or `` `name` ``
    /// (MySQL), doubling any embedded quote character. Always quotes, so
    /// reserved words and mixed case are safe.
    pub fn quote_ident(&self, name: &str) -> String {
        let q = self.imp().ident_quote();
        let mut doubled = String::new();
        doubled.push(q);
        doubled.push(q);
        format!("{q}{}{q}", name.replace(q, &doubled))
    }

    /// A SQL string literal: `'it''s'` (MySQL also escapes backslashes,
    /// which it treats as escapes by default).
    pub fn quote_str(&self, value: &str) -> String {
        let mut s = value.replace('\'', "''");
        if self.backslash_escapes() {
            s = s.replace('\\', "\\\\");
        }
        format!("'{s}'")
    }

    /// Whether a backslash inside a string literal is an escape character
    /// (MySQL's default): string quoting and the statement splitter must
    /// know.
    pub fn backslash_escapes(&self) -> bool {
        self.imp().backslash_escapes()
    }

    /// The `cargo schema lint` rules that apply to migrations run here.
    pub fn lint_rules(&self) -> &'static [&'static str] {
        self.imp().lint_rules()
    }

    /// The lint rules that lock-safe rendering with `options` breaks for
    /// want of a lock-safe form on that server, each under a WARNING
    /// (PostgreSQL before 12: `set-not-null`, which has no scan-free form
    /// there). Empty for an unknown server version.
    pub fn rules_without_lock_safe_form(&self, options: RenderOptions) -> &'static [&'static str] {
        self.imp().rules_without_lock_safe_form(options)
    }

    /// Renders a server default as it appears after `DEFAULT`. Booleans are
    /// `TRUE`/`FALSE` on PostgreSQL and `1`/`0` on SQLite and MySQL (where
    /// booleans are integers); raw SQL that is not a literal or a
    /// `CURRENT_*` keyword is parenthesised on SQLite and MySQL, which only
    /// accept expressions in parentheses.
    pub fn render_default(&self, default: &DefaultValue) -> String {
        let imp = self.imp();
        match default {
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Float(f) => f.clone(),
            DefaultValue::Bool(b) => imp.render_bool(*b).to_string(),
            DefaultValue::Str(s) => self.quote_str(s),
            DefaultValue::Sql(sql) => {
                let sql = sql.trim();
                if !imp.parenthesize_default_expressions()
                    || is_default_literal(sql)
                    || is_wrapped(sql)
                {
                    sql.to_string()
                } else {
                    format!("({sql})")
                }
            }
        }
    }

    /// The default of a column as rendered in its definition. Differs from
    /// [`render_default`](Self::render_default) only on MySQL, where a
    /// `DATETIME(6)` column needs `CURRENT_TIMESTAMP(6)` and a literal
    /// default of a TEXT/BLOB/JSON column must be an expression.
    pub fn render_column_default(&self, col: &Column) -> Option<String> {
        let default = col.default.as_ref()?;
        Some(self.imp().column_default(col, self.render_default(default)))
    }

    /// Longest identifier the dialect accepts: PostgreSQL 63, MySQL 64,
    /// SQLite unlimited (`None`).
    pub fn max_identifier_len(&self) -> Option<usize> {
        self.imp().max_identifier_len()
    }

    /// Renders operations as an up and a down migration (the down section
    /// is the inverse operations in reverse order). See [`RenderedMigration`].
    pub fn render_migration(&self, ops: &[Op]) -> RenderedMigration {
        render::render_migration(*self, ops, RenderOptions::default())
    }

    /// [`render_migration`](Dialect::render_migration) with `options`.
    pub fn render_migration_with(&self, ops: &[Op], options: RenderOptions) -> RenderedMigration {
        render::render_migration(*self, ops, options)
    }

    /// Whether the dialect can rename a constraint of this kind in place
    /// (otherwise the differ drops and re-adds it, or rebuilds on SQLite).
    pub fn can_rename_constraint(&self, kind: ConstraintKind) -> bool {
        self.imp().can_rename_constraint(kind)
    }

    /// Whether the dialect's `ALTER TABLE` can apply `op` to `old` (the
    /// table as it is when the op runs) in place. Only SQLite says no (to
    /// most changes other than adding, dropping and renaming); the differ
    /// then groups the table's changes into one
    /// [`Op::RebuildTable`].
    pub(crate) fn alters_in_place(&self, op: &Op, old: &Table) -> bool {
        self.imp().alters_in_place(op, old)
    }

    /// Whether an auto-increment column must be part of a key at all times
    /// (MySQL), so the differ switches auto-increment off around a
    /// primary-key change.
    pub(crate) fn auto_increment_must_be_key(&self) -> bool {
        self.imp().auto_increment_must_be_key()
    }

    /// Whether two referential actions behave the same in this dialect
    /// (InnoDB runs `NO ACTION` as `RESTRICT`).
    pub fn same_action(&self, a: ReferentialAction, b: ReferentialAction) -> bool {
        a == b || self.imp().same_action(a, b)
    }

    /// Whether foreign keys write `NO ACTION` out (MySQL/MariaDB, which
    /// report an unspecified action as `RESTRICT`).
    pub(crate) fn spells_out_no_action(&self) -> bool {
        self.imp().spells_out_no_action()
    }

    /// Whether `CREATE TABLE` may declare a foreign key to a table that
    /// does not exist yet (SQLite resolves foreign keys only when rows are
    /// written). Elsewhere the differ adds the foreign keys that close a
    /// cycle after all tables exist.
    pub(crate) fn allows_forward_foreign_keys(&self) -> bool {
        self.imp().allows_forward_foreign_keys()
    }

    /// Whether DDL is transactional: SQLite and PostgreSQL roll a failed
    /// migration back completely; MySQL/MariaDB commit each DDL statement
    /// implicitly, so a migration runs statement by statement.
    pub fn transactional_ddl(&self) -> bool {
        self.imp().transactional_ddl()
    }

    /// The statement that starts a migration's transaction: `BEGIN
    /// IMMEDIATE` on SQLite (takes the database's write lock up front, so
    /// concurrent migrators queue instead of failing), `BEGIN` elsewhere.
    pub fn begin_transaction_sql(&self) -> &'static str {
        self.imp().begin_sql()
    }

    /// The statement that switches foreign-key enforcement off before a
    /// migration (SQLite: `PRAGMA foreign_keys = OFF`, which cannot change
    /// inside a transaction; table rebuilds need it). `None` elsewhere.
    pub fn foreign_keys_off_sql(&self) -> Option<&'static str> {
        self.imp().foreign_keys_off_sql()
    }

    /// The statement that switches foreign-key enforcement back on after a
    /// migration (SQLite: `PRAGMA foreign_keys = ON`). `None` elsewhere.
    pub fn foreign_keys_on_sql(&self) -> Option<&'static str> {
        self.imp().foreign_keys_on_sql()
    }

    /// The statement that lists foreign-key violations, which must return
    /// no rows before a migration commits (SQLite: `PRAGMA
    /// foreign_key_check`). `None` where the database checks as it goes.
    pub fn foreign_key_check_sql(&self) -> Option<&'static str> {
        self.imp().foreign_key_check_sql()
    }

    /// The type to `CAST(x AS ...)` to for a text value: `CHAR` on MySQL,
    /// `TEXT` elsewhere.
    pub fn text_cast_type(&self) -> &'static str {
        self.imp().text_cast_type()
    }

    /// What the models ask of indexes that this dialect cannot do: one
    /// message per index and attribute, naming both and what to do instead.
    /// Autogenerate refuses such models for this dialect rather than
    /// drop the attribute silently. A `nulls` order that is the dialect's
    /// own for the direction is no request at all (SQLite and MySQL sort
    /// NULLs first ascending), so it is never reported.
    pub fn unsupported_in(&self, models: &Schema) -> Vec<String> {
        let support = self.imp().index_support();
        let on = support.display;
        let mut out = Vec::new();
        for t in &models.tables {
            if !self.imp().stores_arrays() {
                for col in t
                    .columns
                    .iter()
                    .filter(|c| matches!(c.ty, LogicalType::Array(_)))
                {
                    let field = col.field.as_deref().unwrap_or(&col.name);
                    out.push(format!(
                        "column `{}` of table `{}` is an array (`{}`), which {on} has no type \
                         for; store it as JSON (a `serde_json::Value` field), or say what to \
                         store with `#[model(sql_type = \"...\")]` on `{field}`",
                        col.name, t.name, col.ty
                    ));
                }
            }
            if !self.imp().virtual_generated_columns() {
                for col in t
                    .columns
                    .iter()
                    .filter(|c| c.generated.as_ref().is_some_and(|g| !g.stored))
                {
                    let field = col.field.as_deref().unwrap_or(&col.name);
                    out.push(format!(
                        "column `{}` of table `{}` is a virtual generated column, which {on} \
                         cannot do: it stores every generated column; add `stored` to \
                         `#[model(generated = ...)]` on `{field}`",
                        col.name, t.name
                    ));
                }
            }
            for ix in &t.indexes {
                let ix = self.normalize_index(ix);
                let at = format!("index `{}` on table `{}`", ix.name, t.name);
                if ix.predicate.is_some() && !support.partial {
                    out.push(format!(
                        "{at} is partial (`where = ...`), which {on} cannot do; remove `where` \
                         to index every row"
                    ));
                }
                if !support.include && !ix.include.is_empty() {
                    out.push(format!(
                        "{at} has `include` columns, which {on} cannot store beside the key; \
                         move them into `fields`, or remove `include`"
                    ));
                }
                if let Some(m) = &ix.method {
                    if !support.methods.contains(&m.as_str()) {
                        let instead = if support.methods.is_empty() {
                            format!("{on} builds B-tree indexes only")
                        } else {
                            format!(
                                "{on} knows `btree`, {}",
                                support
                                    .methods
                                    .iter()
                                    .map(|m| format!("`{m}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        };
                        out.push(format!(
                            "{at} uses `{m}`; {instead}: remove `using = \"{m}\"`"
                        ));
                    } else if ix.keys.iter().any(|k| k.desc || k.nulls.is_some()) {
                        out.push(format!(
                            "{at} uses `{m}`, which keeps no order: sort orders (`desc`, \
                             `nulls ...`) need a B-tree index; remove them or `using`"
                        ));
                    } else if !ix.include.is_empty()
                        && !support.include_methods.contains(&m.as_str())
                    {
                        out.push(format!(
                            "{at} uses `{m}`, which cannot store `include` columns (B-tree{} \
                             can); remove `include` or `using`",
                            support
                                .include_methods
                                .iter()
                                .map(|m| format!(" and {m}"))
                                .collect::<String>()
                        ));
                    } else if ix.unique {
                        out.push(format!(
                            "{at} uses `{m}`, which cannot be unique (only B-tree indexes \
                             can); remove `unique` or `using`"
                        ));
                    }
                }
                for (i, col) in ix.columns.iter().enumerate() {
                    let key = ix.key(i);
                    if key.expression && !support.expressions {
                        out.push(format!(
                            "{at} has the expression key `({col})`, which {on} cannot index; \
                             add a generated column computing it \
                             (`#[model(generated = \"...\")]`) and index that field"
                        ));
                    }
                    if let (Some(n), false) = (key.nulls, support.nulls_order) {
                        let natural = support.natural_nulls(key.desc);
                        out.push(format!(
                            "{at} asks for NULLs {} on `{col}`, which {on} cannot do: it sorts \
                             them {} {}; remove `nulls {}`",
                            n.as_sql().to_ascii_lowercase(),
                            natural.as_sql().to_ascii_lowercase(),
                            if key.desc { "descending" } else { "ascending" },
                            n.as_sql().to_ascii_lowercase(),
                        ));
                    }
                    if let (Some(p), false) = (key.prefix, support.prefix_length) {
                        out.push(format!(
                            "{at} indexes a prefix of `{col}` (`{col}({p})`), which {on} cannot \
                             do; index the whole column"
                        ));
                    }
                }
            }
        }
        out
    }

    pub(crate) fn regenerates_in_place(&self, old: &Column, new: &Column) -> bool {
        self.imp().regenerates_in_place(old, new)
    }

    /// Whether a foreign key must keep an index on its columns at every
    /// moment here, so that the one it uses cannot be dropped and created
    /// again under the same name.
    pub(crate) fn foreign_keys_hold_their_index(&self) -> bool {
        self.imp().index_support().foreign_keys_hold_their_index
    }

    /// An index in the shape this dialect reports it: the default method
    /// (`btree`) and NULLs orders that are the default for their
    /// direction left out, keys in their canonical shape, the predicate
    /// trimmed.
    fn normalize_index(&self, ix: &crate::model::Index) -> crate::model::Index {
        let support = self.imp().index_support();
        let mut ix = ix.clone();
        ix.method = ix
            .method
            .map(|m| m.trim().to_ascii_lowercase())
            .filter(|m| m != "btree" && !m.is_empty());
        for key in &mut ix.keys {
            if key.nulls == Some(support.natural_nulls(key.desc)) {
                key.nulls = None;
            }
        }
        ix.canonical_keys();
        ix.predicate = ix
            .predicate
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty());
        ix
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
        let ty = self.canonical_type(ty);
        let sql = self.imp().stored_default(self.render_default(default), &ty);
        normalize_default_sql(&sql, &ty)
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

    /// The version table `name`: one row per applied revision, with
    /// `revision` (primary key), `checksum` (SHA-256 of the up section),
    /// `applied_at` (defaults to now), `execution_ms`, and `dirty` +
    /// `dirty_reason` for a migration that failed half-way where DDL is not
    /// transactional. The columns and their defaults are the same on every
    /// dialect; only how they are spelled differs.
    pub fn version_table(&self, name: &str) -> Table {
        let with_default = |name: &str, ty: LogicalType, default: DefaultValue| Column {
            default: Some(default),
            ..Column::new(name, ty)
        };
        Table {
            name: name.to_string(),
            columns: vec![
                Column::new("revision", LogicalType::Varchar(64)),
                Column::new("checksum", LogicalType::Varchar(64)),
                with_default(
                    "applied_at",
                    LogicalType::TimestampTz,
                    DefaultValue::Sql(self.imp().now_sql().to_string()),
                ),
                with_default("execution_ms", LogicalType::BigInt, DefaultValue::Int(0)),
                with_default("dirty", LogicalType::Boolean, DefaultValue::Bool(false)),
                Column {
                    nullable: true,
                    ..Column::new("dirty_reason", LogicalType::Text)
                },
            ],
            primary_key: Some(PrimaryKey {
                name: None,
                columns: vec!["revision".to_string()],
            }),
            ..Table::default()
        }
    }

    /// `CREATE TABLE IF NOT EXISTS` for [`version_table`](Self::version_table)
    /// `name`, rendered through this dialect's types, defaults and quoting
    /// (the table name is quoted; the fixed column names are not).
    pub fn create_version_table_sql(&self, name: &str) -> String {
        clauses::create_version_table(*self, &self.version_table(name))
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
    ///   is reported as a [`UniqueConstraint`]
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
        .with_unmodelled(model.unmodelled.clone())
    }

    /// The shared part of normalisation, then the dialect's.
    fn normalize_table(&self, t: &Table) -> Table {
        let d = *self;
        let imp = d.imp();
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
                && imp.is_integer(&d.canonical_type(&col.ty));
            if !single_int_pk {
                col.auto_increment = false;
            }
            if col.auto_increment {
                col.default = None;
            }
            let stored = imp.column_type(col).into_owned();
            col.ty = stored;
        }
        let shorten_all = |v: &mut Vec<String>| v.iter_mut().for_each(|c| *c = d.shorten(c));
        if let Some(pk) = &mut t.primary_key {
            shorten_all(&mut pk.columns);
            pk.name = pk.name.as_ref().map(|n| d.shorten(n));
        }
        for ix in &mut t.indexes {
            *ix = d.normalize_index(ix);
            ix.name = d.shorten(&ix.name);
            for i in 0..ix.columns.len() {
                if !ix.is_expression(i) {
                    ix.columns[i] = d.shorten(&ix.columns[i]);
                }
            }
            shorten_all(&mut ix.include);
        }
        for uq in &mut t.uniques {
            uq.name = d.shorten(&uq.name);
            shorten_all(&mut uq.columns);
        }
        for fk in &mut t.foreign_keys {
            fk.name = fk.name.as_ref().map(|n| d.shorten(n));
            shorten_all(&mut fk.columns);
            fk.ref_table = d.shorten(&fk.ref_table);
            shorten_all(&mut fk.ref_columns);
        }
        for ck in &mut t.checks {
            ck.name = d.shorten(&ck.name);
        }
        imp.normalize_table(&mut t);
        t
    }
}

/// An enum's values as SQL string literals: `'a', 'b'`.
pub(crate) fn enum_values_sql(d: Dialect, e: &EnumType) -> String {
    e.values
        .iter()
        .map(|v| d.quote_str(v))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The values of a reported `enum('a','b')` type (MySQL's `COLUMN_TYPE`,
/// which doubles quotes inside a value), or `None` if it is not one.
pub(crate) fn parse_enum_values(declared: &str, backslash_escapes: bool) -> Option<Vec<String>> {
    let t = declared.trim();
    let (head, rest) = t.split_at_checked(5)?;
    if !head.eq_ignore_ascii_case("enum(") {
        return None;
    }
    let inner = rest.trim_end().strip_suffix(')')?;
    let mut values = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next()? != '\'' {
            return None;
        }
        let mut v = String::new();
        loop {
            match chars.next()? {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    v.push('\'');
                }
                '\'' => break,
                '\\' if backslash_escapes => v.push(chars.next()?),
                c => v.push(c),
            }
        }
        values.push(v);
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        match chars.next() {
            None => return Some(values),
            Some(',') => {}
            Some(_) => return None,
        }
    }
}

/// Turns unique constraints into unique indexes of the same name (for
/// dialects that create or report them as indexes), except those `keep`
/// says stay constraints.
fn uniques_to_indexes(t: &mut Table, keep: impl Fn(&UniqueConstraint) -> bool) {
    for uq in std::mem::take(&mut t.uniques) {
        if keep(&uq) {
            t.uniques.push(uq);
            continue;
        }
        if !t.indexes.iter().any(|ix| ix.name == uq.name) {
            t.indexes.push(crate::model::Index {
                name: uq.name,
                columns: uq.columns,
                unique: true,
                ..Default::default()
            });
        }
    }
}

impl fmt::Display for Dialect {
    /// The lower-case name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A dialect name [`Dialect::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown SQL dialect `{}`; expected one of {}", .0, Dialect::ALL.map(|d| d.name()).join(", "))]
pub struct UnknownDialect(pub String);

impl FromStr for Dialect {
    type Err = UnknownDialect;

    /// Parses a dialect's [`name`](Dialect::name), ignoring ASCII case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::ALL
            .into_iter()
            .find(|d| d.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownDialect(s.to_string()))
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
};

/// Whether two columns are generated alike (or both plain): the same
/// `STORED`/`VIRTUAL` choice, and expressions equal once normalised, since
/// the server prints one back with quotes, parentheses and casts the model
/// never wrote.
pub(crate) fn same_generation(a: &Column, b: &Column) -> bool {
    let key = |c: &Column| {
        c.generated
            .as_ref()
            .map(|g| (normalize_check_sql(&g.expr), g.stored))
    };
    key(a) == key(b)
}

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

    /// PostgreSQL reports an array as its element's spelling and `[]`,
    /// whatever the dimensions; the other dialects have no arrays and
    /// refuse models that ask for one, naming the column and the way out.
    #[test]
    fn arrays_on_postgres_only() {
        use LogicalType::*;
        let pg = Dialect::Postgres;
        let array = |ty: LogicalType| Array(Box::new(ty));
        assert_eq!(pg.parse_type("text[]"), array(Text));
        assert_eq!(pg.parse_type("character varying(20)[]"), array(Varchar(20)));
        assert_eq!(
            pg.parse_type("timestamp with time zone[]"),
            array(TimestampTz)
        );
        assert_eq!(pg.parse_type("inet[]"), array(Custom("INET".into())));
        assert_eq!(pg.render_logical_type(&array(BigInt)), "BIGINT[]");
        for ty in [
            array(Text),
            array(Varchar(20)),
            array(Numeric {
                precision: 8,
                scale: 2,
            }),
        ] {
            assert_eq!(pg.canonical_type(&ty), ty);
        }
        // A `sql_type` spelling and the logical array store alike.
        assert_eq!(
            pg.canonical_type(&Custom("INTEGER[]".into())),
            pg.canonical_type(&array(Integer))
        );
        assert_eq!(
            Dialect::Sqlite.parse_type("TEXT[]"),
            Custom("TEXT[]".into())
        );

        let mut tags = Column::new("tags", array(Text));
        tags.field = Some("tag_list".into());
        let models = Schema::new(vec![Table {
            name: "posts".into(),
            columns: vec![Column::new("id", BigInt), tags],
            ..Table::default()
        }]);
        assert!(pg.unsupported_in(&models).is_empty());
        for d in [Dialect::Sqlite, Dialect::Mysql] {
            let problems = d.unsupported_in(&models);
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].starts_with("column `tags` of table `posts` is an array (`text[]`)")
                    && problems[0].contains("`serde_json::Value`")
                    && problems[0].contains("`#[model(sql_type = \"...\")]` on `tag_list`"),
                "{problems:?}"
            );
        }
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
        assert_eq!(d.parse_type("integer[]"), Array(Box::new(Integer)));
    }

    #[test]
    fn parse_type_mysql() {
        use LogicalType::*;
        let d = Dialect::Mysql;
        assert_eq!(d.parse_type("int(11)"), Integer);
        assert_eq!(d.parse_type("int"), Integer);
        assert_eq!(d.parse_type("tinyint(1)"), Boolean);
        // Display widths change nothing stored (MariaDB reports them).
        assert_eq!(d.parse_type("tinyint(4)"), Custom("TINYINT".into()));
        assert_eq!(d.parse_type("TINYINT"), Custom("TINYINT".into()));
        assert_eq!(d.parse_type("mediumint(9)"), Custom("MEDIUMINT".into()));
        assert_eq!(
            d.parse_type("integer unsigned"),
            Custom("INT UNSIGNED".into())
        );
        assert_eq!(
            d.parse_type("int(5) unsigned zerofill"),
            Custom("INT(5) UNSIGNED ZEROFILL".into())
        );
        assert_eq!(d.parse_type("bigint(20)"), BigInt);
        assert_eq!(
            d.parse_type("int(10) unsigned"),
            Custom("INT UNSIGNED".into())
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

    #[test]
    fn enum_types_read_back_as_they_are_written() {
        let e = EnumType::new("ticket_status", ["open", "it's", "a,b)"]);
        let ty = LogicalType::Enum(e.clone());
        let my = Dialect::Mysql;
        assert_eq!(
            my.render_logical_type(&ty),
            r"ENUM('open', 'it''s', 'a,b)')"
        );
        // MySQL reports COLUMN_TYPE without spaces, quotes doubled.
        assert_eq!(
            my.parse_type("enum('open','it''s','a,b)')"),
            LogicalType::Enum(EnumType::new("", ["open", "it's", "a,b)"]))
        );
        assert_eq!(
            my.canonical_type(&ty),
            my.parse_type("enum('open','it''s','a,b)')")
        );
        // Not a complete value list: no enum.
        assert!(!matches!(my.parse_type("enum('a'"), LogicalType::Enum(_)));
        let pg = Dialect::Postgres;
        assert_eq!(pg.render_logical_type(&ty), "\"ticket_status\"");
        assert_eq!(pg.canonical_type(&ty), ty);
        let more = LogicalType::Enum(EnumType::new("ticket_status", ["open"]));
        assert!(
            pg.stores_alike(&ty, &more),
            "values are the type's own change"
        );
        assert!(!my.stores_alike(&ty, &more));
        assert_eq!(Dialect::Sqlite.canonical_type(&ty), LogicalType::Text);
        // PostgreSQL reports the default with a cast to the type.
        let open = DefaultValue::Str("open".into());
        assert!(pg.defaults_equal(Some(&sql("'open'::ticket_status")), Some(&open), &ty));
        assert!(!pg.defaults_equal(Some(&sql("'closed'::ticket_status")), Some(&open), &ty));
        assert!(my.defaults_equal(Some(&sql("'open'")), Some(&open), &ty));
    }

    /// Real changes still differ.
    #[test]
    fn a_bytea_default_reported_in_hex_is_the_string_it_was() {
        let pg = Dialect::Postgres;
        let reported = DefaultValue::Sql("'\\x76'::bytea".into());
        let model = DefaultValue::Str("v".into());
        assert!(pg.defaults_equal(Some(&reported), Some(&model), &LogicalType::Blob));
        let other = DefaultValue::Str("w".into());
        assert!(!pg.defaults_equal(Some(&reported), Some(&other), &LogicalType::Blob));
        // Only for bytea, and only for bytes that are plain text.
        assert!(!pg.defaults_equal(Some(&reported), Some(&model), &LogicalType::Text));
        let binary = DefaultValue::Sql("'\\xff00'::bytea".into());
        assert!(!pg.defaults_equal(Some(&binary), Some(&model), &LogicalType::Blob));
    }

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
                ..Default::default()
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
