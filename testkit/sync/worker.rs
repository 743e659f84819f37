//! A device process of the sync crash test (`tests/sync_crash.rs`): a phone with its
//! own database file that adds companies offline and syncs every few writes with the
//! team server's database (a SQLite file or a PostgreSQL tenant), the server running in
//! the same process, so a kill -9 can land in a local write, in a push (on either side
//! of the server's replay and its receipt) or in applying a pull.
//!
//! Each company is named `<prefix>-<n>`; after its write commits the process prints
//! `ack <n>`. Started again, it continues after the highest `n` on the device. With
//! `final` it syncs until the outbox is empty and prints `done`.
//!
//! Usage: `sfa-sync-worker <device path> (sqlite <server path> | postgres <tenant>)
//! <user id> <prefix> <writes> <seed> [final]` (the PostgreSQL URL in
//! `SFA_TEST_POSTGRES`).

use std::io::Write;

use sfa_core::{CompanyInput, PageRequest, Sfa, UserId};
use sfa_testkit::Rng;
use sfa_testkit::sync::Phone;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args) {
        eprintln!("sfa-sync-worker: {e}");
        std::process::exit(1);
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let [
        device,
        backend,
        server,
        user,
        prefix,
        writes,
        seed,
        rest @ ..,
    ] = args
    else {
        return Err("usage: sfa-sync-worker <device> (sqlite <path> | postgres <tenant>) <user> <prefix> <writes> <seed> [final]".into());
    };
    let last = rest.first().map(String::as_str) == Some("final");
    let e = |e: sfa_core::Error| e.to_string();
    let server = match backend.as_str() {
        "sqlite" => Sfa::open(server).map_err(e)?,
        "postgres" => {
            let url =
                sfa_core::store::postgres::testing::url().ok_or("SFA_TEST_POSTGRES is not set")?;
            Sfa::open_postgres(&url, server).map_err(e)?
        }
        other => return Err(format!("unknown backend {other}")),
    };
    let user: UserId = user.parse().map_err(|_| "bad user id")?;
    let writes: u64 = writes.parse().map_err(|_| "bad count")?;
    let mut rng = Rng::new(seed.parse().map_err(|_| "bad seed")?);
    let phone = Phone {
        sfa: Sfa::open(device).map_err(e)?,
        user,
    };
    phone.sfa.sync_client().enable().map_err(e)?;
    if !phone.sfa.has_users().map_err(e)? {
        phone.sync(&server).map_err(e)?;
    }
    let me = phone.me();
    // Continue after the highest company this device has made.
    let mut next = 0;
    let mut page = PageRequest {
        limit: 500,
        ..PageRequest::default()
    };
    loop {
        let companies = me.list_companies(&page).map_err(e)?;
        for c in &companies.items {
            if let Some(n) = c.name.strip_prefix(&format!("{prefix}-")) {
                next = next.max(n.parse::<u64>().map_err(|_| "bad name")? + 1);
            }
        }
        match companies.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    let mut out = std::io::stdout();
    for n in next..writes {
        me.add_company(&CompanyInput::named(format!("{prefix}-{n:05}")))
            .map_err(e)?;
        writeln!(out, "ack {n}")
            .and_then(|()| out.flush())
            .map_err(|e| e.to_string())?;
        if rng.chance(15) {
            phone.sync(&server).map_err(e)?;
        }
    }
    if last {
        while phone.sfa.sync_client().status().map_err(e)?.pending > 0 {
            phone.sync(&server).map_err(e)?;
        }
        phone.sync(&server).map_err(e)?;
        writeln!(out, "done").map_err(|e| e.to_string())?;
    }
    Ok(())
}
