//! `parse_model` on broken structs: every error message, where it points,
//! and that all errors of one struct come back together.
#![cfg(feature = "syn")]

use schema_core::parse::parse_model;

/// One reported error: its message and the source text from its span on.
#[derive(Debug)]
struct Located {
    message: String,
    at: String,
}

fn located(src: &str) -> Vec<Located> {
    let input: syn::DeriveInput = syn::parse_str(src).expect("test source is valid Rust");
    let err = match parse_model(&input) {
        Ok(table) => panic!("expected errors, got {table:#?}"),
        Err(err) => err,
    };
    err.into_iter()
        .map(|e| {
            let start = e.span().start();
            let line = src
                .lines()
                .nth(start.line - 1)
                .expect("span inside the source");
            Located {
                message: e.to_string(),
                at: line.chars().skip(start.column).collect(),
            }
        })
        .collect()
}

/// Exactly one error, whose message contains `message` and whose span starts
/// at the text `at`.
#[track_caller]
fn expect_error(src: &str, message: &str, at: &str) {
    let errors = located(src);
    assert!(
        errors.len() == 1 && errors[0].message.contains(message) && errors[0].at.starts_with(at),
        "expected one error containing {message:?} at {at:?}, got {errors:#?}"
    );
}

// --- unknown keys -----------------------------------------------------------

#[test]
fn unknown_field_key_suggests_the_closest() {
    expect_error(
        r#"struct T { id: i64, #[model(max_len = 10)] name: String }"#,
        "unknown model attribute `max_len`; did you mean `max_length`?",
        "max_len =",
    );
    expect_error(
        r#"struct T { id: i64, #[model(refrences = "a.b")] a: i64 }"#,
        "did you mean `references`?",
        "refrences",
    );
    expect_error(
        r#"struct T { #[model(pk)] key: i64 }"#,
        "unknown model attribute `pk`; did you mean `primary_key`?",
        "pk)]",
    );
}

#[test]
fn unknown_key_without_a_close_match_lists_the_keys() {
    expect_error(
        r#"struct T { id: i64, #[model(frobnicate)] a: i64 }"#,
        "unknown model attribute `frobnicate` on a field; expected one of `primary_key`",
        "frobnicate",
    );
}

#[test]
fn unknown_struct_key() {
    expect_error(
        r#"#[model(tabel = "x")] struct T { id: i64 }"#,
        "unknown model attribute `tabel`; did you mean `table`?",
        "tabel",
    );
}

#[test]
fn keys_at_the_wrong_level() {
    expect_error(
        r#"#[model(primary_key)] struct T { id: i64 }"#,
        "`primary_key` goes on a field, not on the struct",
        "primary_key",
    );
    expect_error(
        r#"struct T { id: i64, #[model(table = "x")] a: i64 }"#,
        "`table` goes on the struct, not on a field",
        "table",
    );
}

#[test]
fn nullable_points_to_option() {
    expect_error(
        r#"struct T { id: i64, #[model(nullable)] a: i64 }"#,
        "use `Option<T>` for a NULL column",
        "nullable",
    );
}

#[test]
fn unknown_keys_inside_index_unique_and_check() {
    expect_error(
        r#"#[model(index(fields = ["id"], nam = "x"))] struct T { id: i64 }"#,
        "did you mean `name`?",
        "nam =",
    );
    expect_error(
        r#"#[model(unique(fields = ["a"], unique))] struct T { id: i64, a: i64 }"#,
        "unknown model attribute `unique` inside `unique(...)`",
        "unique))",
    );
    expect_error(
        r#"#[model(check(name = "c", expr = "1"))] struct T { id: i64 }"#,
        "did you mean `sql`?",
        "expr",
    );
}

// --- values ------------------------------------------------------------------

#[test]
fn wrong_value_types() {
    expect_error(
        r#"struct T { id: i64, #[model(max_length = "255")] a: String }"#,
        "`max_length` takes an integer literal, e.g. `max_length = 255`",
        "\"255\"",
    );
    expect_error(
        r#"#[model(table = users)] struct T { id: i64 }"#,
        "`table` takes a string literal",
        "users",
    );
    expect_error(
        r#"struct T { #[model(auto_increment = "no")] id: i64 }"#,
        "expected `true` or `false`",
        "\"no\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(max_length = 0)] a: String }"#,
        "`max_length` must be an integer from 1 to",
        "0",
    );
    expect_error(
        r#"#[model(index(fields = "a"))] struct T { id: i64, a: i64 }"#,
        "`fields` takes a list of Rust field names",
        "\"a\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a", 2]))] struct T { id: i64, a: i64 }"#,
        "expected a field name as a string literal",
        "2]",
    );
    expect_error(
        r#"#[model(table = "")] struct T { id: i64 }"#,
        "`table` must not be empty",
        "\"\"",
    );
}

#[test]
fn missing_value_and_unexpected_value() {
    expect_error(
        r#"struct T { id: i64, #[model(column)] a: i64 }"#,
        "`column` needs a value, e.g. `column = \"user_name\"`",
        "column",
    );
    expect_error(
        r#"struct T { id: i64, #[model(unique = true)] a: i64 }"#,
        "`unique` takes no value: write `#[model(unique)]`",
        "unique",
    );
}

#[test]
fn default_literals_are_checked() {
    expect_error(
        r#"struct T { id: i64, #[model(default = now())] a: i64 }"#,
        "for an SQL expression use `default_sql",
        "now()",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = "x")] a: i64 }"#,
        "this default does not fit `a` (bigint): use an integer literal",
        "\"x\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = 1)] a: bool }"#,
        "use `default = true` or `default = false`",
        "1",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = 40000)] a: i16 }"#,
        "40000 is out of range for `i16`",
        "40000",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = 99999999999999999999)] a: i64 }"#,
        "out of range for a 64-bit integer",
        "99999999999999999999",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = "toolong", max_length = 3)] a: String }"#,
        "longer than `max_length = 3`",
        "\"toolong\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = -true)] a: bool }"#,
        "`default` takes an integer, float, bool or string literal",
        "-true",
    );
}

#[test]
fn duplicate_key_is_reported_at_the_second_occurrence() {
    expect_error(
        r#"struct T { id: i64, #[model(max_length = 5, max_length = 6)] a: String }"#,
        "duplicate `max_length`",
        "max_length = 6",
    );
    expect_error(
        r#"struct T { id: i64, #[model(column = "x")] #[model(column = "y")] a: String }"#,
        "duplicate `column`",
        "column = \"y\"",
    );
    expect_error(
        r#"#[model(table = "a", table = "b")] struct T { id: i64 }"#,
        "duplicate `table`",
        "table = \"b\"",
    );
}

// --- types -------------------------------------------------------------------

#[test]
fn unsupported_type_names_the_field_and_suggests_sql_type_or_skip() {
    expect_error(
        r#"struct T { id: i64, handle: my::Handle<u8> }"#,
        "unsupported type `my::Handle<u8>` for field `handle`; give its SQL type with \
         `#[model(sql_type = \"...\")]`, or leave the field out of the table with `#[model(skip)]`",
        "my::Handle",
    );
    expect_error(
        r#"struct T { id: i64, n: Option<u32> }"#,
        "unsupported type `u32` for field `n` (databases have no portable type for it; use `i16`, `i32` or `i64`)",
        "Option<u32>",
    );
    expect_error(
        r#"struct T { id: i64, tags: Vec<u32> }"#,
        "unsupported type `Vec<u32>` for field `tags`: its elements, `u32`, have no column type \
         (databases have no portable type for it; use `i16`, `i32` or `i64`)",
        "Vec<u32>",
    );
    expect_error(
        r#"struct T { id: i64, n: Option<Option<i32>> }"#,
        "`Option<Option<T>>` is not supported",
        "Option<Option",
    );
}

/// `Vec<T>` of a scalar is an array column; what cannot be one is refused
/// at the field's type, and the type keys apply to the elements.
#[test]
fn arrays_take_scalar_elements_and_sql_defaults() {
    expect_error(
        r#"struct T { id: i64, grid: Vec<Vec<i32>> }"#,
        "unsupported type `Vec<Vec<i32>>` for field `grid`: arrays of arrays have no type of \
         their own",
        "Vec<Vec<i32>>",
    );
    expect_error(
        r#"struct T { id: i64, moods: Option<Vec<Mood>> }"#,
        "unsupported type `Vec<Mood>` for field `moods`: arrays of enums are not supported; \
         an enum type's array is spelled `Mood[]` in `sql_type`",
        "Option<Vec<Mood>>",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = "a")] tags: Vec<String> }"#,
        "this default does not fit `tags` (text[]): an array default is SQL: \
         `default_sql = \"'{}'\"`",
        "\"a\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(max_length = 3)] ids: Vec<i64> }"#,
        "`max_length` applies only to `String` fields; `ids` is `i64`",
        "max_length",
    );
}

#[test]
fn a_collation_needs_text() {
    expect_error(
        r#"struct T { id: i64, #[model(collation = "C")] n: Option<i32> }"#,
        "`collation` applies only to text: `String` fields (or `Vec<String>`), enums and \
         `sql_type` columns; `n` is `i32`",
        "collation",
    );
}

/// A plain path that is no known scalar is taken for a
/// `#[derive(ModelEnum)]` enum: the derive's trait bound or the CLI's
/// resolution reports it when it is not one.
#[test]
fn a_plain_unknown_type_is_an_enum_field() {
    let input: syn::DeriveInput =
        syn::parse_str("struct T { id: i64, handle: my::Handle }").expect("valid Rust");
    let parsed = schema_core::parse::parse_model_parts(&input).expect("parses");
    assert_eq!(parsed.enum_fields.len(), 1);
    assert_eq!(parsed.enum_fields[0].rust_name(), "Handle");
    assert_eq!(
        parsed.table.columns[1].ty,
        schema_core::LogicalType::Enum(schema_core::EnumType::new("handle", Vec::<String>::new()))
    );
    expect_error(
        r#"struct T { id: i64, #[model(max_length = 5)] s: Status }"#,
        "`max_length` applies only to `String` fields; `s` is `Status`, an enum",
        "max_length",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default = 1)] s: Status }"#,
        "use one of the enum's values as a string literal",
        "1",
    );
}

#[test]
fn decimal_needs_precision_and_scale() {
    expect_error(
        r#"struct T { id: i64, balance: rust_decimal::Decimal }"#,
        "`balance: rust_decimal::Decimal` needs `precision` and `scale`, e.g. `#[model(precision = 10, scale = 2)]`",
        "rust_decimal::Decimal",
    );
    expect_error(
        r#"struct T { id: i64, #[model(precision = 10)] b: BigDecimal }"#,
        "`precision` without `scale`",
        "precision",
    );
    expect_error(
        r#"struct T { id: i64, #[model(scale = 2)] b: Decimal }"#,
        "`scale` without `precision`",
        "scale",
    );
    expect_error(
        r#"struct T { id: i64, #[model(precision = 4, scale = 6)] b: Decimal }"#,
        "`scale` (6) cannot exceed `precision` (4)",
        "6)]",
    );
}

#[test]
fn size_keys_on_the_wrong_type() {
    expect_error(
        r#"struct T { id: i64, #[model(max_length = 5)] age: i32 }"#,
        "`max_length` applies only to `String` fields; `age` is `i32`",
        "max_length",
    );
    expect_error(
        r#"struct T { id: i64, #[model(precision = 5)] x: f64 }"#,
        "`precision` applies only to `Decimal` / `BigDecimal` fields; `x` is `f64`",
        "precision",
    );
    expect_error(
        r#"struct T { id: i64, #[model(sql_type = "CITEXT", max_length = 5)] x: String }"#,
        "`max_length` has no effect together with `sql_type`",
        "max_length",
    );
}

// --- conflicts and cross-field rules ------------------------------------------

#[test]
fn default_and_default_sql_conflict_at_the_later_key() {
    expect_error(
        r#"struct T { id: i64, #[model(default = 1, default_sql = "2")] a: i64 }"#,
        "`default` and `default_sql` cannot both be set",
        "default_sql",
    );
    expect_error(
        r#"struct T { id: i64, #[model(default_sql = "2")] #[model(default = 1)] a: i64 }"#,
        "`default` and `default_sql` cannot both be set",
        "default = 1",
    );
}

#[test]
fn skip_conflicts_with_every_other_key() {
    let errors =
        located(r#"struct T { id: i64, #[model(skip, max_length = 3, unique)] a: String }"#);
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| {
            (
                e.message.as_str(),
                &e.at[..e.at.find([' ', ',', ')']).unwrap_or(e.at.len())],
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "`skip` cannot be combined with `max_length`: a skipped field has no column",
                "max_length"
            ),
            (
                "`skip` cannot be combined with `unique`: a skipped field has no column",
                "unique"
            ),
        ]
    );
}

#[test]
fn primary_key_cannot_be_optional() {
    expect_error(
        r#"struct T { #[model(primary_key)] key: Option<i64> }"#,
        "`key` is part of the primary key, so it cannot be an `Option`",
        "Option<i64>",
    );
    expect_error(
        r#"struct T { id: Option<i64> }"#,
        "`id` is the primary key (the field named `id`), so it cannot be an `Option`",
        "Option<i64>",
    );
}

#[test]
fn no_primary_key() {
    expect_error(
        r#"pub struct Note { body: String }"#,
        "`Note` has no primary key: mark a field with `#[model(primary_key)]`, or name it `id`",
        "Note",
    );
    expect_error(
        r#"pub struct Note { #[model(skip)] id: i64, body: String }"#,
        "`Note` has no primary key",
        "Note",
    );
}

#[test]
fn redundant_unique_or_index_on_the_primary_key() {
    expect_error(
        r#"struct T { #[model(unique)] id: i64 }"#,
        "`unique` is redundant on the primary key: it is already unique",
        "unique",
    );
    expect_error(
        r#"struct T { #[model(primary_key, index)] code: String }"#,
        "`index` is redundant on the primary key: it is already indexed",
        "index",
    );
}

#[test]
fn auto_increment_rules() {
    expect_error(
        r#"struct T { id: i64, #[model(auto_increment = true)] n: i64 }"#,
        "`auto_increment` applies only to the primary key, and `n` is not part of it",
        "auto_increment",
    );
    expect_error(
        r#"struct T { #[model(primary_key, auto_increment = true, max_length = 4)] code: String }"#,
        "`auto_increment` needs an integer primary key (`i16`, `i32` or `i64`); `code` is `String`",
        "auto_increment",
    );
    expect_error(
        r#"struct T { #[model(default = 5)] id: i64 }"#,
        "`id` auto-increments, so it cannot have a default; add `auto_increment = false`",
        "default",
    );
    let errors = located(
        r#"struct T {
    #[model(primary_key, auto_increment = true)] a: i64,
    #[model(primary_key, auto_increment = true)] b: i64,
}"#,
    );
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "a composite primary key cannot auto-increment; remove `auto_increment`",
            "only one field can be `auto_increment`, and `a` already is",
        ]
    );
    assert!(errors.iter().all(|e| e.at.starts_with("auto_increment")));
}

#[test]
fn foreign_key_rules() {
    expect_error(
        r#"struct T { id: i64, #[model(references = "orgs")] org: i64 }"#,
        "`references` must be \"table.column\", e.g. `references = \"orgs.id\"`; got \"orgs\"",
        "\"orgs\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(references = "a.b.c")] org: i64 }"#,
        "must be \"table.column\"",
        "\"a.b.c\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(references = "orgs.id", on_delete = "cascde")] org: i64 }"#,
        "unknown referential action \"cascde\"; did you mean \"cascade\"? expected one of",
        "\"cascde\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(on_delete = "cascade")] org: i64 }"#,
        "`on_delete` needs `references = \"table.column\"` on the same field",
        "on_delete",
    );
    expect_error(
        r#"struct T { id: i64, #[model(on_update = "cascade")] org: i64 }"#,
        "`on_update` needs `references",
        "on_update",
    );
    expect_error(
        r#"struct T { id: i64, #[model(references = "orgs.id", on_delete = "set_null")] org: i64 }"#,
        "\"set_null\" needs a nullable column: make `org` an `Option<...>`",
        "\"set_null\"",
    );
}

#[test]
fn two_fields_on_one_column() {
    expect_error(
        r#"struct T { id: i64, name: String, #[model(column = "name")] other: String }"#,
        "column `name` is already used by field `name`",
        "\"name\"",
    );
    expect_error(
        r#"struct T { id: i64, #[model(column = "b")] a: String, b: String }"#,
        "column `b` is already used by field `a`",
        "b: String",
    );
}

#[test]
fn index_fields_must_name_rust_fields() {
    expect_error(
        r#"#[model(index(fields = ["id", "emial"]))] struct T { id: i64, email: String }"#,
        "no field named `emial`; did you mean `email`?",
        "\"emial\"",
    );
    expect_error(
        r#"#[model(unique(fields = ["desc"]))] struct T { id: i64, #[model(column = "desc")] bio: String }"#,
        "`fields` lists Rust fields, and column `desc` belongs to field `bio`",
        "\"desc\"",
    );
    expect_error(
        r#"#[model(index(fields = ["zzz"]))] struct T { id: i64, email: String }"#,
        "no field named `zzz`; the fields are `id`, `email`",
        "\"zzz\"",
    );
    expect_error(
        r#"#[model(index(fields = ["cache"]))] struct T { id: i64, #[model(skip)] cache: i64 }"#,
        "field `cache` is `skip`ped",
        "\"cache\"",
    );
    expect_error(
        r#"#[model(index(fields = ["id", "id"]))] struct T { id: i64 }"#,
        "field `id` is listed twice",
        "\"id\"]",
    );
}

#[test]
fn index_unique_and_check_shapes() {
    expect_error(
        r#"#[model(index)] struct T { id: i64 }"#,
        "`index` on a struct lists its fields: `index(fields = [\"a\", \"b\"])`",
        "index",
    );
    expect_error(
        r#"#[model(unique(name = "u"))] struct T { id: i64 }"#,
        "`unique(...)` needs `fields = [...]`",
        "unique",
    );
    expect_error(
        r#"#[model(index(fields = []))] struct T { id: i64 }"#,
        "`fields` must name at least one field",
        "[]",
    );
    expect_error(
        r#"#[model(check(name = "positive"))] struct T { id: i64 }"#,
        "`check(...)` needs `sql = \"...\"`",
        "check",
    );
    expect_error(
        r#"#[model(check(name = "a", sql = "1"), check(name = "a", sql = "2"))] struct T { id: i64 }"#,
        "a check named `a` is already defined",
        "\"a\", sql = \"2\"",
    );
}

#[test]
fn duplicate_index_names() {
    expect_error(
        r#"#[model(index(fields = ["email"]))] struct T { id: i64, #[model(index)] email: String }"#,
        "the name `ix_t_email` is already used by another index or unique constraint",
        "index(fields",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], name = "x"), unique(fields = ["b"], name = "x"))]
struct T { id: i64, a: i64, b: i64 }"#,
        "the name `x` is already used",
        "\"x\"))]",
    );
}

#[test]
fn unsupported_shapes() {
    expect_error(
        r#"struct T<X> { id: i64, x: X }"#,
        "#[derive(Model)] does not support generic structs",
        "<X>",
    );
    expect_error(
        r#"struct T<'a> { id: i64, x: &'a str }"#,
        "does not support generic structs",
        "<'a>",
    );
    expect_error(
        r#"enum Status { On, Off }"#,
        "#[derive(Model)] only supports structs with named fields, not enums",
        "enum",
    );
    expect_error(r#"union U { a: i64 }"#, "not unions", "union");
    expect_error(
        r#"struct T(i64, String);"#,
        "#[derive(Model)] does not support tuple structs",
        "(i64",
    );
    expect_error(r#"struct T;"#, "`T` has no fields", "T;");
    expect_error(r#"struct T {}"#, "`T` has no fields", "T {}");
}

#[test]
fn malformed_attribute_syntax_is_reported() {
    expect_error(
        r#"struct T { id: i64, #[model = "x"] a: i64 }"#,
        "expected",
        "=",
    );
}

// --- all errors together ------------------------------------------------------

#[test]
fn all_errors_of_a_struct_are_reported_together() {
    let errors = located(
        r#"#[model(tabel = "users")]
#[model(index(fields = ["emial"]))]
struct User {
    #[model(max_len = 255)]
    email: String,
    #[model(precision = 10)]
    balance: Decimal,
    handle: Handle<u8>,
    #[model(on_delete = "cascade")]
    org_id: i64,
}"#,
    );
    let got: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            let word: String =
                e.at.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '"')
                    .collect();
            (e.message.clone(), word)
        })
        .collect();
    let expected = [
        ("unknown model attribute `tabel`; did you mean `table`?", "tabel"),
        ("unknown model attribute `max_len`; did you mean `max_length`?", "max_len"),
        ("`precision` without `scale`: add `scale = N`, the digits after the decimal point", "precision"),
        ("unsupported type `Handle<u8>` for field `handle`; give its SQL type with `#[model(sql_type = \"...\")]`, or leave the field out of the table with `#[model(skip)]`", "Handle"),
        ("`User` has no primary key: mark a field with `#[model(primary_key)]`, or name it `id`", "User"),
        ("`on_delete` needs `references = \"table.column\"` on the same field", "on_delete"),
        ("no field named `emial`; did you mean `email`?", "\"emial\""),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(m, w)| (m.to_string(), w.to_string()))
        .collect();
    assert_eq!(got, expected);
}

// --- index options ----------------------------------------------------------

#[test]
fn a_bad_sort_order_points_at_its_entry() {
    expect_error(
        r#"#[model(index(fields = ["a dsc"]))] struct T { id: i64, a: i64 }"#,
        "unexpected `dsc` in \"a dsc\"; did you mean `desc`?",
        "\"a dsc\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a nulls"]))] struct T { id: i64, a: i64 }"#,
        "`nulls` takes `first` or `last`",
        "\"a nulls\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a desc desc"]))] struct T { id: i64, a: i64 }"#,
        "unexpected `desc`",
        "\"a desc desc\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a(0)"]))] struct T { id: i64, a: String }"#,
        "must be a positive integer",
        "\"a(0)\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a(4"]))] struct T { id: i64, a: String }"#,
        "unclosed `(`",
        "\"a(4\"",
    );
}

#[test]
fn a_bad_expression_key_points_at_its_entry() {
    expect_error(
        r#"#[model(index(fields = ["(lower(a)"]))] struct T { id: i64, a: String }"#,
        "unclosed `(`",
        "\"(lower(a)\"",
    );
    expect_error(
        r#"#[model(index(fields = ["( )"]))] struct T { id: i64, a: String }"#,
        "empty expression",
        "\"( )\"",
    );
    expect_error(
        r#"#[model(index(fields = ["(a)"]))] struct T { id: i64, a: String }"#,
        "`(a)` is a plain column, not an expression",
        "\"(a)\"",
    );
    expect_error(
        r#"#[model(index(fields = ["(lower(a)) dsc"]))] struct T { id: i64, a: String }"#,
        "unexpected `dsc` in \"(lower(a)) dsc\"; did you mean `desc`?",
        "\"(lower(a)) dsc\"",
    );
    expect_error(
        r#"#[model(index(fields = ["(lower(a))(4)"]))] struct T { id: i64, a: String }"#,
        "an expression key has no prefix length",
        "\"(lower(a))(4)\"",
    );
    expect_error(
        r#"#[model(unique(fields = ["(lower(a))"]))] struct T { id: i64, a: String }"#,
        "a unique constraint covers columns only",
        "\"(lower(a))\"",
    );
}

#[test]
fn a_sort_order_names_a_field_that_must_exist() {
    expect_error(
        r#"#[model(index(fields = ["b desc"]))] struct T { id: i64, a: i64 }"#,
        "no field named `b`",
        "\"b desc\"",
    );
}

#[test]
fn unique_constraints_take_no_sort_order() {
    expect_error(
        r#"#[model(unique(fields = ["a desc"]))] struct T { id: i64, a: i64 }"#,
        "a unique constraint has no sort order or prefix length",
        "\"a desc\"",
    );
    expect_error(
        r#"#[model(unique(fields = ["a"], where = "a > 0"))] struct T { id: i64, a: i64 }"#,
        "a unique constraint takes no `where`",
        "where",
    );
}

#[test]
fn include_and_using_are_checked() {
    expect_error(
        r#"#[model(index(fields = ["a"], using = "gni"))] struct T { id: i64, a: i64 }"#,
        "unknown index method \"gni\"; did you mean \"gin\"?",
        "\"gni\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], include = ["a"]))] struct T { id: i64, a: i64 }"#,
        "field `a` is already a key of this index",
        "\"a\"]))",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], include = ["c"]))] struct T { id: i64, a: i64 }"#,
        "no field named `c`",
        "\"c\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], include = "b"))] struct T { id: i64, a: i64, b: i64 }"#,
        "`include` takes a list of Rust field names",
        "\"b\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], where = ""))] struct T { id: i64, a: i64 }"#,
        "`where` must not be empty",
        "\"\"",
    );
    expect_error(
        r#"#[model(index(fields = ["a"], filter = "a > 0"))] struct T { id: i64, a: i64 }"#,
        "did you mean `where`?",
        "filter",
    );
}
