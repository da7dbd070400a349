-- revision: 31e4fb7a5fd1
-- down_revision: aafe9be5d02a
-- message: add note authors
-- created: 2026-12-01T18:10:50Z

-- Portable SQL: this one file runs on SQLite, PostgreSQL and MySQL/MariaDB.

-- migrate:up
ALTER TABLE notes ADD COLUMN author VARCHAR(100) NOT NULL DEFAULT 'anonymous';

-- migrate:down
ALTER TABLE notes DROP COLUMN author;
