//! The schema model: plain data describing tables, shared by the derive, the
//! CLI's model discovery, introspection of a live database and the differ.
//!
//! Two producers fill these types and they must agree:
//! - the model parser (`parse`, from `#[derive(Model)]` structs), which knows
//!   logical Rust-side intent (`LogicalType`, literal defaults, full
//!   constraint names);
//! - introspection (in `schema-runtime`), which reads what a database really
//!   stores, maps declared types back through `Dialect::parse_type`, and keeps
//!   defaults as raw SQL (`DefaultValue::Sql`).
//!
//! Before diffing, the model side is passed through
//! `Dialect::normalize_schema`, which rewrites it into the shape that dialect
//! reports on introspection (identifier shortening, SQLite's unique
//! constraints as unique indexes, names SQLite does not keep, ...). Equality
//! of types and defaults is then decided by the dialect, never by `==` on
//! these enums alone.

use std::fmt;

/// A whole database schema: the set of tables, and (when read from a live
/// database) what it holds besides that models cannot describe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables, kept sorted by name so output is deterministic.
    pub tables: Vec<Table>,
    /// Objects of the live database the model cannot express (views,
    /// triggers, partitioned tables, ...), sorted; always empty for models.
    /// Autogenerate never drops or alters them, and warns before a change
    /// they would block or lose.
    pub unmodelled: Vec<Unmodelled>,
}

impl Schema {
    /// Builds a schema from tables, sorting them by name.
    pub fn new(mut tables: Vec<Table>) -> Self {
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Schema {
            tables,
            unmodelled: Vec::new(),
        }
    }

    /// This schema with `unmodelled` as its unmodelled objects, sorted.
    pub fn with_unmodelled(mut self, mut unmodelled: Vec<Unmodelled>) -> Self {
        unmodelled.sort();
        unmodelled.dedup();
        self.unmodelled = unmodelled;
        self
    }

    /// The table called `name`, if any.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// An object of a live database that models cannot express.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmodelled {
    /// What it is.
    pub kind: UnmodelledKind,
    /// Its name (for a generated column, the column's).
    pub name: String,
    /// The table it belongs to: a trigger's, an index's, a generated
    /// column's, a partition's parent; `None` for free-standing objects.
    pub table: Option<String>,
    /// What sets it apart, in the database's words where it has them
    /// (`partial`, `FULLTEXT`, `RANGE (payment_date)`); may be empty.
    pub detail: String,
    /// Tables and columns it depends on: those a view reads, those a
    /// partitioned table's foreign keys reference. Sorted.
    pub uses: Vec<Use>,
    /// Its own SQL, where the database keeps it (SQLite's views and
    /// triggers): what a table rebuild runs to put it back.
    pub sql: Option<String>,
}

impl Unmodelled {
    /// Whether a change to `table` (and, if given, its `column`) may be
    /// blocked by this object or break it.
    pub fn depends_on(&self, table: &str, column: Option<&str>) -> bool {
        self.uses.iter().any(|u| {
            u.table == table
                && match (column, &u.column) {
                    (Some(c), Some(uc)) => c == uc,
                    _ => true,
                }
        })
    }

    /// Whether the object is a table of its own (autogenerate leaves a
    /// model of that name alone).
    pub fn is_table(&self) -> bool {
        matches!(
            self.kind,
            UnmodelledKind::PartitionedTable | UnmodelledKind::Partition
        )
    }
}

impl fmt::Display for Unmodelled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.name)?;
        if let Some(t) = &self.table {
            let word = match self.kind {
                UnmodelledKind::Partition => "of",
                _ => "on",
            };
            write!(f, " {word} {t}")?;
        }
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        let tables: std::collections::BTreeSet<&str> =
            self.uses.iter().map(|u| u.table.as_str()).collect();
        if !tables.is_empty() {
            let list: Vec<&str> = tables.into_iter().collect();
            write!(f, ", depends on {}", list.join(", "))?;
        }
        Ok(())
    }
}

/// A table (or one of its columns) an [`Unmodelled`] object depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    /// The table.
    pub table: String,
    /// The column, where the database says which; `None` means the object
    /// may use any column of the table.
    pub column: Option<String>,
}

impl Use {
    /// A use of `table`, columns unknown.
    pub fn table(table: impl Into<String>) -> Self {
        Use {
            table: table.into(),
            column: None,
        }
    }
}

/// The kinds of [`Unmodelled`] objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnmodelledKind {
    /// `CREATE VIEW`.
    View,
    /// `CREATE MATERIALIZED VIEW` (PostgreSQL).
    MaterializedView,
    /// `CREATE TRIGGER`.
    Trigger,
    /// A function or procedure written by the user.
    Routine,
    /// A sequence not owned by an identity or `serial` column (PostgreSQL).
    Sequence,
    /// A type of its own: enum, domain, composite, range (PostgreSQL).
    Type,
    /// A partitioned table (PostgreSQL `PARTITION BY`): neither it nor its
    /// partitions are modelled.
    PartitionedTable,
    /// A partition of a partitioned table.
    Partition,
    /// The partitioning of a modelled table (MySQL `PARTITION BY`).
    Partitioning,
    /// An index a model cannot describe: on expressions, with an operator
    /// class or collation of its own, `NULLS NOT DISTINCT`, or of a special
    /// kind (`FULLTEXT`, `SPATIAL`).
    Index,
    /// A constraint a model cannot describe (PostgreSQL `EXCLUDE`).
    Constraint,
}

impl fmt::Display for UnmodelledKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnmodelledKind::View => "view",
            UnmodelledKind::MaterializedView => "materialized view",
            UnmodelledKind::Trigger => "trigger",
            UnmodelledKind::Routine => "routine",
            UnmodelledKind::Sequence => "sequence",
            UnmodelledKind::Type => "type",
            UnmodelledKind::PartitionedTable => "partitioned table",
            UnmodelledKind::Partition => "partition",
            UnmodelledKind::Partitioning => "partitioning",
            UnmodelledKind::Index => "index",
            UnmodelledKind::Constraint => "constraint",
        })
    }
}

/// One table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
#[cfg_attr(feature = "state", serde(default))]
pub struct Table {
    /// Table name as stored in the database.
    #[cfg_attr(feature = "state", serde(skip))]
    pub name: String,
    /// Rust struct name, when the table comes from a model (for messages).
    #[cfg_attr(feature = "state", serde(skip))]
    pub struct_name: Option<String>,
    /// Previous table name (`#[model(renamed_from = "...")]`): autogenerate
    /// emits a rename instead of drop + create.
    #[cfg_attr(feature = "state", serde(skip))]
    pub renamed_from: Option<String>,
    /// Columns in declaration order.
    #[cfg_attr(feature = "state", serde(skip))]
    pub columns: Vec<Column>,
    /// The primary key, if the table has one (models always do).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub primary_key: Option<PrimaryKey>,
    /// Secondary indexes, unique or not.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub indexes: Vec<Index>,
    /// Unique constraints (as opposed to unique indexes).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub uniques: Vec<UniqueConstraint>,
    /// Foreign keys.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub checks: Vec<Check>,
    /// Table comment (PostgreSQL, MySQL).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub comment: Option<String>,
    /// The table's default collation, where it differs from the database's
    /// (MySQL/MariaDB, where it also sets the character set).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub collation: Option<String>,
}

impl Table {
    /// The column called `name`, if any.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "state",
    serde(rename_all = "snake_case", deny_unknown_fields)
)]
pub struct Column {
    /// Column name as stored in the database.
    pub name: String,
    /// Rust field name, when the column comes from a model.
    #[cfg_attr(feature = "state", serde(skip))]
    pub field: Option<String>,
    /// The column's type.
    pub ty: LogicalType,
    /// `NULL` allowed (`Option<T>` in a model).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub nullable: bool,
    /// Server default, if any.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub default: Option<DefaultValue>,
    /// Database-generated integer key (SQLite rowid alias, PostgreSQL
    /// identity, MySQL `AUTO_INCREMENT`).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub auto_increment: bool,
    /// Previous column name (`#[model(renamed_from = "...")]`).
    #[cfg_attr(feature = "state", serde(skip))]
    pub renamed_from: Option<String>,
    /// Column comment (PostgreSQL, MySQL).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub comment: Option<String>,
    /// Collation, where it differs from the table's default (MySQL/MariaDB,
    /// where it also sets the character set: `utf8mb3_general_ci`).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub collation: Option<String>,
    /// `ON UPDATE` expression of a `TIMESTAMP`/`DATETIME` column
    /// (MySQL/MariaDB: `CURRENT_TIMESTAMP`), set on every update of the row.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub on_update: Option<String>,
    /// How the database generates this auto-increment key, where it says
    /// more than "auto-increment"; read by introspection, `None` in models
    /// (the dialect's usual way). Never compared: it lets a table
    /// re-created from introspection (a down section, a baseline) come
    /// back exactly as it was.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub key_generation: Option<KeyGeneration>,
    /// A generated column's expression (`GENERATED ALWAYS AS (...)`): the
    /// database computes the value from the row's other columns.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub generated: Option<Generated>,
}

/// How a generated column is computed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct Generated {
    /// The expression, as SQL over the row's columns.
    pub expr: String,
    /// `STORED`: computed on write and kept on disk; otherwise `VIRTUAL`,
    /// computed on read.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub stored: bool,
}

/// How an auto-increment key is generated, beyond the dialect's usual way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub enum KeyGeneration {
    /// `GENERATED ALWAYS AS IDENTITY` (PostgreSQL): explicit values are
    /// refused unless the insert says `OVERRIDING SYSTEM VALUE`.
    Always,
    /// A sequence the column owns, with a `nextval` default (PostgreSQL
    /// `serial`, and how pg_dump writes it); the sequence's name as the
    /// `regclass` text of the default (`film_film_id_seq`).
    Sequence(String),
}

impl Column {
    /// A NOT NULL column of the given type with no default.
    pub fn new(name: impl Into<String>, ty: LogicalType) -> Self {
        Column {
            name: name.into(),
            field: None,
            ty,
            nullable: false,
            default: None,
            auto_increment: false,
            renamed_from: None,
            comment: None,
            collation: None,
            on_update: None,
            key_generation: None,
            generated: None,
        }
    }
}

/// Dialect-independent column types; each dialect maps them to its own SQL types.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub enum LogicalType {
    /// `bool`
    Boolean,
    /// `i16`
    SmallInt,
    /// `i32`
    Integer,
    /// `i64`
    BigInt,
    /// `f32`
    Real,
    /// `f64`
    Double,
    /// `String` without `max_length`
    Text,
    /// `String` with `max_length = n`
    Varchar(u32),
    /// `Vec<u8>`
    Blob,
    /// chrono `NaiveDate`, time `Date`
    Date,
    /// chrono `NaiveTime`, time `Time`
    Time,
    /// chrono `NaiveDateTime`, time `PrimitiveDateTime`
    Timestamp,
    /// chrono `DateTime<_>`, time `OffsetDateTime`
    TimestampTz,
    /// uuid `Uuid`
    Uuid,
    /// serde_json `Value`
    Json,
    /// rust_decimal `Decimal`, bigdecimal `BigDecimal`
    Numeric {
        /// Total digits.
        precision: u32,
        /// Digits after the decimal point.
        scale: u32,
    },
    /// `sql_type = "..."`, or a database type with no logical equivalent;
    /// the text is used verbatim.
    Custom(String),
    /// A Rust enum with `#[derive(ModelEnum)]`: one of a fixed list of
    /// string values (PostgreSQL `CREATE TYPE ... AS ENUM`, MySQL `ENUM(...)`,
    /// SQLite `TEXT` with a check).
    Enum(EnumType),
    /// `Vec<T>` of a scalar `T` (other than `u8`): an array of the element
    /// type (PostgreSQL `T[]`; other dialects have no array type and refuse
    /// it unless `sql_type` says what to store).
    Array(Box<LogicalType>),
}

/// A named, ordered list of string values: the type of an enum column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
pub struct EnumType {
    /// The SQL type's name (PostgreSQL); empty where the database does not
    /// name it (MySQL's `ENUM(...)` column type).
    pub name: String,
    /// The values in their order (PostgreSQL and MySQL sort by it).
    pub values: Vec<String>,
}

impl EnumType {
    /// An enum type called `name` with `values`.
    pub fn new<S: Into<String>>(
        name: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        EnumType {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether `new` keeps every value of `self` in the same order and only
    /// inserts values (what PostgreSQL's `ALTER TYPE ... ADD VALUE` can do).
    pub fn only_adds_to(&self, new: &EnumType) -> bool {
        let mut rest = new.values.iter();
        self.values.iter().all(|v| rest.any(|n| n == v))
    }
}

impl fmt::Display for LogicalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogicalType::Boolean => f.write_str("boolean"),
            LogicalType::SmallInt => f.write_str("smallint"),
            LogicalType::Integer => f.write_str("integer"),
            LogicalType::BigInt => f.write_str("bigint"),
            LogicalType::Real => f.write_str("real"),
            LogicalType::Double => f.write_str("double"),
            LogicalType::Text => f.write_str("text"),
            LogicalType::Varchar(n) => write!(f, "varchar({n})"),
            LogicalType::Blob => f.write_str("blob"),
            LogicalType::Date => f.write_str("date"),
            LogicalType::Time => f.write_str("time"),
            LogicalType::Timestamp => f.write_str("timestamp"),
            LogicalType::TimestampTz => f.write_str("timestamptz"),
            LogicalType::Uuid => f.write_str("uuid"),
            LogicalType::Json => f.write_str("json"),
            LogicalType::Numeric { precision, scale } => {
                write!(f, "numeric({precision},{scale})")
            }
            LogicalType::Custom(s) => f.write_str(s),
            LogicalType::Enum(e) => {
                if e.name.is_empty() {
                    f.write_str("enum(")?;
                } else {
                    write!(f, "enum {}(", e.name)?;
                }
                f.write_str(&e.values.join(", "))?;
                f.write_str(")")
            }
            LogicalType::Array(elem) => write!(f, "{elem}[]"),
        }
    }
}

/// A column's server default.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub enum DefaultValue {
    /// `default = 42`
    Int(i64),
    /// `default = 1.5`, kept as written so the type stays `Eq`.
    Float(String),
    /// `default = true`
    Bool(bool),
    /// `default = "text"`: rendered as a quoted SQL string literal.
    Str(String),
    /// `default_sql = "CURRENT_TIMESTAMP"`, or any default read back from a
    /// database: raw SQL, used verbatim.
    Sql(String),
}

/// Referential action of a foreign key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub enum ReferentialAction {
    /// `NO ACTION` (the SQL default).
    #[default]
    NoAction,
    /// `RESTRICT`
    Restrict,
    /// `CASCADE`
    Cascade,
    /// `SET NULL`
    SetNull,
    /// `SET DEFAULT`
    SetDefault,
}

impl ReferentialAction {
    /// Whether this is `NO ACTION`, the default.
    pub fn is_no_action(&self) -> bool {
        *self == ReferentialAction::NoAction
    }

    /// The SQL spelling, e.g. `SET NULL`.
    pub fn as_sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }

    /// Parses the attribute spelling (`"set_null"`) or the SQL spelling
    /// (`"SET NULL"`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Some(match norm.as_str() {
            "no_action" => ReferentialAction::NoAction,
            "restrict" => ReferentialAction::Restrict,
            "cascade" => ReferentialAction::Cascade,
            "set_null" => ReferentialAction::SetNull,
            "set_default" => ReferentialAction::SetDefault,
            _ => return None,
        })
    }
}

/// The primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct PrimaryKey {
    /// Constraint name (`pk_<table>` by default). `None` where the database
    /// does not keep one (SQLite).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// Column names, in key order.
    pub columns: Vec<String>,
}

/// A secondary index.
///
/// Besides its key columns, an index may sort them (`DESC`, `NULLS
/// FIRST`), index a prefix of them (MySQL), carry extra `INCLUDE` columns
/// and use another access method (PostgreSQL), and cover only the rows a
/// predicate selects (PostgreSQL, SQLite). Which of these a dialect can do
/// is the dialect's to say (`Dialect::unsupported_in`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct Index {
    /// Index name (`ix_<table>_<cols>` by default).
    pub name: String,
    /// The keys, in index order: column names, or for a key on an
    /// expression ([`KeyOptions::expression`]) the expression's SQL.
    pub columns: Vec<String>,
    /// `CREATE UNIQUE INDEX`.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "std::ops::Not::not")
    )]
    pub unique: bool,
    /// How each key column is sorted and how much of it is indexed, in the
    /// order of `columns`; empty when every column takes the defaults
    /// (ascending, the dialect's NULLs order, the whole value). Where not
    /// empty it may be shorter than `columns`: missing entries are
    /// defaults ([`Index::key`]).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub keys: Vec<KeyOptions>,
    /// Columns stored in the index but not part of its key (`INCLUDE`,
    /// PostgreSQL).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Vec::is_empty")
    )]
    pub include: Vec<String>,
    /// The access method (`USING gin`), lower-case; `None` for the
    /// dialect's default (B-tree).
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub method: Option<String>,
    /// The predicate of a partial index (`WHERE ...`), as SQL.
    #[cfg_attr(
        feature = "state",
        serde(default, rename = "where", skip_serializing_if = "Option::is_none")
    )]
    pub predicate: Option<String>,
}

impl Index {
    /// A plain index on `columns`.
    pub fn new(name: impl Into<String>, columns: Vec<String>, unique: bool) -> Self {
        Index {
            name: name.into(),
            columns,
            unique,
            ..Index::default()
        }
    }

    /// The options of key column `i` (defaults past the end of `keys`).
    pub fn key(&self, i: usize) -> KeyOptions {
        self.keys.get(i).copied().unwrap_or_default()
    }

    /// Whether key `i` is an expression rather than a column.
    pub fn is_expression(&self, i: usize) -> bool {
        self.key(i).expression
    }

    /// The column names among the keys, expressions left out.
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .enumerate()
            .filter(|&(i, _)| !self.is_expression(i))
            .map(|(_, c)| c.as_str())
    }

    /// Whether the index is a plain one: key columns and uniqueness only.
    pub fn is_plain(&self) -> bool {
        self.keys.iter().all(KeyOptions::is_default)
            && self.include.is_empty()
            && self.method.is_none()
            && self.predicate.is_none()
    }

    /// `keys` in its one canonical shape: empty when every key takes the
    /// defaults, otherwise exactly one entry per key column.
    pub fn canonical_keys(&mut self) {
        if self.keys.iter().all(KeyOptions::is_default) {
            self.keys.clear();
        } else {
            self.keys.resize(self.columns.len(), KeyOptions::default());
        }
    }
}

/// How one key column of an [`Index`] is sorted, and how much of it is
/// indexed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case", default))]
pub struct KeyOptions {
    /// `DESC`.
    #[cfg_attr(feature = "state", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub desc: bool,
    /// `NULLS FIRST` / `NULLS LAST`; `None` for the dialect's default for
    /// the direction.
    #[cfg_attr(feature = "state", serde(skip_serializing_if = "Option::is_none"))]
    pub nulls: Option<NullsOrder>,
    /// The number of leading characters (bytes for binary columns)
    /// indexed: MySQL's `col(10)`.
    #[cfg_attr(feature = "state", serde(skip_serializing_if = "Option::is_none"))]
    pub prefix: Option<u32>,
    /// The key is an expression over the row's columns (`lower(email)`),
    /// whose SQL stands in [`Index::columns`] where a column name would.
    #[cfg_attr(feature = "state", serde(skip_serializing_if = "std::ops::Not::not"))]
    pub expression: bool,
}

impl KeyOptions {
    /// Ascending, default NULLs order, the whole value.
    pub fn is_default(&self) -> bool {
        *self == KeyOptions::default()
    }

    /// The key `name` (a column or field, or an expression's SQL) with
    /// these options, as the `fields` of `#[model(index(...))]` write it:
    /// `name(10) desc nulls last`, `(lower(email)) desc`.
    pub fn describe(&self, name: &str) -> String {
        let mut s = if self.expression {
            format!("({name})")
        } else {
            name.to_string()
        };
        if let Some(n) = self.prefix {
            s.push_str(&format!("({n})"));
        }
        if self.desc {
            s.push_str(" desc");
        }
        if let Some(n) = self.nulls {
            s.push_str(&format!(" nulls {}", n.as_sql().to_ascii_lowercase()));
        }
        s
    }
}

/// Where an index sorts NULLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub enum NullsOrder {
    /// `NULLS FIRST`.
    First,
    /// `NULLS LAST`.
    Last,
}

impl NullsOrder {
    /// `FIRST` or `LAST`.
    pub fn as_sql(self) -> &'static str {
        match self {
            NullsOrder::First => "FIRST",
            NullsOrder::Last => "LAST",
        }
    }
}

/// A unique constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct UniqueConstraint {
    /// Constraint name (`uq_<table>_<cols>` by default).
    pub name: String,
    /// Column names.
    pub columns: Vec<String>,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct ForeignKey {
    /// Constraint name (`fk_<table>_<col>_<reftable>` by default). `None`
    /// where the database does not keep one.
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<String>,
    /// Referencing columns of this table.
    pub columns: Vec<String>,
    /// Referenced table.
    pub ref_table: String,
    /// Referenced columns.
    pub ref_columns: Vec<String>,
    /// `ON DELETE`
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "ReferentialAction::is_no_action")
    )]
    pub on_delete: ReferentialAction,
    /// `ON UPDATE`
    #[cfg_attr(
        feature = "state",
        serde(default, skip_serializing_if = "ReferentialAction::is_no_action")
    )]
    pub on_update: ReferentialAction,
}

/// A check constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "state", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "state", serde(rename_all = "snake_case"))]
pub struct Check {
    /// Constraint name (`ck_<table>_<name>`).
    pub name: String,
    /// The boolean SQL expression, without the surrounding `CHECK ( )`.
    pub sql: String,
}
