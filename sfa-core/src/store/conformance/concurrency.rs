//! The concurrency part of the suite: two handles on one database (two connections, as
//! two processes would have) racing. Each check gets both handles of a new database.

use std::sync::Barrier;

use super::activity::{notification, task};
use super::{company, seed, user};
use crate::error::{Error, Result};
use crate::model::NotificationId;
use crate::store::Store;

/// Runs `a` and `b` at once, released together.
fn race<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    let start = Barrier::new(2);
    std::thread::scope(|s| {
        let first = s.spawn(|| {
            start.wait();
            a()
        });
        let second = s.spawn(|| {
            start.wait();
            b()
        });
        (
            first.join().expect("first racer"),
            second.join().expect("second racer"),
        )
    })
}

/// Two handles update the same record from the same version at once: one wins, the
/// other is a `Conflict`, and the stored record is the winner's.
pub fn a_stale_version_raced_from_two_handles_wins_once(a: &dyn Store, b: &dyn Store) {
    let (_, c) = seed(a);
    for round in 0..10 {
        let current = a
            .read(|tx| tx.get_company(c.id))
            .expect("read")
            .expect("company");
        let mut from_a = current.clone();
        from_a.name = format!("A{round}");
        from_a.version = current.version + 1;
        let mut from_b = current.clone();
        from_b.name = format!("B{round}");
        from_b.version = current.version + 1;
        let expected = current.version;
        let (ra, rb) = race(
            || a.write(|tx| tx.update_company(&from_a, expected)),
            || b.write(|tx| tx.update_company(&from_b, expected)),
        );
        let conflicts = [&ra, &rb]
            .iter()
            .filter(|r| matches!(r, Err(Error::Conflict { .. })))
            .count();
        assert_eq!(
            (ra.is_ok() as u8 + rb.is_ok() as u8, conflicts),
            (1, 1),
            "one update wins, the other conflicts: {ra:?} {rb:?}"
        );
        let stored = b
            .read(|tx| tx.get_company(c.id))
            .expect("read")
            .expect("company");
        let winner = if ra.is_ok() { &from_a } else { &from_b };
        assert_eq!(stored.name, winner.name, "the winner's change is stored");
        assert_eq!(stored.version, expected + 1);
    }
}

/// Two pollers claim due notifications at once: every notification is handed out
/// exactly once.
pub fn two_pollers_never_claim_one_notification_twice(a: &dyn Store, b: &dyn Store) {
    let (u, _) = seed(a);
    let t = task(&u, None);
    let all: Vec<_> = (0..40).map(|i| notification(&u, &t, i)).collect();
    a.write(|tx| {
        tx.insert_task(&t)?;
        for n in &all {
            tx.insert_notification(n)?;
        }
        Ok(())
    })
    .expect("inserts");
    let poll = |store: &dyn Store| -> Vec<NotificationId> {
        let mut got = Vec::new();
        for _ in 0..20 {
            let claimed = store
                .write(|tx| tx.claim_due_notifications(u.id, super::at(100), super::at(400), 3))
                .expect("claim");
            got.extend(claimed.iter().map(|n| n.id));
        }
        got
    };
    let (from_a, from_b) = race(|| poll(a), || poll(b));
    let mut handed: Vec<_> = from_a.iter().chain(&from_b).copied().collect();
    let total = handed.len();
    handed.sort();
    handed.dedup();
    assert_eq!(handed.len(), total, "a notification was handed out twice");
    assert_eq!(total, all.len(), "every due notification was handed out");
}

/// Two handles each make "the first admin" at once (a user only when there is none,
/// checked in the same write): exactly one user is made.
pub fn two_first_admins_race_and_one_is_made(a: &dyn Store, b: &dyn Store) {
    let first_admin = |store: &dyn Store, name: &str, email: &str| -> Result<bool> {
        let candidate = user(name, email);
        store.write(|tx| {
            if tx.user_count()? > 0 {
                return Ok(false);
            }
            tx.insert_user(&candidate)?;
            Ok(true)
        })
    };
    let (ra, rb) = race(
        || first_admin(a, "管理 一郎", "one@example.jp"),
        || first_admin(b, "管理 二郎", "two@example.jp"),
    );
    let made = [ra, rb]
        .into_iter()
        .filter(|r| matches!(r, Ok(true)))
        .count();
    assert_eq!(made, 1, "exactly one first admin");
    assert_eq!(a.read(|tx| tx.user_count()).expect("count"), 1);
    // The winner can go on; nothing else was half-made.
    let u = a.read(|tx| tx.list_users()).expect("users").remove(0);
    a.write(|tx| tx.insert_company(&company(&u, "株式会社初日", None)))
        .expect("the admin works");
}
