//! MySQL / MariaDB: type mapping. Accepts `COLUMN_TYPE` spellings with and
//! without display widths (`int(11)` on MySQL 5.7/MariaDB, `int` on 8.0).

use super::DeclaredType;
use crate::model::LogicalType;

/// Reported type → logical type (`None`: not a known spelling).
pub(super) fn parse_type(t: &DeclaredType) -> Option<LogicalType> {
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
pub(super) fn render_type(ty: &LogicalType) -> String {
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
    }
}
