//! The blog's tables, described once, in Rust.

use chrono::NaiveDateTime;
use schema_runtime::Model;

/// Someone who writes posts.
#[derive(Debug, Model)]
#[model(table = "authors")]
pub struct Author {
    /// Surrogate key (auto-increment).
    pub id: i64,
    /// Login e-mail, unique.
    #[model(max_length = 255, unique)]
    pub email: String,
    /// Shown on posts.
    pub display_name: Option<String>,
    /// When the account was created.
    #[model(default_sql = "CURRENT_TIMESTAMP")]
    pub created_at: NaiveDateTime,
}

/// A blog post.
#[derive(Debug, Model)]
#[model(table = "posts")]
#[model(index(fields = ["author_id", "published"]))]
pub struct Post {
    /// Surrogate key (auto-increment).
    pub id: i64,
    /// Who wrote it; deleting the author deletes their posts.
    #[model(references = "authors.id", on_delete = "cascade")]
    pub author_id: i64,
    /// Headline.
    #[model(max_length = 200)]
    pub title: String,
    /// Markdown body.
    pub body: String,
    /// Drafts are not published.
    #[model(default = false)]
    pub published: bool,
}
