#![allow(clippy::unwrap_used)]
//! Values out of range are refused where they enter, with the field named: dates and
//! instants outside 1900-9999 (a task due in year 10000 sorted first in every agenda,
//! and one member's bad date broke another member's screens), a version no record can
//! have (it overflowed), and one-line text that would show other than it is.

use chrono::NaiveDate;
use sfa_core::{
    AgendaRequest, CampaignInput, CompanyInput, DealInput, Entity, Error, Reason, TaskInput,
};
use sfa_testkit::{Office, dec, field_error};

fn far(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap()
}

#[test]
fn dates_outside_1900_to_9999_are_refused_naming_the_field() {
    let o = Office::new();
    for year in [30_000, -100, 1899, 10_000] {
        let deal = o.hanako.add_deal(&DealInput {
            expected_close_on: Some(far(year)),
            ..DealInput::named(o.company.id, "遠い案件")
        });
        assert_eq!(
            field_error(deal),
            (Entity::Deal, "expected_close_on", Reason::OutOfRange),
            "{year}"
        );
        let task = o.hanako.add_task(&TaskInput {
            due_date: Some(far(year)),
            ..TaskInput::titled("遠いタスク")
        });
        assert_eq!(
            field_error(task),
            (Entity::Task, "due_date", Reason::OutOfRange)
        );
        let campaign = o.manager.add_campaign(&CampaignInput {
            name: "遠いキャンペーン".into(),
            starts_on: far(year),
            ends_on: far(year),
            cost: dec("1"),
            notes: None,
        });
        assert_eq!(field_error(campaign).1, "starts_on");
        let agenda = o.hanako.agenda(&AgendaRequest::day(far(year)));
        assert_eq!(field_error(agenda).0, Entity::AgendaRequest);
    }
    let deal = o
        .hanako
        .add_deal(&DealInput::named(o.company.id, "普通の案件"))
        .unwrap();
    let won = o.hanako.win_deal(deal.id, deal.version, Some(far(30_000)));
    assert_eq!(
        field_error(won),
        (Entity::Deal, "closed_on", Reason::OutOfRange)
    );
    // Nothing of it was stored: the agenda still reads.
    assert!(o.hanako.agenda(&AgendaRequest::default()).is_ok());
    // The edges are taken.
    o.hanako
        .add_deal(&DealInput {
            expected_close_on: Some(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
            ..DealInput::named(o.company.id, "最後の日")
        })
        .unwrap();
}

#[test]
fn a_version_no_record_can_have_is_a_conflict_not_a_panic() {
    let o = Office::new();
    for version in [i64::MAX, i64::MIN, 0] {
        let outcome = o
            .hanako
            .update_company(o.company.id, version, &CompanyInput::named("改名"));
        assert!(
            matches!(outcome, Err(Error::Conflict { .. })),
            "{version}: {outcome:?}"
        );
    }
    assert_eq!(
        o.hanako.get_company(o.company.id).unwrap().name,
        "株式会社山田製作所"
    );
}

#[test]
fn one_line_text_that_would_show_otherwise_is_refused() {
    let o = Office::new();
    for name in [
        "株式会社\u{202E}作製田山",
        "\u{200B}\u{200B}",
        "山田\u{2028}製作所",
    ] {
        let added = o.hanako.add_company(&CompanyInput::named(name));
        assert_eq!(
            field_error(added),
            (Entity::Company, "name", Reason::Invisible),
            "{name:?}"
        );
    }
}
