#![allow(clippy::unwrap_used)]
//! A whole database as a CSV file set (users, masters, companies, persons, deals):
//! exported and imported into an empty database, it gives equal records. A fixed
//! office first, then random ledgers (proptest).

use chrono::{DateTime, Utc};
use proptest::prelude::*;
use sfa_core::{
    Company, CompanyInput, CsvEncoding, Deal, DealInput, DealLineInput, ExportOptions,
    ImportOptions, Master, MasterId, PageRequest, Person, PersonInput, ProductCategoryInput,
    ProductInput, Role, Session, StageInput, UserId, UserInput,
};
use sfa_testkit::{Catalog, Office, date, dec};

/// The five files, in import order.
struct FileSet {
    users: Vec<u8>,
    masters: Vec<u8>,
    companies: Vec<u8>,
    persons: Vec<u8>,
    deals: Vec<u8>,
}

fn export(admin: &Session, encoding: CsvEncoding) -> FileSet {
    let options = ExportOptions {
        encoding,
        include_archived: true,
    };
    let mut f = FileSet {
        users: Vec::new(),
        masters: Vec::new(),
        companies: Vec::new(),
        persons: Vec::new(),
        deals: Vec::new(),
    };
    admin.export_users_csv(&mut f.users, &options).unwrap();
    admin.export_masters_csv(&mut f.masters, &options).unwrap();
    admin
        .export_companies_csv(&mut f.companies, &options)
        .unwrap();
    admin.export_persons_csv(&mut f.persons, &options).unwrap();
    admin.export_deals_csv(&mut f.deals, &options).unwrap();
    f
}

/// A fresh database whose first admin has `admin_email`, with the file set imported.
fn restore(files: &FileSet, admin_name: &str, admin_email: &str) -> Session {
    let sfa = sfa_testkit::fresh_database();
    let admin = sfa
        .create_first_admin(&UserInput::admin(admin_name, admin_email))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    let options = ImportOptions::default();
    me.import_users_csv(files.users.as_slice(), &options)
        .unwrap();
    me.import_masters_csv(files.masters.as_slice(), &options)
        .unwrap();
    me.import_companies_csv(files.companies.as_slice(), &options)
        .unwrap();
    me.import_persons_csv(files.persons.as_slice(), &options)
        .unwrap();
    me.import_deals_csv(files.deals.as_slice(), &options)
        .unwrap();
    me
}

/// Everything the files carry, with what an import sets itself (authors, update
/// times, versions, a ledger record's creation time) left out and users named by
/// e-mail (the restoring admin is a new user with the old admin's e-mail).
#[derive(Debug, PartialEq)]
struct Snapshot {
    users: Vec<(String, String, Role, bool)>,
    masters: Vec<Master>,
    companies: Vec<Company>,
    persons: Vec<Person>,
    deals: Vec<(Deal, String)>,
}

fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

fn snapshot(me: &Session) -> Snapshot {
    let users_list = me.list_users().unwrap();
    let email = |id: UserId| {
        users_list
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.email.clone())
            .unwrap_or_default()
    };
    let users = users_list
        .iter()
        .map(|u| (u.email.clone(), u.name.clone(), u.role, u.active))
        .collect();
    let mut masters = Vec::new();
    masters.extend(
        me.list_product_categories(true)
            .unwrap()
            .into_iter()
            .map(Master::ProductCategory),
    );
    masters.extend(
        me.list_products(true)
            .unwrap()
            .into_iter()
            .map(Master::Product),
    );
    masters.extend(
        me.list_stages(true)
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.position = i as i32 + 1;
                Master::Stage(s)
            }),
    );
    masters.extend(
        me.list_confidences(true)
            .unwrap()
            .into_iter()
            .map(Master::Confidence),
    );
    masters.extend(
        me.list_campaigns(true)
            .unwrap()
            .into_iter()
            .map(Master::Campaign),
    );
    for m in &mut masters {
        macro_rules! clear {
            ($r:expr) => {{
                $r.created_at = epoch();
                $r.updated_at = epoch();
                $r.created_by = UserId::default();
                $r.updated_by = UserId::default();
                $r.version = 1;
            }};
        }
        match m {
            Master::Campaign(r) => clear!(r),
            Master::Stage(r) => clear!(r),
            Master::Confidence(r) => clear!(r),
            Master::ProductCategory(r) => clear!(r),
            Master::Product(r) => clear!(r),
        }
    }
    let all = PageRequest {
        limit: 1000,
        cursor: None,
        include_archived: true,
    };
    let companies = me
        .list_companies(&all)
        .unwrap()
        .items
        .into_iter()
        .map(|mut c| {
            c.created_at = epoch();
            c.updated_at = epoch();
            c.created_by = UserId::default();
            c.updated_by = UserId::default();
            c.version = 1;
            c
        })
        .collect();
    let persons = me
        .list_persons(&all)
        .unwrap()
        .items
        .into_iter()
        .map(|mut p| {
            p.created_at = epoch();
            p.updated_at = epoch();
            p.created_by = UserId::default();
            p.updated_by = UserId::default();
            p.version = 1;
            p
        })
        .collect();
    let mut deals: Vec<(Deal, String)> = Vec::new();
    for c in me.list_companies(&all).unwrap().items {
        for mut d in me
            .company_deals(c.id, &PageRequest::first(1000))
            .unwrap()
            .items
        {
            let owner = email(d.owner_id);
            d.owner_id = UserId::default();
            d.updated_at = epoch();
            d.created_by = UserId::default();
            d.updated_by = UserId::default();
            d.version = 1;
            deals.push((d, owner));
        }
    }
    deals.sort_by_key(|(d, _)| d.id);
    Snapshot {
        users,
        masters,
        companies,
        persons,
        deals,
    }
}

fn line(product: sfa_core::ProductId, quantity: &str, price: Option<&str>) -> DealLineInput {
    DealLineInput {
        product_id: product,
        quantity: dec(quantity),
        unit_price: price.map(dec),
    }
}

#[test]
fn the_file_set_restores_a_whole_office_into_an_empty_database() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    // History and edge cases: a won deal with lines, a lost one with a reason, a deal
    // from a retired product and campaign, an archived company and person, notes
    // with commas, quotes and line breaks, a deactivated user.
    let won = o
        .hanako
        .add_deal(&DealInput {
            lines: vec![
                line(c.products[0].id, "1", None),
                line(c.products[3].id, "1.5", Some("8500.0001")),
            ],
            confidence_id: Some(c.confidences[0].id),
            stage_id: Some(c.stages[4].id),
            campaign_id: Some(c.campaign.id),
            notes: Some("見積: \"特価\", 3社比較\n次回は部長同席".into()),
            ..DealInput::named(o.company.id, "生産管理システム導入")
        })
        .unwrap();
    o.hanako
        .win_deal(won.id, won.version, Some(date(2026, 12, 1)))
        .unwrap();
    let lost = o
        .jiro
        .add_deal(&DealInput {
            amount: Some(dec("250000.5")),
            expected_close_on: Some(date(2027, 1, 31)),
            ..DealInput::named(o.company.id, "保守契約")
        })
        .unwrap();
    o.jiro
        .lose_deal(lost.id, lost.version, None, Some("競合に価格で負け"))
        .unwrap();
    o.hanako
        .add_deal(&DealInput {
            expected_close_on: Some(date(2027, 3, 31)),
            lines: vec![line(c.products[2].id, "12", None)],
            ..DealInput::named(o.company.id, "来期の保守")
        })
        .unwrap();
    let p2 = o.manager.get_product(c.products[1].id).unwrap();
    o.manager
        .retire_master(MasterId::Product(p2.id), p2.version)
        .unwrap();
    let old = o
        .hanako
        .add_company(&CompanyInput {
            address: Some("札幌市中央区北一条西4-2-1".into()),
            ..CompanyInput::named("有限会社旧取引先")
        })
        .unwrap();
    let gone = o
        .hanako
        .add_person(&PersonInput::named(old.id, "退職 太郎"))
        .unwrap();
    o.hanako.archive_person(gone.id, gone.version).unwrap();
    let old = o.hanako.get_company(old.id).unwrap();
    o.hanako.archive_company(old.id, old.version).unwrap();
    o.deactivate(&o.outsider);

    let before = snapshot(&o.manager);
    assert_eq!(before.deals.len(), 3);
    for encoding in [CsvEncoding::Auto, CsvEncoding::ShiftJis] {
        let files = export(&o.manager, encoding);
        let restored = restore(&files, "部長 一郎", "bucho@example.jp");
        assert_eq!(snapshot(&restored), before, "{encoding:?}");
        // The restored database works: the forecast sees the same deals.
        assert_eq!(
            restored.forecast_dataset().unwrap().deals,
            o.manager.forecast_dataset().unwrap().deals
        );
    }
}

#[test]
fn masters_and_users_csv_follow_the_apis_rules() {
    let o = Office::new();
    // Members may not import masters or users, nor export users.
    let masters = "種別,名前\n商材カテゴリ,ソフトウェア\n";
    assert!(matches!(
        o.hanako
            .import_masters_csv(masters.as_bytes(), &ImportOptions::default()),
        Err(sfa_core::Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        o.hanako
            .export_users_csv(Vec::new(), &ExportOptions::default()),
        Err(sfa_core::Error::PermissionDenied { .. })
    ));
    // A product naming an unknown category, a duplicate code and a confidence level
    // without a percentage: each refused with its line and field.
    let bad = "種別,名前,コード,カテゴリ,単価,確率\n\
商材カテゴリ,ソフトウェア,,,,\n\
商材,生産管理,SV-100,ソフトウェア,500000,\n\
商材,在庫管理,SV-200,ハードウェア,120000,\n\
商材,重複,SV-100,ソフトウェア,1,\n\
確度,A,,,,\n\
確度,B,,,,50\n";
    let report = o
        .manager
        .import_masters_csv(
            bad.as_bytes(),
            &ImportOptions {
                skip_bad_rows: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    assert_eq!(report.imported, 3);
    let refused: Vec<(i64, &str)> = report
        .skipped
        .iter()
        .map(|r| {
            let sfa_core::RowProblem::Invalid(v) = &r.problem else {
                panic!("{r}")
            };
            (r.line, v.field())
        })
        .collect();
    assert_eq!(
        refused,
        vec![(4, "category"), (5, "code"), (6, "percentage")]
    );
    // Stages are appended in file order; products and categories are the API's.
    o.manager
        .add_stage(&StageInput {
            name: "初回訪問".into(),
            default_percentage: Some(10),
        })
        .unwrap();
    o.manager
        .import_masters_csv(
            "kind,name,percentage\nstage,提案,40\nstage,受注間近,90\n".as_bytes(),
            &ImportOptions::default(),
        )
        .unwrap();
    let stages: Vec<String> = o
        .manager
        .list_stages(false)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(stages, ["初回訪問", "提案", "受注間近"]);
    let category = o
        .manager
        .add_product_category(&ProductCategoryInput {
            name: "サービス".into(),
        })
        .unwrap();
    o.manager
        .add_product(&ProductInput {
            category_id: category.id,
            code: "SP-10".into(),
            name: "保守".into(),
            unit_price: dec("30000"),
        })
        .unwrap();
    let mut out = Vec::new();
    assert_eq!(
        o.manager
            .export_masters_csv(&mut out, &ExportOptions::default())
            .unwrap(),
        8
    );

    // Users: the importing admin's own row is recognised by its e-mail, others are
    // created with their ids; a new user whose id is taken is refused.
    let mut users = Vec::new();
    o.manager
        .export_users_csv(&mut users, &ExportOptions::default())
        .unwrap();
    let sfa = sfa_testkit::fresh_database();
    let admin = sfa
        .create_first_admin(&UserInput::admin("部長 一郎", "bucho@example.jp"))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    let report = me
        .import_users_csv(users.as_slice(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 4);
    assert_eq!(
        me.get_user(o.hanako.user_id()).unwrap().email,
        "hanako@example.jp"
    );
    let clash = format!(
        "id,name,email\n{},別人,betsujin@example.jp\n",
        o.hanako.user_id()
    );
    let err = me
        .import_users_csv(clash.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(err.validation().unwrap().field(), "id");
}

/// One-line text, some of it needing quotes in CSV.
fn text_strategy() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "山田製作所",
        "ABCシステムズ",
        "北斗, 南斗",
        "\"引用\"付き",
        "ｶﾅ混在 ﾃｽﾄ",
        "髙橋 𠮷野",
        "Co., Ltd.",
    ])
    .prop_map(str::to_string)
}

/// Notes: one-line text or text with line breaks (CRLF ones too).
fn notes_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        text_strategy(),
        prop::sample::select(vec![
            "改行\nあり",
            "一行目\r\n二行目, \"三\"",
            "末尾\n\n空行"
        ])
        .prop_map(str::to_string),
    ]
}

/// A decimal with up to `places` places below `max`.
fn decimal_strategy(max: u64, places: u32) -> impl Strategy<Value = sfa_core::Decimal> {
    (0..max, 0..10u64.pow(places)).prop_map(move |(whole, frac)| {
        sfa_core::Decimal::new((whole * 10u64.pow(places) + frac) as i64, places)
    })
}

#[derive(Debug, Clone)]
struct DealPlan {
    company: usize,
    lines: Vec<(usize, sfa_core::Decimal, Option<sfa_core::Decimal>)>,
    amount: Option<sfa_core::Decimal>,
    notes: Option<String>,
    close: u8,
}

#[derive(Debug, Clone)]
struct LedgerPlan {
    products: Vec<(String, sfa_core::Decimal)>,
    companies: Vec<(String, Option<String>, bool)>,
    persons: Vec<(usize, String)>,
    deals: Vec<DealPlan>,
}

fn ledger_strategy() -> impl Strategy<Value = LedgerPlan> {
    let products = prop::collection::vec((text_strategy(), decimal_strategy(1_000_000, 4)), 1..4);
    let companies = prop::collection::vec(
        (
            text_strategy(),
            prop::option::of(notes_strategy()),
            any::<bool>(),
        ),
        1..4,
    );
    let persons = prop::collection::vec((0..4usize, text_strategy()), 0..5);
    let deal = (
        0..4usize,
        prop::collection::vec(
            (
                0..4usize,
                decimal_strategy(1000, 4).prop_filter("positive", |q| !q.is_zero()),
                prop::option::of(decimal_strategy(100_000, 4)),
            ),
            0..4,
        ),
        prop::option::of(decimal_strategy(10_000_000, 4)),
        prop::option::of(notes_strategy()),
        0..3u8,
    )
        .prop_map(|(company, lines, amount, notes, close)| DealPlan {
            company,
            lines,
            amount,
            notes,
            close,
        });
    let deals = prop::collection::vec(deal, 0..6);
    (products, companies, persons, deals).prop_map(|(products, companies, persons, deals)| {
        LedgerPlan {
            products,
            companies,
            persons,
            deals,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn a_random_ledger_round_trips_through_the_file_set(plan in ledger_strategy()) {
        let o = Office::new();
        let m = &o.manager;
        let category = m
            .add_product_category(&ProductCategoryInput { name: "カテゴリ".into() })
            .unwrap();
        let products: Vec<_> = plan
            .products
            .iter()
            .enumerate()
            .map(|(i, (name, price))| {
                m.add_product(&ProductInput {
                    category_id: category.id,
                    code: format!("P-{i}"),
                    name: name.clone(),
                    unit_price: *price,
                })
                .unwrap()
            })
            .collect();
        let mut companies = vec![o.company.clone()];
        for (i, (name, notes, archived)) in plan.companies.iter().enumerate() {
            let c = m
                .add_company(&CompanyInput {
                    notes: notes.clone(),
                    ..CompanyInput::named(format!("{name}{i}"))
                })
                .unwrap();
            if *archived {
                m.archive_company(c.id, c.version).unwrap();
            }
            companies.push(c);
        }
        for (company, name) in &plan.persons {
            let c = &companies[company % companies.len()];
            // Persons are added to active companies only, so add before archiving.
            if m.get_company(c.id).unwrap().archived {
                continue;
            }
            m.add_person(&PersonInput::named(c.id, name.clone())).unwrap();
        }
        for d in &plan.deals {
            let c = &companies[d.company % companies.len()];
            if m.get_company(c.id).unwrap().archived {
                continue;
            }
            let lines: Vec<DealLineInput> = d
                .lines
                .iter()
                .map(|(p, q, price)| DealLineInput {
                    product_id: products[p % products.len()].id,
                    quantity: *q,
                    unit_price: *price,
                })
                .collect();
            let amount = if lines.is_empty() { d.amount } else { None };
            let deal = o
                .hanako
                .add_deal(&DealInput {
                    amount,
                    lines,
                    notes: d.notes.clone(),
                    expected_close_on: Some(date(2027, 1, 31)),
                    ..DealInput::named(c.id, "案件")
                })
                .unwrap();
            match d.close {
                1 => { o.hanako.win_deal(deal.id, deal.version, None).unwrap(); }
                2 => { o.hanako.lose_deal(deal.id, deal.version, None, Some("予算")).unwrap(); }
                _ => {}
            }
        }
        let before = snapshot(m);
        let files = export(m, CsvEncoding::Auto);
        let restored = restore(&files, "部長 一郎", "bucho@example.jp");
        prop_assert_eq!(snapshot(&restored), before);
    }
}
