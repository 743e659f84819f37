//! The teams, cards and board part of the suite: teams with members, cards with their
//! images and queue, person matching, and the board's scans.

use chrono::NaiveDate;

use super::activity::{interaction, task};
use super::{at, person, seed, user};
use crate::error::{Entity, Error};
use crate::model::{
    BusinessCard, CardId, CardStatus, Deal, DealId, DealStatus, ImageType, Team, TeamId, User,
};
use crate::store::{PersonMatch, Store};

fn team(by: &User, name: &str, members: Vec<crate::UserId>) -> Team {
    Team {
        id: TeamId::new(),
        name: name.into(),
        member_ids: members,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

fn card(by: &User, secs: i64) -> BusinessCard {
    BusinessCard {
        id: CardId::new(),
        media_type: ImageType::Png,
        size_bytes: 4,
        transcriber_id: by.id,
        status: CardStatus::Pending,
        person_id: None,
        company_id: None,
        discard_reason: None,
        created_at: at(secs),
        created_by: by.id,
        updated_at: at(secs),
        updated_by: by.id,
        version: 1,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).expect("date")
}

/// A conformance check (see [the suite](super)).
pub fn teams_round_trip_with_their_members(store: &dyn Store) {
    let (u, _) = seed(store);
    let other = user("営業", "sales@example.jp");
    let t = team(&u, "東日本", vec![other.id, u.id]);
    store
        .write(|tx| {
            tx.insert_user(&other)?;
            tx.insert_team(&t)
        })
        .expect("insert team");
    assert_eq!(
        store.read(|tx| tx.get_team(t.id)).expect("read"),
        Some(t.clone()),
        "team round trip, members in order"
    );
    let mut smaller = t.clone();
    smaller.member_ids = vec![u.id];
    smaller.version = 2;
    store
        .write(|tx| tx.update_team(&smaller, 1))
        .expect("update team");
    assert_eq!(
        store.read(|tx| tx.list_teams()).expect("list"),
        vec![smaller.clone()],
        "an update replaces the members"
    );
    assert_eq!(
        store.read(|tx| tx.team_memberships()).expect("memberships"),
        vec![(u.id, t.id)]
    );
    assert_eq!(
        store
            .read(|tx| tx.team_id_by_name("東日本"))
            .expect("by name"),
        Some(t.id)
    );
    assert!(
        matches!(
            store.write(|tx| tx.update_team(&smaller, 1)),
            Err(Error::Conflict {
                entity: Entity::Team,
                ..
            })
        ),
        "a stale team update is a Conflict"
    );
}

/// A conformance check (see [the suite](super)).
pub fn cards_keep_their_images_and_queue_oldest_first(store: &dyn Store) {
    let (u, _) = seed(store);
    let late = card(&u, 20);
    let early = card(&u, 10);
    let image = [0x89, b'P', b'N', b'G'];
    store
        .write(|tx| {
            tx.insert_card(&late, &image)?;
            tx.insert_card(&early, &image)
        })
        .expect("insert cards");
    assert_eq!(
        store.read(|tx| tx.card_image(early.id)).expect("image"),
        Some(image.to_vec()),
        "the image reads back exactly"
    );
    let queue = store
        .read(|tx| tx.card_queue(u.id, None, 10))
        .expect("queue");
    assert_eq!(queue, vec![early.clone(), late.clone()], "oldest first");
    let mut done = early.clone();
    done.status = CardStatus::Discarded;
    done.discard_reason = Some("判読不能".into());
    done.version = 2;
    store
        .write(|tx| tx.update_card(&done, 1))
        .expect("update card");
    let queue = store
        .read(|tx| tx.card_queue(u.id, None, 10))
        .expect("queue");
    assert_eq!(queue, vec![late], "only pending cards queue");
    assert_eq!(
        store.read(|tx| tx.card_image(early.id)).expect("image"),
        Some(image.to_vec()),
        "a discarded card keeps its image"
    );
}

/// A conformance check (see [the suite](super)).
pub fn persons_are_matched_by_email_phone_and_name(store: &dyn Store) {
    let (u, c) = seed(store);
    let p = person(&u, c.id, "高橋 一郎", None);
    store.write(|tx| tx.insert_person(&p)).expect("insert");
    let found = |by| store.read(|tx| tx.find_persons(by)).expect("find");
    assert_eq!(
        found(PersonMatch::Email("TARO@example.co.jp")),
        vec![p.clone()],
        "e-mail, any case"
    );
    assert_eq!(
        found(PersonMatch::Phone("+819012345678")),
        vec![p.clone()],
        "mobile"
    );
    assert_eq!(
        found(PersonMatch::Phone("+81312345678")),
        vec![p.clone()],
        "office"
    );
    assert_eq!(
        found(PersonMatch::NameAtCompany(c.id, "高橋 一郎")),
        vec![p]
    );
    assert!(found(PersonMatch::Phone("+81300000000")).is_empty());
}

/// A conformance check (see [the suite](super)).
pub fn the_board_scans_its_window_and_its_members(store: &dyn Store) {
    let (u, c) = seed(store);
    let other = user("営業", "sales@example.jp");
    let inside = interaction(&u, c.id, 1000);
    let outside = interaction(&u, c.id, 90_000);
    let mut theirs = interaction(&u, c.id, 1000);
    theirs.participant_ids = vec![other.id];
    let overdue = task(&u, Some(day(1)));
    let later = task(&u, Some(day(20)));
    let mut open_deal = Deal {
        id: DealId::new(),
        company_id: c.id,
        name: "更新".into(),
        owner_id: u.id,
        amount: Some("1000.5".parse().expect("decimal")),
        expected_close_on: Some(day(15)),
        stage_id: None,
        confidence_id: None,
        campaign_id: None,
        lines: Vec::new(),
        notes: None,
        status: DealStatus::Open,
        closed_on: None,
        lost_reason: None,
        created_at: at(0),
        created_by: u.id,
        updated_at: at(0),
        updated_by: u.id,
        version: 1,
    };
    let mut won = open_deal.clone();
    won.id = DealId::new();
    won.status = DealStatus::Won;
    won.closed_on = Some(day(2));
    store
        .write(|tx| {
            tx.insert_user(&other)?;
            for i in [&inside, &outside, &theirs] {
                tx.insert_interaction(i)?;
            }
            tx.insert_task(&overdue)?;
            tx.insert_task(&later)?;
            tx.insert_deal(&open_deal)?;
            tx.insert_deal(&won)
        })
        .expect("inserts");
    let window = store
        .read(|tx| tx.interactions_starting(&[u.id], at(0), at(2000)))
        .expect("window");
    assert_eq!(
        window.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![inside.id],
        "the members' interactions starting in the window"
    );
    assert_eq!(
        store
            .read(|tx| tx.task_counts(u.id, day(10)))
            .expect("counts"),
        (2, 1),
        "open and overdue"
    );
    assert_eq!(
        store
            .read(|tx| tx.overdue_tasks(u.id, day(10), 10))
            .expect("overdue")
            .into_iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        vec![overdue.id]
    );
    let mut scanned = Vec::new();
    store
        .read(|tx| {
            tx.scan_open_deals(&[u.id], &mut |d| {
                let d = d.expect("a valid deal");
                scanned.push((d.owner_id, d.amount, d.status));
                Ok(())
            })
        })
        .expect("scan");
    open_deal.lines.clear();
    assert_eq!(
        scanned,
        vec![(u.id, open_deal.amount, DealStatus::Open)],
        "only open deals of the members"
    );
}
