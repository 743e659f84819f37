//! The ledger part of the suite: users, companies and persons, versions, lists, and the
//! search index's change log.

use super::{all, company, person, seed};
use crate::error::{Entity, Error, Result};
use crate::model::{Company, CompanyId, ListQuery, PersonId};
use crate::store::{ReadTx, Store};

/// A conformance check (see [the suite](super)).
pub fn records_round_trip(store: &dyn Store) {
    let (u, c) = seed(store);
    let p = person(&u, c.id, "山田 太郎", Some("ヤマダ タロウ"));
    store
        .write(|tx| tx.insert_person(&p))
        .expect("insert person");
    store
        .read(|tx| {
            assert_eq!(tx.user_count()?, 1, "user_count counts users");
            assert_eq!(tx.get_user(u.id)?.as_ref(), Some(&u), "user round trip");
            assert_eq!(
                tx.find_user_by_email("admin@example.jp")?.as_ref(),
                Some(&u),
                "user by e-mail"
            );
            assert_eq!(tx.list_users()?, vec![u.clone()], "list users");
            assert_eq!(
                tx.get_company(c.id)?.as_ref(),
                Some(&c),
                "company round trip"
            );
            assert_eq!(tx.get_person(p.id)?.as_ref(), Some(&p), "person round trip");
            assert_eq!(
                tx.get_company(CompanyId::new())?,
                None,
                "missing company is None"
            );
            assert_eq!(
                tx.get_person(PersonId::new())?,
                None,
                "missing person is None"
            );
            Ok(())
        })
        .expect("reads");
}

/// A conformance check (see [the suite](super)).
pub fn updates_check_the_version(store: &dyn Store) {
    let (u, c) = seed(store);
    let mut changed = c.clone();
    changed.name = "株式会社ヤマダ".into();
    changed.version = 2;
    store
        .write(|tx| tx.update_company(&changed, 1))
        .expect("update with the current version");

    let mut stale = c.clone();
    stale.name = "古い編集".into();
    stale.version = 2;
    match store.write(|tx| tx.update_company(&stale, 1)) {
        Err(Error::Conflict {
            entity: Entity::Company,
            expected: 1,
            actual: 2,
            ..
        }) => {}
        other => panic!("a stale update must be a Conflict, got {other:?}"),
    }
    let stored = store.read(|tx| tx.get_company(c.id)).expect("read");
    assert_eq!(stored, Some(changed), "a stale update changes nothing");

    let mut missing = company(&u, "存在しない", None);
    missing.version = 2;
    match store.write(|tx| tx.update_company(&missing, 1)) {
        Err(Error::NotFound {
            entity: Entity::Company,
            ..
        }) => {}
        other => panic!("updating a missing record must be NotFound, got {other:?}"),
    }

    let mut u2 = u.clone();
    u2.name = "管理者2".into();
    u2.version = 2;
    store
        .write(|tx| tx.update_user(&u2, 1))
        .expect("user update");
    assert!(
        matches!(
            store.write(|tx| tx.update_user(&u2, 1)),
            Err(Error::Conflict { .. })
        ),
        "stale user update is a Conflict"
    );
}

/// A conformance check (see [the suite](super)).
pub fn failed_writes_leave_nothing(store: &dyn Store) {
    let (u, _) = seed(store);
    let c = company(&u, "途中で失敗", None);
    let result: Result<()> = store.write(|tx| {
        tx.insert_company(&c)?;
        Err(Error::permission_denied("test"))
    });
    assert!(result.is_err());
    assert_eq!(
        store.read(|tx| tx.get_company(c.id)).expect("read"),
        None,
        "a write whose closure fails is rolled back"
    );
}

/// A conformance check (see [the suite](super)).
pub fn lists_are_ordered_and_paginate(store: &dyn Store) {
    let (u, first) = seed(store);
    let names = [
        ("株式会社あおば", Some("アオバ")),
        ("Zeta Trading", None),
        ("株式会社わかば", Some("ワカバ")),
        ("株式会社かえで", Some("カエデ")),
    ];
    let mut ids = vec![first.id];
    store
        .write(|tx| {
            for (name, reading) in names {
                let c = company(&u, name, reading);
                ids.push(c.id);
                tx.insert_company(&c)?;
            }
            Ok(())
        })
        .expect("inserts");
    let listed = store.read(|tx| tx.list_companies(&all())).expect("list");
    let keys: Vec<String> = listed.iter().map(Company::sort_key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "companies are listed by sort key");
    assert_eq!(listed.len(), 5);

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let query = ListQuery {
            limit: 2,
            after: after.clone(),
            include_archived: true,
        };
        let page = store.read(|tx| tx.list_companies(&query)).expect("page");
        assert!(page.len() <= 2, "a page holds at most `limit` records");
        let Some(last) = page.last() else { break };
        after = Some((last.sort_key(), last.id.to_string()));
        seen.extend(page.iter().map(|c| c.id));
    }
    assert_eq!(
        seen,
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        "keyset pages walk the list once, in order"
    );
}

/// A conformance check (see [the suite](super)).
pub fn archived_records_are_filtered(store: &dyn Store) {
    let (_, c) = seed(store);
    let mut archived = c.clone();
    archived.archived = true;
    archived.version = 2;
    store
        .write(|tx| tx.update_company(&archived, 1))
        .expect("archive");
    let active = ListQuery {
        include_archived: false,
        ..all()
    };
    assert!(
        store
            .read(|tx| tx.list_companies(&active))
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        store
            .read(|tx| tx.list_companies(&all()))
            .expect("list")
            .len(),
        1
    );
}

/// A conformance check (see [the suite](super)).
pub fn persons_need_an_existing_company(store: &dyn Store) {
    let (u, c) = seed(store);
    let orphan = person(&u, CompanyId::new(), "宙に浮いた人", None);
    assert!(
        store.write(|tx| tx.insert_person(&orphan)).is_err(),
        "a person must refer to an existing company"
    );
    let other = company(&u, "別会社", None);
    let a = person(&u, c.id, "高橋 一郎", Some("タカハシ イチロウ"));
    let b = person(&u, other.id, "佐藤 花子", Some("サトウ ハナコ"));
    store
        .write(|tx| {
            tx.insert_company(&other)?;
            tx.insert_person(&a)?;
            tx.insert_person(&b)
        })
        .expect("inserts");
    let of_c = store
        .read(|tx| tx.list_persons(Some(c.id), &all()))
        .expect("list");
    assert_eq!(of_c, vec![a.clone()], "persons of one company");
    let everyone: Vec<PersonId> = store
        .read(|tx| tx.list_persons(None, &all()))
        .expect("list")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        everyone,
        vec![b.id, a.id],
        "all persons by reading (さとう < たかはし)"
    );
}

/// A conformance check (see [the suite](super)).
pub fn company_names_resolve(store: &dyn Store) {
    let (u, c) = seed(store);
    let twin_a = company(&u, "同名商事", None);
    let twin_b = company(&u, "同名商事", None);
    store
        .write(|tx| {
            tx.insert_company(&twin_a)?;
            tx.insert_company(&twin_b)
        })
        .expect("inserts");
    store
        .read(|tx: &mut dyn ReadTx| {
            assert_eq!(tx.company_ids_by_name(&c.name)?, vec![c.id]);
            assert_eq!(tx.company_ids_by_name("同名商事")?.len(), 2);
            assert!(tx.company_ids_by_name("無い会社")?.is_empty());
            Ok(())
        })
        .expect("reads");
}

/// A conformance check (see [the suite](super)).
pub fn changes_are_logged_in_commit_order_for_the_search_index(store: &dyn Store) {
    let (u, c) = seed(store);
    let start = store.read(|tx| tx.change_log_head()).expect("head");
    let p = person(&u, c.id, "高橋 一郎", None);
    store.write(|tx| tx.insert_person(&p)).expect("insert");
    let mut changed = c.clone();
    changed.version = 2;
    store
        .write(|tx| tx.update_company(&changed, 1))
        .expect("update");
    let logged = store.read(|tx| tx.changes_since(start, 100)).expect("read");
    let seen: Vec<(Entity, String)> = logged.iter().map(|q| (q.entity, q.id.clone())).collect();
    assert_eq!(
        seen,
        vec![
            (Entity::Person, p.id.to_string()),
            (Entity::Company, c.id.to_string()),
        ],
        "inserts and updates are logged in order"
    );
    assert!(
        logged.windows(2).all(|w| w[0].seq < w[1].seq),
        "sequence increases"
    );
    let head = store.read(|tx| tx.change_log_head()).expect("head");
    assert_eq!(head, logged[1].seq, "the head is the newest change");
    let after_first = store
        .read(|tx| tx.changes_since(logged[0].seq, 1))
        .expect("read");
    assert_eq!(
        after_first,
        vec![logged[1].clone()],
        "`after` and `limit` page the log"
    );
    assert_eq!(
        store
            .read(|tx| tx.change_count_since(start))
            .expect("count"),
        2
    );

    let failed: Result<()> = store.write(|tx| {
        tx.insert_company(&company(&u, "取り消される", None))?;
        Err(Error::permission_denied("test"))
    });
    assert!(failed.is_err());
    assert_eq!(
        store.read(|tx| tx.change_log_head()).expect("head"),
        head,
        "a rolled-back write logs nothing"
    );
    let id = store.read(|tx| tx.database_id()).expect("id");
    assert!(!id.is_empty());
    assert_eq!(store.read(|tx| tx.database_id()).expect("id"), id, "stable");
}

/// A conformance check (see [the suite](super)).
pub fn the_change_log_is_pruned_only_behind_every_recent_cursor(store: &dyn Store) {
    let (u, _) = seed(store);
    for i in 0..5 {
        store
            .write(|tx| tx.insert_company(&company(&u, &format!("会社{i}"), None)))
            .expect("insert");
    }
    let head = store.read(|tx| tx.change_log_head()).expect("head");
    let now = chrono::Utc::now();
    let long_ago = now - chrono::Duration::days(30);
    store
        .write(|tx| {
            tx.set_index_cursor("behind", head - 3, now)?;
            tx.set_index_cursor("ahead", head, now)?;
            tx.set_index_cursor("gone", 0, long_ago)
        })
        .expect("cursors");
    let floor = store
        .write(|tx| tx.prune_change_log(now - chrono::Duration::days(7)))
        .expect("prune");
    assert_eq!(floor, head - 3, "up to the lowest recent cursor");
    assert_eq!(
        store.read(|tx| tx.change_log_floor()).expect("floor"),
        floor
    );
    let left = store.read(|tx| tx.changes_since(0, 100)).expect("left");
    assert_eq!(
        left.iter().map(|c| c.seq).collect::<Vec<_>>(),
        vec![head - 2, head - 1, head],
        "the rows an index still needs stay"
    );
    store
        .write(|tx| {
            tx.forget_index_cursor("behind")?;
            tx.set_index_cursor("ahead", head, now)
        })
        .expect("cursors");
    store
        .write(|tx| tx.prune_change_log(now - chrono::Duration::days(7)))
        .expect("prune");
    let left = store.read(|tx| tx.changes_since(0, 100)).expect("left");
    assert_eq!(
        left.iter().map(|c| c.seq).collect::<Vec<_>>(),
        vec![head],
        "the newest change always stays, so a seq is never reused"
    );
    store
        .write(|tx| tx.insert_company(&company(&u, "次の会社", None)))
        .expect("insert");
    assert_eq!(
        store.read(|tx| tx.change_log_head()).expect("head"),
        head + 1
    );
}
