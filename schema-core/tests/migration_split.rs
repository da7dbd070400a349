//! The statement splitter: quotes, comments, dollar quoting, trigger and
//! routine bodies, line numbers.

use proptest::prelude::*;
use schema_core::migration::{split_statements, split_statements_with, SplitOptions, Statement};

fn sqls(sql: &str) -> Vec<String> {
    split_statements(sql, 1)
        .into_iter()
        .map(|s| s.sql)
        .collect()
}

#[test]
fn plain_statements_with_lines() {
    let sql = "CREATE TABLE a (id INT);\n\nCREATE INDEX ix ON a (id);\nDROP TABLE b";
    assert_eq!(
        split_statements(sql, 10),
        vec![
            Statement {
                sql: "CREATE TABLE a (id INT)".into(),
                line: 10
            },
            Statement {
                sql: "CREATE INDEX ix ON a (id)".into(),
                line: 12
            },
            Statement {
                sql: "DROP TABLE b".into(),
                line: 13
            },
        ]
    );
}

#[test]
fn multi_line_statement_starts_at_its_first_token() {
    let sql = "-- users\n/* the\n   table */\n  CREATE TABLE users (\n  id INT\n);";
    let got = split_statements(sql, 7);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].line, 10);
    assert_eq!(got[0].sql, "CREATE TABLE users (\n  id INT\n)");
}

#[test]
fn empty_and_comment_only_chunks_are_dropped() {
    assert_eq!(sqls(""), Vec::<String>::new());
    assert_eq!(sqls(" ;; \n;-- nothing;\n/* ; */;"), Vec::<String>::new());
    assert_eq!(sqls("SELECT 1; -- trailing ; comment"), ["SELECT 1"]);
}

#[test]
fn semicolons_inside_quotes_and_comments() {
    let sql = "INSERT INTO t VALUES ('a;b', 'it''s; fine');\n\
               SELECT \"we;ird\"\"col\" FROM `my;tbl``x`;\n\
               SELECT 1 -- not; here\n + 1;\n\
               SELECT /* ; */ 2;";
    assert_eq!(
        sqls(sql),
        [
            "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
            "SELECT \"we;ird\"\"col\" FROM `my;tbl``x`",
            "SELECT 1 -- not; here\n + 1",
            "SELECT /* ; */ 2",
        ]
    );
}

#[test]
fn multi_line_string_counts_lines() {
    let sql = "INSERT INTO t VALUES ('line1;\nline2;\nline3');\nSELECT 1;";
    let got = split_statements(sql, 1);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].line, 4);
}

#[test]
fn postgres_dollar_quoting() {
    let sql = "CREATE FUNCTION f() RETURNS trigger AS $$\n\
               BEGIN\n  NEW.x := 1; RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
               DO $body$ BEGIN PERFORM 1; $$ still inside; END $body$;\n\
               SELECT $1, a$b$c FROM t;\n\
               SELECT 2";
    let got = split_statements(sql, 1);
    let texts: Vec<&str> = got.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        texts,
        [
            "CREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  NEW.x := 1; RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql",
            "DO $body$ BEGIN PERFORM 1; $$ still inside; END $body$",
            "SELECT $1, a$b$c FROM t",
            "SELECT 2",
        ]
    );
    assert_eq!(got.iter().map(|s| s.line).collect::<Vec<_>>(), [1, 6, 7, 8]);
}

#[test]
fn sqlite_trigger_with_case_inside() {
    let sql = "CREATE TRIGGER trg AFTER INSERT ON t\n\
               FOR EACH ROW WHEN (CASE WHEN NEW.a > 0 THEN 1 ELSE 0 END)\n\
               BEGIN\n\
               \x20 UPDATE t SET b = CASE WHEN NEW.a = 1 THEN 'x;' ELSE 'y' END WHERE id = NEW.id;\n\
               \x20 SELECT RAISE(ABORT, 'no;pe') WHERE NEW.a < 0;\n\
               END;\n\
               CREATE TABLE after_trigger (id INT);";
    let got = split_statements(sql, 1);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].sql.starts_with("CREATE TRIGGER trg") && got[0].sql.ends_with("END"));
    assert_eq!(got[1].sql, "CREATE TABLE after_trigger (id INT)");
    assert_eq!(got[1].line, 7);
}

#[test]
fn temp_trigger_and_if_not_exists() {
    let sql = "CREATE TEMP TRIGGER IF NOT EXISTS t1 BEFORE DELETE ON a BEGIN DELETE FROM b; END; SELECT 1;";
    assert_eq!(
        sqls(sql),
        [
            "CREATE TEMP TRIGGER IF NOT EXISTS t1 BEFORE DELETE ON a BEGIN DELETE FROM b; END",
            "SELECT 1"
        ]
    );
}

#[test]
fn mysql_procedure_with_if_loop_and_case_statements() {
    let sql = "CREATE DEFINER=`root`@`%` PROCEDURE p(IN x INT)\n\
               BEGIN\n\
               \x20 DECLARE i INT DEFAULT 0;\n\
               \x20 IF x > 0 THEN SET i = 1; ELSE SET i = 2; END IF;\n\
               \x20 lbl: LOOP SET i = i + 1; IF i > 9 THEN LEAVE lbl; END IF; END LOOP lbl;\n\
               \x20 WHILE i > 0 DO SET i = i - 1; END WHILE;\n\
               \x20 REPEAT SET i = i + 1; UNTIL i > 3 END REPEAT;\n\
               \x20 CASE i WHEN 1 THEN SELECT 1; ELSE BEGIN SELECT 2; END; END CASE;\n\
               END;\n\
               CALL p(1);";
    let got = sqls(sql);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].ends_with("END CASE;\nEND"), "{}", got[0]);
    assert_eq!(got[1], "CALL p(1)");
}

#[test]
fn mysql_trigger_body() {
    let sql = "CREATE TRIGGER upd BEFORE UPDATE ON t FOR EACH ROW\nBEGIN\n  IF NEW.a < 0 THEN SET NEW.a = 0; END IF;\nEND;\nINSERT INTO t VALUES (1);";
    assert_eq!(sqls(sql).len(), 2);
}

#[test]
fn transaction_begin_is_not_a_block() {
    let sql = "BEGIN;\nUPDATE t SET a = 1;\nCOMMIT;\nBEGIN TRANSACTION; END;";
    assert_eq!(
        sqls(sql),
        [
            "BEGIN",
            "UPDATE t SET a = 1",
            "COMMIT",
            "BEGIN TRANSACTION",
            "END"
        ]
    );
}

#[test]
fn a_column_called_event_or_end_does_not_open_a_body() {
    let sql = "CREATE TABLE log (event TEXT, \"begin\" INT, t.end INT);\nCREATE VIEW v AS SELECT CASE WHEN 1 THEN 2 END AS c;\nSELECT 1;";
    assert_eq!(sqls(sql).len(), 3);
    // Qualified names are never keywords.
    let sql = "CREATE TRIGGER x AFTER INSERT ON t BEGIN UPDATE c SET n = c.end; END;\nSELECT 1;";
    assert_eq!(sqls(sql).len(), 2);
}

#[test]
fn postgres_sql_standard_function_body() {
    let sql = "CREATE FUNCTION one() RETURNS int LANGUAGE SQL BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT one();";
    assert_eq!(sqls(sql).len(), 2);
}

#[test]
fn mariadb_anonymous_block() {
    let sql = "BEGIN NOT ATOMIC DECLARE x INT; SET x = 1; END;\nSELECT 1;";
    assert_eq!(sqls(sql).len(), 2);
}

#[test]
fn backslash_escapes_only_when_asked_or_in_e_strings() {
    let sql = r"INSERT INTO t VALUES ('it\'s; ok'); SELECT 1;";
    let mysql = split_statements_with(
        sql,
        1,
        SplitOptions {
            backslash_escapes: true,
        },
    );
    assert_eq!(mysql.len(), 2);
    assert_eq!(mysql[0].sql, r"INSERT INTO t VALUES ('it\'s; ok')");
    // Standard SQL: '\' is a complete string holding a backslash.
    let sql = r"SELECT '\'; SELECT 2;";
    assert_eq!(sqls(sql), [r"SELECT '\'", "SELECT 2"]);
    // PostgreSQL E'' strings always honour backslashes.
    let sql = r"SELECT E'a\';b'; SELECT 2;";
    assert_eq!(sqls(sql), [r"SELECT E'a\';b'", "SELECT 2"]);
}

#[test]
fn unterminated_constructs_run_to_the_end() {
    assert_eq!(sqls("SELECT 'oops; SELECT 2;"), ["SELECT 'oops; SELECT 2;"]);
    assert_eq!(sqls("SELECT 1 /* never closed; SELECT 2;"), ["SELECT 1"]);
    assert_eq!(
        sqls("SELECT $$ open; SELECT 2;"),
        ["SELECT $$ open; SELECT 2;"]
    );
}

#[test]
fn crlf_input() {
    let got = split_statements("SELECT 1;\r\n\r\nSELECT\r\n 2;\r\n", 1);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].line, 3);
    assert_eq!(got[1].sql, "SELECT\r\n 2");
}

#[test]
fn unicode_text() {
    let sql = "INSERT INTO t VALUES ('héllo; wörld');\nSELECT naïve FROM \"tablé\";";
    assert_eq!(
        sqls(sql),
        [
            "INSERT INTO t VALUES ('héllo; wörld')",
            "SELECT naïve FROM \"tablé\""
        ]
    );
}

/// Statement fragments that may hide `;` and line breaks in quotes and comments.
fn statement() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z_]{1,8}",
        "[0-9]{1,3}",
        "[a-z;' \n]{0,6}".prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        Just("'x;y'".to_string()),
        Just("\"c;ol\"".to_string()),
        Just("`b;t`".to_string()),
        Just("/* ; \n */".to_string()),
        Just("-- c;\n".to_string()),
        Just("$$ a; b $$".to_string()),
        Just("$q$ ; $$ ; $q$".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
    ];
    // Starts with a keyword and ends with a word, so no comment is at either
    // end (the splitter leaves those out of the statement text).
    (
        "[A-Z]{1,6}",
        prop::collection::vec(piece, 0..8),
        "[a-z]{1,4}",
    )
        .prop_map(|(kw, pieces, last)| {
            let mut s = kw;
            for p in pieces {
                s.push(' ');
                s.push_str(&p);
            }
            s.push(' ');
            s.push_str(&last);
            s
        })
}

proptest! {
    #[test]
    fn joined_statements_split_back(stmts in prop::collection::vec(statement(), 1..6), gap in "[ \n]{0,3}") {
        // Keywords that open bodies are not generated, so every `;` outside
        // quotes and comments ends a statement.
        let stmts: Vec<String> = stmts
            .into_iter()
            .filter(|s| !s.starts_with("CREATE") && !s.starts_with("BEGIN"))
            .collect();
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut line = 1;
        for s in &stmts {
            text.push_str(&gap);
            line += gap.matches('\n').count();
            lines.push(line);
            text.push_str(s);
            line += s.matches('\n').count();
            text.push_str(";\n");
            line += 1;
        }
        let got = split_statements(&text, 1);
        let got_sql: Vec<String> = got.iter().map(|s| s.sql.clone()).collect();
        prop_assert_eq!(got_sql, stmts.clone());
        prop_assert_eq!(got.iter().map(|s| s.line).collect::<Vec<_>>(), lines);
    }
}

#[test]
fn end_if_across_lines_keeps_line_numbers() {
    let sql = "CREATE PROCEDURE p() BEGIN\nIF 1 THEN SELECT 1; END\nIF;\nEND;\n\nSELECT 2;";
    let got = split_statements(sql, 1);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[1].line, 6);
}
