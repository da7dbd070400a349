//! MySQL / MariaDB: everything cargo-schema knows about it. Type reading
//! accepts `COLUMN_TYPE` spellings with and without display widths
//! (`int(11)` on MySQL 5.7/MariaDB, `int` on 8.0). DDL commits implicitly,
//! so migrations are not transactional.

use super::clauses::{
    backfill, check_clause, collated_type, create_table_stmt, foreign_key_clause, ident_list,
    index_keys, null_and_default, regenerate_column, unique_clause, Line,
};
use super::{
    enum_values_sql, parse_enum_values, DeclaredType, Dialect, DialectImpl, RenderOptions,
};
use super::{
    is_current_timestamp, is_default_literal, same_generation, uniques_to_indexes, IndexSupport,
};
use crate::model::{Column, EnumType, Index, LogicalType, ReferentialAction, Table};
use crate::naming;
use crate::ops::{ConstraintKind, Op};

const D: Dialect = Dialect::Mysql;

/// The integer types, in `DeclaredType::base` spelling.
const INTEGER_TYPES: &[&str] = &[
    "TINYINT",
    "SMALLINT",
    "MEDIUMINT",
    "INT",
    "INTEGER",
    "BIGINT",
];

/// The MySQL dialect object.
pub(super) struct Mysql;

impl DialectImpl for Mysql {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn parse_type(&self, ty: &DeclaredType) -> Option<LogicalType> {
        parse_type(ty)
    }

    fn render_type(&self, ty: &LogicalType) -> String {
        render_type(ty)
    }

    /// `TINYINT`, `MEDIUMINT` and the `UNSIGNED` integers too.
    fn is_integer(&self, ty: &LogicalType) -> bool {
        match ty {
            LogicalType::SmallInt | LogicalType::Integer | LogicalType::BigInt => true,
            LogicalType::Custom(s) => {
                let base = s.split([' ', '(']).next().unwrap_or_default();
                INTEGER_TYPES.contains(&base.to_ascii_uppercase().as_str())
            }
            _ => false,
        }
    }

    /// Integer display widths (`tinyint(4)`, `int(10) unsigned`: what
    /// MariaDB and MySQL before 8.0.19 report) change nothing stored, so
    /// they are dropped, except with `ZEROFILL` (where the width pads the
    /// value) and `TINYINT(1)` (the boolean spelling). `INTEGER` is `INT`.
    fn custom_spelling(&self, ty: &DeclaredType) -> String {
        // Without parentheses the attributes are still in `base`
        // (`INTEGER UNSIGNED`).
        let (base, rest) = ty.base.split_once(' ').unwrap_or((&ty.base, ""));
        let integer = INTEGER_TYPES.contains(&base);
        let suffix = [rest, ty.suffix.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        if !integer || suffix.contains("ZEROFILL") {
            return ty.canonical();
        }
        let keep_width = base == "TINYINT" && ty.one_param() == Some(1);
        DeclaredType {
            base: if base == "INTEGER" {
                "INT".to_string()
            } else {
                base.to_string()
            },
            params: if keep_width || ty.params.len() > 1 {
                ty.params.clone()
            } else {
                Vec::new()
            },
            suffix,
        }
        .canonical()
    }

    fn ident_quote(&self) -> char {
        '`'
    }

    /// Backslash is an escape unless `NO_BACKSLASH_ESCAPES` is set.
    fn backslash_escapes(&self) -> bool {
        true
    }

    /// Online DDL is asked for with `ALGORITHM`/`LOCK`; the lock wait is
    /// `lock_wait_timeout`.
    fn lint_rules(&self) -> &'static [&'static str] {
        &[
            "require-online-algorithm",
            "changing-column-type",
            "renaming-column",
            "renaming-table",
            "ban-drop-column",
            "ban-drop-table",
            "prefer-bigint-over-int",
            "require-lock-timeout",
        ]
    }

    /// Booleans are `TINYINT(1)`.
    fn render_bool(&self, value: bool) -> &'static str {
        if value {
            "1"
        } else {
            "0"
        }
    }

    fn parenthesize_default_expressions(&self) -> bool {
        true
    }

    fn column_default(&self, col: &Column, rendered: String) -> String {
        // MySQL only accepts literal defaults on TEXT/BLOB/JSON columns as
        // expressions (8.0.13+; MariaDB accepts both).
        if is_default_literal(&rendered) && !is_current_timestamp(&rendered) {
            let ty = D.render_type(col);
            if ty.ends_with("TEXT") || ty.ends_with("BLOB") || ty == "JSON" {
                return format!("({rendered})");
            }
        }
        // A `DATETIME(6)` column needs the time with the same precision.
        if is_current_timestamp(&rendered) {
            let ty = D.render_type(col);
            if let Some(fsp) = ty
                .strip_prefix("DATETIME(")
                .and_then(|r| r.strip_suffix(')'))
            {
                return format!("CURRENT_TIMESTAMP({fsp})");
            }
        }
        rendered
    }

    fn now_sql(&self) -> &'static str {
        "CURRENT_TIMESTAMP"
    }

    fn max_identifier_len(&self) -> Option<usize> {
        Some(64)
    }

    /// MariaDB reports an unspecified action as `RESTRICT` but an explicit
    /// `NO ACTION` as written; spelling it out lets a table re-created from
    /// the catalog read back the same.
    fn spells_out_no_action(&self) -> bool {
        true
    }

    /// InnoDB runs `NO ACTION` as `RESTRICT` (and reports an unspecified
    /// action so), so a model's default matches either; each is kept as
    /// the database reports it, so a re-created table reads back the same.
    fn same_action(&self, a: ReferentialAction, b: ReferentialAction) -> bool {
        use ReferentialAction::{NoAction, Restrict};
        matches!((a, b), (NoAction | Restrict, NoAction | Restrict))
    }

    /// The primary key has no name (it is always `PRIMARY`), unique
    /// constraints are unique indexes, and foreign keys get the index MySQL
    /// would otherwise create itself.
    fn normalize_table(&self, t: &mut Table) {
        if let Some(pk) = &mut t.primary_key {
            pk.name = None;
        }
        for col in &mut t.columns {
            if let LogicalType::Enum(e) = &col.ty {
                col.ty = self.stored_enum(e);
            }
            // MariaDB refuses NOT NULL on a generated column, and reports
            // every one nullable.
            if col.generated.is_some() {
                col.nullable = true;
            }
        }
        uniques_to_indexes(t, |_| false);
        add_fk_indexes(t);
    }

    /// Only unique constraints, which are indexes (`RENAME INDEX`).
    fn can_rename_constraint(&self, kind: ConstraintKind) -> bool {
        kind == ConstraintKind::Unique
    }

    /// `AUTO_INCREMENT` is only allowed on a key column.
    fn auto_increment_must_be_key(&self) -> bool {
        true
    }

    /// Every change has an `ALTER`.
    fn alters_in_place(&self, _op: &Op, _old: &Table) -> bool {
        true
    }

    /// MariaDB's `MODIFY` changes a generated column's expression, but not
    /// whether it is stored, nor makes a plain column generated or back.
    fn regenerates_in_place(&self, old: &Column, new: &Column) -> bool {
        match (&old.generated, &new.generated) {
            (Some(a), Some(b)) => a.stored == b.stored,
            _ => false,
        }
    }

    /// The column's own `ENUM(...)`: MySQL does not name it.
    fn stored_enum(&self, e: &EnumType) -> LogicalType {
        LogicalType::Enum(EnumType::new("", e.values.iter().cloned()))
    }

    fn parse_enum(&self, declared: &str) -> Option<EnumType> {
        let values = parse_enum_values(declared, self.backslash_escapes())?;
        Some(EnumType::new("", values))
    }

    /// Foreign keys are checked at `CREATE TABLE`.
    fn allows_forward_foreign_keys(&self) -> bool {
        false
    }

    fn render_op(&self, op: &Op, options: RenderOptions) -> Vec<Line> {
        render_op(op, options.online)
    }

    /// Each DDL statement commits implicitly.
    fn transactional_ddl(&self) -> bool {
        false
    }

    fn begin_sql(&self) -> &'static str {
        "BEGIN"
    }

    /// Foreign keys are checked as statements run; nothing to switch.
    fn foreign_keys_off_sql(&self) -> Option<&'static str> {
        None
    }

    fn foreign_keys_on_sql(&self) -> Option<&'static str> {
        None
    }

    fn foreign_key_check_sql(&self) -> Option<&'static str> {
        None
    }

    fn text_cast_type(&self) -> &'static str {
        "CHAR"
    }

    /// InnoDB builds B-tree indexes whatever `USING` says, so no other
    /// method is offered; `FULLTEXT` and `SPATIAL` indexes stay unmodelled.
    fn index_support(&self) -> IndexSupport {
        IndexSupport {
            display: "MySQL/MariaDB",
            nulls_order: false,
            nulls_last_ascending: false,
            prefix_length: true,
            include: false,
            partial: false,
            // MariaDB has no functional key parts; MySQL 8.0.13+ has, but
            // one model must serve both servers.
            expressions: false,
            methods: &[],
            include_methods: &[],
            foreign_keys_hold_their_index: true,
        }
    }
}

/// MySQL needs an index whose leading columns are a foreign key's columns;
/// make it explicit so the database and the model agree.
fn add_fk_indexes(t: &mut Table) {
    for fk in t.foreign_keys.clone() {
        let covered = |cols: &[String]| {
            cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
        };
        let by_pk = t
            .primary_key
            .as_ref()
            .is_some_and(|pk| covered(&pk.columns));
        // A key indexed by a prefix only cannot serve a foreign key.
        let by_index = t.indexes.iter().any(|ix| {
            covered(&ix.columns) && (0..fk.columns.len()).all(|i| ix.key(i).prefix.is_none())
        });
        if !by_pk && !by_index {
            t.indexes.push(Index {
                name: D.shorten(&naming::index(&t.name, &fk.columns)),
                columns: fk.columns.clone(),
                unique: false,
                ..Default::default()
            });
        }
    }
}

/// Reported type → logical type (`None`: not a known spelling).
fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
    use LogicalType::*;
    // Display widths (`int(11)`) do not change the type; `unsigned` does.
    if !t.suffix.is_empty() {
        return None;
    }
    let width_only = t.params.len() <= 1;
    Some(match t.base.as_str() {
        "TINYINT" if t.one_param() == Some(1) => Boolean,
        "BOOL" | "BOOLEAN" if t.params.is_empty() => Boolean,
        "SMALLINT" if width_only => SmallInt,
        "INT" | "INTEGER" if width_only => Integer,
        "BIGINT" if width_only => BigInt,
        "FLOAT" if t.params.is_empty() => Real,
        "DOUBLE" | "DOUBLE PRECISION" | "REAL" if t.params.is_empty() => Double,
        "TEXT" if t.params.is_empty() => Text,
        "VARCHAR" => Varchar(t.one_param()?),
        "CHAR" if t.one_param() == Some(36) => Uuid,
        "LONGBLOB" if t.params.is_empty() => Blob,
        "DATE" if t.params.is_empty() => Date,
        "TIME" if t.params.is_empty() => Time,
        "DATETIME" if t.one_param() == Some(6) => Timestamp,
        "JSON" if t.params.is_empty() => Json,
        "DECIMAL" | "NUMERIC" => t.numeric()?,
        _ => return None,
    })
}

/// Logical type → MySQL type.
fn render_type(ty: &LogicalType) -> String {
    use LogicalType::*;
    match ty {
        Boolean => "BOOL".into(),
        SmallInt => "SMALLINT".into(),
        Integer => "INT".into(),
        BigInt => "BIGINT".into(),
        Real => "FLOAT".into(),
        Double => "DOUBLE".into(),
        Text => "TEXT".into(),
        Varchar(n) => format!("VARCHAR({n})"),
        Blob => "LONGBLOB".into(),
        Date => "DATE".into(),
        Time => "TIME".into(),
        Timestamp | TimestampTz => "DATETIME(6)".into(),
        Uuid => "CHAR(36)".into(),
        Json => "JSON".into(),
        Numeric { precision, scale } => format!("DECIMAL({precision},{scale})"),
        Custom(s) => s.clone(),
        Enum(e) => format!("ENUM({})", enum_values_sql(D, e)),
        // Refused before anything is rendered (`Dialect::unsupported_in`);
        // spelled as PostgreSQL would, so a hand-fed statement fails loudly.
        Array(elem) => format!("{}[]", render_type(elem)),
    }
}

/// The full column definition (MODIFY COLUMN needs all of it).
fn column_def(col: &Column) -> String {
    // The collation names its character set too.
    let mut s = format!("{} {}", D.quote_ident(&col.name), collated_type(D, col));
    s.push_str(&null_and_default(D, col));
    if let Some(on_update) = &col.on_update {
        // The same precision as a default: `CURRENT_TIMESTAMP(6)` on a
        // `DATETIME(6)` column.
        let on_update = Mysql.column_default(col, on_update.clone());
        s.push_str(&format!(" ON UPDATE {on_update}"));
    }
    if col.auto_increment {
        s.push_str(" AUTO_INCREMENT");
    }
    if let Some(c) = &col.comment {
        s.push_str(&format!(" COMMENT {}", D.quote_str(c)));
    }
    s
}

fn index_clause(ix: &Index) -> String {
    format!(
        "{}INDEX {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        D.quote_ident(&ix.name),
        index_keys(D, ix)
    )
}

/// Indexes are declared inside `CREATE TABLE`, before the foreign keys, so
/// MySQL uses them for the foreign keys instead of creating its own.
fn create_table(t: &Table) -> Vec<Line> {
    let columns = t.columns.iter().map(column_def).collect();
    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key {
        constraints.push(format!("PRIMARY KEY ({})", ident_list(D, &pk.columns)));
    }
    constraints.extend(t.uniques.iter().map(|u| unique_clause(D, u)));
    constraints.extend(t.indexes.iter().map(index_clause));
    for fk in &t.foreign_keys {
        constraints.push(foreign_key_clause(D, fk));
    }
    constraints.extend(t.checks.iter().map(|ck| check_clause(D, ck)));
    // The collation names its character set too.
    let mut suffix = t
        .collation
        .as_ref()
        .map(|c| format!(" COLLATE = {}", D.quote_ident(c)))
        .unwrap_or_default();
    if let Some(c) = &t.comment {
        suffix.push_str(&format!(" COMMENT = {}", D.quote_str(c)));
    }
    vec![Line::Stmt(create_table_stmt(
        D,
        &t.name,
        columns,
        constraints,
        &suffix,
    ))]
}

/// The online clause InnoDB accepts for a change that may run while the
/// table takes writes: rebuilt or changed in place, no lock on writes. The
/// server refuses at once where it cannot, instead of silently copying.
const ONLINE: &str = ", ALGORITHM=INPLACE, LOCK=NONE";

/// Why a change has no online form on MySQL/MariaDB (its WARNING line).
fn offline(what: &str) -> Line {
    Line::Warning(format!(
        "no online form on MySQL/MariaDB: {what} copies the table while blocking writes; on a large table, run it in a quiet period or with gh-ost / pt-online-schema-change"
    ))
}

/// SQL for one operation; with `online`, the lock-safe form where InnoDB
/// has one, and a WARNING where it has none.
fn render_op(op: &Op, online: bool) -> Vec<Line> {
    let q = |s: &str| D.quote_ident(s);
    let stmt = |s: String| vec![Line::Stmt(s)];
    let on = if online { ONLINE } else { "" };
    let alter =
        |t: &str, rest: String| vec![Line::Stmt(format!("ALTER TABLE {} {rest}{on}", q(t)))];
    let plain = |t: &str, rest: String, what: &str| {
        let mut lines = Vec::new();
        if online {
            lines.push(offline(what));
        }
        lines.push(Line::Stmt(format!("ALTER TABLE {} {rest}", q(t))));
        lines
    };
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable(t) => stmt(format!("DROP TABLE {}", q(&t.name))),
        Op::RenameTable { from, to } => stmt(format!("RENAME TABLE {} TO {}", q(from), q(to))),
        // A new AUTO_INCREMENT column numbers every row under a lock on
        // writes (InnoDB allows it in place with LOCK=SHARED only).
        Op::AddColumn { table, column } if column.auto_increment => plain(
            table,
            format!("ADD COLUMN {}", column_def(column)),
            "adding an auto-increment column",
        ),
        // A stored generated column is computed for every row as the
        // table is copied.
        Op::AddColumn { table, column } if column.generated.as_ref().is_some_and(|g| g.stored) => {
            plain(
                table,
                format!("ADD COLUMN {}", column_def(column)),
                "adding a stored generated column",
            )
        }
        Op::AddColumn { table, column } => {
            alter(table, format!("ADD COLUMN {}", column_def(column)))
        }
        Op::DropColumn { table, column } => {
            alter(table, format!("DROP COLUMN {}", q(&column.name)))
        }
        Op::RenameColumn { table, from, to } => {
            alter(table, format!("RENAME COLUMN {} TO {}", q(from), q(to)))
        }
        Op::AlterColumn { table, old, new }
            if !same_generation(old, new) && !Mysql.regenerates_in_place(old, new) =>
        {
            let add = |column: &Column| {
                vec![Line::Stmt(format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    q(table),
                    column_def(column)
                ))]
            };
            if new.generated.is_some() {
                return regenerate_column(D, table, &new.name, add(new));
            }
            // No longer generated: the computed values are kept, copied
            // into a plain column that then takes the name.
            let aside: String = format!("{}_plain", new.name).chars().take(64).collect();
            let mut lines = vec![Line::Warning(format!(
                "{table}.{} stops being generated: its values are copied into a new plain column (an UPDATE of every row), which then takes its name at the end of the table",
                new.name
            ))];
            lines.extend(add(&Column {
                name: aside.clone(),
                ..new.clone()
            }));
            lines.push(Line::Stmt(format!(
                "UPDATE {} SET {} = {}",
                q(table),
                q(&aside),
                q(&new.name)
            )));
            lines.push(Line::Stmt(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                q(table),
                q(&new.name)
            )));
            lines.push(Line::Stmt(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                q(table),
                q(&aside),
                q(&new.name)
            )));
            lines
        }
        Op::AlterColumn { table, old, new } => {
            let mut lines = backfill(D, table, old, new);
            // Nullability, default and comment change in place; a new
            // type, collation or generation copies the table.
            let in_place = render_type(&old.ty) == render_type(&new.ty)
                && old.collation == new.collation
                && old.on_update == new.on_update
                && old.auto_increment == new.auto_increment
                && same_generation(old, new);
            let modify = format!("MODIFY COLUMN {}", column_def(new));
            if in_place {
                lines.extend(alter(table, modify));
            } else if same_generation(old, new) {
                lines.extend(plain(table, modify, "changing a column's type"));
            } else {
                lines.extend(plain(table, modify, "changing how a column is generated"));
            }
            lines
        }
        Op::AddIndex { table, index } => alter(table, format!("ADD {}", index_clause(index))),
        Op::DropIndex { table, index } => alter(table, format!("DROP INDEX {}", q(&index.name))),
        Op::RenameIndex { table, index, to } => alter(
            table,
            format!("RENAME INDEX {} TO {}", q(&index.name), q(to)),
        ),
        Op::AddUnique { table, unique } => alter(
            table,
            format!(
                "ADD CONSTRAINT {} UNIQUE ({})",
                q(&unique.name),
                ident_list(D, &unique.columns)
            ),
        ),
        Op::DropUnique { table, unique } => alter(table, format!("DROP INDEX {}", q(&unique.name))),
        Op::AddForeignKey { table, fk } => plain(
            table,
            format!("ADD {}", foreign_key_clause(D, fk)),
            "adding a foreign key (checked row by row)",
        ),
        Op::DropForeignKey { table, fk } => {
            // MySQL's own name for an unnamed foreign key.
            let name = fk.name.clone().unwrap_or_else(|| format!("{table}_ibfk_1"));
            alter(table, format!("DROP FOREIGN KEY {}", q(&name)))
        }
        Op::AddCheck { table, check } => plain(
            table,
            format!("ADD {}", check_clause(D, check)),
            "adding a check constraint",
        ),
        // `DROP CONSTRAINT` works on MySQL 8.0.19+ and MariaDB alike.
        Op::DropCheck { table, check } => plain(
            table,
            format!("DROP CONSTRAINT {}", q(&check.name)),
            "dropping a check constraint",
        ),
        Op::AddPrimaryKey { table, pk } => alter(
            table,
            format!("ADD PRIMARY KEY ({})", ident_list(D, &pk.columns)),
        ),
        Op::DropPrimaryKey { table, .. } => plain(
            table,
            "DROP PRIMARY KEY".to_string(),
            "dropping the primary key",
        ),
        Op::RenameConstraint {
            table,
            kind: ConstraintKind::Unique,
            from,
            to,
        } => alter(table, format!("RENAME INDEX {} TO {}", q(from), q(to))),
        Op::RenameConstraint { .. } => vec![Line::Comment(format!(
            "ERROR: MySQL cannot {}; drop and re-add the constraint instead",
            op.describe()
        ))],
        Op::SetTableComment { table, new, .. } => alter(
            table,
            format!("COMMENT = {}", D.quote_str(new.as_deref().unwrap_or(""))),
        ),
        // Not produced for MySQL; apply the changes one by one.
        Op::RebuildTable { changes, .. } => {
            changes.iter().flat_map(|c| render_op(c, online)).collect()
        }
        // An `ENUM(...)` belongs to its column; the differ makes no type
        // operations for MySQL.
        Op::CreateEnum(_) | Op::DropEnum(_) | Op::AlterEnum { .. } => Vec::new(),
    }
}
