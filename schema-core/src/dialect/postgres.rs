//! PostgreSQL: everything cargo-schema knows about it. Type reading
//! accepts both `format_type()` spellings (`character varying(255)`,
//! `timestamp with time zone`) and internal names (`int4`, `varchar`,
//! `timestamptz`, `bpchar`). DDL is transactional and every change has an
//! `ALTER`.

use super::clauses::{
    backfill, check_clause, collated_type, create_index, create_table_stmt, foreign_key_clause,
    ident_list, null_and_default, primary_key_clause, regenerate_column, unique_clause, Line,
};
use super::{
    enum_values_sql, same_generation, DeclaredType, Dialect, DialectImpl, IndexSupport,
    RenderOptions, ServerVersion,
};
use crate::model::{Check, DefaultValue, EnumType, ForeignKey, Index};
use crate::model::{Column, KeyGeneration, LogicalType, Table};
use crate::ops::{ConstraintKind, EnumUse, Op};

const D: Dialect = Dialect::Postgres;

/// The PostgreSQL dialect object.
pub(super) struct Postgres;

impl DialectImpl for Postgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn parse_type(&self, ty: &DeclaredType) -> Option<LogicalType> {
        parse_type(ty)
    }

    fn render_type(&self, ty: &LogicalType) -> String {
        render_type(ty)
    }

    fn ident_quote(&self) -> char {
        '"'
    }

    fn backslash_escapes(&self) -> bool {
        false
    }

    /// Writes wait on SHARE and ACCESS EXCLUSIVE locks; `CONCURRENTLY`,
    /// `NOT VALID` and `lock_timeout` are the ways around them.
    fn lint_rules(&self) -> &'static [&'static str] {
        &[
            "require-concurrent-index-creation",
            "require-concurrent-index-deletion",
            "concurrently-in-transaction",
            "constraint-missing-not-valid",
            "set-not-null",
            "adding-volatile-default",
            "changing-column-type",
            "renaming-column",
            "renaming-table",
            "ban-drop-column",
            "ban-drop-table",
            "prefer-bigint-over-int",
            "require-lock-timeout",
        ]
    }

    fn render_bool(&self, value: bool) -> &'static str {
        if value {
            "TRUE"
        } else {
            "FALSE"
        }
    }

    /// Any expression is accepted after `DEFAULT` as written.
    fn parenthesize_default_expressions(&self) -> bool {
        false
    }

    fn now_sql(&self) -> &'static str {
        "now()"
    }

    fn max_identifier_len(&self) -> Option<usize> {
        Some(63)
    }

    /// `'\x76'::bytea` (how a `bytea` default `'v'` is reported) is `'v'`
    /// again when the bytes are text without quotes or backslashes.
    fn stored_default(&self, sql: String, ty: &LogicalType) -> String {
        if *ty != LogicalType::Blob {
            return sql;
        }
        let Some(hex) = sql
            .strip_prefix("'\\x")
            .and_then(|r| r.strip_suffix("'::bytea"))
        else {
            return sql;
        };
        let bytes: Option<Vec<u8>> = (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|b| u8::from_str_radix(b, 16).ok())
            })
            .collect();
        match bytes.and_then(|b| String::from_utf8(b).ok()) {
            Some(text) if hex.len() % 2 == 0 && !text.contains(['\'', '\\']) => {
                format!("'{text}'")
            }
            _ => sql,
        }
    }

    /// PostgreSQL keeps every name, the primary key's included; nothing
    /// beyond the shared normalisation. A column's collation is kept (and
    /// read back where it is not its type's); a table has no default
    /// collation of its own, and `ON UPDATE` exists on MySQL/MariaDB only.
    fn normalize_table(&self, t: &mut Table) {
        t.collation = None;
        for col in &mut t.columns {
            col.on_update = None;
        }
    }

    /// Every constraint kind has `RENAME CONSTRAINT`.
    fn can_rename_constraint(&self, _kind: ConstraintKind) -> bool {
        true
    }

    /// Every change has an `ALTER`.
    fn alters_in_place(&self, _op: &Op, _old: &Table) -> bool {
        true
    }

    /// An identity column need not be a key.
    fn auto_increment_must_be_key(&self) -> bool {
        false
    }

    /// Foreign keys are checked at `CREATE TABLE`.
    fn allows_forward_foreign_keys(&self) -> bool {
        false
    }

    /// A type of its own, which introspection reads back with its values.
    fn stored_enum(&self, e: &EnumType) -> LogicalType {
        LogicalType::Enum(e.clone())
    }

    fn names_enum_types(&self) -> bool {
        true
    }

    fn stores_arrays(&self) -> bool {
        true
    }

    /// Before 17 there is no `SET EXPRESSION`, and a plain column cannot
    /// become a generated one; the way back, `DROP EXPRESSION`, is the
    /// inverse of one that cannot be made in place.
    fn regenerates_in_place(&self, _old: &Column, _new: &Column) -> bool {
        false
    }

    /// PostgreSQL 15 knows `STORED` generated columns only.
    fn virtual_generated_columns(&self) -> bool {
        false
    }

    /// Columns of one enum type store it alike whatever its values: a
    /// change of values is the type's own operation.
    fn stores_alike(&self, a: &LogicalType, b: &LogicalType) -> bool {
        matches!((a, b), (LogicalType::Enum(a), LogicalType::Enum(b)) if a.name == b.name)
    }

    /// Online, changes to an existing table take their lock-safe forms,
    /// split across migrations where a transaction would defeat them.
    fn render_op(&self, op: &Op, options: RenderOptions) -> Vec<Line> {
        if let Op::AlterEnum { old, new, uses } = op {
            return alter_enum(old, new, uses, options.separate);
        }
        if options.online && options.separate {
            if let Some(lines) = lock_safe(op, options.server_version) {
                return lines;
            }
        }
        render_op(op)
    }

    /// Before 12, `SET NOT NULL` scans the table even after a validated
    /// check, so it is written plainly (see [`lock_safe`]).
    fn rules_without_lock_safe_form(&self, options: RenderOptions) -> &'static [&'static str] {
        if options.online
            && options
                .server_version
                .is_some_and(|v| !skips_not_null_scan(v))
        {
            &["set-not-null"]
        } else {
            &[]
        }
    }

    fn transactional_ddl(&self) -> bool {
        true
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
        "TEXT"
    }

    fn index_support(&self) -> IndexSupport {
        IndexSupport {
            display: "PostgreSQL",
            nulls_order: true,
            nulls_last_ascending: true,
            prefix_length: false,
            include: true,
            partial: true,
            expressions: true,
            methods: &["hash", "gist", "spgist", "gin", "brin"],
            // SP-GiST too since PostgreSQL 14; 13 is still supported.
            include_methods: &["gist"],
            foreign_keys_hold_their_index: false,
        }
    }
}

/// Reported type → logical type (`None`: not a known spelling).
fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
    use LogicalType::*;
    // `timestamp(6) with time zone`: the precision sits between base and suffix.
    let full = if t.suffix.is_empty() {
        t.base.clone()
    } else {
        format!("{} {}", t.base, t.suffix)
    };
    let no_precision = |ty: LogicalType| {
        // timestamp/time precision 6 is the default and what we render.
        match t.one_param() {
            None if t.params.is_empty() => Some(ty),
            Some(6) => Some(ty),
            _ => None,
        }
    };
    match full.as_str() {
        "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => return no_precision(Timestamp),
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => return no_precision(TimestampTz),
        "TIME" | "TIME WITHOUT TIME ZONE" => return no_precision(Time),
        _ => {}
    }
    if !t.suffix.is_empty() {
        return None;
    }
    Some(match (t.base.as_str(), t.params.len()) {
        ("BOOLEAN" | "BOOL", 0) => Boolean,
        ("SMALLINT" | "INT2", 0) => SmallInt,
        ("INTEGER" | "INT" | "INT4" | "SERIAL" | "SERIAL4", 0) => Integer,
        ("BIGINT" | "INT8" | "BIGSERIAL" | "SERIAL8", 0) => BigInt,
        ("REAL" | "FLOAT4", 0) => Real,
        ("DOUBLE PRECISION" | "FLOAT8", 0) => Double,
        ("TEXT", 0) => Text,
        ("VARCHAR" | "CHARACTER VARYING", 1) => Varchar(t.one_param()?),
        ("BYTEA", 0) => Blob,
        ("DATE", 0) => Date,
        ("UUID", 0) => Uuid,
        ("JSONB", 0) => Json,
        ("NUMERIC" | "DECIMAL", 1 | 2) => t.numeric()?,
        _ => return None,
    })
}

/// Logical type → PostgreSQL type.
fn render_type(ty: &LogicalType) -> String {
    use LogicalType::*;
    match ty {
        Boolean => "BOOLEAN".into(),
        SmallInt => "SMALLINT".into(),
        Integer => "INTEGER".into(),
        BigInt => "BIGINT".into(),
        Real => "REAL".into(),
        Double => "DOUBLE PRECISION".into(),
        Text => "TEXT".into(),
        Varchar(n) => format!("VARCHAR({n})"),
        Blob => "BYTEA".into(),
        Date => "DATE".into(),
        Time => "TIME".into(),
        Timestamp => "TIMESTAMP".into(),
        TimestampTz => "TIMESTAMPTZ".into(),
        Uuid => "UUID".into(),
        Json => "JSONB".into(),
        Numeric { precision, scale } => format!("NUMERIC({precision},{scale})"),
        Custom(s) => s.clone(),
        Enum(e) => D.quote_ident(&e.name),
        Array(elem) => format!("{}[]", render_type(elem)),
    }
}

/// `CREATE TYPE "name" AS ENUM ('a', 'b')`
fn create_enum(name: &str, e: &EnumType) -> Line {
    Line::Stmt(format!(
        "CREATE TYPE {} AS ENUM ({})",
        D.quote_ident(name),
        enum_values_sql(D, e)
    ))
}

/// An enum type's new values: added in place where it only gains values
/// (`ADD VALUE`, which may not run in a transaction block before
/// PostgreSQL 12 and whose value a transaction cannot use before it
/// commits: with `separate`, in the migration before the main one);
/// otherwise a new type the columns move to, text in between (the
/// documented way, since a value cannot be removed).
fn alter_enum(old: &EnumType, new: &EnumType, uses: &[EnumUse], separate: bool) -> Vec<Line> {
    let q = |s: &str| D.quote_ident(s);
    if old.only_adds_to(new) {
        let mut have: Vec<&str> = old.values.iter().map(String::as_str).collect();
        let mut lines = Vec::new();
        for (i, v) in new.values.iter().enumerate() {
            if have.contains(&v.as_str()) {
                continue;
            }
            // Every earlier value of `new` is in `have` by now.
            let prev = i.checked_sub(1).map(|j| new.values[j].as_str());
            let (place, at) = match (prev, have.first()) {
                (Some(p), _) if have.last() == Some(&p) => (String::new(), have.len()),
                (Some(p), _) => {
                    let at = have
                        .iter()
                        .position(|h| *h == p)
                        .map_or(have.len(), |k| k + 1);
                    (format!(" AFTER {}", D.quote_str(p)), at)
                }
                (None, Some(first)) => (format!(" BEFORE {}", D.quote_str(first)), 0),
                (None, None) => (String::new(), 0),
            };
            have.insert(at, v);
            let line = Line::Stmt(format!(
                "ALTER TYPE {} ADD VALUE {}{place}",
                q(&new.name),
                D.quote_str(v)
            ));
            lines.push(if separate { Line::before(line) } else { line });
        }
        return lines;
    }
    let temp = D.shorten(&format!("{}_new", new.name));
    let mut lines = vec![create_enum(&temp, new)];
    for u in uses {
        let alter = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            q(&u.table),
            q(&u.column.name)
        );
        // A default names the old type and blocks the change of type; put
        // back, it must not name the old type (which is dropped).
        let mut column = u.column.clone();
        if let Some(DefaultValue::Sql(sql)) = &column.default {
            let bare = [format!("::{}", q(&old.name)), format!("::{}", old.name)]
                .iter()
                .find_map(|cast| sql.strip_suffix(cast.as_str()))
                .map(str::to_string);
            if let Some(bare) = bare {
                column.default = Some(DefaultValue::Sql(bare));
            }
        }
        let default = D.render_column_default(&column);
        if default.is_some() {
            lines.push(Line::Stmt(format!("{alter} DROP DEFAULT")));
        }
        lines.push(Line::Stmt(format!(
            "{alter} TYPE {t} USING {}::text::{t}",
            q(&u.column.name),
            t = q(&temp)
        )));
        if let Some(d) = default {
            lines.push(Line::Stmt(format!("{alter} SET DEFAULT {d}")));
        }
    }
    lines.push(Line::Stmt(format!("DROP TYPE {}", q(&old.name))));
    lines.push(Line::Stmt(format!(
        "ALTER TYPE {} RENAME TO {}",
        q(&temp),
        q(&new.name)
    )));
    lines
}

/// `"id" BIGINT NOT NULL GENERATED BY DEFAULT AS IDENTITY`, or `"name" TYPE [NOT NULL] [DEFAULT x]`.
/// A key generated from a sequence it owns (`serial`, as pg_dump writes
/// it) takes `nextval` of that sequence instead.
fn column_def(col: &Column) -> String {
    let mut s = format!("{} {}", D.quote_ident(&col.name), collated_type(D, col));
    s.push_str(&null_and_default(D, col));
    if col.auto_increment {
        match &col.key_generation {
            None => s.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
            Some(KeyGeneration::Always) => s.push_str(" GENERATED ALWAYS AS IDENTITY"),
            Some(KeyGeneration::Sequence(seq)) => {
                s.push_str(&format!(" DEFAULT nextval({}::regclass)", D.quote_str(seq)))
            }
        }
    }
    s
}

/// The statements around a column definition that a sequence-generated key
/// needs: the sequence before (typed like the column), its ownership after
/// (so it goes with the column, as `serial`'s does).
fn owned_sequences(table: &str, columns: &[&Column]) -> (Vec<Line>, Vec<Line>) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for col in columns.iter().filter(|c| c.auto_increment) {
        if let Some(KeyGeneration::Sequence(seq)) = &col.key_generation {
            before.push(Line::Stmt(format!(
                "CREATE SEQUENCE {seq} AS {}",
                D.render_type(col)
            )));
            after.push(Line::Stmt(format!(
                "ALTER SEQUENCE {seq} OWNED BY {}.{}",
                D.quote_ident(table),
                D.quote_ident(&col.name)
            )));
        }
    }
    (before, after)
}

fn comment_literal(c: &Option<String>) -> String {
    c.as_deref()
        .map(|c| D.quote_str(c))
        .unwrap_or_else(|| "NULL".into())
}

fn column_comment(table: &str, col: &str, comment: &Option<String>) -> Line {
    Line::Stmt(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        D.quote_ident(table),
        D.quote_ident(col),
        comment_literal(comment)
    ))
}

fn create_table(t: &Table) -> Vec<Line> {
    let columns = t.columns.iter().map(column_def).collect();
    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key {
        constraints.push(primary_key_clause(D, pk));
    }
    constraints.extend(t.uniques.iter().map(|u| unique_clause(D, u)));
    for fk in &t.foreign_keys {
        constraints.push(foreign_key_clause(D, fk));
    }
    constraints.extend(t.checks.iter().map(|ck| check_clause(D, ck)));
    let (mut lines, owned) = owned_sequences(&t.name, &t.columns.iter().collect::<Vec<_>>());
    lines.push(Line::Stmt(create_table_stmt(
        D,
        &t.name,
        columns,
        constraints,
        "",
    )));
    lines.extend(owned);
    lines.extend(
        t.indexes
            .iter()
            .map(|ix| Line::Stmt(create_index(D, &t.name, ix))),
    );
    if t.comment.is_some() {
        lines.push(Line::Stmt(format!(
            "COMMENT ON TABLE {} IS {}",
            D.quote_ident(&t.name),
            comment_literal(&t.comment)
        )));
    }
    for c in t.columns.iter().filter(|c| c.comment.is_some()) {
        lines.push(column_comment(&t.name, &c.name, &c.comment));
    }
    lines
}

/// One `ALTER TABLE ... ALTER COLUMN` per changed aspect, in an order that
/// always works: drop an old default before a type change, backfill before
/// `SET NOT NULL`.
fn alter_column(table: &str, old: &Column, new: &Column) -> Vec<Line> {
    let alter = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        D.quote_ident(table),
        D.quote_ident(&new.name)
    );
    let mut lines = Vec::new();
    let plain;
    let old = if same_generation(old, new) {
        old
    } else if new.generated.is_some() {
        return regenerate_column(
            D,
            table,
            &new.name,
            render_op(&Op::AddColumn {
                table: table.to_string(),
                column: new.clone(),
            }),
        );
    } else {
        // The computed values stay, as a plain column's.
        lines.push(Line::Stmt(format!("{alter} DROP EXPRESSION")));
        plain = Column {
            generated: None,
            ..old.clone()
        };
        &plain
    };
    // A collation changes with `TYPE ... COLLATE`; the same type keeps the
    // rows (only the indexes on the column are rebuilt).
    let type_changed =
        D.canonical_type(&old.ty) != D.canonical_type(&new.ty) || old.collation != new.collation;
    let default_changed = !D.defaults_equal(old.default.as_ref(), new.default.as_ref(), &new.ty);
    if old.auto_increment && !new.auto_increment {
        lines.push(Line::Stmt(format!("{alter} DROP IDENTITY")));
    }
    // A type change needs the old default out of the way (it may not cast).
    if type_changed && old.default.is_some() {
        lines.push(Line::Stmt(format!("{alter} DROP DEFAULT")));
    }
    if type_changed {
        let ty = D.render_type(new);
        lines.push(Line::Stmt(format!(
            "{alter} TYPE {} USING {}::{ty}",
            collated_type(D, new),
            D.quote_ident(&new.name)
        )));
    }
    match D.render_column_default(new) {
        Some(default) if type_changed || default_changed => {
            lines.push(Line::Stmt(format!("{alter} SET DEFAULT {default}")));
        }
        None if default_changed && !type_changed && old.default.is_some() => {
            lines.push(Line::Stmt(format!("{alter} DROP DEFAULT")));
        }
        _ => {}
    }
    if old.nullable && !new.nullable {
        lines.extend(backfill(D, table, old, new));
        lines.push(Line::Stmt(format!("{alter} SET NOT NULL")));
    } else if !old.nullable && new.nullable {
        lines.push(Line::Stmt(format!("{alter} DROP NOT NULL")));
    }
    if !old.auto_increment && new.auto_increment {
        lines.push(Line::Stmt(format!(
            "{alter} ADD GENERATED BY DEFAULT AS IDENTITY"
        )));
    }
    if old.comment != new.comment {
        lines.push(column_comment(table, &new.name, &new.comment));
    }
    lines
}

/// SQL for one operation.
fn render_op(op: &Op) -> Vec<Line> {
    let q = |s: &str| D.quote_ident(s);
    let stmt = |s: String| vec![Line::Stmt(s)];
    let alter = |t: &str, rest: String| vec![Line::Stmt(format!("ALTER TABLE {} {rest}", q(t)))];
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable(t) => stmt(format!("DROP TABLE {}", q(&t.name))),
        Op::RenameTable { from, to } => alter(from, format!("RENAME TO {}", q(to))),
        Op::CreateEnum(e) => vec![create_enum(&e.name, e)],
        Op::DropEnum(e) => stmt(format!("DROP TYPE {}", q(&e.name))),
        Op::AlterEnum { old, new, uses } => alter_enum(old, new, uses, false),
        Op::AddColumn { table, column } => {
            let (mut lines, owned) = owned_sequences(table, &[column]);
            lines.extend(alter(table, format!("ADD COLUMN {}", column_def(column))));
            lines.extend(owned);
            if column.comment.is_some() {
                lines.push(column_comment(table, &column.name, &column.comment));
            }
            lines
        }
        Op::DropColumn { table, column } => {
            alter(table, format!("DROP COLUMN {}", q(&column.name)))
        }
        Op::RenameColumn { table, from, to } => {
            alter(table, format!("RENAME COLUMN {} TO {}", q(from), q(to)))
        }
        Op::AlterColumn { table, old, new } => alter_column(table, old, new),
        Op::AddIndex { table, index } => stmt(create_index(D, table, index)),
        Op::DropIndex { index, .. } => stmt(format!("DROP INDEX {}", q(&index.name))),
        Op::RenameIndex { index, to, .. } => stmt(format!(
            "ALTER INDEX {} RENAME TO {}",
            q(&index.name),
            q(to)
        )),
        Op::AddUnique { table, unique } => alter(
            table,
            format!(
                "ADD CONSTRAINT {} UNIQUE ({})",
                q(&unique.name),
                ident_list(D, &unique.columns)
            ),
        ),
        Op::DropUnique { table, unique } => {
            alter(table, format!("DROP CONSTRAINT {}", q(&unique.name)))
        }
        Op::AddForeignKey { table, fk } => {
            alter(table, format!("ADD {}", foreign_key_clause(D, fk)))
        }
        Op::DropForeignKey { table, fk } => {
            // PostgreSQL's own name for an unnamed foreign key.
            let name = fk
                .name
                .clone()
                .unwrap_or_else(|| format!("{table}_{}_fkey", fk.columns.join("_")));
            alter(table, format!("DROP CONSTRAINT {}", q(&name)))
        }
        Op::AddCheck { table, check } => alter(table, format!("ADD {}", check_clause(D, check))),
        Op::DropCheck { table, check } => {
            alter(table, format!("DROP CONSTRAINT {}", q(&check.name)))
        }
        Op::AddPrimaryKey { table, pk } => {
            let named = pk.name.as_ref().map(|n| format!("CONSTRAINT {} ", q(n)));
            alter(
                table,
                format!(
                    "ADD {}PRIMARY KEY ({})",
                    named.unwrap_or_default(),
                    ident_list(D, &pk.columns)
                ),
            )
        }
        Op::DropPrimaryKey { table, pk } => {
            let name = pk.name.clone().unwrap_or_else(|| format!("{table}_pkey"));
            alter(table, format!("DROP CONSTRAINT {}", q(&name)))
        }
        Op::RenameConstraint {
            table,
            kind: _,
            from,
            to,
        } => alter(table, format!("RENAME CONSTRAINT {} TO {}", q(from), q(to))),
        Op::SetTableComment { table, new, .. } => stmt(format!(
            "COMMENT ON TABLE {} IS {}",
            q(table),
            comment_literal(new)
        )),
        // Not produced for PostgreSQL; apply the changes one by one.
        Op::RebuildTable { changes, .. } => changes.iter().flat_map(render_op).collect(),
    }
}

/// PostgreSQL's own name for an unnamed foreign key (`<table>_<cols>_fkey`).
fn foreign_key_name(table: &str, fk: &ForeignKey) -> String {
    fk.name
        .clone()
        .unwrap_or_else(|| format!("{table}_{}_fkey", fk.columns.join("_")))
}

/// `CREATE [UNIQUE] INDEX CONCURRENTLY IF NOT EXISTS ...`: the build does
/// not block writes; `IF NOT EXISTS` lets a stopped run be run again (the
/// migrator drops an INVALID index a failed build left first).
fn create_index_concurrently(table: &str, index: &Index) -> String {
    let plain = create_index(D, table, index);
    match plain.split_once("INDEX ") {
        Some((head, rest)) => format!("{head}INDEX CONCURRENTLY IF NOT EXISTS {rest}"),
        None => plain,
    }
}

/// A constraint added `NOT VALID` (only new rows are checked, a brief
/// lock) and validated in a statement of its own (a scan that does not
/// block writes). The `DROP ... IF EXISTS` first makes a run stopped by a
/// failed validation safe to run again once the data is fixed.
fn add_validated(table: &str, name: &str, clause: String) -> Vec<Line> {
    let t = D.quote_ident(table);
    let n = D.quote_ident(name);
    vec![
        Line::after(Line::Comment(format!(
            "{name}: added NOT VALID (a brief lock; new rows are checked), then validated without blocking writes"
        ))),
        Line::after(Line::Stmt(format!(
            "ALTER TABLE {t} DROP CONSTRAINT IF EXISTS {n}"
        ))),
        Line::after(Line::Stmt(format!("ALTER TABLE {t} ADD {clause} NOT VALID"))),
        Line::after(Line::Stmt(format!("ALTER TABLE {t} VALIDATE CONSTRAINT {n}"))),
    ]
}

/// The name of the check that carries a `SET NOT NULL` (at most 63 bytes,
/// PostgreSQL's limit, so every statement names the same constraint).
fn not_null_check_name(table: &str, column: &str) -> String {
    let mut name = format!("{table}_{column}_not_null");
    while name.len() > 63 {
        name.pop();
    }
    name
}

/// The lock-safe form of `op` on an existing table, when it differs from
/// the plain one: index builds and drops `CONCURRENTLY` (in migrations of
/// their own, since `CONCURRENTLY` cannot run in a transaction), foreign
/// keys and checks `NOT VALID` then validated, a unique constraint over a
/// concurrently built index, and `SET NOT NULL` through a validated
/// `CHECK (col IS NOT NULL)`, which lets PostgreSQL (12 and later) skip its
/// own scan under the ACCESS EXCLUSIVE lock. On a server known to be
/// older, that last form would cost a second scan and save nothing, so the
/// plain `SET NOT NULL` is written under a WARNING saying so.
fn lock_safe(op: &Op, server: Option<ServerVersion>) -> Option<Vec<Line>> {
    let mut lines = Vec::new();
    // What has no lock-safe form in one step says so, with the plan.
    if let Some(plan) = expand_contract(op) {
        lines.push(Line::Warning(plan));
    }
    let old_server = server.filter(|v| !skips_not_null_scan(*v));
    match (op, old_server) {
        (Op::AlterColumn { table, old, new }, Some(v)) if old.nullable && !new.nullable => {
            lines.push(Line::Warning(format!(
                "the server is PostgreSQL {v}: before 12, SET NOT NULL scans {table} under an ACCESS EXCLUSIVE lock (reads and writes wait for the whole scan) even after a validated CHECK ({} IS NOT NULL), so it is written plainly; on a large table run it in a quiet period, or upgrade the server first",
                new.name
            )));
            lines.extend(render_op(op));
        }
        _ if lines.is_empty() => return lock_safe_forms(op),
        _ => lines.extend(lock_safe_forms(op).unwrap_or_else(|| render_op(op))),
    }
    Some(lines)
}

/// Whether `SET NOT NULL` on a server of version `v` takes a validated
/// `CHECK (col IS NOT NULL)` as proof and skips its own scan (PostgreSQL
/// 12 and later).
fn skips_not_null_scan(v: ServerVersion) -> bool {
    v.major >= 12
}

/// The expand/contract plan for a change that holds a blocking lock for
/// its whole run, or breaks the application still running, in words.
fn expand_contract(op: &Op) -> Option<String> {
    match op {
        Op::AlterColumn { table, old, new }
            if D.canonical_type(&old.ty) != D.canonical_type(&new.ty) =>
        {
            Some(format!(
                "changing the type of {table}.{} to {} may rewrite the table and its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait for the whole rewrite); on a large table, expand and contract instead: add a column of the new type, backfill it in batches, switch the application to it, then drop the old column",
                new.name,
                D.render_type(new)
            ))
        }
        Op::AlterColumn { table, old, new } if old.collation != new.collation => Some(format!(
            "changing the collation of {table}.{} to {} rebuilds the indexes on it under an ACCESS EXCLUSIVE lock (reads and writes wait for the rebuild); on a large table, expand and contract instead: add a column with the new collation, backfill it in batches, switch the application to it, then drop the old column",
            new.name,
            new.collation.as_deref().map_or("the default".to_string(), |c| D.quote_ident(c))
        )),
        Op::RenameColumn { table, from, to } => Some(format!(
            "renaming {table}.{from} to {to} breaks the application still running against the old name until it is redeployed; to stay up, expand and contract instead: add {to}, write both, backfill, switch reads, then drop {from}"
        )),
        Op::RenameTable { from, to } => Some(format!(
            "renaming table {from} to {to} breaks the application still running against the old name until it is redeployed; to stay up, create a view named {from} over {to} for the old code, then drop it once every instance is redeployed"
        )),
        _ => None,
    }
}

/// The lock-safe statements of `op`, when they differ from the plain ones.
fn lock_safe_forms(op: &Op) -> Option<Vec<Line>> {
    let q = |s: &str| D.quote_ident(s);
    Some(match op {
        Op::AddIndex { table, index } => vec![
            Line::after(Line::Comment(format!(
                "{}: built concurrently, writes continue",
                index.name
            ))),
            Line::after(Line::Stmt(create_index_concurrently(table, index))),
        ],
        Op::DropIndex { index, .. } => vec![Line::before(Line::Stmt(format!(
            "DROP INDEX CONCURRENTLY IF EXISTS {}",
            q(&index.name)
        )))],
        Op::AddUnique { table, unique } => {
            let index = Index {
                name: unique.name.clone(),
                columns: unique.columns.clone(),
                unique: true,
                ..Index::default()
            };
            vec![
                Line::after(Line::Comment(format!(
                    "{}: the unique index is built concurrently, then becomes the constraint (a brief lock)",
                    unique.name
                ))),
                Line::after(Line::Stmt(create_index_concurrently(table, &index))),
                // Guarded: a run stopped after this statement can be run again.
                Line::after(Line::Stmt(format!(
                    "DO $$ BEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = {}::regclass AND conname = {}) THEN\n        ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {};\n    END IF;\nEND $$",
                    D.quote_str(&q(table)),
                    D.quote_str(&unique.name),
                    q(table),
                    q(&unique.name),
                    q(&unique.name)
                ))),
            ]
        }
        Op::AddForeignKey { table, fk } => {
            let name = foreign_key_name(table, fk);
            let named = ForeignKey {
                name: Some(name.clone()),
                ..fk.clone()
            };
            add_validated(table, &name, foreign_key_clause(D, &named))
        }
        Op::AddCheck { table, check } => add_validated(table, &check.name, check_clause(D, check)),
        Op::AlterColumn { table, old, new } if old.nullable && !new.nullable => {
            // Every other change in the main migration; the NOT NULL after.
            let still_nullable = Column {
                nullable: true,
                ..new.clone()
            };
            let mut lines = alter_column(table, old, &still_nullable);
            let check = Check {
                name: not_null_check_name(table, &new.name),
                sql: format!("{} IS NOT NULL", q(&new.name)),
            };
            lines.extend(backfill(D, table, old, new).into_iter().map(Line::after));
            lines.extend(add_validated(table, &check.name, check_clause(D, &check)));
            lines.push(Line::after(Line::Stmt(format!(
                "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
                q(table),
                q(&new.name)
            ))));
            lines.push(Line::after(Line::Stmt(format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                q(table),
                q(&check.name)
            ))));
            lines
        }
        _ => return None,
    })
}
