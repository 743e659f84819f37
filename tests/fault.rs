//! A panic inside a write (test-only fault injection) rolls the write back, and the
//! handle keeps working: the connection's lock is not left poisoned, nothing
//! half-written is visible, and the next write commits. The Kotlin and Python tests
//! check the same through their bindings.
#![allow(clippy::unwrap_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use sfa_core::{CompanyInput, PageRequest, PersonInput, Sfa, UserInput};

#[test]
fn a_panic_inside_a_write_rolls_it_back_and_the_handle_keeps_working() {
    let dir = std::env::temp_dir().join(format!("sfa-fault-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sfa = Sfa::open(dir.join("fault.sqlite")).unwrap();
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    let kept = me
        .add_company(&CompanyInput::named("株式会社残る"))
        .unwrap();

    sfa_core::fault::panic_in_next_write();
    let person = PersonInput {
        company_id: kept.id,
        name: "消える 人".into(),
        ..PersonInput::default()
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| me.add_person(&person)));
    assert!(outcome.is_err(), "the armed write must panic");

    let persons = me
        .company_persons(kept.id, &PageRequest::default())
        .unwrap();
    assert!(
        persons.items.is_empty(),
        "the panicked write was rolled back"
    );
    let again = me.add_person(&person).unwrap();
    assert_eq!(
        me.company_persons(kept.id, &PageRequest::default())
            .unwrap()
            .items,
        vec![again]
    );
    let check = sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
    drop(me);
    drop(sfa);
    sfa_testkit::remove_scratch_dir(&dir);
}
