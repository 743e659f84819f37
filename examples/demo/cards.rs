//! Chapter 5: business cards and team selling -- a card photographed on a visit is
//! handed to office staff, read from its OCR text into a draft, typed in as a new
//! company and person; then the team board.

use sfa_core::{
    BoardRequest, CompanyChoice, Error, PageRequest, PersonChoice, Session, Sfa, TeamInput,
    TranscribeInput, UserInput, parse_card_text,
};

use super::step;

/// What on-device OCR returns for the photographed card (a fictitious company).
const CARD_TEXT: &str = "\
株式会社みなと精密
生産技術部 設備課
課長
港 健司
ミナト ケンジ
〒220-0012 神奈川県横浜市西区みなとみらい2-2-1
ランドマークプラザ 15F
TEL 045-222-1100  FAX 045-222-1101
携帯 090-5151-2828
kenji.minato@minato-seimitsu.example.jp
https://www.minato-seimitsu.example.jp";

pub fn run(sfa: &Sfa, admin: &Session, me: &Session) -> Result<(), Box<dyn std::error::Error>> {
    step("31. Photograph a card on a visit and hand it to office staff (名刺の貼付け)");
    let staff = admin.add_user(&UserInput::member("事務 秋子", "akiko@demo.example.jp"))?;
    let staff = sfa.session(staff.id)?;
    // A real app passes the camera's JPEG; these bytes stand in for one.
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    photo.extend(std::iter::repeat_n(0x42, 40_000));
    let card = me.upload_card(&photo, "image/jpeg", None)?;
    println!(
        "   uploaded {} ({} bytes), transcriber {}",
        card.media_type,
        card.size_bytes,
        me.me()?.name
    );
    match me.upload_card(b"GIF89a...", "image/gif", None) {
        Err(e) => println!("   a GIF: {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }
    let card = me.delegate_card(card.id, card.version, staff.user_id())?;
    let queue = staff.card_queue(&PageRequest::default())?;
    println!(
        "   {}'s queue: {} card(s), image read back: {} bytes",
        staff.me()?.name,
        queue.items.len(),
        staff.card_image(card.id)?.len()
    );

    step("32. Read the OCR text into a draft (parse_card_text)");
    let draft = parse_card_text(CARD_TEXT);
    for (label, value) in [
        ("company", draft.company.clone()),
        ("name", draft.name.clone()),
        ("reading", draft.name_reading.clone()),
        ("department", draft.department.clone()),
        ("title", draft.title.clone()),
        ("e-mail", draft.emails.first().cloned()),
        ("office", draft.office_phone().map(str::to_string)),
        ("mobile", draft.mobile_phone().map(str::to_string)),
        ("postal", draft.postal_code.clone()),
        ("address", draft.address.clone()),
        ("web", draft.url.clone()),
    ] {
        println!("   {label:<10} {}", value.unwrap_or_else(|| "-".into()));
    }

    step("33. Type it in: a new company and person, in one transaction");
    // The company is new, so the person's company id is filled in by the transcription.
    let person = draft.person_input(Default::default());
    let done = staff.transcribe_card(
        card.id,
        card.version,
        &TranscribeInput {
            company: CompanyChoice::New(draft.company_input()),
            person: PersonChoice::New(person),
        },
    )?;
    println!(
        "   card {} -> {} at {} ({}); possible duplicates: {}",
        done.card.status,
        done.person.name,
        done.company.name,
        done.company.address.as_deref().unwrap_or(""),
        done.duplicates.len()
    );
    match staff.discard_card(done.card.id, done.card.version, "重複") {
        Err(e @ Error::Validation(_)) => println!("   discarding it now: {e}"),
        other => println!("   unexpected: {other:?}"),
    }

    step("34. Team selling: the team board (メンバーの活動状況)");
    let jiro = sfa.session_by_email("jiro@demo.example.jp")?;
    let team = admin.add_team(&TeamInput {
        name: "東日本営業チーム".into(),
        member_ids: vec![me.user_id(), jiro.user_id()],
    })?;
    let board = me.team_board(&BoardRequest {
        team_id: team.id,
        ..BoardRequest::default()
    })?;
    println!("   {} (window ±{} days)", board.team.name, board.days);
    for m in &board.members {
        println!(
            "   {:<8} deals {:>2}  pipeline ¥{:>11}  weighted ¥{:>11}  upcoming {}  recent {}  tasks {} ({} overdue)",
            m.name,
            m.open_deal_count,
            sfa_core::forecast::round_for_display(m.pipeline, 0),
            sfa_core::forecast::round_for_display(m.weighted, 0),
            m.upcoming.len(),
            m.recent.len(),
            m.open_task_count,
            m.overdue_task_count
        );
    }
    match staff.team_board(&BoardRequest {
        team_id: team.id,
        ..BoardRequest::default()
    }) {
        Err(e @ Error::PermissionDenied { .. }) => println!("   someone outside the team: {e}"),
        other => println!("   unexpected: {other:?}"),
    }
    Ok(())
}
