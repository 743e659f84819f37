#![allow(clippy::unwrap_used)]
//! The ledger workflow end to end on SQLite: users, companies, persons, related
//! records, pagination, optimistic concurrency, archiving and links.

use std::sync::Arc;

use sfa_core::{
    CompanyInput, Entity, Error, PageRequest, PersonInput, Reason, Role, Session, Sfa, UserInput,
};

fn setup() -> (Sfa, Session) {
    let sfa = sfa_testkit::fresh_database();
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    (sfa, me)
}

fn member(sfa: &Sfa, admin: &Session, email: &str) -> Session {
    let user = admin
        .add_user(&UserInput::member("営業 花子", email))
        .unwrap();
    sfa.session(user.id).unwrap()
}

#[test]
fn a_database_file_is_created_and_reopened_with_its_data() {
    let dir = std::env::temp_dir().join(format!("sfa-wf-{}", uuid::Uuid::now_v7()));
    let path = dir.join("nested").join("ledger.sqlite");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let id = {
        let sfa = Sfa::open(&path).unwrap();
        let admin = sfa
            .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
            .unwrap();
        let me = sfa.session(admin.id).unwrap();
        me.add_company(&CompanyInput::named("株式会社山田製作所"))
            .unwrap()
            .id
    };
    let sfa = Sfa::open(&path).unwrap();
    let me = sfa.session_by_email("ADMIN@example.jp").unwrap();
    assert_eq!(me.get_company(id).unwrap().name, "株式会社山田製作所");
    sfa_testkit::remove_scratch_dir(dir);
}

#[test]
fn the_first_admin_is_created_once_and_members_cannot_add_users() {
    let (sfa, admin) = setup();
    let again = sfa.create_first_admin(&UserInput::admin("二人目", "second@example.jp"));
    assert!(matches!(again, Err(Error::PermissionDenied { .. })));

    let sales = member(&sfa, &admin, "hanako@example.jp");
    let denied = sales.add_user(&UserInput::member("勝手 追加", "x@example.jp"));
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })));

    let dup = admin.add_user(&UserInput::member("重複", "Hanako@Example.JP"));
    let err = dup.unwrap_err();
    assert_eq!(
        err.validation().unwrap().reason_for("email"),
        Some(&Reason::AlreadyUsed)
    );
    assert_eq!(admin.list_users().unwrap().len(), 2);
}

#[test]
fn members_may_rename_themselves_but_not_promote_themselves() {
    let (sfa, admin) = setup();
    let sales = member(&sfa, &admin, "hanako@example.jp");
    let me = sales.me().unwrap();
    let mut input = UserInput {
        name: "営業 花子（改）".into(),
        email: me.email.clone(),
        role: me.role,
        active: true,
    };
    let renamed = sales.update_user(me.id, me.version, &input).unwrap();
    assert_eq!(renamed.version, 2);
    assert_eq!(renamed.updated_by, me.id);

    input.role = Role::Admin;
    let promote = sales.update_user(me.id, renamed.version, &input);
    assert!(matches!(promote, Err(Error::PermissionDenied { .. })));
    assert_eq!(sales.me().unwrap().role, Role::Member);
}

#[test]
fn the_last_admin_cannot_be_demoted_and_deactivated_users_cannot_act() {
    let (sfa, admin) = setup();
    let me = admin.me().unwrap();
    let demote = UserInput {
        role: Role::Member,
        ..UserInput::admin(me.name.clone(), me.email.clone())
    };
    assert!(matches!(
        admin.update_user(me.id, me.version, &demote),
        Err(Error::PermissionDenied { .. })
    ));

    let sales = member(&sfa, &admin, "hanako@example.jp");
    let user = sales.me().unwrap();
    let deactivate = UserInput {
        active: false,
        ..UserInput::member(user.name.clone(), user.email.clone())
    };
    admin
        .update_user(user.id, user.version, &deactivate)
        .unwrap();
    assert!(matches!(
        sales.add_company(&CompanyInput::named("株式会社ヤマダ電機")),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        sfa.session(user.id),
        Err(Error::PermissionDenied { .. })
    ));
}

#[test]
fn invalid_records_get_a_typed_error_naming_each_field_and_nothing_is_written() {
    let (_, me) = setup();
    let bad = CompanyInput {
        name: "　".into(),
        phone: Some("98-7654".into()),
        website: Some("not a url".into()),
        postal_code: Some("12-345".into()),
        name_reading: Some("山田".into()),
        ..CompanyInput::default()
    };
    let err = me.add_company(&bad).unwrap_err();
    let v = err.validation().unwrap();
    assert_eq!(v.entity, Entity::Company);
    let fields: Vec<&str> = v.errors.iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        ["name", "name_reading", "postal_code", "phone", "website"]
    );
    assert_eq!(v.reason_for("name"), Some(&Reason::Required));
    assert!(
        me.list_companies(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );

    // Messages name fields and reasons but never the values typed.
    let message = err.to_string();
    assert!(message.contains("`phone`"), "{message}");
    assert!(
        !message.contains("98-7654") && !message.contains("not a url"),
        "{message}"
    );
}

#[test]
fn values_are_normalised_on_the_way_in() {
    let (_, me) = setup();
    let c = me
        .add_company(&CompanyInput {
            name: " ＡＢＣシステムズ株式会社 ".into(),
            name_reading: Some("ｴｰﾋﾞｰｼｰｼｽﾃﾑｽﾞ".into()),
            postal_code: Some("〒１００－０００５".into()),
            address: Some("東京都千代田区丸の内１丁目１番１号".into()),
            phone: Some("０３（１２３４）５６７８".into()),
            website: Some("abc-systems.example.jp".into()),
            ..CompanyInput::default()
        })
        .unwrap();
    assert_eq!(c.name, "ABCシステムズ株式会社");
    assert_eq!(c.name_reading.as_deref(), Some("エービーシーシステムズ"));
    assert_eq!(c.postal_code.as_deref(), Some("100-0005"));
    assert_eq!(
        c.address.as_deref(),
        Some("東京都千代田区丸の内1丁目1番1号")
    );
    assert_eq!(c.phone.as_deref(), Some("+81312345678"));
    assert_eq!(c.website.as_deref(), Some("https://abc-systems.example.jp"));
    assert_eq!(c.links().tel.as_deref(), Some("tel:+81312345678"));
    assert_eq!(
        c.links().homepage.as_deref(),
        Some("https://abc-systems.example.jp")
    );

    let p = me
        .add_person(&PersonInput {
            email: Some("Ichiro.Takahashi@ABC.example.jp".into()),
            office_phone: Some("+81 3 1234 5678".into()),
            mobile_phone: Some("090-1234-5678".into()),
            ..PersonInput::named(c.id, "高橋 一郎")
        })
        .unwrap();
    let links = p.contact_links();
    assert_eq!(
        links.mailto.as_deref(),
        Some("mailto:Ichiro.Takahashi@abc.example.jp")
    );
    assert_eq!(links.office_tel.as_deref(), Some("tel:+81312345678"));
    assert_eq!(links.mobile_tel.as_deref(), Some("tel:+819012345678"));
}

#[test]
fn a_stale_update_is_a_conflict_and_changes_nothing() {
    let (sfa, admin) = setup();
    let sales = member(&sfa, &admin, "hanako@example.jp");
    let c = admin
        .add_company(&CompanyInput::named("株式会社山田製作所"))
        .unwrap();

    // Two devices read version 1; the first saves, the second must not overwrite it.
    let mut first = c.input();
    first.industry = Some("製造業".into());
    let saved = sales.update_company(c.id, c.version, &first).unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(saved.updated_by, sales.user_id());
    assert_eq!(saved.created_by, admin.user_id());

    let mut second = c.input();
    second.notes = Some("古い画面からの編集".into());
    let err = admin.update_company(c.id, c.version, &second).unwrap_err();
    assert!(matches!(
        err,
        Error::Conflict {
            entity: Entity::Company,
            expected: 1,
            actual: 2,
            ..
        }
    ));
    assert_eq!(admin.get_company(c.id).unwrap(), saved);

    assert!(matches!(
        admin.archive_company(c.id, 1),
        Err(Error::Conflict { .. })
    ));
    let missing = admin.update_company(sfa_core::CompanyId::new(), 1, &first);
    assert!(matches!(
        missing,
        Err(Error::NotFound {
            entity: Entity::Company,
            ..
        })
    ));
}

#[test]
fn concurrent_updates_from_threads_never_overwrite_each_other() {
    let (_, me) = setup();
    let c = me
        .add_company(&CompanyInput::named("株式会社青葉商事"))
        .unwrap();
    let me = Arc::new(me);
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let me = Arc::clone(&me);
            let c = c.clone();
            std::thread::spawn(move || {
                let mut input = c.input();
                input.notes = Some(format!("thread {i}"));
                me.update_company(c.id, c.version, &input).is_ok()
            })
        })
        .collect();
    let wins = handles
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|ok| *ok)
        .count();
    assert_eq!(wins, 1, "exactly one writer of version 1 wins");
    assert_eq!(me.get_company(c.id).unwrap().version, 2);
}

#[test]
fn persons_belong_to_an_active_company_and_are_related_to_it() {
    let (_, me) = setup();
    let yamada = me
        .add_company(&CompanyInput::named("株式会社山田製作所"))
        .unwrap();
    let other = me
        .add_company(&CompanyInput::named("株式会社ヤマダ電機"))
        .unwrap();
    for (name, reading) in [
        ("高橋 一郎", "タカハシ イチロウ"),
        ("佐藤 花子", "さとう はなこ"),
        ("伊藤 誠", "イトウ マコト"),
    ] {
        me.add_person(&PersonInput {
            name_reading: Some(reading.into()),
            ..PersonInput::named(yamada.id, name)
        })
        .unwrap();
    }
    me.add_person(&PersonInput::named(other.id, "鈴木 聡"))
        .unwrap();

    let persons = me
        .company_persons(yamada.id, &PageRequest::default())
        .unwrap();
    let names: Vec<&str> = persons.items.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["伊藤 誠", "佐藤 花子", "高橋 一郎"],
        "あいうえお order by reading"
    );

    let orphan = me.add_person(&PersonInput::named(sfa_core::CompanyId::new(), "迷子"));
    assert_eq!(
        orphan
            .unwrap_err()
            .validation()
            .unwrap()
            .reason_for("company_id"),
        Some(&Reason::UnknownReference)
    );
    let archived = me.archive_company(other.id, other.version).unwrap();
    assert!(archived.archived);
    let to_archived = me.add_person(&PersonInput::named(other.id, "新人"));
    assert_eq!(
        to_archived
            .unwrap_err()
            .validation()
            .unwrap()
            .reason_for("company_id"),
        Some(&Reason::Inactive)
    );
    assert!(matches!(
        me.company_persons(sfa_core::CompanyId::new(), &PageRequest::default()),
        Err(Error::NotFound {
            entity: Entity::Company,
            ..
        })
    ));
}

#[test]
fn archived_records_leave_lists_but_are_kept_and_can_be_restored() {
    let (_, me) = setup();
    let c = me
        .add_company(&CompanyInput::named("株式会社桜建設"))
        .unwrap();
    let p = me.add_person(&PersonInput::named(c.id, "森 愛")).unwrap();
    let p = me.archive_person(p.id, p.version).unwrap();
    let c = me.archive_company(c.id, c.version).unwrap();
    assert!(
        me.list_companies(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        me.list_persons(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
    let with_archived = PageRequest {
        include_archived: true,
        ..PageRequest::default()
    };
    assert_eq!(me.list_companies(&with_archived).unwrap().items.len(), 1);
    assert_eq!(
        me.company_persons(c.id, &with_archived)
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(me.get_person(p.id).unwrap().archived);

    let c = me.restore_company(c.id, c.version).unwrap();
    me.restore_person(p.id, p.version).unwrap();
    assert!(!c.archived);
    assert_eq!(
        me.list_persons(&PageRequest::default())
            .unwrap()
            .items
            .len(),
        1
    );
}

#[test]
fn pagination_is_stable_while_records_are_added() {
    let (_, me) = setup();
    let ledger = sfa_testkit::SampleLedger::generate(3, 57, 0);
    me.add_companies(
        &ledger
            .companies
            .iter()
            .map(|c| c.input.clone())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let mut seen = Vec::new();
    let mut page = me.list_companies(&PageRequest::first(10)).unwrap();
    loop {
        seen.extend(page.items.iter().map(|c| (c.sort_key(), c.id)));
        // A record added mid-walk before the cursor must not shift later pages.
        me.add_company(&CompanyInput {
            name_reading: Some("アアアア".into()),
            ..CompanyInput::named(format!("株式会社先頭{}", seen.len()))
        })
        .unwrap();
        match page.next_cursor.clone() {
            Some(cursor) => {
                page = me
                    .list_companies(&PageRequest::first(10).after(cursor))
                    .unwrap()
            }
            None => break,
        }
    }
    let generated: Vec<_> = seen
        .iter()
        .filter(|(k, _)| !k.starts_with("ああああ"))
        .collect();
    assert_eq!(generated.len(), 57, "every generated company exactly once");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages follow (sort key, id) order");
    let bad = me.list_companies(&PageRequest::first(10).after("not-a-cursor"));
    assert_eq!(bad.unwrap_err().validation().unwrap().field(), "cursor");
}

#[test]
fn a_batch_add_is_all_or_nothing() {
    let (_, me) = setup();
    let inputs = vec![
        CompanyInput::named("株式会社一番"),
        CompanyInput {
            phone: Some("電話なし".into()),
            ..CompanyInput::named("株式会社二番")
        },
    ];
    let err = me.add_companies(&inputs).unwrap_err();
    assert_eq!(err.validation().unwrap().field(), "phone");
    assert!(
        me.list_companies(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
}
