#![allow(clippy::unwrap_used)]
//! Business cards end to end: upload (formats, size limit), durable images,
//! delegation and the transcriber's queue, transcription into new or existing records
//! with duplicate hints, and discarding. A card is never lost.

use chrono::Duration;
use sfa_core::model::MAX_CARD_IMAGE_BYTES;
use sfa_core::{
    CardStatus, CompanyChoice, CompanyInput, DuplicateReason, Entity, Error, ImageType,
    PageRequest, PersonChoice, PersonInput, Reason, Sfa, TranscribeInput,
};
use sfa_testkit::{Office, field_error};

/// A minimal JPEG-looking image (the library checks the magic bytes, not the pixels).
fn jpeg(n: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..n).map(|i| (i * 31 % 251) as u8));
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend([0u8; 64]);
    bytes
}

fn heic() -> Vec<u8> {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend(b"ftypheic");
    bytes.extend([0u8; 64]);
    bytes
}

#[test]
fn images_are_accepted_by_their_magic_bytes_and_read_back_exactly() {
    let o = Office::new();
    for (bytes, media, kind) in [
        (jpeg(5000), "image/jpeg", ImageType::Jpeg),
        (png(), "image/png", ImageType::Png),
        (heic(), "image/heic", ImageType::Heic),
    ] {
        let card = o.hanako.upload_card(&bytes, media, None).unwrap();
        assert_eq!(card.media_type, kind);
        assert_eq!(card.size_bytes, bytes.len() as i64);
        assert_eq!(card.status, CardStatus::Pending);
        assert_eq!(card.transcriber_id, o.hanako.user_id());
        assert_eq!(o.jiro.card_image(card.id).unwrap(), bytes);
    }
    let cases: Vec<(Vec<u8>, &str, &str, Reason)> = vec![
        (
            b"GIF89a................".to_vec(),
            "image/gif",
            "image",
            Reason::NotAllowed,
        ),
        (
            b"%PDF-1.7 ...".to_vec(),
            "image/jpeg",
            "image",
            Reason::NotAllowed,
        ),
        (vec![], "image/jpeg", "image", Reason::Required),
        (png(), "image/jpeg", "media_type", Reason::Inconsistent),
        (
            jpeg(10),
            "application/octet-stream",
            "media_type",
            Reason::NotAllowed,
        ),
        (
            jpeg(MAX_CARD_IMAGE_BYTES),
            "image/jpeg",
            "image",
            Reason::OutOfRange,
        ),
    ];
    for (bytes, media, field, reason) in cases {
        assert_eq!(
            field_error(o.hanako.upload_card(&bytes, media, None)),
            (Entity::BusinessCard, field, reason),
            "{media}"
        );
    }
    assert_eq!(
        o.hanako
            .card_queue(&PageRequest::default())
            .unwrap()
            .items
            .len(),
        3,
        "refused uploads store nothing"
    );
}

#[test]
fn a_card_survives_reopening_the_database() {
    let dir = std::env::temp_dir().join(format!("sfa-cards-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("office.sqlite");
    let image = jpeg(200_000);
    let (hanako, id) = {
        let o = Office::on(Sfa::open(&path).unwrap());
        let card = o.hanako.upload_card(&image, "image/jpeg", None).unwrap();
        (o.hanako.user_id(), card.id)
    };
    let sfa = Sfa::open(&path).unwrap();
    let me = sfa.session(hanako).unwrap();
    assert_eq!(me.card_image(id).unwrap(), image);
    assert_eq!(
        me.card_queue(&PageRequest::default()).unwrap().items[0].id,
        id
    );
    drop(sfa);
    sfa_testkit::remove_scratch_dir(dir);
}

#[test]
fn delegated_cards_wait_in_the_transcribers_queue_oldest_first() {
    let o = Office::new();
    let mut uploaded = Vec::new();
    for n in 0..5 {
        o.clock.advance(Duration::minutes(1));
        let card = o
            .hanako
            .upload_card(&jpeg(100 + n), "image/jpeg", Some(o.jiro.user_id()))
            .unwrap();
        uploaded.push(card.id);
    }
    let mine = o.hanako.upload_card(&jpeg(10), "image/jpeg", None).unwrap();
    let mut seen = Vec::new();
    let mut page = PageRequest::first(2);
    loop {
        let got = o.jiro.card_queue(&page).unwrap();
        seen.extend(got.items.iter().map(|c| c.id));
        match got.next_cursor {
            Some(c) => page = page.after(c),
            None => break,
        }
    }
    assert_eq!(seen, uploaded);
    // 花子 hands her own card to 次郎 too; an outsider may not move cards.
    let denied = o
        .outsider
        .delegate_card(mine.id, mine.version, o.outsider.user_id());
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })));
    let moved = o
        .hanako
        .delegate_card(mine.id, mine.version, o.jiro.user_id())
        .unwrap();
    assert_eq!(moved.transcriber_id, o.jiro.user_id());
    assert_eq!(
        o.jiro
            .card_queue(&PageRequest::first(100))
            .unwrap()
            .items
            .len(),
        6
    );
    assert!(
        o.hanako
            .card_queue(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
}

#[test]
fn transcribing_creates_the_person_and_company_in_one_transaction() {
    let o = Office::new();
    let card = o
        .hanako
        .upload_card(&jpeg(500), "image/jpeg", Some(o.jiro.user_id()))
        .unwrap();
    let person = PersonInput {
        email: Some("k.sato@abc-trading.example.jp".into()),
        title: Some("課長".into()),
        ..PersonInput::named(sfa_core::CompanyId::default(), "佐藤 健")
    };
    let input = TranscribeInput {
        company: CompanyChoice::New(CompanyInput::named("株式会社ABCトレーディング")),
        person: PersonChoice::New(person.clone()),
    };
    let denied = o.outsider.transcribe_card(card.id, card.version, &input);
    assert!(matches!(denied, Err(Error::PermissionDenied { .. })));

    // A bad person fails the whole transcription: no company is left behind.
    let bad = TranscribeInput {
        person: PersonChoice::New(PersonInput {
            email: Some("not an address".into()),
            ..person.clone()
        }),
        ..input.clone()
    };
    assert_eq!(
        field_error(o.jiro.transcribe_card(card.id, card.version, &bad)),
        (Entity::Person, "email", Reason::InvalidEmail)
    );
    let before = o
        .jiro
        .list_companies(&PageRequest::first(100))
        .unwrap()
        .items
        .len();
    assert_eq!(before, 1, "only the office's own company");

    let done = o
        .jiro
        .transcribe_card(card.id, card.version, &input)
        .unwrap();
    assert_eq!(done.card.status, CardStatus::Transcribed);
    assert_eq!(done.card.person_id, Some(done.person.id));
    assert_eq!(done.card.company_id, Some(done.company.id));
    assert_eq!(done.person.company_id, done.company.id);
    assert!(done.duplicates.is_empty());
    assert_eq!(o.hanako.get_card(card.id).unwrap(), done.card);
    assert_eq!(
        o.hanako.card_image(card.id).unwrap(),
        jpeg(500),
        "the image stays"
    );
    let again = o.jiro.transcribe_card(card.id, done.card.version, &input);
    assert_eq!(
        field_error(again),
        (
            Entity::BusinessCard,
            "status",
            Reason::NotWhile("transcribed")
        )
    );
}

#[test]
fn duplicate_hints_name_same_email_phone_or_name_at_company() {
    let o = Office::new();
    let known = o
        .hanako
        .update_person(
            o.takahashi.id,
            o.takahashi.version,
            &PersonInput {
                email: Some("ichiro.takahashi@yamada.example.jp".into()),
                mobile_phone: Some("090-1234-5678".into()),
                ..o.takahashi.input()
            },
        )
        .unwrap();
    let card = o.hanako.upload_card(&jpeg(50), "image/jpeg", None).unwrap();
    let input = TranscribeInput {
        company: CompanyChoice::Existing(o.company.id),
        person: PersonChoice::New(PersonInput {
            email: Some("Ichiro.Takahashi@YAMADA.example.jp".into()),
            mobile_phone: Some("09012345678".into()),
            ..PersonInput::named(o.company.id, "高橋 一郎")
        }),
    };
    let preview = match &input.person {
        PersonChoice::New(p) => o.hanako.person_duplicates(p).unwrap(),
        PersonChoice::Existing(_) => unreachable!(),
    };
    assert_eq!(preview.len(), 1);
    assert_eq!(preview[0].person_id, known.id);
    assert_eq!(
        preview[0].reasons,
        vec![
            DuplicateReason::SameEmail,
            DuplicateReason::SamePhone,
            DuplicateReason::SameNameAtCompany
        ]
    );
    // Linking the existing person instead of creating a second one.
    let linked = o
        .hanako
        .transcribe_card(
            card.id,
            card.version,
            &TranscribeInput {
                company: CompanyChoice::Existing(o.company.id),
                person: PersonChoice::Existing(known.id),
            },
        )
        .unwrap();
    assert_eq!(linked.person.id, known.id);
    // An existing person must belong to the chosen company.
    let other = o.hanako.upload_card(&jpeg(60), "image/jpeg", None).unwrap();
    let elsewhere = o
        .hanako
        .add_company(&CompanyInput::named("別会社"))
        .unwrap();
    let mismatch = o.hanako.transcribe_card(
        other.id,
        other.version,
        &TranscribeInput {
            company: CompanyChoice::Existing(elsewhere.id),
            person: PersonChoice::Existing(known.id),
        },
    );
    assert_eq!(
        field_error(mismatch),
        (Entity::BusinessCard, "company", Reason::Inconsistent)
    );
}

#[test]
fn a_discarded_card_keeps_its_reason_and_image() {
    let o = Office::new();
    let card = o.hanako.upload_card(&png(), "image/png", None).unwrap();
    assert_eq!(
        field_error(o.hanako.discard_card(card.id, card.version, " ")),
        (Entity::BusinessCard, "discard_reason", Reason::Required)
    );
    let gone = o
        .hanako
        .discard_card(card.id, card.version, "ピンボケで判読不能")
        .unwrap();
    assert_eq!(gone.status, CardStatus::Discarded);
    assert_eq!(gone.discard_reason.as_deref(), Some("ピンボケで判読不能"));
    assert_eq!(o.hanako.card_image(card.id).unwrap(), png());
    assert!(
        o.hanako
            .card_queue(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
}
