#![allow(clippy::unwrap_used)]
//! Teams and the team board: who may create teams and see boards, and what a board
//! shows per member.

use sfa_core::forecast::{Dimension, ForecastRequest};
use sfa_core::{
    BoardRequest, DealInput, Entity, Error, InteractionInput, Reason, ReportInput, TaskInput,
    TeamInput, UserId,
};
use sfa_testkit::{Catalog, Office, date, dec, field_error, jst};

#[test]
fn admins_create_teams_with_members_and_users_may_be_in_several() {
    let o = Office::new();
    let east = o
        .manager
        .add_team(&TeamInput {
            name: "東日本営業".into(),
            member_ids: vec![o.hanako.user_id(), o.jiro.user_id(), o.hanako.user_id()],
        })
        .unwrap();
    assert_eq!(east.member_ids, vec![o.hanako.user_id(), o.jiro.user_id()]);
    let makers = o
        .manager
        .add_team(&TeamInput {
            name: "製造業担当".into(),
            member_ids: vec![o.hanako.user_id()],
        })
        .unwrap();
    assert_eq!(
        o.hanako.my_teams().unwrap(),
        vec![east.clone(), makers.clone()]
    );
    assert_eq!(o.jiro.my_teams().unwrap(), vec![east.clone()]);

    let denied = o.hanako.add_team(&TeamInput {
        name: "勝手チーム".into(),
        member_ids: vec![o.hanako.user_id()],
    });
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })));
    let empty = o.manager.add_team(&TeamInput {
        name: "空".into(),
        member_ids: vec![],
    });
    assert_eq!(
        field_error(empty),
        (Entity::Team, "member_ids", Reason::Required)
    );
    let ghost = o.manager.add_team(&TeamInput {
        name: "幽霊".into(),
        member_ids: vec![UserId::new()],
    });
    assert_eq!(
        field_error(ghost),
        (Entity::Team, "member_ids", Reason::UnknownReference)
    );
    let dup = o.manager.add_team(&TeamInput {
        name: "東日本営業".into(),
        member_ids: vec![o.jiro.user_id()],
    });
    assert_eq!(
        field_error(dup),
        (Entity::Team, "name", Reason::AlreadyUsed)
    );

    let changed = o
        .manager
        .update_team(
            east.id,
            east.version,
            &TeamInput {
                name: "東日本営業部".into(),
                member_ids: vec![o.jiro.user_id()],
            },
        )
        .unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(o.hanako.my_teams().unwrap(), vec![makers]);
}

#[test]
fn the_board_shows_each_members_deals_interactions_and_tasks() {
    let o = Office::new(); // 2026-12-01 09:00 JST
    let c = Catalog::create(&o.manager);
    let team = o
        .manager
        .add_team(&TeamInput {
            name: "東日本営業".into(),
            member_ids: vec![o.hanako.user_id(), o.jiro.user_id()],
        })
        .unwrap();
    // 花子: 1,000,000 at A (80%) and 500,000.5 at stage 提案 (40%); a won deal does not count.
    o.hanako
        .add_deal(&DealInput {
            amount: Some(dec("1000000")),
            confidence_id: Some(c.confidences[0].id),
            ..DealInput::named(o.company.id, "A案件")
        })
        .unwrap();
    o.hanako
        .add_deal(&DealInput {
            amount: Some(dec("500000.5")),
            stage_id: Some(c.stages[2].id),
            ..DealInput::named(o.company.id, "提案中")
        })
        .unwrap();
    let won = o
        .hanako
        .add_deal(&DealInput {
            amount: Some(dec("9999999")),
            ..DealInput::named(o.company.id, "受注済")
        })
        .unwrap();
    o.hanako.win_deal(won.id, won.version, None).unwrap();
    // Interactions: one tomorrow (upcoming), one reported yesterday (recent), one far away.
    let tomorrow = o
        .hanako
        .plan_interaction(&o.visit("明日の訪問", jst(2026, 12, 2, 10, 0)))
        .unwrap();
    let yesterday = o
        .hanako
        .log_interaction(
            &InteractionInput {
                participant_ids: vec![o.hanako.user_id(), o.jiro.user_id()],
                ..o.visit("昨日の訪問", jst(2026, 11, 30, 15, 0))
            },
            &ReportInput::outcome("好感触"),
        )
        .unwrap();
    o.hanako
        .plan_interaction(&o.visit("来月", jst(2027, 1, 15, 10, 0)))
        .unwrap();
    // Tasks: 次郎 has one overdue and one due later.
    o.jiro
        .add_task(&TaskInput {
            due_date: Some(date(2026, 11, 28)),
            ..TaskInput::titled("見積の催促")
        })
        .unwrap();
    o.jiro
        .add_task(&TaskInput {
            due_date: Some(date(2026, 12, 20)),
            ..TaskInput::titled("年末挨拶")
        })
        .unwrap();

    let board = o
        .jiro
        .team_board(&BoardRequest {
            team_id: team.id,
            ..BoardRequest::default()
        })
        .unwrap();
    assert_eq!(board.members.len(), 2);
    let hanako = &board.members[0];
    assert_eq!(hanako.name, "営業 花子");
    assert_eq!(hanako.open_deal_count, 2);
    assert_eq!(hanako.pipeline, dec("1500000.5"));
    assert_eq!(hanako.weighted, dec("1000000.2"));
    assert_eq!(
        hanako.upcoming.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![tomorrow.id]
    );
    assert_eq!(
        hanako.recent.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![yesterday.id]
    );
    let jiro = &board.members[1];
    assert_eq!(jiro.open_deal_count, 0);
    assert_eq!(jiro.recent.len(), 1, "a shared interaction shows for both");
    assert_eq!((jiro.open_task_count, jiro.overdue_task_count), (2, 1));
    assert_eq!(jiro.overdue_tasks[0].title, "見積の催促");

    let denied = o.outsider.team_board(&BoardRequest {
        team_id: team.id,
        ..BoardRequest::default()
    });
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })));
    let bad = o.jiro.team_board(&BoardRequest {
        team_id: team.id,
        days: Some(90),
        ..BoardRequest::default()
    });
    assert_eq!(field_error(bad), (Entity::Team, "days", Reason::OutOfRange));

    // Forecasts can now be grouped by team.
    let rows = o
        .manager
        .forecast(&ForecastRequest {
            first_month: date(2026, 12, 1),
            last_month: date(2026, 12, 1),
            group_by: vec![Dimension::Team],
        })
        .unwrap();
    let east = rows
        .iter()
        .find(|r| r.team.as_deref() == Some(team.id.to_string().as_str()))
        .unwrap();
    assert_eq!(east.won, dec("9999999"));
}

/// The board's sums cannot overflow: 400 deals at the largest amount there is add up
/// exactly (a Decimal sum overflowed and every member got an internal error).
#[test]
fn the_board_sums_the_largest_amounts_exactly() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    let team = o
        .manager
        .add_team(&TeamInput {
            name: "大口営業".into(),
            member_ids: vec![o.hanako.user_id()],
        })
        .unwrap();
    let largest = dec("999999999999999.9999");
    for i in 0..400 {
        o.hanako
            .add_deal(&DealInput {
                amount: Some(largest),
                confidence_id: Some(c.confidences[0].id),
                ..DealInput::named(o.company.id, format!("大型案件{i}"))
            })
            .unwrap();
    }
    let board = o
        .hanako
        .team_board(&BoardRequest {
            team_id: team.id,
            days: None,
            utc_offset_minutes: None,
        })
        .unwrap();
    let me = &board.members[0];
    assert_eq!(me.open_deal_count, 400);
    assert_eq!(me.pipeline, dec("399999999999999999.96"));
    assert_eq!(me.weighted, dec("319999999999999999.968"));
}
