//! `#[derive(Model)]` gives exactly the table that `schema_core::parse`
//! (what the CLI's model discovery calls) finds in the same source.

use schema_core::parse::parse_model;
use schema_runtime::{LogicalType, Model, ReferentialAction, Table};

/// Defines the items and keeps their source text in `SOURCE`, so a test can
/// feed the very same struct to the parser.
macro_rules! model {
    ($($item:tt)*) => {
        $($item)*
        /// The source of the model above.
        pub const SOURCE: &str = stringify!($($item)*);
    };
}

/// Stand-ins for optional crates: types are matched by their last path
/// segment, so these map exactly like the real ones.
#[allow(dead_code)]
mod stand_ins {
    pub mod uuid {
        #[derive(Debug)]
        pub struct Uuid;
    }
    pub mod serde_json {
        #[derive(Debug)]
        pub struct Value;
    }
    pub mod rust_decimal {
        #[derive(Debug)]
        pub struct Decimal;
    }
    pub mod bigdecimal {
        #[derive(Debug)]
        pub struct BigDecimal;
    }
    pub mod time {
        #[derive(Debug)]
        pub struct Date;
        #[derive(Debug)]
        pub struct Time;
        #[derive(Debug)]
        pub struct PrimitiveDateTime;
        #[derive(Debug)]
        pub struct OffsetDateTime;
    }
    #[derive(Debug)]
    pub struct Handle;
}

fn parsed(source: &str) -> Table {
    let input: syn::DeriveInput = syn::parse_str(source).expect("the model source parses");
    parse_model(&input).expect("the model source is valid")
}

#[allow(dead_code)]
mod user {
    use super::stand_ins::{rust_decimal, Handle};
    use chrono::{DateTime, NaiveDateTime, Utc};
    use schema_runtime::Model;

    model! {
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
    }
}

#[allow(dead_code)]
mod every_key {
    use super::stand_ins::{bigdecimal, serde_json, time, uuid};
    use schema_runtime::Model;

    model! {
        /// Every key and every type row at least once.
        #[derive(Debug, Model)]
        #[model(renamed_from = "old_items", comment = "All the things")]
        #[model(index(fields = ["code", "amount"], name = "ix_custom", unique))]
        #[model(index(fields = ["(lower(note)) desc nulls last", "score(4)"], include = ["ratio"]))]
        #[model(check(name = "amount_positive", sql = "amount > 0"))]
        pub struct InventoryItem {
            #[model(primary_key, auto_increment = false, comment = "natural key")]
            pub id: i32,
            #[model(column = "sku", renamed_from = "code_old", max_length = 12, index)]
            pub code: String,
            #[model(precision = 20, scale = 4, default = -1.25)]
            pub amount: Option<bigdecimal::BigDecimal>,
            #[model(default = -3)]
            pub small: i16,
            #[model(default = "n/a")]
            pub note: String,
            pub ratio: f32,
            pub score: f64,
            pub payload: Vec<u8>,
            pub day: time::Date,
            pub at: time::Time,
            pub seen: time::PrimitiveDateTime,
            pub seen_tz: Option<time::OffsetDateTime>,
            pub public_id: uuid::Uuid,
            pub extra: serde_json::Value,
            pub on_date: chrono::NaiveDate,
            pub on_time: chrono::NaiveTime,
            #[model(references = "warehouses.id", on_delete = "set_null", on_update = "restrict")]
            pub warehouse_id: Option<i64>,
            #[model(unique)]
            pub r#type: i64,
            #[model(default_sql = "'{}'", max_length = 8)]
            pub tags: Vec<String>,
            pub counts: Option<Vec<Option<i64>>>,
            #[model(generated = "score * 2", stored)]
            pub doubled: Option<f64>,
            #[model(generated = "lower(note)", collation = "C")]
            pub note_key: Option<String>,
        }
    }
}

/// Types written through `macro_rules!` fragments reach the derive wrapped in
/// invisible groups; they must map the same.
macro_rules! generated_model {
    ($name:ident, $id:ty, $field:ident: $ty:ty) => {
        #[allow(dead_code)]
        #[derive(Model)]
        pub struct $name {
            pub id: $id,
            pub $field: $ty,
        }
    };
}
generated_model!(Generated, i64, when: Option<chrono::NaiveDateTime>);

#[test]
fn derive_equals_parser_for_the_spec_example() {
    assert_eq!(user::User::table(), &parsed(user::SOURCE));
}

#[test]
fn derive_equals_parser_for_every_key() {
    assert_eq!(
        every_key::InventoryItem::table(),
        &parsed(every_key::SOURCE)
    );
}

#[test]
fn derived_table_has_the_expected_content() {
    let t = user::User::table();
    assert_eq!(t.name, "users");
    assert_eq!(t.struct_name.as_deref(), Some("User"));
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "id",
            "email",
            "display_name",
            "org_id",
            "active",
            "created_at",
            "last_seen",
            "balance",
            "desc",
            "handle"
        ]
    );
    assert!(t.columns[0].auto_increment);
    assert_eq!(
        t.column("email").map(|c| &c.ty),
        Some(&LogicalType::Varchar(255))
    );
    assert_eq!(t.foreign_keys[0].on_delete, ReferentialAction::Cascade);

    let t = every_key::InventoryItem::table();
    assert_eq!(t.name, "inventory_item");
    assert!(!t.columns[0].auto_increment);
    let generated = |name: &str| t.column(name).and_then(|c| c.generated.clone());
    assert_eq!(
        generated("doubled").map(|g| (g.expr, g.stored)),
        Some(("score * 2".to_string(), true))
    );
    assert_eq!(
        generated("note_key").map(|g| (g.expr, g.stored)),
        Some(("lower(note)".to_string(), false))
    );
    assert_eq!(generated("note"), None);
    assert_eq!(t.checks[0].name, "ck_inventory_item_amount_positive");
    assert_eq!(
        t.indexes
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>(),
        [
            "ix_inventory_item_sku",
            "ix_custom",
            "ix_inventory_item_lower_note_score"
        ]
    );
    let folded = &t.indexes[2];
    assert_eq!(folded.columns, ["lower(note)", "score"]);
    assert!(folded.is_expression(0) && !folded.is_expression(1));
    assert_eq!(folded.key(1).prefix, Some(4));
    assert!(t.column("type").is_some());
}

#[test]
fn table_is_built_once() {
    assert!(std::ptr::eq(user::User::table(), user::User::table()));
}

#[test]
fn types_from_macro_fragments_map_normally() {
    let t = Generated::table();
    assert_eq!(t.name, "generated");
    assert!(t.columns[0].auto_increment);
    let when = t.column("when").expect("column when");
    assert_eq!(when.ty, LogicalType::Timestamp);
    assert!(when.nullable);
}

#[test]
fn usable_through_the_trait() {
    fn table_name<M: Model>() -> &'static str {
        &M::table().name
    }
    assert_eq!(table_name::<user::User>(), "users");
    assert_eq!(table_name::<Generated>(), "generated");
}

mod enums {
    use schema_runtime::{EnumType, LogicalType, Model, ModelEnum};

    #[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
    pub enum OrderStatus {
        New,
        InTransit,
        #[model(rename = "done!")]
        Done,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, ModelEnum)]
    #[model(name = "prio", rename_all = "kebab-case")]
    pub enum Priority {
        VeryLow,
        High,
    }

    // Only the derived table is looked at.
    #[allow(dead_code)]
    #[derive(Model)]
    pub struct Order {
        pub id: i64,
        #[model(default = "in_transit")]
        pub status: OrderStatus,
        pub priority: Option<self::Priority>,
    }

    #[test]
    fn the_enum_knows_its_type_and_values() {
        assert_eq!(
            OrderStatus::enum_type(),
            EnumType::new("order_status", ["new", "in_transit", "done!"])
        );
        assert_eq!(
            Priority::enum_type(),
            EnumType::new("prio", ["very-low", "high"])
        );
        assert_eq!(OrderStatus::InTransit.as_str(), "in_transit");
        assert_eq!(OrderStatus::from_value("done!"), Some(OrderStatus::Done));
        assert_eq!(OrderStatus::from_value("Done"), None);
        assert_eq!(Priority::from_value("very-low"), Some(Priority::VeryLow));
    }

    /// The table holds the values the enum's impl gives, which the parser
    /// alone (seeing only the struct) cannot know.
    #[test]
    fn the_table_takes_the_values_from_the_enum() {
        let t = Order::table();
        assert_eq!(t.columns[1].ty, LogicalType::Enum(OrderStatus::enum_type()));
        assert_eq!(
            t.columns[1].default,
            Some(schema_runtime::DefaultValue::Str("in_transit".into()))
        );
        assert!(t.columns[2].nullable);
        assert_eq!(t.columns[2].ty, LogicalType::Enum(Priority::enum_type()));
    }
}
