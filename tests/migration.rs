//! Schema migrations: every released schema is frozen in `tests/fixtures/schema/vN.sql`.
//! A file at any old version, opened by this build, must end up with exactly the schema
//! of a freshly created database, and keep its data. Editing a released migration in
//! place (instead of adding a new one) breaks the frozen-schema check.
//!
//! After adding migration N, write its fixture with
//! `SFA_BLESS_SCHEMA=1 cargo test --test migration` and commit it.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use rusqlite::Connection;
use sfa_core::store::sqlite::{SCHEMA_VERSION, SqliteStore};
use sfa_core::{CompanyId, PageRequest, Sfa};

fn fixture(version: i64) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema/v{version}.sql"))
}

/// The schema as text: every table and index definition, in name order.
fn schema_of(conn: &Connection) -> String {
    let mut stmt = conn
        .prepare(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' \
             ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, name",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| format!("{};\n", r.unwrap())).collect()
}

fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-migration-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn fresh_schema() -> String {
    let store = SqliteStore::open_in_memory().unwrap();
    store.with_connection(schema_of)
}

#[test]
fn the_latest_schema_matches_its_frozen_fixture() {
    let path = fixture(SCHEMA_VERSION);
    if std::env::var_os("SFA_BLESS_SCHEMA").is_some() {
        std::fs::write(&path, fresh_schema()).unwrap();
    }
    let frozen = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing frozen schema {}", path.display()));
    assert_eq!(
        fresh_schema(),
        frozen,
        "the schema differs from its frozen copy: add a new migration instead of editing a released one"
    );
}

#[test]
fn every_old_schema_upgrades_to_the_fresh_one_and_keeps_its_data() {
    for version in 1..=SCHEMA_VERSION {
        let path = temp_path(&format!("v{version}.sqlite"));
        let company = CompanyId::new();
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(&std::fs::read_to_string(fixture(version)).unwrap())
                .unwrap();
            conn.execute_batch(&format!("PRAGMA user_version = {version};"))
                .unwrap();
            // Rows as version 1 wrote them; every later schema must keep reading them.
            conn.execute_batch(&format!(
                "INSERT INTO users VALUES ('0190a4b2-0000-7000-8000-000000000001', '管理 太郎', 'admin@example.jp', \
                 'admin', 1, '2026-01-05T09:00:00.000Z', '0190a4b2-0000-7000-8000-000000000001', \
                 '2026-01-05T09:00:00.000Z', '0190a4b2-0000-7000-8000-000000000001', 1);
                 INSERT INTO companies (id, name, name_reading, phone, archived, sort_key, created_at, created_by, \
                 updated_at, updated_by, version) VALUES ('{company}', '株式会社山田製作所', 'ヤマダセイサクショ', \
                 '+81312345678', 0, 'やまだせいさくしょ', '2026-01-05T09:00:00.000Z', \
                 '0190a4b2-0000-7000-8000-000000000001', '2026-01-05T09:00:00.000Z', \
                 '0190a4b2-0000-7000-8000-000000000001', 1);"
            ))
            .unwrap();
        }
        let sfa = Sfa::open(&path).unwrap();
        let me = sfa.session_by_email("admin@example.jp").unwrap();
        let stored = me.get_company(company).unwrap();
        assert_eq!(stored.name, "株式会社山田製作所");
        assert_eq!(
            me.list_companies(&PageRequest::default())
                .unwrap()
                .items
                .len(),
            1
        );
        drop(me);
        drop(sfa);

        let conn = Connection::open(&path).unwrap();
        assert_eq!(
            schema_of(&conn),
            fresh_schema(),
            "upgraded v{version} differs from fresh"
        );
        let version_now: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version_now, SCHEMA_VERSION);
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}
