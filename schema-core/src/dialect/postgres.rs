//! PostgreSQL: type mapping. Accepts both `format_type()` spellings
//! (`character varying(255)`, `timestamp with time zone`) and internal
//! names (`int4`, `varchar`, `timestamptz`, `bpchar`).

use super::DeclaredType;
use crate::model::LogicalType;

/// Reported type → logical type (`None`: not a known spelling).
pub(super) fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
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
pub(super) fn render_type(ty: &LogicalType) -> String {
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
    }
}
