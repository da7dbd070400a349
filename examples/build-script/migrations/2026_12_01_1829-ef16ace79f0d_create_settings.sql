-- revision: ef16ace79f0d
-- down_revision: none
-- message: create settings
-- created: 2026-12-01T18:29:44Z

-- Portable SQL: this one file runs on SQLite, PostgreSQL and MySQL/MariaDB.

-- migrate:up
CREATE TABLE settings (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

-- migrate:down
DROP TABLE settings;
