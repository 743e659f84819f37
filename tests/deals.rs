#![allow(clippy::unwrap_used)]
//! Deals end to end: amounts from line items (exact), who may change a deal, closing as
//! won or lost with frozen amounts, reopening, the deal lists, bad input, and tasks
//! linked to a deal.

use chrono::Duration;
use sfa_core::{
    CompanyInput, DealInput, DealLineInput, DealStatus, Entity, Error, MasterId, PageRequest,
    Reason, TaskInput,
};
use sfa_testkit::{Catalog, Office, date, dec, field_error};

fn line(product: sfa_core::ProductId, quantity: &str, price: Option<&str>) -> DealLineInput {
    DealLineInput {
        product_id: product,
        quantity: dec(quantity),
        unit_price: price.map(dec),
    }
}

#[test]
fn a_deal_with_lines_is_worth_their_exact_sum() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let deal = o
        .hanako
        .add_deal(&DealInput {
            expected_close_on: Some(date(2027, 1, 31)),
            stage_id: Some(c.stages[2].id),
            confidence_id: Some(c.confidences[1].id),
            campaign_id: Some(c.campaign.id),
            lines: vec![
                line(c.products[0].id, "1", None),           // 500,000 list price
                line(c.products[2].id, "12", Some("27500")), // discounted maintenance
                line(c.products[3].id, "0.5", Some("8500.10")), // half an hour
            ],
            notes: Some("展示会で名刺交換".into()),
            ..DealInput::named(o.company.id, "生産管理システム導入")
        })
        .unwrap();
    assert_eq!(deal.owner_id, o.hanako.user_id());
    assert_eq!(deal.status, DealStatus::Open);
    assert_eq!(deal.lines[0].unit_price, dec("500000"));
    assert_eq!(deal.lines[1].amount, dec("330000"));
    assert_eq!(deal.lines[2].amount, dec("4250.05"));
    assert_eq!(deal.amount, Some(dec("834250.05")));
    assert_eq!(o.hanako.get_deal(deal.id).unwrap(), deal);

    let wrong = o.hanako.add_deal(&DealInput {
        amount: Some(dec("900000")),
        lines: vec![line(c.products[0].id, "2", None)],
        ..DealInput::named(o.company.id, "合計違い")
    });
    assert_eq!(
        field_error(wrong),
        (Entity::Deal, "amount", Reason::Mismatch)
    );
    let agreed = o
        .hanako
        .add_deal(&DealInput {
            amount: Some(dec("1000000.00")),
            lines: vec![line(c.products[0].id, "2", None)],
            ..DealInput::named(o.company.id, "合計一致")
        })
        .unwrap();
    assert_eq!(agreed.amount, Some(dec("1000000")));

    // Amounts like 0.1 stay exact, and very large ones too.
    let tenths = o
        .hanako
        .add_deal(&DealInput {
            lines: vec![
                line(c.products[3].id, "1", Some("0.1")),
                line(c.products[3].id, "1", Some("0.2")),
                line(c.products[0].id, "1", Some("1000000000000")),
            ],
            ..DealInput::named(o.company.id, "端数")
        })
        .unwrap();
    assert_eq!(tenths.amount, Some(dec("1000000000000.3")));
    assert_eq!(
        o.hanako.get_deal(tenths.id).unwrap().amount,
        Some(dec("1000000000000.3"))
    );
}

#[test]
fn the_owner_the_creator_and_admins_may_change_a_deal() {
    let o = Office::new();
    // 次郎 opens a deal for 花子 to own.
    let deal = o
        .jiro
        .add_deal(&DealInput {
            owner_id: Some(o.hanako.user_id()),
            amount: Some(dec("3000000")),
            ..DealInput::named(o.company.id, "工場ライン増設")
        })
        .unwrap();
    assert_eq!(deal.owner_id, o.hanako.user_id());
    assert_eq!(deal.created_by, o.jiro.user_id());

    let outsider = [
        o.outsider
            .update_deal(deal.id, deal.version, &deal.input())
            .map(|_| ()),
        o.outsider.win_deal(deal.id, deal.version, None).map(|_| ()),
        o.outsider
            .lose_deal(deal.id, deal.version, None, None)
            .map(|_| ()),
    ];
    for result in outsider {
        assert!(
            matches!(result, Err(Error::PermissionDenied { .. })),
            "{result:?}"
        );
    }
    assert_eq!(o.hanako.get_deal(deal.id).unwrap(), deal);

    let by_owner = o
        .hanako
        .update_deal(
            deal.id,
            deal.version,
            &DealInput {
                amount: Some(dec("3500000")),
                ..deal.input()
            },
        )
        .unwrap();
    let by_creator = o
        .jiro
        .update_deal(
            deal.id,
            by_owner.version,
            &DealInput {
                expected_close_on: Some(date(2027, 3, 31)),
                ..by_owner.input()
            },
        )
        .unwrap();
    let won = o
        .manager
        .win_deal(deal.id, by_creator.version, None)
        .unwrap();
    assert_eq!(won.status, DealStatus::Won);
    assert_eq!(won.closed_on, Some(date(2026, 12, 1)), "today in Japan");
    let discount = o.hanako.update_deal(
        deal.id,
        won.version,
        &DealInput {
            amount: Some(dec("3400000")),
            ..won.input()
        },
    );
    assert_eq!(
        field_error(discount),
        (Entity::Deal, "amount", Reason::NotWhile("won"))
    );

    // Reopening is for the owner and admins, not the creator.
    let creator = o.jiro.reopen_deal(deal.id, won.version);
    assert!(matches!(creator, Err(Error::PermissionDenied { .. })));
    let reopened = o.hanako.reopen_deal(deal.id, won.version).unwrap();
    assert_eq!(reopened.status, DealStatus::Open);
    assert_eq!(reopened.closed_on, None);
    let stale = o.hanako.update_deal(deal.id, won.version, &won.input());
    assert!(matches!(stale, Err(Error::Conflict { .. })), "{stale:?}");
}

#[test]
fn a_closed_deal_is_frozen_until_reopened_and_leaves_the_open_lists() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let deal = o
        .hanako
        .add_deal(&DealInput {
            expected_close_on: Some(date(2026, 12, 20)),
            lines: vec![line(c.products[1].id, "3", None)],
            ..DealInput::named(o.company.id, "在庫管理オプション追加")
        })
        .unwrap();
    let open = o.hanako.open_deals(None, &PageRequest::default()).unwrap();
    assert_eq!(open.items.len(), 1);

    o.clock.set(o.clock_now() + Duration::days(3));
    let lost = o
        .hanako
        .lose_deal(deal.id, deal.version, None, Some("競合他社に価格で負け"))
        .unwrap();
    assert_eq!(lost.status, DealStatus::Lost);
    assert_eq!(lost.closed_on, Some(date(2026, 12, 4)));
    assert_eq!(lost.lost_reason.as_deref(), Some("競合他社に価格で負け"));
    for page in [
        o.hanako.open_deals(None, &PageRequest::default()).unwrap(),
        o.hanako
            .product_deals(c.products[1].id, &PageRequest::default())
            .unwrap(),
    ] {
        assert!(page.items.is_empty(), "a closed deal is inactive");
    }
    let company = o
        .hanako
        .company_deals(o.company.id, &PageRequest::default())
        .unwrap();
    assert_eq!(company.items, vec![lost.clone()], "history keeps it");

    let more_lines = o.hanako.update_deal(
        deal.id,
        lost.version,
        &DealInput {
            lines: vec![line(c.products[1].id, "4", None)],
            ..lost.input()
        },
    );
    assert_eq!(
        field_error(more_lines),
        (Entity::Deal, "lines", Reason::NotWhile("lost"))
    );
    let noted = o
        .hanako
        .update_deal(
            deal.id,
            lost.version,
            &DealInput {
                notes: Some("来期に再提案".into()),
                ..lost.input()
            },
        )
        .unwrap();
    let twice = o.hanako.win_deal(deal.id, noted.version, None);
    assert_eq!(
        field_error(twice),
        (Entity::Deal, "status", Reason::NotWhile("lost"))
    );
    let reopened = o.hanako.reopen_deal(deal.id, noted.version).unwrap();
    let changed = o
        .hanako
        .update_deal(
            deal.id,
            reopened.version,
            &DealInput {
                lines: vec![line(c.products[1].id, "4", None)],
                ..reopened.input()
            },
        )
        .unwrap();
    assert_eq!(changed.amount, Some(dec("480000")));
}

#[test]
fn a_close_date_before_creation_is_refused() {
    let o = Office::new();
    let deal = o
        .hanako
        .add_deal(&DealInput::named(o.company.id, "即決"))
        .unwrap();
    let early = o
        .hanako
        .win_deal(deal.id, deal.version, Some(date(2026, 11, 1)));
    assert_eq!(
        field_error(early),
        (Entity::Deal, "closed_on", Reason::BeforeCreation)
    );
    assert_eq!(o.hanako.get_deal(deal.id).unwrap(), deal);
}

#[test]
fn deal_lists_are_paginated_in_a_stable_order() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let other = o
        .hanako
        .add_company(&CompanyInput::named("鈴木商事株式会社"))
        .unwrap();
    let mut expected = Vec::new();
    for n in 0..9u32 {
        let input = DealInput {
            expected_close_on: (n % 3 != 0).then(|| date(2027, 1 + n % 4, 10)),
            campaign_id: (n % 2 == 0).then_some(c.campaign.id),
            company_id: if n < 5 { o.company.id } else { other.id },
            lines: if n % 3 == 1 {
                vec![line(c.products[0].id, "1", None)]
            } else {
                vec![]
            },
            ..DealInput::named(o.company.id, format!("案件 {n}"))
        };
        expected.push(o.hanako.add_deal(&input).unwrap());
    }
    o.jiro
        .add_deal(&DealInput::named(o.company.id, "次郎の案件"))
        .unwrap();

    let mut sorted = expected.clone();
    sorted.sort_by_key(|d| (d.sort_key(), d.id));
    let mut walked = Vec::new();
    let mut page = PageRequest::first(4);
    loop {
        let got = o.hanako.open_deals(None, &page).unwrap();
        walked.extend(got.items.iter().map(|d| d.id));
        match got.next_cursor {
            Some(cursor) => page = page.after(cursor),
            None => break,
        }
    }
    assert_eq!(walked, sorted.iter().map(|d| d.id).collect::<Vec<_>>());
    let last = o.hanako.get_deal(*walked.last().unwrap()).unwrap();
    assert_eq!(last.expected_close_on, None, "undated deals come last");

    let jiro = o
        .manager
        .open_deals(Some(o.jiro.user_id()), &PageRequest::default())
        .unwrap();
    assert_eq!(jiro.items.len(), 1);
    let yamada = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap();
    assert_eq!(yamada.items.len(), 6);
    let campaign = o
        .hanako
        .campaign_deals(c.campaign.id, &PageRequest::first(100))
        .unwrap();
    assert_eq!(campaign.items.len(), 5);
    let product = o
        .hanako
        .product_deals(c.products[0].id, &PageRequest::first(100))
        .unwrap();
    assert_eq!(product.items.len(), 3);
}

#[test]
fn bad_deal_input_names_the_field_and_writes_nothing() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let named = |name: &str| DealInput::named(o.company.id, name);
    let cases: Vec<(DealInput, &str, Reason)> = vec![
        (
            DealInput {
                amount: Some(dec("-1")),
                ..named("負")
            },
            "amount",
            Reason::Negative,
        ),
        (
            DealInput {
                lines: vec![line(c.products[0].id, "0", None)],
                ..named("数量ゼロ")
            },
            "lines.quantity",
            Reason::NotPositive,
        ),
        (
            DealInput {
                lines: vec![line(c.products[0].id, "1", Some("-5"))],
                ..named("負の単価")
            },
            "lines.unit_price",
            Reason::Negative,
        ),
        (
            DealInput {
                stage_id: Some(sfa_core::StageId::new()),
                ..named("謎の段階")
            },
            "stage_id",
            Reason::UnknownReference,
        ),
        (
            DealInput {
                confidence_id: Some(sfa_core::ConfidenceId::new()),
                ..named("謎の確度")
            },
            "confidence_id",
            Reason::UnknownReference,
        ),
        (
            DealInput {
                campaign_id: Some(sfa_core::CampaignId::new()),
                ..named("謎の施策")
            },
            "campaign_id",
            Reason::UnknownReference,
        ),
        (
            DealInput {
                lines: vec![line(sfa_core::ProductId::new(), "1", None)],
                ..named("謎の商材")
            },
            "lines.product_id",
            Reason::UnknownReference,
        ),
        (
            DealInput {
                owner_id: Some(sfa_core::UserId::new()),
                ..named("謎の担当")
            },
            "owner_id",
            Reason::UnknownReference,
        ),
        (
            DealInput::named(sfa_core::CompanyId::new(), "謎の会社"),
            "company_id",
            Reason::UnknownReference,
        ),
        (
            DealInput {
                amount: Some(dec("0.00001")),
                ..named("細かすぎ")
            },
            "amount",
            Reason::TooPrecise { max_places: 4 },
        ),
    ];
    for (input, field, reason) in cases {
        assert_eq!(
            field_error(o.hanako.add_deal(&input)),
            (Entity::Deal, field, reason)
        );
    }
    let gone = o.deactivate(&o.outsider);
    let inactive = o.hanako.add_deal(&DealInput {
        owner_id: Some(gone),
        ..named("退職者")
    });
    assert_eq!(
        field_error(inactive),
        (Entity::Deal, "owner_id", Reason::Inactive)
    );
    o.manager
        .retire_master(MasterId::Campaign(c.campaign.id), c.campaign.version)
        .unwrap();
    let retired = o.hanako.add_deal(&DealInput {
        campaign_id: Some(c.campaign.id),
        ..named("終了した施策")
    });
    assert_eq!(
        field_error(retired),
        (Entity::Deal, "campaign_id", Reason::Inactive)
    );
    let all = o
        .hanako
        .company_deals(o.company.id, &PageRequest::default())
        .unwrap();
    assert!(all.items.is_empty(), "nothing half-written");
}

#[test]
fn tasks_can_move_a_deal_forward() {
    let o = Office::new();
    let deal = o
        .hanako
        .add_deal(&DealInput::named(o.company.id, "更新案件"))
        .unwrap();
    let task = o
        .hanako
        .add_task(&TaskInput {
            deal_id: Some(deal.id),
            ..TaskInput::titled("見積書の作成")
        })
        .unwrap();
    assert_eq!(o.hanako.get_task(task.id).unwrap().deal_id, Some(deal.id));
    let unknown = o.hanako.add_task(&TaskInput {
        deal_id: Some(sfa_core::DealId::new()),
        ..TaskInput::titled("x")
    });
    assert_eq!(
        field_error(unknown),
        (Entity::Task, "deal_id", Reason::UnknownReference)
    );
}

#[test]
fn line_amounts_round_to_four_places_and_totals_stay_in_range() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let p = c.products[3].id;
    // 1.5 x 0.0001 = 0.00015: rounded half away from zero (四捨五入) to 0.0002.
    let fine = o
        .hanako
        .add_deal(&DealInput {
            lines: vec![line(p, "1.5", Some("0.0001")), line(p, "3", Some("0.0001"))],
            expected_close_on: Some(date(2026, 12, 20)),
            ..DealInput::named(o.company.id, "端数の丸め")
        })
        .unwrap();
    assert_eq!(fine.lines[0].amount, dec("0.0002"));
    assert_eq!(fine.lines[1].amount, dec("0.0003"));
    assert_eq!(fine.amount, Some(dec("0.0005")));

    // Two lines of 9e14 add up past the amount limit; 999999999 x 999999999999999
    // is past it on its own: both refused naming `lines`, nothing stored.
    let too_big = [
        vec![
            line(p, "1", Some("900000000000000")),
            line(p, "1", Some("900000000000000")),
        ],
        vec![line(p, "999999999", Some("999999999999999"))],
    ];
    for lines in too_big {
        let refused = o.hanako.add_deal(&DealInput {
            lines,
            ..DealInput::named(o.company.id, "桁あふれ")
        });
        assert_eq!(
            field_error(refused),
            (Entity::Deal, "lines", Reason::OutOfRange)
        );
    }
    let stored = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap();
    assert_eq!(stored.items.len(), 1);

    // Updating an open deal follows the same rule.
    let refused = o.hanako.update_deal(
        fine.id,
        fine.version,
        &DealInput {
            lines: vec![line(p, "999999999", Some("999999999999999"))],
            ..fine.input()
        },
    );
    assert_eq!(
        field_error(refused),
        (Entity::Deal, "lines", Reason::OutOfRange)
    );
    // The forecast still answers.
    let rows = o
        .manager
        .forecast(&sfa_core::forecast::ForecastRequest {
            first_month: date(2026, 12, 1),
            last_month: date(2027, 1, 1),
            group_by: vec![],
        })
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].pipeline, dec("0.0005"));
}
