//! The main demo: a day of a Japanese sales team on the embedded SQLite default.
//!
//! `cargo run --example demo [DATABASE]` (default `target/sfa-demo.sqlite`, recreated on
//! each run). Chapter 1 (`ledger.rs`) builds the customer ledger from sample Japanese
//! data the way a salesperson would and shows what the library refuses and why;
//! chapter 2 (`activity.rs`) plans and reports visits, hands out tasks, polls
//! notifications, shows the agenda and exports it to a calendar; chapter 3
//! (`deals.rs`) sets up master data, opens deals with products, wins and loses them
//! and lists them; chapter 4 (`forecast.rs`) prints the forecast and analytics;
//! chapter 5 (`cards.rs`) captures a business card and shows the team board.
//!
//! The demo runs on a hand-set clock that starts at 09:00 today (Japan time), so that
//! it can move to the afternoon to report the morning's plans.

mod activity;
mod cards;
mod deals;
mod forecast;
mod ledger;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike, FixedOffset, Utc};
use sfa_core::{Sfa, UserInput};
use sfa_testkit::{ManualClock, jst};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sfa-demo.sqlite")
        });
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let _ = std::fs::remove_dir_all(sfa_core::search::index_dir_for(&path));

    let tokyo = FixedOffset::east_opt(9 * 3600).ok_or("offset")?;
    let today = Utc::now().with_timezone(&tokyo).date_naive();
    let clock = ManualClock::at(jst(today.year(), today.month(), today.day(), 9, 0));

    step("1. Open the database and set up users");
    let sfa = Sfa::open(&path)?.with_clock(Arc::new(clock.clone()));
    println!(
        "   opened {} (clock set to {today} 09:00 JST)",
        path.display()
    );
    let admin =
        sfa.create_first_admin(&UserInput::admin("佐々木 管理", "admin@demo.example.jp"))?;
    let admin = sfa.session(admin.id)?;
    let sales = admin.add_user(&UserInput::member("営業 花子", "hanako@demo.example.jp"))?;
    admin.add_user(&UserInput::member("営業 次郎", "jiro@demo.example.jp"))?;
    println!(
        "   users: {}",
        names(
            admin
                .list_users()?
                .iter()
                .map(|u| format!("{} ({:?})", u.name, u.role))
        )
    );
    let me = sfa.session(sales.id)?;
    println!("   acting as {}", me.me()?.name);

    let added = ledger::run(&admin, &me, &path)?;
    activity::run(&sfa, &clock, &admin, &me, &added, &path)?;
    let catalog = deals::run(&clock, &admin, &me, &added, &path)?;
    let jiro = sfa.session_by_email("jiro@demo.example.jp")?;
    forecast::run(&clock, &admin, &[&me, &jiro], &catalog)?;
    cards::run(&sfa, &admin, &me)?;

    println!("\nDone. The database stays at {}.", path.display());
    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

fn names(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}
