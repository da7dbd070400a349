//! SQLite: type mapping. SQLite keeps each column's declared type verbatim,
//! so what we render is exactly what introspection reads back.

use super::DeclaredType;
use crate::model::LogicalType;

/// Declared type → logical type (`None`: not a known spelling).
pub(super) fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
    use LogicalType::*;
    let base = t.base.as_str();
    Some(match (base, t.params.len()) {
        ("BOOLEAN" | "BOOL", 0) => Boolean,
        ("SMALLINT" | "INT2", 0) => SmallInt,
        ("INTEGER" | "INT" | "INT4" | "MEDIUMINT", 0) => Integer,
        ("BIGINT" | "INT8", 0) => BigInt,
        ("REAL" | "FLOAT4", 0) => Real,
        ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT" | "FLOAT8", 0) => Double,
        ("TEXT" | "CLOB", 0) => Text,
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" | "VARYING CHARACTER", 1) => {
            Varchar(t.one_param()?)
        }
        ("CHAR" | "CHARACTER", 1) if t.one_param() == Some(36) => Uuid,
        ("UUID", 0) => Uuid,
        ("BLOB", 0) => Blob,
        ("DATE", 0) => Date,
        ("TIME", 0) => Time,
        ("TIMESTAMP" | "DATETIME", 0) => Timestamp,
        ("JSON", 0) => Json,
        ("NUMERIC" | "DECIMAL", 1 | 2) => t.numeric()?,
        _ => return None,
    })
    .filter(|_| t.suffix.is_empty())
}

/// Logical type → SQLite declared type.
pub(super) fn render_type(ty: &LogicalType) -> String {
    use LogicalType::*;
    match ty {
        Boolean => "BOOLEAN".into(),
        SmallInt => "SMALLINT".into(),
        Integer => "INTEGER".into(),
        BigInt => "BIGINT".into(),
        Real => "REAL".into(),
        Double => "DOUBLE".into(),
        Text | Json => "TEXT".into(),
        Varchar(n) => format!("VARCHAR({n})"),
        Blob => "BLOB".into(),
        Date => "DATE".into(),
        Time => "TIME".into(),
        Timestamp | TimestampTz => "TIMESTAMP".into(),
        Uuid => "CHAR(36)".into(),
        Numeric { precision, scale } => format!("NUMERIC({precision},{scale})"),
        Custom(s) => s.clone(),
    }
}
