//! `parse_model` on valid structs: every key, every type, every default.
#![cfg(feature = "syn")]

use schema_core::dialect::Dialect;
use schema_core::parse::{parse_model, table_to_tokens};
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Index, KeyOptions, LogicalType, NullsOrder,
    PrimaryKey, ReferentialAction, Table, UniqueConstraint,
};
use syn::{parse_quote, DeriveInput};

fn parse(input: DeriveInput) -> Table {
    match parse_model(&input) {
        Ok(table) => table,
        Err(err) => {
            let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
            panic!("unexpected errors: {messages:#?}")
        }
    }
}

fn col(table: &Table, name: &str) -> Column {
    table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name} in {table:#?}"))
        .clone()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn spec_example_user() {
    let t = parse(parse_quote! {
        #[derive(Model)]
        #[model(table = "users")]
        #[model(index(fields = ["org_id", "created_at"]))]
        #[model(unique(fields = ["org_id", "email"], name = "uq_users_org_email"))]
        pub struct User {
            #[model(primary_key)]
            pub id: i64,
            #[model(max_length = 255, unique)]
            pub email: String,
            pub display_name: Option<String>,
            #[model(references = "orgs.id", on_delete = "cascade", index)]
            pub org_id: i64,
            #[model(default = true)]
            pub active: bool,
            #[model(default_sql = "CURRENT_TIMESTAMP")]
            pub created_at: NaiveDateTime,
            pub last_seen: Option<DateTime<Utc>>,
            #[model(precision = 10, scale = 2)]
            pub balance: rust_decimal::Decimal,
            #[model(column = "desc", renamed_from = "description")]
            pub bio: String,
            #[model(sql_type = "CITEXT")]
            pub handle: Handle,
            #[model(skip)]
            pub cache: Vec<u8>,
        }
    });
    let mut id = Column::new("id", LogicalType::BigInt);
    id.field = Some(s("id"));
    id.auto_increment = true;
    let column = |name: &str, field: &str, ty: LogicalType, nullable: bool| Column {
        field: Some(s(field)),
        nullable,
        ..Column::new(name, ty)
    };
    let expected = Table {
        name: s("users"),
        struct_name: Some(s("User")),
        renamed_from: None,
        columns: vec![
            id,
            column("email", "email", LogicalType::Varchar(255), false),
            column("display_name", "display_name", LogicalType::Text, true),
            column("org_id", "org_id", LogicalType::BigInt, false),
            Column {
                default: Some(DefaultValue::Bool(true)),
                ..column("active", "active", LogicalType::Boolean, false)
            },
            Column {
                default: Some(DefaultValue::Sql(s("CURRENT_TIMESTAMP"))),
                ..column("created_at", "created_at", LogicalType::Timestamp, false)
            },
            column("last_seen", "last_seen", LogicalType::TimestampTz, true),
            column(
                "balance",
                "balance",
                LogicalType::Numeric {
                    precision: 10,
                    scale: 2,
                },
                false,
            ),
            Column {
                renamed_from: Some(s("description")),
                ..column("desc", "bio", LogicalType::Text, false)
            },
            column("handle", "handle", LogicalType::Custom(s("CITEXT")), false),
        ],
        primary_key: Some(PrimaryKey {
            name: Some(s("pk_users")),
            columns: strings(&["id"]),
        }),
        indexes: vec![
            Index {
                name: s("ix_users_org_id"),
                columns: strings(&["org_id"]),
                unique: false,
                ..Default::default()
            },
            Index {
                name: s("ix_users_org_id_created_at"),
                columns: strings(&["org_id", "created_at"]),
                unique: false,
                ..Default::default()
            },
        ],
        uniques: vec![
            UniqueConstraint {
                name: s("uq_users_email"),
                columns: strings(&["email"]),
            },
            UniqueConstraint {
                name: s("uq_users_org_email"),
                columns: strings(&["org_id", "email"]),
            },
        ],
        foreign_keys: vec![ForeignKey {
            name: Some(s("fk_users_org_id_orgs")),
            columns: strings(&["org_id"]),
            ref_table: s("orgs"),
            ref_columns: strings(&["id"]),
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        }],
        checks: vec![],
        comment: None,
        collation: None,
    };
    assert_eq!(t, expected);
}

#[test]
fn table_name_defaults_to_snake_case_without_plural() {
    let t = parse(parse_quote!(
        struct OrderLineItem {
            id: i64,
        }
    ));
    assert_eq!(t.name, "order_line_item");
    assert_eq!(t.struct_name.as_deref(), Some("OrderLineItem"));
    let t = parse(parse_quote!(
        struct HTTPRequestLog {
            id: i64,
        }
    ));
    assert_eq!(t.name, "http_request_log");
    let t = parse(parse_quote!(
        struct Person {
            id: i64,
        }
    ));
    assert_eq!(t.name, "person", "no pluralising");
    assert_eq!(
        t.primary_key.as_ref().and_then(|pk| pk.name.as_deref()),
        Some("pk_person")
    );
}

#[test]
fn every_type_in_the_table() {
    let t = parse(parse_quote! {
        struct AllTypes {
            id: i64,
            a_bool: bool,
            a_i16: i16,
            a_i32: i32,
            a_i64: i64,
            a_f32: f32,
            a_f64: f64,
            a_text: String,
            #[model(max_length = 40)]
            a_varchar: String,
            a_blob: Vec<u8>,
            a_std_string: std::string::String,
            a_chrono_date: chrono::NaiveDate,
            a_time_date: time::Date,
            a_chrono_time: NaiveTime,
            a_time_time: time::Time,
            a_chrono_ts: chrono::NaiveDateTime,
            a_time_ts: time::PrimitiveDateTime,
            a_chrono_tz: chrono::DateTime<chrono::Utc>,
            a_fixed_tz: DateTime<FixedOffset>,
            a_time_tz: time::OffsetDateTime,
            a_uuid: uuid::Uuid,
            a_json: serde_json::Value,
            #[model(precision = 12, scale = 4)]
            a_decimal: rust_decimal::Decimal,
            #[model(precision = 30, scale = 0)]
            a_bigdecimal: bigdecimal::BigDecimal,
        }
    });
    use LogicalType::*;
    let expected = [
        ("id", BigInt),
        ("a_bool", Boolean),
        ("a_i16", SmallInt),
        ("a_i32", Integer),
        ("a_i64", BigInt),
        ("a_f32", Real),
        ("a_f64", Double),
        ("a_text", Text),
        ("a_varchar", Varchar(40)),
        ("a_blob", Blob),
        ("a_std_string", Text),
        ("a_chrono_date", Date),
        ("a_time_date", Date),
        ("a_chrono_time", Time),
        ("a_time_time", Time),
        ("a_chrono_ts", Timestamp),
        ("a_time_ts", Timestamp),
        ("a_chrono_tz", TimestampTz),
        ("a_fixed_tz", TimestampTz),
        ("a_time_tz", TimestampTz),
        ("a_uuid", Uuid),
        ("a_json", Json),
        (
            "a_decimal",
            Numeric {
                precision: 12,
                scale: 4,
            },
        ),
        (
            "a_bigdecimal",
            Numeric {
                precision: 30,
                scale: 0,
            },
        ),
    ];
    let got: Vec<(String, LogicalType)> = t
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.ty.clone()))
        .collect();
    let expected: Vec<(String, LogicalType)> =
        expected.into_iter().map(|(n, ty)| (s(n), ty)).collect();
    assert_eq!(got, expected);
    assert!(t.columns.iter().all(|c| !c.nullable));
}

#[test]
fn option_makes_every_type_nullable() {
    let t = parse(parse_quote! {
        struct Nullable {
            id: i64,
            a: Option<bool>,
            b: Option<i32>,
            c: std::option::Option<String>,
            #[model(max_length = 8)]
            d: Option<String>,
            e: Option<Vec<u8>>,
            f: Option<chrono::DateTime<Utc>>,
            g: Option<uuid::Uuid>,
            h: Option<serde_json::Value>,
            #[model(precision = 5, scale = 1)]
            i: Option<Decimal>,
            #[model(sql_type = "INET")]
            j: Option<IpNetwork>,
        }
    });
    let nullable: Vec<(&str, bool)> = t
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.nullable))
        .collect();
    assert_eq!(nullable[0], ("id", false));
    assert!(nullable[1..].iter().all(|(_, n)| *n), "{nullable:?}");
    assert_eq!(col(&t, "d").ty, LogicalType::Varchar(8));
    assert_eq!(col(&t, "e").ty, LogicalType::Blob);
    assert_eq!(col(&t, "j").ty, LogicalType::Custom(s("INET")));
}

/// `Vec<T>` of a scalar is an array of `T`'s type, the type keys applying
/// to the elements; `Option` outside makes the column nullable, inside it
/// changes nothing (array elements may always be NULL).
#[test]
fn vec_of_a_scalar_is_an_array_column() {
    let t = parse(parse_quote! {
        struct Post {
            id: i64,
            #[model(default_sql = "'{}'")]
            tags: Vec<String>,
            #[model(max_length = 20)]
            labels: Vec<Option<String>>,
            scores: Option<Vec<i32>>,
            #[model(precision = 8, scale = 2)]
            prices: Vec<rust_decimal::Decimal>,
            at: Vec<chrono::DateTime<Utc>>,
            data: Vec<u8>,
        }
    });
    let array = |ty: LogicalType| LogicalType::Array(Box::new(ty));
    assert_eq!(col(&t, "tags").ty, array(LogicalType::Text));
    assert_eq!(col(&t, "tags").default, Some(DefaultValue::Sql(s("'{}'"))));
    assert_eq!(col(&t, "labels").ty, array(LogicalType::Varchar(20)));
    assert!(!col(&t, "labels").nullable);
    assert_eq!(col(&t, "scores").ty, array(LogicalType::Integer));
    assert!(col(&t, "scores").nullable);
    assert_eq!(
        col(&t, "prices").ty,
        array(LogicalType::Numeric {
            precision: 8,
            scale: 2
        })
    );
    assert_eq!(col(&t, "at").ty, array(LogicalType::TimestampTz));
    assert_eq!(col(&t, "data").ty, LogicalType::Blob);
    let text = table_to_tokens(&t, &quote::quote!(::m)).to_string();
    assert!(
        text.contains("LogicalType :: Array (:: std :: boxed :: Box :: new (")
            && text.contains("LogicalType :: Varchar (20u32)))"),
        "{text}"
    );
}

#[test]
fn integer_primary_keys_auto_increment() {
    for ty in [quote::quote!(i16), quote::quote!(i32), quote::quote!(i64)] {
        let input: DeriveInput = parse_quote!(struct T { id: #ty, name: String });
        let t = parse(input);
        assert!(col(&t, "id").auto_increment, "{ty}");
        assert!(!col(&t, "name").auto_increment);
    }
}

#[test]
fn auto_increment_false_opts_out() {
    let t = parse(parse_quote! {
        struct T {
            #[model(auto_increment = false)]
            id: i64,
        }
    });
    assert!(!col(&t, "id").auto_increment);
}

#[test]
fn explicit_auto_increment_true_is_accepted() {
    let t = parse(parse_quote! {
        struct T {
            #[model(primary_key, auto_increment = true)]
            key: i32,
            id: i64,
        }
    });
    assert!(col(&t, "key").auto_increment);
    assert!(!col(&t, "id").auto_increment);
    assert_eq!(t.primary_key.unwrap().columns, strings(&["key"]));
    let t = parse(parse_quote! {
        struct T {
            #[model(sql_type = "BIGINT UNSIGNED", auto_increment = true)]
            id: u64,
        }
    });
    assert!(col(&t, "id").auto_increment, "sql_type escape hatch");
}

#[test]
fn non_integer_and_composite_keys_do_not_auto_increment() {
    let t = parse(parse_quote! {
        struct T {
            id: uuid::Uuid,
        }
    });
    assert!(!col(&t, "id").auto_increment);
    let t = parse(parse_quote! {
        struct T {
            #[model(primary_key, max_length = 3)]
            code: String,
        }
    });
    assert!(!col(&t, "code").auto_increment);
    let t = parse(parse_quote! {
        struct T {
            #[model(sql_type = "BIGINT")]
            id: MyId,
        }
    });
    assert!(
        !col(&t, "id").auto_increment,
        "custom types only by request"
    );
    let t = parse(parse_quote! {
        struct Membership {
            #[model(primary_key, references = "users.id")]
            user_id: i64,
            #[model(primary_key, references = "groups.id")]
            group_id: i64,
            id: i64,
        }
    });
    assert!(t.columns.iter().all(|c| !c.auto_increment));
    assert_eq!(
        t.primary_key,
        Some(PrimaryKey {
            name: Some(s("pk_membership")),
            columns: strings(&["user_id", "group_id"]),
        }),
        "explicit primary_key wins over a field named id"
    );
    assert_eq!(t.foreign_keys.len(), 2);
    assert_eq!(
        t.foreign_keys[1].name.as_deref(),
        Some("fk_membership_group_id_groups")
    );
}

#[test]
fn primary_key_uses_the_column_name() {
    let t = parse(parse_quote! {
        struct T {
            #[model(primary_key, column = "user_id")]
            id: i64,
        }
    });
    assert_eq!(
        t.primary_key.clone().unwrap().columns,
        strings(&["user_id"])
    );
    assert_eq!(col(&t, "user_id").field.as_deref(), Some("id"));
}

#[test]
fn literal_defaults() {
    let t = parse(parse_quote! {
        struct T {
            id: i64,
            #[model(default = 42)]
            a: i32,
            #[model(default = -7)]
            b: i64,
            #[model(default = -9223372036854775808)]
            c: i64,
            #[model(default = 1.5)]
            d: f64,
            #[model(default = -0.25)]
            e: f32,
            #[model(default = 3)]
            f: f64,
            #[model(default = false)]
            g: bool,
            #[model(default = "it's")]
            h: String,
            #[model(default = "abc", max_length = 3)]
            i: String,
            #[model(default = "2020-01-01")]
            j: NaiveDate,
            #[model(default = 10, precision = 10, scale = 2)]
            k: Decimal,
            #[model(default = 2.5e3)]
            l: Option<f64>,
            #[model(default = 7i16)]
            m: i16,
            #[model(default_sql = "gen_random_uuid()")]
            n: Uuid,
            #[model(sql_type = "MONEY", default = "1.00")]
            o: Money,
        }
    });
    use DefaultValue::*;
    let defaults: Vec<(String, Option<DefaultValue>)> = t
        .columns
        .iter()
        .map(|c| (c.name.clone(), c.default.clone()))
        .collect();
    let expected = vec![
        (s("id"), None),
        (s("a"), Some(Int(42))),
        (s("b"), Some(Int(-7))),
        (s("c"), Some(Int(i64::MIN))),
        (s("d"), Some(Float(s("1.5")))),
        (s("e"), Some(Float(s("-0.25")))),
        (s("f"), Some(Int(3))),
        (s("g"), Some(Bool(false))),
        (s("h"), Some(Str(s("it's")))),
        (s("i"), Some(Str(s("abc")))),
        (s("j"), Some(Str(s("2020-01-01")))),
        (s("k"), Some(Int(10))),
        (s("l"), Some(Float(s("2.5e3")))),
        (s("m"), Some(Int(7))),
        (s("n"), Some(Sql(s("gen_random_uuid()")))),
        (s("o"), Some(Str(s("1.00")))),
    ];
    assert_eq!(defaults, expected);
}

#[test]
fn column_renamed_from_and_comments() {
    let t = parse(parse_quote! {
        #[model(renamed_from = "people", comment = "Everyone we know")]
        struct Person {
            id: i64,
            #[model(column = "full_name", renamed_from = "name", comment = "as typed")]
            name: String,
        }
    });
    assert_eq!(t.renamed_from.as_deref(), Some("people"));
    assert_eq!(t.comment.as_deref(), Some("Everyone we know"));
    let c = col(&t, "full_name");
    assert_eq!(c.field.as_deref(), Some("name"));
    assert_eq!(c.renamed_from.as_deref(), Some("name"));
    assert_eq!(c.comment.as_deref(), Some("as typed"));
}

#[test]
fn key_names_of_their_own() {
    let t = parse(parse_quote! {
        #[model(table = "album", primary_key_name = "album_pkey")]
        struct Album {
            #[model(primary_key)]
            album_id: i64,
            #[model(references = "artist.artist_id", foreign_key_name = "FK_AlbumArtistId")]
            artist_id: i64,
        }
    });
    assert_eq!(
        t.primary_key.as_ref().unwrap().name.as_deref(),
        Some("album_pkey")
    );
    assert_eq!(t.foreign_keys[0].name.as_deref(), Some("FK_AlbumArtistId"));

    let t = parse(parse_quote! {
        #[model(check(name = "positive", constraint = "invoice_total_check", sql = "total >= 0"))]
        struct Invoice {
            id: i64,
            total: i64,
        }
    });
    assert_eq!(t.checks[0].name, "invoice_total_check");
}

#[test]
fn a_column_collation_is_rendered_on_every_dialect() {
    let t = parse(parse_quote! {
        struct Album {
            id: i64,
            #[model(max_length = 160, collation = "utf8mb3_general_ci")]
            title: String,
        }
    });
    assert_eq!(
        col(&t, "title").collation.as_deref(),
        Some("utf8mb3_general_ci")
    );
    let schema = schema_core::Schema::new(vec![t]);
    let my = schema_core::diff::diff(&schema_core::Schema::default(), &schema, Dialect::Mysql);
    let up = Dialect::Mysql.render_migration(&my).up;
    assert!(
        up.contains("`title` VARCHAR(160) COLLATE `utf8mb3_general_ci` NOT NULL"),
        "{up}"
    );
    // The name is the database's own, written as given on every dialect.
    let pg = schema_core::diff::diff(&schema_core::Schema::default(), &schema, Dialect::Postgres);
    let up = Dialect::Postgres.render_migration(&pg).up;
    assert!(
        up.contains(r#""title" VARCHAR(160) COLLATE "utf8mb3_general_ci" NOT NULL"#),
        "{up}"
    );
}

#[test]
fn a_table_collation_and_on_update_are_rendered_on_mysql_and_left_out_elsewhere() {
    let t = parse(parse_quote! {
        #[model(collation = "utf8mb3_general_ci")]
        struct Actor {
            id: i64,
            #[model(default_sql = "CURRENT_TIMESTAMP", on_update_sql = "CURRENT_TIMESTAMP")]
            last_update: chrono::NaiveDateTime,
        }
    });
    assert_eq!(t.collation.as_deref(), Some("utf8mb3_general_ci"));
    assert_eq!(
        col(&t, "last_update").on_update.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    let schema = schema_core::Schema::new(vec![t]);
    let my = schema_core::diff::diff(&schema_core::Schema::default(), &schema, Dialect::Mysql);
    let up = Dialect::Mysql.render_migration(&my).up;
    assert!(
        up.contains("DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6)"),
        "{up}"
    );
    assert!(up.contains(") COLLATE = `utf8mb3_general_ci`"), "{up}");
    for d in [Dialect::Postgres, Dialect::Sqlite] {
        let ops = schema_core::diff::diff(&schema_core::Schema::default(), &schema, d);
        let up = d.render_migration(&ops).up;
        assert!(!up.contains("COLLATE") && !up.contains("ON UPDATE"), "{up}");
    }
}

#[test]
fn raw_identifiers_lose_their_prefix() {
    let t = parse(parse_quote! {
        struct r#Match {
            id: i64,
            r#type: String,
        }
    });
    assert_eq!(t.name, "match");
    assert_eq!(t.struct_name.as_deref(), Some("Match"));
    let c = col(&t, "type");
    assert_eq!(c.field.as_deref(), Some("type"));
}

#[test]
fn skip_leaves_the_field_out() {
    let t = parse(parse_quote! {
        struct T {
            id: i64,
            #[model(skip)]
            cache: std::collections::HashMap<String, String>,
            #[model(skip)]
            #[serde(skip)]
            also: Vec<u8>,
        }
    });
    assert_eq!(t.columns.len(), 1);
}

#[test]
fn every_referential_action() {
    let actions = [
        ("cascade", ReferentialAction::Cascade),
        ("restrict", ReferentialAction::Restrict),
        ("set_null", ReferentialAction::SetNull),
        ("set_default", ReferentialAction::SetDefault),
        ("no_action", ReferentialAction::NoAction),
    ];
    for (text, action) in actions {
        let input: DeriveInput = parse_quote! {
            struct Post {
                id: i64,
                #[model(references = "users.id", on_delete = #text, on_update = #text)]
                author_id: Option<i64>,
            }
        };
        let t = parse(input);
        assert_eq!(
            t.foreign_keys,
            vec![ForeignKey {
                name: Some(s("fk_post_author_id_users")),
                columns: strings(&["author_id"]),
                ref_table: s("users"),
                ref_columns: strings(&["id"]),
                on_delete: action,
                on_update: action,
            }],
            "{text}"
        );
    }
}

#[test]
fn references_defaults_to_no_action() {
    let t = parse(parse_quote! {
        struct Post {
            id: i64,
            #[model(references = "users.id")]
            author_id: i64,
            #[model(references = "post.id", on_update = "cascade")]
            parent_id: Option<i64>,
        }
    });
    assert_eq!(t.foreign_keys[0].on_delete, ReferentialAction::NoAction);
    assert_eq!(t.foreign_keys[0].on_update, ReferentialAction::NoAction);
    assert_eq!(t.foreign_keys[1].ref_table, "post", "self reference");
    assert_eq!(t.foreign_keys[1].on_update, ReferentialAction::Cascade);
}

#[test]
fn struct_level_indexes_uniques_and_checks() {
    let t = parse(parse_quote! {
        #[model(index(fields = ["b", "a"]))]
        #[model(index(fields = ["a"], name = "by_a", unique))]
        #[model(unique(fields = ["a", "b"]))]
        #[model(check(name = "positive", sql = "a > 0"), check(name = "ordered", sql = "a < b_col"))]
        struct Pair {
            id: i64,
            a: i32,
            #[model(column = "b_col")]
            b: i32,
        }
    });
    assert_eq!(
        t.indexes,
        vec![
            Index {
                name: s("ix_pair_b_col_a"),
                columns: strings(&["b_col", "a"]),
                unique: false,
                ..Default::default()
            },
            Index {
                name: s("by_a"),
                columns: strings(&["a"]),
                unique: true,
                ..Default::default()
            },
        ],
        "fields are Rust fields, stored as column names"
    );
    assert_eq!(
        t.uniques,
        vec![UniqueConstraint {
            name: s("uq_pair_a_b_col"),
            columns: strings(&["a", "b_col"]),
        }]
    );
    assert_eq!(
        t.checks,
        vec![
            Check {
                name: s("ck_pair_positive"),
                sql: s("a > 0"),
            },
            Check {
                name: s("ck_pair_ordered"),
                sql: s("a < b_col"),
            },
        ]
    );
}

#[test]
fn field_level_unique_and_index_together() {
    let t = parse(parse_quote! {
        struct Account {
            id: i64,
            #[model(unique, index, max_length = 64)]
            login: String,
        }
    });
    assert_eq!(t.uniques[0].name, "uq_account_login");
    assert_eq!(t.indexes[0].name, "ix_account_login");
    assert!(!t.indexes[0].unique);
}

#[test]
fn several_model_attributes_merge_and_others_are_ignored() {
    let t = parse(parse_quote! {
        /// Docs are fine.
        #[derive(Debug, Model, serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        #[schema(example = "x")]
        #[model(table = "accounts")]
        #[model(comment = "c")]
        struct Account {
            #[serde(rename = "ID")]
            #[model(primary_key)]
            #[model(auto_increment = false)]
            id: i64,
            #[schema(max_length = 3)]
            #[model(max_length = 10)]
            #[model(unique)]
            name: String,
        }
    });
    assert_eq!(t.name, "accounts");
    assert_eq!(t.comment.as_deref(), Some("c"));
    assert!(!col(&t, "id").auto_increment);
    assert_eq!(col(&t, "name").ty, LogicalType::Varchar(10));
    assert_eq!(t.uniques.len(), 1);
}

#[test]
fn long_names_are_kept_full_length() {
    let t = parse(parse_quote! {
        struct AVeryLongTableNameThatGoesOnAndOnAndOnForeverAndEverMore {
            id: i64,
            #[model(index)]
            an_equally_long_column_name_that_keeps_going_and_going: i32,
        }
    });
    let name = &t.indexes[0].name;
    assert_eq!(
        name,
        "ix_a_very_long_table_name_that_goes_on_and_on_and_on_forever_and_ever_more_an_equally_long_column_name_that_keeps_going_and_going"
    );
}

#[test]
fn types_from_macro_rules_are_seen_through_groups() {
    // `$t:ty` arrives wrapped in an invisible group.
    let ty: syn::Type = syn::Type::Group(syn::TypeGroup {
        group_token: Default::default(),
        elem: Box::new(parse_quote!(Option<i32>)),
    });
    let t = parse(parse_quote! {
        struct T {
            id: i64,
            n: #ty,
        }
    });
    assert_eq!(col(&t, "n").ty, LogicalType::Integer);
    assert!(col(&t, "n").nullable);
}

#[test]
fn table_to_tokens_builds_an_expression_with_crate_paths() {
    let t = parse(parse_quote! {
        #[model(check(name = "c", sql = "x > 0"))]
        struct T {
            id: i64,
            #[model(precision = 4, scale = 2, default = -1.5, comment = "n")]
            x: Option<Decimal>,
            #[model(references = "o.id", on_delete = "set_null", unique)]
            o: Option<i64>,
            #[model(sql_type = "CITEXT", renamed_from = "h")]
            h: Handle,
        }
    });
    let krate = quote::quote!(::my_facade::__private);
    let tokens = table_to_tokens(&t, &krate);
    let expr: syn::Expr = syn::parse2(tokens.clone()).expect("a valid expression");
    let syn::Expr::Struct(s) = expr else {
        panic!("expected a struct literal, got {tokens}")
    };
    let path: Vec<String> = s
        .path
        .segments
        .iter()
        .map(|p| p.ident.to_string())
        .collect();
    assert_eq!(
        path,
        ["my_facade", "__private", "schema_core", "model", "Table"]
    );
    let text = tokens.to_string();
    for needle in [
        "Numeric { precision : 4u32 , scale : 2u32 }",
        "DefaultValue :: Float (:: std :: string :: String :: from (\"-1.5\"))",
        "ReferentialAction :: SetNull",
        "LogicalType :: Custom (:: std :: string :: String :: from (\"CITEXT\"))",
        "\"ck_t_c\"",
        "\"uq_t_o\"",
        "\"fk_t_o_o\"",
    ] {
        assert!(text.contains(needle), "missing {needle} in {text}");
    }
}

#[test]
fn expression_keys_are_sql_beside_fields() {
    let t = parse(parse_quote! {
        #[model(index(fields = ["(lower(email))", "created_at desc"]))]
        #[model(index(fields = ["( (score + 1) * 2 ) DESC NULLS LAST"], unique, name = "ix_rank"))]
        struct Post {
            id: i64,
            email: String,
            created_at: NaiveDateTime,
            score: i32,
        }
    });
    let expression = KeyOptions {
        expression: true,
        ..KeyOptions::default()
    };
    assert_eq!(
        t.indexes,
        vec![
            Index {
                name: s("ix_post_lower_email_created_at"),
                columns: strings(&["lower(email)", "created_at"]),
                keys: vec![
                    expression,
                    KeyOptions {
                        desc: true,
                        ..KeyOptions::default()
                    },
                ],
                ..Index::default()
            },
            Index {
                name: s("ix_rank"),
                columns: strings(&["(score + 1) * 2"]),
                unique: true,
                keys: vec![KeyOptions {
                    desc: true,
                    nulls: Some(NullsOrder::Last),
                    ..expression
                }],
                ..Index::default()
            },
        ]
    );
}

#[test]
fn index_sort_orders_prefixes_include_method_and_predicate() {
    let t = parse(parse_quote! {
        #[model(index(fields = ["org_id", "created_at DESC", "score desc nulls last"], name = "ix_feed"))]
        #[model(index(fields = ["title(10)", "org_id asc nulls first"]))]
        #[model(index(fields = ["email"], unique, r#where = "deleted_at IS NULL", include = ["score"]))]
        #[model(index(fields = ["tags"], using = "GIN"))]
        struct Post {
            id: i64,
            org_id: i64,
            created_at: NaiveDateTime,
            score: Option<i32>,
            title: String,
            email: String,
            #[model(column = "deleted")]
            deleted_at: Option<NaiveDateTime>,
            #[model(sql_type = "TEXT[]")]
            tags: String,
        }
    });
    let desc = KeyOptions {
        desc: true,
        ..KeyOptions::default()
    };
    assert_eq!(
        t.indexes,
        vec![
            Index {
                name: s("ix_feed"),
                columns: strings(&["org_id", "created_at", "score"]),
                keys: vec![
                    KeyOptions::default(),
                    desc,
                    KeyOptions {
                        nulls: Some(NullsOrder::Last),
                        ..desc
                    },
                ],
                ..Index::default()
            },
            Index {
                name: s("ix_post_title_org_id"),
                columns: strings(&["title", "org_id"]),
                keys: vec![
                    KeyOptions {
                        prefix: Some(10),
                        ..KeyOptions::default()
                    },
                    KeyOptions {
                        nulls: Some(NullsOrder::First),
                        ..KeyOptions::default()
                    },
                ],
                ..Index::default()
            },
            Index {
                name: s("ix_post_email"),
                columns: strings(&["email"]),
                unique: true,
                include: strings(&["score"]),
                predicate: Some(s("deleted_at IS NULL")),
                ..Index::default()
            },
            Index {
                name: s("ix_post_tags"),
                columns: strings(&["tags"]),
                method: Some(s("gin")),
                ..Index::default()
            },
        ]
    );
    // The derive rebuilds exactly this table.
    let tokens = table_to_tokens(&t, &quote::quote!(krate)).to_string();
    assert!(tokens.contains("NullsOrder :: Last"), "{tokens}");
    assert!(tokens.contains("\"deleted_at IS NULL\""), "{tokens}");
}

#[test]
fn where_is_accepted_without_raw_identifier_syntax() {
    let t = parse(parse_quote! {
        #[model(index(fields = ["kind"], where = "kind <> 'x'"))]
        struct Job {
            id: i64,
            kind: String,
        }
    });
    assert_eq!(t.indexes[0].predicate.as_deref(), Some("kind <> 'x'"));
}
