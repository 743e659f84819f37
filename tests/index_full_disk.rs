//! A search-index commit that fails (as on a full disk: test-only fault injection)
//! loses nothing: the database keeps taking writes, the index's cursor stays where it
//! was, and once commits work again every acknowledged write is found. In a test
//! binary of its own, because the fault is process-wide.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use sfa_core::{CompanyInput, SearchRequest, Session, Sfa, UserInput};

fn temp_db() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-full-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("ledger.sqlite")
}

fn admin(sfa: &Sfa) -> Session {
    if let Ok(s) = sfa.session_by_email("admin@example.jp") {
        return s;
    }
    let user = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    sfa.session(user.id).unwrap()
}

fn finds(me: &Session, name: &str) -> bool {
    me.search(&SearchRequest::new(name))
        .unwrap()
        .iter()
        .any(|h| h.display_name == name)
}

fn add(me: &Session, name: &str) {
    me.add_company(&CompanyInput::named(name)).unwrap();
}

#[test]
fn index_commits_that_fail_lose_nothing() {
    let path = temp_db();
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    add(&me, "北斗電子株式会社");
    // The disk fills up: the database still takes writes (its own space), the
    // index's commits fail.
    sfa_core::fault::fail_index_commits();
    add(&me, "南風商事株式会社");
    assert!(me.search(&SearchRequest::new("南風商事")).is_err());
    assert!(sfa.pending_search_changes().unwrap() > 0, "still pending");
    // Space is freed; a write made afterwards, and the ones before, are all found.
    sfa_core::fault::index_commits_work();
    add(&me, "東風物産株式会社");
    for name in ["北斗電子株式会社", "南風商事株式会社", "東風物産株式会社"]
    {
        assert!(finds(&me, name), "{name}");
    }
    drop((me, sfa));
    sfa_core::fault::fail_index_commits();
    let reopened = Sfa::open(&path);
    sfa_core::fault::index_commits_work();
    drop(reopened);
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(finds(&me, "南風商事株式会社"));
    let check = sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
}
