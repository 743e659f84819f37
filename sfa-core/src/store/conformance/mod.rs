//! The behaviour every [`Store`] must show, as one suite any implementation runs:
//! [`crate::store_conformance_tests!`] expands to one `#[test]` per check (a failure
//! names its check and hides none of the others), each on a fresh, empty store:
//!
//! ```text
//! sfa_core::store_conformance_tests!(fresh: Box::new(MyStore::new_empty()));
//! sfa_core::store_conformance_tests!(
//!     fresh: Box::new(MyStore::new_empty()),
//!     pair: { let (a, b) = MyStore::two_handles_on_one_new_database(); (Box::new(a), Box::new(b)) }
//! );
//! ```
//!
//! With `pair` (two handles on one new database: two connections, two processes'
//! worth), the concurrency checks run too: a stale version raced from two handles,
//! two pollers claiming notifications, two first admins.

pub mod activity;
pub mod concurrency;
pub mod ledger;
pub mod sales;
pub mod teams;

use chrono::{TimeZone, Utc};

use super::Store;
use crate::model::{
    Company, CompanyId, ListQuery, Person, PersonId, Role, Timestamp, User, UserId,
};

/// One `#[test]` per conformance check, on fresh stores; see [the suite](self). With
/// `when: condition,` first, each test runs only when the condition holds (a store that
/// needs a server) and says it was skipped otherwise.
#[macro_export]
macro_rules! store_conformance_tests {
    (when: $cond:expr, fresh: $make:expr, pair: $pair:expr) => {
        $crate::store_conformance_tests!(
            fresh: {
                if !$cond { eprintln!("skipped: the store's server is not configured"); return; }
                $make
            },
            pair: {
                if !$cond { eprintln!("skipped: the store's server is not configured"); return; }
                $pair
            }
        );
    };
    (fresh: $make:expr) => {
        $crate::store_conformance_tests!(@each $make;
            ledger::records_round_trip, ledger::updates_check_the_version,
            ledger::failed_writes_leave_nothing, ledger::lists_are_ordered_and_paginate,
            ledger::archived_records_are_filtered, ledger::persons_need_an_existing_company,
            ledger::company_names_resolve,
            ledger::changes_are_logged_in_commit_order_for_the_search_index,
            ledger::the_change_log_is_pruned_only_behind_every_recent_cursor,
            activity::interactions_round_trip_with_their_links,
            activity::histories_are_newest_first_and_paginate,
            activity::every_interaction_and_task_walks_in_id_order,
            activity::planned_interactions_overlap_the_range,
            activity::tasks_round_trip_and_list_open_ones_by_due_date,
            activity::claims_hide_notifications_until_they_lapse,
            activity::marking_delivered_is_idempotent_and_checks_the_owner,
            sales::masters_round_trip_in_their_order,
            sales::masters_are_versioned_found_by_name_and_deleted,
            sales::deals_round_trip_with_lines_and_list_in_order,
            sales::a_record_still_referred_to_is_not_removed,
            teams::teams_round_trip_with_their_members,
            teams::cards_keep_their_images_and_queue_oldest_first,
            teams::persons_are_matched_by_email_phone_and_name,
            teams::the_board_scans_its_window_and_its_members
        );
    };
    (fresh: $make:expr, pair: $pair:expr) => {
        $crate::store_conformance_tests!(fresh: $make);
        $crate::store_conformance_tests!(@pairs $pair;
            concurrency::a_stale_version_raced_from_two_handles_wins_once,
            concurrency::two_pollers_never_claim_one_notification_twice,
            concurrency::two_first_admins_race_and_one_is_made
        );
    };
    (@each $make:expr; $($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let store: Box<dyn $crate::store::Store> = $make;
                $crate::store::conformance::$module::$check(store.as_ref());
            }
        )*
    };
    (@pairs $pair:expr; $($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                let (a, b): (Box<dyn $crate::store::Store>, Box<dyn $crate::store::Store>) = $pair;
                $crate::store::conformance::$module::$check(a.as_ref(), b.as_ref());
            }
        )*
    };
}

pub(crate) fn at(secs: i64) -> Timestamp {
    Utc.timestamp_opt(1_790_000_000 + secs, 0)
        .single()
        .expect("valid timestamp")
}

pub(crate) fn user(name: &str, email: &str) -> User {
    let id = UserId::new();
    User {
        id,
        name: name.into(),
        email: email.into(),
        role: Role::Admin,
        active: true,
        created_at: at(0),
        created_by: id,
        updated_at: at(0),
        updated_by: id,
        version: 1,
    }
}

pub(crate) fn company(by: &User, name: &str, reading: Option<&str>) -> Company {
    Company {
        id: CompanyId::new(),
        name: name.into(),
        name_reading: reading.map(Into::into),
        postal_code: Some("100-0005".into()),
        address: Some("東京都千代田区丸の内1-1-1".into()),
        phone: Some("+81312345678".into()),
        website: Some("https://example.co.jp".into()),
        industry: Some("製造業".into()),
        notes: Some("一行目\n二行目".into()),
        archived: false,
        created_at: at(1),
        created_by: by.id,
        updated_at: at(1),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn person(by: &User, company: CompanyId, name: &str, reading: Option<&str>) -> Person {
    Person {
        id: PersonId::new(),
        company_id: company,
        name: name.into(),
        name_reading: reading.map(Into::into),
        department: Some("営業部".into()),
        title: Some("部長".into()),
        email: Some("taro@example.co.jp".into()),
        office_phone: Some("+81312345678".into()),
        mobile_phone: Some("+819012345678".into()),
        notes: None,
        archived: false,
        created_at: at(2),
        created_by: by.id,
        updated_at: at(2),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn all() -> ListQuery {
    ListQuery {
        limit: 1000,
        after: None,
        include_archived: true,
    }
}

pub(crate) fn seed(store: &dyn Store) -> (User, Company) {
    let u = user("管理者", "admin@example.jp");
    let c = company(&u, "株式会社山田製作所", Some("ヤマダセイサクショ"));
    store
        .write(|tx| {
            tx.insert_user(&u)?;
            tx.insert_company(&c)
        })
        .expect("seed writes");
    (u, c)
}
