//! The bodies of the fuzz targets (`fuzz/fuzz_targets/*.rs`, run with cargo fuzz), here
//! so that `tests/fuzz_regressions.rs` replays every saved input through the very same
//! code in a plain `cargo test`. Each panics only on a real defect: a panic inside the
//! library, or a broken invariant stated below.

use std::sync::OnceLock;

use sfa_core::normalize::{
    clean_line, clean_multiline, fold_width, normalize_email, normalize_phone,
    normalize_postal_code, normalize_website, required_line, sort_key,
};
use sfa_core::{
    CompanyInput, CsvEncoding, ImportOptions, PageRequest, PersonInput, SearchRequest, SearchScope,
    Session, Sfa, UserInput,
};

/// The text normalisers: never panic; what they accept they accept again unchanged
/// (a stored value must survive being validated again on update); cleaned lines have
/// no control characters and respect the limit.
pub fn normalize(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    type Normalizer = fn(&str) -> Result<String, sfa_core::Reason>;
    let normalizers: [(&str, Normalizer); 4] = [
        ("phone", normalize_phone),
        ("email", normalize_email),
        ("website", normalize_website),
        ("postal code", normalize_postal_code),
    ];
    for (name, f) in normalizers {
        if let Ok(once) = f(&text) {
            assert_eq!(f(&once).as_ref(), Ok(&once), "{name} is not idempotent");
        }
    }
    if let Ok(Some(line)) = clean_line(&text, 50) {
        assert!(!line.chars().any(char::is_control));
        assert!(line.chars().count() <= 50);
        assert_eq!(clean_line(&line, 50), Ok(Some(line.clone())));
    }
    if let Ok(Some(notes)) = clean_multiline(&text, 200) {
        assert!(notes.chars().count() <= 200);
        assert_eq!(clean_multiline(&notes, 200), Ok(Some(notes.clone())));
    }
    let _ = required_line(&text, 200);
    let _ = sort_key(&text, Some(&fold_width(&text)));
    let _ = sfa_core::search::normalize_for_search(&text);
}

fn search_session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let sfa = Sfa::open_in_memory().expect("database");
        let admin = sfa
            .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
            .expect("admin");
        let me = sfa.session(admin.id).expect("session");
        for (name, reading, phone) in [
            ("株式会社山田製作所", "ヤマダセイサクショ", "03-1234-5678"),
            ("みなと精密株式会社", "ミナトセイミツ", "045-222-1100"),
            ("ABC Trading K.K.", "エービーシー", "06-6000-0000"),
        ] {
            let c = me
                .add_company(&CompanyInput {
                    name_reading: Some(reading.into()),
                    phone: Some(phone.into()),
                    website: Some("https://www.example.co.jp".into()),
                    ..CompanyInput::named(name)
                })
                .expect("company");
            me.add_person(&PersonInput {
                company_id: c.id,
                name: "高橋 一郎".into(),
                email: Some("ichiro@example.co.jp".into()),
                ..PersonInput::default()
            })
            .expect("person");
        }
        me
    })
}

/// The search query parser and engine: any text searches without a panic and
/// returns at most the hits asked for.
pub fn search_query(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let scope = match data.first().map(|b| b % 3) {
        Some(0) => SearchScope::Companies,
        Some(1) => SearchScope::Persons,
        _ => SearchScope::All,
    };
    let request = SearchRequest {
        limit: 10,
        scope,
        ..SearchRequest::new(text)
    };
    if let Ok(hits) = search_session().search(&request) {
        assert!(hits.len() <= 10);
    }
}

/// The whole search call: text, scope, archived flag, limit and offset all come from
/// the input (the first 10 bytes, the rest is text), so huge offsets and limits, long
/// texts and many words are tried. Any request either answers (with at most `limit`
/// hits) or is refused with a validation error naming the request; never a panic,
/// and never an allocation sized by the request (run with `-rss_limit_mb`).
pub fn search_call(data: &[u8]) {
    let (head, text) = data.split_at(data.len().min(10));
    let mut head = head.to_vec();
    head.resize(10, 0);
    let u32_at = |i: usize| u32::from_le_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let scope = match head[0] % 3 {
        0 => SearchScope::Companies,
        1 => SearchScope::Persons,
        _ => SearchScope::All,
    };
    // Whole-range values, with small ones (the usual) as likely as huge ones.
    // Any bit pattern, negative ones included.
    let size = |raw: u32, small: bool| if small { (raw % 50) as i32 } else { raw as i32 };
    let limit = size(u32_at(1), head[9] & 1 == 0);
    let offset = size(u32_at(5), head[9] & 2 == 0);
    let mut text = String::from_utf8_lossy(text).into_owned();
    // Repeat the text now and then to reach the size limits.
    if head[9] & 4 != 0 {
        text = text.repeat(1 + usize::from(head[0]) * 8);
    }
    let request = SearchRequest {
        text,
        scope,
        include_archived: head[9] & 8 != 0,
        limit,
        offset,
    };
    match search_session().search(&request) {
        Ok(hits) => assert!(usize::try_from(limit).is_ok_and(|limit| hits.len() <= limit)),
        Err(sfa_core::Error::Validation(v)) => {
            assert_eq!(v.entity, sfa_core::Entity::SearchRequest)
        }
        Err(other) => panic!("a search failed: {other}"),
    }
}

/// A database for the CSV target, reused for a few hundred runs (opening one per run
/// made the target too slow to explore much), then replaced so it stays small.
fn import_session() -> Session {
    thread_local! {
        static DB: std::cell::RefCell<Option<(Session, u32)>> = const { std::cell::RefCell::new(None) };
    }
    DB.with(|db| {
        let mut db = db.borrow_mut();
        if db.as_ref().is_none_or(|(_, runs)| *runs >= 300) {
            let sfa = Sfa::open_in_memory().expect("database");
            let admin = sfa
                .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
                .expect("admin");
            let me = sfa.session(admin.id).expect("session");
            me.add_company(&CompanyInput::named("株式会社山田製作所"))
                .expect("company");
            *db = Some((me, 0));
        }
        let (me, runs) = db.as_mut().expect("just set");
        *runs += 1;
        me.clone()
    })
}

/// CSV import of companies, persons or deals (the first byte picks which, the
/// encoding and whether bad rows are skipped): never a panic, and a refused import
/// stores nothing.
pub fn csv_import(data: &[u8]) {
    let Some((&selector, csv)) = data.split_first() else {
        return;
    };
    let me = import_session();
    let options = ImportOptions {
        encoding: [
            CsvEncoding::Auto,
            CsvEncoding::Utf8,
            CsvEncoding::Utf8WithBom,
            CsvEncoding::ShiftJis,
        ][usize::from(selector >> 2) % 4],
        skip_bad_rows: selector & 0x10 != 0,
        ignore_unknown_columns: selector & 0x20 != 0,
    };
    let count = |me: &Session| {
        let all = PageRequest {
            limit: 1000,
            include_archived: true,
            ..PageRequest::default()
        };
        let page = |f: &dyn Fn(Option<String>) -> (usize, Option<String>)| {
            let (mut n, mut cursor) = f(None);
            while cursor.is_some() {
                let (more, next) = f(cursor);
                n += more;
                cursor = next;
            }
            n
        };
        let with = |cursor: Option<String>| PageRequest {
            cursor,
            ..all.clone()
        };
        (
            page(&|c| {
                let p = me.list_companies(&with(c)).expect("companies");
                (p.items.len(), p.next_cursor)
            }),
            page(&|c| {
                let p = me.list_persons(&with(c)).expect("persons");
                (p.items.len(), p.next_cursor)
            }),
            page(&|c| {
                let p = me.open_deals(None, &with(c)).expect("deals");
                (p.items.len(), p.next_cursor)
            }),
        )
    };
    let before = count(&me);
    let outcome = match selector % 3 {
        0 => me.import_companies_csv(csv, &options),
        1 => me.import_persons_csv(csv, &options),
        _ => me.import_deals_csv(csv, &options),
    };
    if outcome.is_err() {
        assert_eq!(count(&me), before, "a refused import stored something");
    }
}

/// Business-card text parsing: any text gives a draft without a panic.
pub fn card_text(data: &[u8]) {
    let draft = sfa_core::parse_card_text(&String::from_utf8_lossy(data));
    for phone in &draft.phones {
        assert!(!phone.number.is_empty());
    }
}
