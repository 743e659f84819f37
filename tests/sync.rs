#![allow(clippy::unwrap_used)]
//! Offline sync: phones (each with its own database) and the team server (the run's
//! backend), exchanging the library's own request and response bytes.

use chrono::Duration;
use sfa_core::sync::{Outcome, PushResponse, RefusalCode};
use sfa_core::{
    CompanyInput, InteractionKind, NotificationKind, PageRequest, ReportInput, TaskKind,
};
use sfa_testkit::Office;
use sfa_testkit::sync::Phone;

/// A minimal JPEG-looking image (the library checks the magic bytes, not the pixels).
fn jpeg(n: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..n).map(|i| (i * 31 % 251) as u8));
    bytes
}

/// Two phones of the office's members, synced once (they hold the office's data).
fn phones(o: &Office) -> (Phone, Phone) {
    let a = Phone::new(o.hanako.user_id(), &o.clock);
    let b = Phone::new(o.jiro.user_id(), &o.clock);
    a.sync(&o.sfa).unwrap();
    b.sync(&o.sfa).unwrap();
    (a, b)
}

fn assert_in_step(o: &Office, phone: &Phone) {
    assert_eq!(phone.records(), phone.expected(&o.sfa));
    let check = phone.sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
}

#[test]
fn a_fresh_phone_receives_the_office_and_acts_as_its_user() {
    let o = Office::new();
    let phone = Phone::new(o.hanako.user_id(), &o.clock);
    let report = phone.sync(&o.sfa).unwrap();
    assert!(report.pulled >= 7, "{report:?}"); // four users, a company, two persons
    let me = phone.me();
    assert_eq!(me.get_company(o.company.id).unwrap(), o.company);
    let hits = me.search(&sfa_core::SearchRequest::new("高橋")).unwrap();
    assert_eq!(hits[0].person_id(), Some(o.takahashi.id));
    assert_in_step(&o, &phone);
}

#[test]
fn both_phones_edit_a_company_offline_one_wins_and_the_other_gets_a_rejection() {
    for a_first in [true, false] {
        let o = Office::new();
        let (a, b) = phones(&o);
        let edit = |phone: &Phone, phone_number: &str| {
            let c = phone.me().get_company(o.company.id).unwrap();
            phone
                .me()
                .update_company(
                    c.id,
                    c.version,
                    &CompanyInput {
                        phone: Some(phone_number.into()),
                        ..c.input()
                    },
                )
                .unwrap()
        };
        edit(&a, "03-1111-1111");
        edit(&b, "06-2222-2222");
        let (first, second) = if a_first { (&a, &b) } else { (&b, &a) };
        assert_eq!(first.sync(&o.sfa).unwrap().pushed, 1);
        let report = second.sync(&o.sfa).unwrap();
        assert_eq!((report.pushed, report.rejected), (0, 1));

        let server = o.manager.get_company(o.company.id).unwrap();
        let winner = first.me().get_company(o.company.id).unwrap();
        assert_eq!(server, winner);
        // The loser's copy is the server's again, and the rejection says why, with
        // the server's record and the call as it was made.
        assert_eq!(second.me().get_company(o.company.id).unwrap(), server);
        let rejections = second.sfa.sync_client().rejections().unwrap();
        assert_eq!(rejections.len(), 1);
        assert_eq!(rejections[0].refusal.code, RefusalCode::Conflict);
        assert_eq!(rejections[0].call.call.name(), "update_company");
        let record = rejections[0].server_records[0].record.clone().unwrap();
        assert_eq!(record, sfa_core::sync::SyncRecord::Company(server));
        // The JSON form (what Kotlin and Swift get) is the same rejection.
        let json = second.sfa.sync_client().rejections_json().unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            serde_json::to_value(&rejections).unwrap()
        );
        let status = second.sfa.sync_client().status().unwrap();
        assert_eq!((status.pending, status.rejections), (0, 1));

        first.sync(&o.sfa).unwrap();
        assert_in_step(&o, &a);
        assert_in_step(&o, &b);
    }
}

#[test]
fn a_visit_reported_to_the_manager_reaches_the_managers_phone_as_task_and_notification() {
    let o = Office::new();
    let (a, _) = phones(&o);
    let boss = Phone::new(o.manager.user_id(), &o.clock);
    boss.sync(&o.sfa).unwrap();

    let start = o.clock_now() - Duration::hours(2);
    let visit = a
        .me()
        .log_interaction(
            &o.visit("新製品の提案", start),
            &ReportInput {
                report_to: Some(o.manager.user_id()),
                ..ReportInput::outcome("見積りを来週提出")
            },
        )
        .unwrap();
    assert_eq!(visit.kind, InteractionKind::Visit);
    assert_eq!(a.sync(&o.sfa).unwrap().pushed, 1);
    // The server decided the same side effects, with the same ids.
    assert_eq!(o.manager.get_interaction(visit.id).unwrap(), visit);

    boss.sync(&o.sfa).unwrap();
    let tasks = boss.me().interaction_tasks(visit.id).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].kind, TaskKind::Confirmation);
    assert_eq!(tasks, a.me().interaction_tasks(visit.id).unwrap());
    let due = boss.me().due_notifications(o.clock_now()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, NotificationKind::ConfirmationRequested);
    // Another user's notification never reaches a phone that is not theirs.
    let (_, b) = phones(&o);
    assert!(b.me().due_notifications(o.clock_now()).unwrap().is_empty());
    assert_in_step(&o, &boss);
    assert_in_step(&o, &a);
}

#[test]
fn a_card_delegated_to_a_colleague_is_transcribed_there_and_the_person_reaches_the_uploader() {
    let o = Office::new();
    let (a, b) = phones(&o);
    let image = jpeg(2_000);
    let card = a.me().upload_card(&image, "image/jpeg", None).unwrap();
    let card = a
        .me()
        .delegate_card(card.id, card.version, o.jiro.user_id())
        .unwrap();
    a.sync(&o.sfa).unwrap();

    b.sync(&o.sfa).unwrap();
    let queue = b.me().card_queue(&PageRequest::default()).unwrap();
    assert_eq!(queue.items, vec![card.clone()]);
    // The image travels on demand.
    assert!(b.me().card_image(card.id).is_err());
    let bytes = o.sfa.sync_server().card_image(b.user, card.id).unwrap();
    b.sfa
        .sync_client()
        .store_card_image(card.id, &bytes)
        .unwrap();
    assert_eq!(b.me().card_image(card.id).unwrap(), image);

    let done = b
        .me()
        .transcribe_card(
            card.id,
            card.version,
            &sfa_core::TranscribeInput {
                company: sfa_core::CompanyChoice::Existing(o.company.id),
                person: sfa_core::PersonChoice::New(sfa_core::PersonInput::named(
                    o.company.id,
                    "田中 誠",
                )),
            },
        )
        .unwrap();
    b.sync(&o.sfa).unwrap();
    a.sync(&o.sfa).unwrap();
    assert_eq!(a.me().get_person(done.person.id).unwrap(), done.person);
    assert_eq!(a.me().get_card(card.id).unwrap(), done.card);
    assert_in_step(&o, &a);
    assert_in_step(&o, &b);
}

#[test]
fn a_push_sent_twice_is_applied_once_and_answered_the_same() {
    let o = Office::new();
    let (a, _) = phones(&o);
    a.me()
        .add_company(&CompanyInput::named("株式会社二重送信"))
        .unwrap();
    let push = a.sfa.sync_client().push_request(1 << 20).unwrap().unwrap();
    let first = o.sfa.sync_server().push(a.user, &push).unwrap();
    let again = o.sfa.sync_server().push(a.user, &push).unwrap();
    assert_eq!(first, again);
    let answer: PushResponse = serde_json::from_slice(&first).unwrap();
    assert_eq!(answer.results[0].outcome, Outcome::Applied);
    a.sfa.sync_client().apply_push_response(&first).unwrap();
    a.sfa.sync_client().apply_push_response(&again).unwrap();
    let named = o.manager.list_companies(&PageRequest::default()).unwrap();
    assert_eq!(
        named
            .items
            .iter()
            .filter(|c| c.name == "株式会社二重送信")
            .count(),
        1
    );
    assert_eq!(a.sfa.sync_client().status().unwrap().pending, 0);
    a.sync(&o.sfa).unwrap();
    assert_in_step(&o, &a);
}

#[test]
fn a_refused_call_does_not_block_the_calls_behind_it() {
    let o = Office::new();
    let (a, b) = phones(&o);
    // b archives the company; a, offline, still edits it and then adds another.
    let c = b.me().get_company(o.company.id).unwrap();
    b.me().archive_company(c.id, c.version).unwrap();
    b.sync(&o.sfa).unwrap();
    let c = a.me().get_company(o.company.id).unwrap();
    a.me()
        .update_company(
            c.id,
            c.version,
            &CompanyInput {
                notes: Some("訪問済み".into()),
                ..c.input()
            },
        )
        .unwrap();
    let other = a
        .me()
        .add_company(&CompanyInput::named("株式会社後続"))
        .unwrap();
    let report = a.sync(&o.sfa).unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 1));
    assert_eq!(o.manager.get_company(other.id).unwrap(), other);
    assert!(a.me().get_company(o.company.id).unwrap().archived);
    assert_in_step(&o, &a);
}

/// Makes a call on a phone, syncs it, and checks that the server applied it and that
/// the phone's records are byte for byte the server's.
fn step<T>(
    o: &Office,
    phone: &Phone,
    name: &str,
    call: impl FnOnce(&sfa_core::Session) -> sfa_core::Result<T>,
) -> T {
    let value = call(&phone.me()).unwrap_or_else(|e| panic!("{name} on the phone: {e}"));
    let report = phone.sync(&o.sfa).unwrap();
    assert_eq!((report.pushed, report.rejected), (1, 0), "{name}");
    assert_eq!(phone.records(), phone.expected(&o.sfa), "{name}");
    value
}

#[test]
fn every_kind_of_call_made_offline_is_stored_identically_on_the_server() {
    use sfa_core::{
        DealInput, DealLineInput, ImportOptions, InteractionInput, TaskInput, TeamInput, UserInput,
    };
    use sfa_testkit::{Catalog, date, dec};
    let o = Office::new();
    let boss = Phone::new(o.manager.user_id(), &o.clock);
    boss.sync(&o.sfa).unwrap();
    let a = Phone::new(o.hanako.user_id(), &o.clock);
    a.sync(&o.sfa).unwrap();

    // The manager's calls: users, master data (the catalog makes one of each), teams.
    let user = step(&o, &boss, "add_user", |s| {
        s.add_user(&UserInput::member("営業 四郎", "shiro@example.jp"))
    });
    step(&o, &boss, "update_user", |s| {
        s.update_user(
            user.id,
            user.version,
            &UserInput {
                name: "営業 史郎".into(),
                ..UserInput::member("", "shiro@example.jp")
            },
        )
    });
    let c = Catalog::create(&boss.me());
    assert_eq!(boss.sync(&o.sfa).unwrap().pushed, 15);
    let campaign = step(&o, &boss, "update_campaign", |s| {
        s.update_campaign(
            c.campaign.id,
            c.campaign.version,
            &sfa_core::CampaignInput {
                name: c.campaign.name.clone(),
                starts_on: c.campaign.starts_on,
                ends_on: c.campaign.ends_on,
                cost: dec("1300000"),
                notes: None,
            },
        )
    });
    let _ = campaign;
    step(&o, &boss, "add_master", |s| {
        s.add_master(sfa_core::model::MasterInput::Confidence(
            sfa_core::ConfidenceInput {
                label: "D".into(),
                percentage: 5,
            },
        ))
    });
    let stage = &c.stages[0];
    step(&o, &boss, "update_stage", |s| {
        s.update_stage(
            stage.id,
            stage.version,
            &sfa_core::StageInput {
                name: "初回訪問（新規）".into(),
                default_percentage: Some(10),
            },
        )
    });
    let order: Vec<_> = c.stages.iter().rev().map(|s| s.id).collect();
    step(&o, &boss, "reorder_stages", |s| s.reorder_stages(&order));
    let conf = &c.confidences[2];
    step(&o, &boss, "update_confidence", |s| {
        s.update_confidence(
            conf.id,
            conf.version,
            &sfa_core::ConfidenceInput {
                label: "C".into(),
                percentage: 25,
            },
        )
    });
    let cat = &c.categories[1];
    step(&o, &boss, "update_product_category", |s| {
        s.update_product_category(
            cat.id,
            cat.version,
            &sfa_core::ProductCategoryInput {
                name: "サービス・保守".into(),
            },
        )
    });
    let p = &c.products[3];
    step(&o, &boss, "update_product", |s| {
        s.update_product(
            p.id,
            p.version,
            &sfa_core::ProductInput {
                category_id: p.category_id,
                code: p.code.clone(),
                name: p.name.clone(),
                unit_price: dec("9000"),
            },
        )
    });
    let spare = step(&o, &boss, "add_product_category", |s| {
        s.add_product_category(&sfa_core::ProductCategoryInput {
            name: "予備".into(),
        })
    });
    let spare_id = sfa_core::MasterId::ProductCategory(spare.id);
    let retired = step(&o, &boss, "retire_master", |s| {
        s.retire_master(spare_id, spare.version)
    });
    let restored = step(&o, &boss, "restore_master", |s| {
        s.restore_master(spare_id, retired.version())
    });
    let _ = restored;
    step(&o, &boss, "delete_master", |s| s.delete_master(spare_id));
    let team = step(&o, &boss, "add_team", |s| {
        s.add_team(&TeamInput {
            name: "東日本営業".into(),
            member_ids: vec![o.hanako.user_id()],
        })
    });
    step(&o, &boss, "update_team", |s| {
        s.update_team(
            team.id,
            team.version,
            &TeamInput {
                name: "東日本営業部".into(),
                member_ids: vec![o.hanako.user_id(), o.jiro.user_id()],
            },
        )
    });
    step(&o, &boss, "import_masters_csv", |s| {
        s.import_masters_csv(
            "kind,name\nproduct_category,ハードウェア\n".as_bytes(),
            &ImportOptions::default(),
        )
    });
    step(&o, &boss, "import_users_csv", |s| {
        s.import_users_csv(
            "name,email\n営業 五郎,goro@example.jp\n".as_bytes(),
            &ImportOptions::default(),
        )
    });
    a.sync(&o.sfa).unwrap();

    // A member's day: the ledger, activity, deals, cards, imports.
    let company = step(&o, &a, "add_company", |s| {
        s.add_company(&CompanyInput::named("株式会社青山商事"))
    });
    step(&o, &a, "add_companies", |s| {
        s.add_companies(&[
            CompanyInput::named("赤坂物産株式会社"),
            CompanyInput::named("有限会社池袋工業"),
        ])
    });
    let company = step(&o, &a, "update_company", |s| {
        s.update_company(
            company.id,
            company.version,
            &CompanyInput {
                phone: Some("03-5555-1234".into()),
                ..company.input()
            },
        )
    });
    let company = step(&o, &a, "archive_company", |s| {
        s.archive_company(company.id, company.version)
    });
    let company = step(&o, &a, "restore_company", |s| {
        s.restore_company(company.id, company.version)
    });
    let person = step(&o, &a, "add_person", |s| {
        s.add_person(&sfa_core::PersonInput::named(company.id, "青山 太郎"))
    });
    let person = step(&o, &a, "update_person", |s| {
        s.update_person(
            person.id,
            person.version,
            &sfa_core::PersonInput {
                title: Some("部長".into()),
                ..person.input()
            },
        )
    });
    let person = step(&o, &a, "archive_person", |s| {
        s.archive_person(person.id, person.version)
    });
    let person = step(&o, &a, "restore_person", |s| {
        s.restore_person(person.id, person.version)
    });
    let tomorrow = o.clock_now() + Duration::days(1);
    let planned = step(&o, &a, "plan_interaction", |s| {
        s.plan_interaction(&InteractionInput {
            person_ids: vec![person.id],
            ..InteractionInput {
                company_id: company.id,
                purpose: "初回訪問".into(),
                starts_at: tomorrow,
                ends_at: tomorrow + Duration::hours(1),
                participant_ids: vec![o.hanako.user_id()],
                ..Default::default()
            }
        })
    });
    let planned = step(&o, &a, "update_interaction", |s| {
        s.update_interaction(
            planned.id,
            planned.version,
            &InteractionInput {
                purpose: "初回訪問と製品紹介".into(),
                ..planned.input()
            },
        )
    });
    let later = tomorrow + Duration::days(1);
    let planned = step(&o, &a, "reschedule_interaction", |s| {
        s.reschedule_interaction(
            planned.id,
            planned.version,
            later,
            later + Duration::hours(2),
        )
    });
    step(&o, &a, "cancel_interaction", |s| {
        s.cancel_interaction(planned.id, planned.version, Some("先方都合"))
    });
    let past = o.clock_now() - Duration::hours(3);
    let call = step(&o, &a, "log_interaction", |s| {
        s.log_interaction(
            &InteractionInput {
                kind: InteractionKind::Call,
                company_id: company.id,
                purpose: "日程調整".into(),
                starts_at: past,
                ends_at: past + Duration::minutes(10),
                participant_ids: vec![o.hanako.user_id()],
                ..Default::default()
            },
            &ReportInput::outcome("来週訪問で合意"),
        )
    });
    let _ = call;
    let visit = step(&o, &a, "plan_interaction", |s| {
        s.plan_interaction(&InteractionInput {
            company_id: company.id,
            purpose: "製品デモ".into(),
            starts_at: tomorrow,
            ends_at: tomorrow + Duration::hours(1),
            participant_ids: vec![o.hanako.user_id()],
            ..Default::default()
        })
    });
    o.clock.advance(Duration::days(2));
    step(&o, &a, "report_interaction", |s| {
        s.report_interaction(
            visit.id,
            visit.version,
            &ReportInput {
                report_to: Some(o.manager.user_id()),
                ..ReportInput::outcome("デモ好評、見積依頼あり")
            },
        )
    });
    let task = step(&o, &a, "add_task", |s| {
        s.add_task(&TaskInput {
            due_date: Some(date(2026, 12, 4)),
            remind_at: Some(o.clock_now() + Duration::hours(5)),
            company_id: Some(company.id),
            ..TaskInput::titled("見積書を送る")
        })
    });
    let task = step(&o, &a, "update_task", |s| {
        s.update_task(
            task.id,
            task.version,
            &TaskInput {
                due_date: Some(date(2026, 12, 5)),
                ..task.input()
            },
        )
    });
    let task = step(&o, &a, "complete_task", |s| {
        s.complete_task(task.id, task.version)
    });
    step(&o, &a, "reopen_task", |s| {
        s.reopen_task(task.id, task.version)
    });
    let deal = step(&o, &a, "add_deal", |s| {
        s.add_deal(&DealInput {
            stage_id: Some(c.stages[1].id),
            lines: vec![DealLineInput {
                product_id: c.products[0].id,
                quantity: dec("2"),
                unit_price: None,
            }],
            ..DealInput::named(company.id, "生産管理システム")
        })
    });
    let deal = step(&o, &a, "update_deal", |s| {
        s.update_deal(
            deal.id,
            deal.version,
            &DealInput {
                expected_close_on: Some(date(2027, 2, 28)),
                ..deal.input()
            },
        )
    });
    let deal = step(&o, &a, "win_deal", |s| {
        s.win_deal(deal.id, deal.version, None)
    });
    let deal = step(&o, &a, "reopen_deal", |s| {
        s.reopen_deal(deal.id, deal.version)
    });
    step(&o, &a, "lose_deal", |s| {
        s.lose_deal(deal.id, deal.version, None, Some("価格"))
    });
    let card = step(&o, &a, "upload_card", |s| {
        s.upload_card(&jpeg(500), "image/jpeg", None)
    });
    let card = step(&o, &a, "delegate_card", |s| {
        s.delegate_card(card.id, card.version, o.jiro.user_id())
    });
    let card = step(&o, &a, "delegate_card back", |s| {
        s.delegate_card(card.id, card.version, o.hanako.user_id())
    });
    step(&o, &a, "transcribe_card", |s| {
        s.transcribe_card(
            card.id,
            card.version,
            &sfa_core::TranscribeInput {
                company: sfa_core::CompanyChoice::New(CompanyInput::named("株式会社名刺")),
                person: sfa_core::PersonChoice::New(sfa_core::PersonInput::named(
                    sfa_core::CompanyId::default(),
                    "名刺 花子",
                )),
            },
        )
    });
    let other = step(&o, &a, "upload_card", |s| {
        s.upload_card(&jpeg(300), "image/jpeg", None)
    });
    step(&o, &a, "discard_card", |s| {
        s.discard_card(other.id, other.version, "重複")
    });
    step(&o, &a, "import_companies_csv", |s| {
        s.import_companies_csv(
            "name\n株式会社輸入一\n株式会社輸入二\n".as_bytes(),
            &ImportOptions::default(),
        )
    });
    step(&o, &a, "import_persons_csv", |s| {
        s.import_persons_csv(
            "name,company_name\n輸入 一郎,株式会社輸入一\n".as_bytes(),
            &ImportOptions::default(),
        )
    });
    step(&o, &a, "import_deals_csv", |s| {
        s.import_deals_csv(
            format!(
                "name,company_name,product_code,quantity\n輸入案件,株式会社輸入一,{},1\n",
                c.products[1].code
            )
            .as_bytes(),
            &ImportOptions::default(),
        )
    });
    step(&o, &a, "add_deal", |s| {
        s.add_deal(&DealInput {
            expected_close_on: Some(date(2027, 1, 31)),
            confidence_id: Some(c.confidences[0].id),
            lines: vec![DealLineInput {
                product_id: c.products[2].id,
                quantity: dec("12"),
                unit_price: None,
            }],
            ..DealInput::named(company.id, "保守契約")
        })
    });
    assert_in_step(&o, &a);
    boss.sync(&o.sfa).unwrap();
    assert_in_step(&o, &boss);
    // Analyses on the synced data give the server's answers.
    let request = sfa_core::forecast::ForecastRequest {
        first_month: date(2026, 12, 1),
        last_month: date(2027, 6, 1),
        group_by: vec![sfa_core::forecast::Dimension::Owner],
    };
    let on_phone = boss.me().forecast(&request).unwrap();
    assert!(!on_phone.is_empty());
    assert_eq!(on_phone, o.manager.forecast(&request).unwrap());
}

#[test]
fn a_phone_offline_for_a_week_catches_up_with_5000_server_changes_in_one_sync() {
    let o = Office::new();
    let (a, _) = phones(&o);
    let mine = a
        .me()
        .add_company(&CompanyInput::named("株式会社出張先"))
        .unwrap();
    // The rest of the team's week on the server: 2,500 companies made, each changed
    // once more.
    let mut made = Vec::new();
    for batch in 0..5 {
        let inputs: Vec<CompanyInput> = (0..500)
            .map(|i| CompanyInput::named(format!("週間商事{batch}-{i:03}")))
            .collect();
        made.extend(o.jiro.add_companies(&inputs).unwrap());
    }
    for (i, c) in made.iter().enumerate() {
        let input = CompanyInput {
            phone: Some(format!("03-{:04}-{:04}", 1000 + i / 10, i)),
            ..c.input()
        };
        o.jiro.update_company(c.id, c.version, &input).unwrap();
    }
    let report = a.sync(&o.sfa).unwrap();
    assert_eq!(report.pushed, 1);
    // Each changed record arrives once, as it is now.
    assert_eq!(report.pulled, 2_500 + 1);
    assert_eq!(o.manager.get_company(mine.id).unwrap(), mine);
    let last = o.jiro.get_company(made[2_499].id).unwrap();
    assert_eq!(a.me().get_company(last.id).unwrap(), last);
    let hits = a
        .me()
        .search(&sfa_core::SearchRequest::new("03-1249-2499"))
        .unwrap();
    assert_eq!(hits[0].company_id(), Some(last.id));
    assert_in_step(&o, &a);
}

#[test]
fn only_an_empty_database_becomes_a_sync_client() {
    let o = Office::new();
    let refused = o.sfa.sync_client().enable();
    assert_eq!(
        sfa_testkit::field_error(refused),
        (
            sfa_core::Entity::SyncMessage,
            "client_id",
            sfa_core::Reason::NotWhile("the database holds records made without sync")
        )
    );
    // A phone that is a client stays one: enabling again returns its id.
    let phone = Phone::new(o.hanako.user_id(), &o.clock);
    phone.sync(&o.sfa).unwrap();
    let id = phone.sfa.sync_client().status().unwrap().client_id.unwrap();
    assert_eq!(phone.sfa.sync_client().enable().unwrap(), id);
}

#[test]
fn a_phone_behind_the_removals_the_server_keeps_is_reset_and_keeps_its_waiting_calls() {
    let o = Office::new();
    let (a, _) = phones(&o);
    // On the server: a master made and deleted (a removal the log keeps as a
    // tombstone), then the tombstones are pruned.
    let gone = o
        .manager
        .add_product_category(&sfa_core::ProductCategoryInput {
            name: "一時".into(),
        })
        .unwrap();
    o.manager
        .delete_master(sfa_core::MasterId::ProductCategory(gone.id))
        .unwrap();
    let later = o
        .jiro
        .add_company(&CompanyInput::named("株式会社後発"))
        .unwrap();
    let floor = o
        .sfa
        .sync_server()
        .prune_removals(chrono::Utc::now() + Duration::seconds(5))
        .unwrap();
    assert!(floor > a.sfa.sync_client().status().unwrap().cursor);
    // Offline on the phone, waiting to be pushed.
    let mine = a
        .me()
        .add_company(&CompanyInput::named("株式会社保留"))
        .unwrap();

    // Pulling first: the server says reset; the phone starts again from nothing but
    // keeps the call that waits, and pulls everything anew.
    let mut resets = 0;
    loop {
        let request = a.sfa.sync_client().pull_request(1000).unwrap();
        let answer = o.sfa.sync_server().pull(a.user, &request).unwrap();
        let reset = serde_json::from_slice::<sfa_core::sync::PullResponse>(&answer)
            .unwrap()
            .reset;
        resets += usize::from(reset);
        let page = a.sfa.sync_client().apply_pull_response(&answer).unwrap();
        if page.remaining == 0 {
            break;
        }
    }
    assert_eq!(resets, 1);
    assert_eq!(a.me().get_company(mine.id).unwrap(), mine);
    assert_eq!(a.me().get_company(later.id).unwrap(), later);
    assert_eq!(a.sfa.sync_client().status().unwrap().pending, 1);
    let report = a.sync(&o.sfa).unwrap();
    assert_eq!(report.pushed, 1);
    assert_in_step(&o, &a);
}

#[test]
fn a_company_the_server_refused_leaves_the_phone_and_its_search_index() {
    let o = Office::new();
    let (a, _) = phones(&o);
    // The member is deactivated on the server while their phone is offline.
    o.deactivate(&o.hanako);
    let ghost = a
        .me()
        .add_company(&CompanyInput::named("株式会社幻影"))
        .unwrap();
    assert_eq!(
        a.me()
            .search(&sfa_core::SearchRequest::new("幻影"))
            .unwrap()
            .len(),
        1
    );
    let push = a.sfa.sync_client().push_request(1 << 20).unwrap().unwrap();
    let answer = o.sfa.sync_server().push(a.user, &push).unwrap();
    let report = a.sfa.sync_client().apply_push_response(&answer).unwrap();
    assert_eq!(report.rejected, 1);
    let rejection = &a.sfa.sync_client().rejections().unwrap()[0];
    assert_eq!(rejection.refusal.code, RefusalCode::PermissionDenied);
    // The server never had it: the phone's copy is gone, from its search index too.
    assert!(matches!(
        a.me().get_company(ghost.id),
        Err(sfa_core::Error::NotFound { .. })
    ));
    assert!(
        a.me()
            .search(&sfa_core::SearchRequest::new("幻影"))
            .unwrap()
            .is_empty()
    );
    assert!(a.sfa.check_search_index().unwrap().is_consistent());
    // And the server does not serve a deactivated user.
    let pull = a.sfa.sync_client().pull_request(100).unwrap();
    assert!(matches!(
        o.sfa.sync_server().pull(a.user, &pull),
        Err(sfa_core::Error::PermissionDenied { .. })
    ));
}

#[test]
fn a_phone_refuses_pages_of_another_server_and_a_server_refuses_its_pushes() {
    let o = Office::new();
    let other = Office::new();
    let (a, _) = phones(&o);
    a.me()
        .add_company(&CompanyInput::named("株式会社宛先違い"))
        .unwrap();
    let push = a.sfa.sync_client().push_request(1 << 20).unwrap().unwrap();
    assert_eq!(
        sfa_testkit::field_error(other.sfa.sync_server().push(a.user, &push)),
        (
            sfa_core::Entity::SyncMessage,
            "server_id",
            sfa_core::Reason::Inconsistent
        )
    );
    let pull = a.sfa.sync_client().pull_request(100).unwrap();
    let page = other
        .sfa
        .sync_server()
        .pull(other.hanako.user_id(), &pull)
        .unwrap();
    assert_eq!(
        sfa_testkit::field_error(a.sfa.sync_client().apply_pull_response(&page)),
        (
            sfa_core::Entity::SyncMessage,
            "server_id",
            sfa_core::Reason::Inconsistent
        )
    );
    assert_eq!(a.sfa.sync_client().status().unwrap().pending, 1);
}
