#![allow(clippy::unwrap_used)]
//! Observers: a screen hears which records changed after each commit, through its own
//! handle, another handle on the same file, or a sync.

use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sfa_core::sync::RecordKey;
use sfa_core::{CompanyInput, PersonInput, Sfa, UserInput};
use sfa_testkit::Office;
use sfa_testkit::sync::Phone;

/// A listener that forwards what it hears to a channel.
fn listener() -> (sfa_core::observe::Listener, Receiver<Vec<RecordKey>>) {
    let (tx, rx) = channel();
    let tx = Mutex::new(tx);
    let listener: sfa_core::observe::Listener = Arc::new(move |keys: &[RecordKey]| {
        let _ = tx.lock().unwrap().send(keys.to_vec());
    });
    (listener, rx)
}

fn kinds(k: &[&str]) -> Vec<String> {
    k.iter().map(|s| s.to_string()).collect()
}

/// Everything heard within `wait`, flattened.
fn heard(rx: &Receiver<Vec<RecordKey>>, wait: Duration) -> Vec<RecordKey> {
    let mut out = Vec::new();
    while let Ok(keys) = rx.recv_timeout(wait) {
        out.extend(keys);
    }
    out
}

#[test]
fn an_observer_hears_the_kinds_it_asked_for_until_it_is_closed() {
    let o = Office::new();
    let (listener, rx) = listener();
    let observation = o.sfa.observe(&kinds(&["company"]), listener).unwrap();
    let company = o
        .hanako
        .add_company(&CompanyInput::named("株式会社観測"))
        .unwrap();
    // A person is not a company: not heard.
    o.hanako
        .add_person(&PersonInput::named(company.id, "観測 太郎"))
        .unwrap();
    let got = heard(&rx, Duration::from_millis(500));
    assert_eq!(
        got,
        vec![RecordKey {
            kind: "company".into(),
            id: company.id.to_string()
        }]
    );
    observation.close();
    o.hanako
        .add_company(&CompanyInput::named("株式会社閉店後"))
        .unwrap();
    assert!(heard(&rx, Duration::from_millis(500)).is_empty());

    let unknown = o.sfa.observe(&kinds(&["companies"]), listener_noop());
    assert_eq!(
        sfa_testkit::field_error(unknown),
        (
            sfa_core::Entity::Database,
            "kinds",
            sfa_core::Reason::NotAllowed
        )
    );
}

fn listener_noop() -> sfa_core::observe::Listener {
    Arc::new(|_: &[RecordKey]| {})
}

#[test]
fn an_observer_hears_a_write_made_through_another_handle_on_the_same_file() {
    let dir = std::env::temp_dir().join(format!("sfa-observe-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shared.sqlite");
    let first = Sfa::open(&path).unwrap();
    let admin = first
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let (listener, rx) = listener();
    let _observation = first
        .observe(&kinds(&["company", "person"]), listener)
        .unwrap();
    let second = Sfa::open(&path).unwrap();
    let company = std::thread::spawn(move || {
        second
            .session(admin.id)
            .unwrap()
            .add_company(&CompanyInput::named("株式会社別経路"))
            .unwrap()
    })
    .join()
    .unwrap();
    let got = heard(&rx, Duration::from_secs(2));
    assert!(
        got.iter().any(|k| k.id == company.id.to_string()),
        "{got:?}"
    );
    drop(first);
    sfa_testkit::remove_scratch_dir(&dir);
}

#[test]
fn an_observer_on_a_phone_hears_what_a_sync_brought() {
    let o = Office::new();
    let phone = Phone::new(o.hanako.user_id(), &o.clock);
    phone.sync(&o.sfa).unwrap();
    let (listener, rx) = listener();
    let _observation = phone.sfa.observe(&kinds(&["company"]), listener).unwrap();
    let made = o
        .jiro
        .add_company(&CompanyInput::named("株式会社同期着"))
        .unwrap();
    phone.sync(&o.sfa).unwrap();
    let got = heard(&rx, Duration::from_millis(500));
    assert!(got.iter().any(|k| k.id == made.id.to_string()), "{got:?}");
}
