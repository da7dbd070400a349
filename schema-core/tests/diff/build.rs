//! A small builder for schemas in test code (the model parser is tested
//! elsewhere; here schemas are written out directly).

use schema_core::naming;
use schema_core::{
    Check, Column, DefaultValue, ForeignKey, Generated, Index, LogicalType, PrimaryKey,
    ReferentialAction, Schema, Table, UniqueConstraint,
};

/// A table with an auto-increment `id BIGINT` primary key named `pk_<name>`.
pub fn table(name: &str) -> Table {
    let mut id = Column::new("id", LogicalType::BigInt);
    id.auto_increment = true;
    Table {
        name: name.into(),
        columns: vec![id],
        primary_key: Some(PrimaryKey {
            name: Some(naming::primary_key(name)),
            columns: vec!["id".into()],
        }),
        ..<Table as Default>::default()
    }
}

/// Builder methods on `Table`.
pub trait TableExt {
    fn col(self, name: &str, ty: LogicalType) -> Self;
    fn null(self, name: &str, ty: LogicalType) -> Self;
    fn default(self, value: DefaultValue) -> Self;
    fn renamed_from(self, old: &str) -> Self;
    fn table_renamed_from(self, old: &str) -> Self;
    fn index(self, cols: &[&str]) -> Self;
    fn unique_index(self, cols: &[&str]) -> Self;
    fn unique(self, cols: &[&str]) -> Self;
    fn fk(self, col: &str, ref_table: &str, on_delete: ReferentialAction) -> Self;
    fn check(self, name: &str, sql: &str) -> Self;
    fn comment(self, text: &str) -> Self;
    fn col_comment(self, text: &str) -> Self;
    fn generated(self, expr: &str, stored: bool) -> Self;
}

fn strings(cols: &[&str]) -> Vec<String> {
    cols.iter().map(|c| c.to_string()).collect()
}

impl TableExt for Table {
    fn col(mut self, name: &str, ty: LogicalType) -> Self {
        self.columns.push(Column::new(name, ty));
        self
    }
    fn null(mut self, name: &str, ty: LogicalType) -> Self {
        let mut c = Column::new(name, ty);
        c.nullable = true;
        self.columns.push(c);
        self
    }
    /// Sets the default of the last column.
    fn default(mut self, value: DefaultValue) -> Self {
        self.columns.last_mut().expect("a column").default = Some(value);
        self
    }
    /// Sets `renamed_from` on the last column.
    fn renamed_from(mut self, old: &str) -> Self {
        self.columns.last_mut().expect("a column").renamed_from = Some(old.into());
        self
    }
    fn table_renamed_from(mut self, old: &str) -> Self {
        self.renamed_from = Some(old.into());
        self
    }
    fn index(mut self, cols: &[&str]) -> Self {
        let name = naming::index(&self.name, &strings(cols));
        self.indexes.push(Index {
            name,
            columns: strings(cols),
            unique: false,
            ..Default::default()
        });
        self
    }
    fn unique_index(mut self, cols: &[&str]) -> Self {
        let name = naming::index(&self.name, &strings(cols));
        self.indexes.push(Index {
            name,
            columns: strings(cols),
            unique: true,
            ..Default::default()
        });
        self
    }
    fn unique(mut self, cols: &[&str]) -> Self {
        let name = naming::unique(&self.name, &strings(cols));
        self.uniques.push(UniqueConstraint {
            name,
            columns: strings(cols),
        });
        self
    }
    fn fk(mut self, col: &str, ref_table: &str, on_delete: ReferentialAction) -> Self {
        self.foreign_keys.push(ForeignKey {
            name: Some(naming::foreign_key(&self.name, col, ref_table)),
            columns: vec![col.into()],
            ref_table: ref_table.into(),
            ref_columns: vec!["id".into()],
            on_delete,
            on_update: ReferentialAction::NoAction,
        });
        self
    }
    fn check(mut self, name: &str, sql: &str) -> Self {
        let name = naming::check(&self.name, name);
        self.checks.push(Check {
            name,
            sql: sql.into(),
        });
        self
    }
    fn comment(mut self, text: &str) -> Self {
        self.comment = Some(text.into());
        self
    }
    /// Sets the comment of the last column.
    fn col_comment(mut self, text: &str) -> Self {
        self.columns.last_mut().expect("a column").comment = Some(text.into());
        self
    }
    /// The last column is generated from `expr`.
    fn generated(mut self, expr: &str, stored: bool) -> Self {
        self.columns.last_mut().expect("a column").generated = Some(Generated {
            expr: expr.into(),
            stored,
        });
        self
    }
}

pub fn schema(tables: Vec<Table>) -> Schema {
    Schema::new(tables)
}
