-- revision: aafe9be5d02a
-- down_revision: none
-- message: create notes
-- created: 2026-12-01T18:10:49Z

-- Portable SQL: this one file runs on SQLite, PostgreSQL and MySQL/MariaDB.
-- Auto-increment has no common spelling, so the app chooses the ids.

-- migrate:up
CREATE TABLE notes (
    id BIGINT NOT NULL PRIMARY KEY,
    body TEXT NOT NULL
);

-- migrate:down
DROP TABLE notes;
