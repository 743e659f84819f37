//! The selling part of the suite: master records and deals with their lines.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{at, seed};
use crate::error::{Entity, Error};
use crate::model::{
    Deal, DealId, DealLine, DealStatus, ListQuery, Master, MasterId, MasterKind, Product,
    ProductCategory, ProductCategoryId, ProductId, Stage, StageId, User,
};
use crate::store::{DealsOf, Removal, Store};

pub(crate) fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

pub(crate) fn stage(by: &User, name: &str, position: i32) -> Stage {
    Stage {
        id: StageId::new(),
        name: name.into(),
        position,
        default_percentage: Some(position * 10),
        retired: false,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn category(by: &User) -> ProductCategory {
    ProductCategory {
        id: ProductCategoryId::new(),
        name: "ソフトウェア".into(),
        retired: false,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn product(by: &User, category: &ProductCategory, code: &str) -> Product {
    Product {
        id: ProductId::new(),
        category_id: category.id,
        code: code.into(),
        name: "生産管理システム".into(),
        unit_price: dec("500000.5"),
        retired: false,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn deal(by: &User, company: crate::CompanyId, close: Option<NaiveDate>) -> Deal {
    Deal {
        id: DealId::new(),
        company_id: company,
        name: "基幹システム更新".into(),
        owner_id: by.id,
        amount: Some(dec("0.1")),
        expected_close_on: close,
        stage_id: None,
        confidence_id: None,
        campaign_id: None,
        lines: Vec::new(),
        notes: None,
        status: DealStatus::Open,
        closed_on: None,
        lost_reason: None,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, m, d).expect("date")
}

/// A conformance check (see [the suite](super)).
pub fn masters_round_trip_in_their_order(store: &dyn Store) {
    let (u, _) = seed(store);
    let late = stage(&u, "交渉", 2);
    let early = stage(&u, "提案", 1);
    let cat = category(&u);
    let p = product(&u, &cat, "SV-100");
    store
        .write(|tx| {
            for m in [
                Master::Stage(late.clone()),
                Master::Stage(early.clone()),
                Master::ProductCategory(cat.clone()),
                Master::Product(p.clone()),
            ] {
                tx.insert_master(&m)?;
            }
            Ok(())
        })
        .expect("inserts");
    store
        .read(|tx| {
            assert_eq!(
                tx.get_master(MasterId::Product(p.id))?,
                Some(Master::Product(p.clone())),
                "product round trip, exact price"
            );
            assert_eq!(
                tx.list_masters(MasterKind::Stage)?,
                vec![Master::Stage(early.clone()), Master::Stage(late.clone())],
                "stages by position"
            );
            assert_eq!(
                tx.get_master(MasterId::Stage(StageId::new()))?,
                None,
                "missing master is None"
            );
            assert!(
                tx.master_in_use(MasterId::ProductCategory(cat.id))?,
                "a category with products is in use"
            );
            assert!(
                !tx.master_in_use(MasterId::Product(p.id))?,
                "a product on no deal is unused"
            );
            Ok(())
        })
        .expect("reads");
}

/// A conformance check (see [the suite](super)).
pub fn masters_are_versioned_found_by_name_and_deleted(store: &dyn Store) {
    let (u, _) = seed(store);
    let s = stage(&u, "提案", 1);
    store
        .write(|tx| tx.insert_master(&Master::Stage(s.clone())))
        .expect("insert");
    let mut renamed = s.clone();
    renamed.name = "提案・デモ".into();
    renamed.version = 2;
    store
        .write(|tx| tx.update_master(&Master::Stage(renamed.clone()), 1))
        .expect("update");
    assert!(
        matches!(
            store.write(|tx| tx.update_master(&Master::Stage(renamed.clone()), 1)),
            Err(Error::Conflict {
                entity: Entity::Stage,
                ..
            })
        ),
        "a stale master update is a Conflict"
    );
    let found = store
        .read(|tx| tx.find_master(MasterKind::Stage, "提案・デモ"))
        .expect("find");
    assert_eq!(found, Some(Master::Stage(renamed)), "found by exact name");
    store
        .write(|tx| tx.delete_master(MasterId::Stage(s.id)))
        .expect("delete");
    assert!(
        matches!(
            store.write(|tx| tx.delete_master(MasterId::Stage(s.id))),
            Err(Error::NotFound { .. })
        ),
        "deleting a missing master is NotFound"
    );
}

/// A conformance check (see [the suite](super)).
pub fn deals_round_trip_with_lines_and_list_in_order(store: &dyn Store) {
    let (u, c) = seed(store);
    let cat = category(&u);
    let p = product(&u, &cat, "SV-100");
    let mut with_lines = deal(&u, c.id, Some(day(3, 1)));
    with_lines.lines = vec![
        DealLine::new(p.id, dec("3"), dec("0.1")).expect("in range"),
        DealLine::new(p.id, dec("1.5"), dec("1000000000000")).expect("in range"),
    ];
    with_lines.amount = Some(dec("1500000000000.3"));
    let first = deal(&u, c.id, Some(day(1, 15)));
    let undated = deal(&u, c.id, None);
    let mut won = deal(&u, c.id, Some(day(2, 1)));
    won.status = DealStatus::Won;
    won.closed_on = Some(day(1, 20));
    store
        .write(|tx| {
            tx.insert_master(&Master::ProductCategory(cat.clone()))?;
            tx.insert_master(&Master::Product(p.clone()))?;
            for d in [&undated, &with_lines, &won, &first] {
                tx.insert_deal(d)?;
            }
            Ok(())
        })
        .expect("inserts");
    let stored = store.read(|tx| tx.get_deal(with_lines.id)).expect("read");
    assert_eq!(
        stored.as_ref(),
        Some(&with_lines),
        "deal round trip with exact lines"
    );

    let all = ListQuery {
        limit: 100,
        after: None,
        include_archived: true,
    };
    let ids = |of| {
        store
            .read(|tx| tx.list_deals(of, &all))
            .expect("list")
            .into_iter()
            .map(|d| d.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(DealsOf::OpenOwnedBy(u.id)),
        vec![first.id, with_lines.id, undated.id],
        "open deals by expected close, undated last"
    );
    assert_eq!(
        ids(DealsOf::Company(c.id)),
        vec![first.id, won.id, with_lines.id, undated.id],
        "a closed deal sorts by its close date"
    );
    assert_eq!(
        ids(DealsOf::OpenWithProduct(p.id)),
        vec![with_lines.id],
        "open deals with the product"
    );
    let mut by_id = vec![undated.id, with_lines.id, won.id, first.id];
    by_id.sort();
    let first_two = store
        .read(|tx| tx.deals_by_id(None, 2))
        .expect("deals by id");
    let rest = store
        .read(|tx| tx.deals_by_id(first_two.last().map(|d| d.id), 10))
        .expect("more deals by id");
    assert_eq!(
        first_two
            .iter()
            .chain(&rest)
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        by_id,
        "every deal once, in id order"
    );
    assert!(
        first_two.iter().chain(&rest).any(|d| d == &with_lines),
        "with their lines"
    );
    let after_first = ListQuery {
        limit: 1,
        after: Some((first.sort_key(), first.id.to_string())),
        include_archived: true,
    };
    let next = store
        .read(|tx| tx.list_deals(DealsOf::OpenOwnedBy(u.id), &after_first))
        .expect("page");
    assert_eq!(
        next.into_iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![with_lines.id],
        "the page after a cursor"
    );

    let mut changed = with_lines.clone();
    changed.lines.pop();
    changed.amount = Some(dec("0.3"));
    changed.version = 2;
    store
        .write(|tx| tx.update_deal(&changed, 1))
        .expect("update");
    assert_eq!(
        store.read(|tx| tx.get_deal(with_lines.id)).expect("read"),
        Some(changed.clone()),
        "an update replaces the lines"
    );
    assert!(
        matches!(
            store.write(|tx| tx.update_deal(&changed, 1)),
            Err(Error::Conflict {
                entity: Entity::Deal,
                ..
            })
        ),
        "a stale deal update is a Conflict"
    );
    assert!(
        store
            .read(|tx| tx.master_in_use(MasterId::Product(p.id)))
            .expect("in use"),
        "a product on a deal line is in use"
    );
}

/// A conformance check (see [the suite](super)).
pub fn a_record_still_referred_to_is_not_removed(store: &dyn Store) {
    let (u, c) = seed(store);
    let cat = category(&u);
    let p = product(&u, &cat, "SV-100");
    let mut d = deal(&u, c.id, Some(day(3, 1)));
    d.lines = vec![DealLine::new(p.id, dec("2"), dec("0.05")).expect("in range")];
    let mut t = super::activity::task(&u, None);
    t.deal_id = Some(d.id);
    store
        .write(|tx| {
            tx.insert_master(&Master::ProductCategory(cat.clone()))?;
            tx.insert_master(&Master::Product(p.clone()))?;
            tx.insert_deal(&d)?;
            tx.insert_task(&t)
        })
        .expect("inserts");
    let id = d.id.to_string();
    let (refused, after_refusal, removed, again, unknown) = store
        .write(|tx| {
            // The task refers to the deal: nothing goes, lines included, and the
            // transaction goes on.
            let refused = tx.delete_record("deal", &id)?;
            let after_refusal = tx.get_deal(d.id)?;
            tx.delete_record("task", &t.id.to_string())?;
            let removed = tx.delete_record("deal", &id)?;
            let again = tx.delete_record("deal", &id)?;
            let unknown = tx.delete_record("no_such_kind", &id)?;
            Ok((refused, after_refusal, removed, again, unknown))
        })
        .expect("deletes");
    assert_eq!(refused, Removal::InUse, "a task still refers to the deal");
    assert_eq!(
        after_refusal.as_ref(),
        Some(&d),
        "a refused removal leaves the deal whole, with its lines"
    );
    assert_eq!(removed, Removal::Removed, "once nothing refers to it");
    assert_eq!(again, Removal::Absent, "a second removal finds nothing");
    assert_eq!(unknown, Removal::Absent, "a kind sync does not know");
    assert_eq!(store.read(|tx| tx.get_deal(d.id)).expect("read"), None);
}
