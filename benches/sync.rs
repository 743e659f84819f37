//! Offline sync, side by side with the direct way in the same run:
//! - a first sync of `n` companies + `n` persons into a fresh device (a database file
//!   with its search index, caught up), against a direct CSV import of the same rows
//!   into a fresh file, each in a child process of its own so that its peak resident
//!   memory (VmHWM) is its own;
//! - an incremental pull of 5,000 changed records;
//! - push replay on the server (mutations/s), against the same calls made directly on
//!   the server.
//!
//! The server's database is a SQLite file here (the PostgreSQL store answers the same
//! calls; `benches/backends.rs` compares the stores).
//!
//! Run: `cargo bench --bench sync` (100k + 100k), or `cargo bench --bench sync -- 20000`.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use sfa_core::{CompanyId, CompanyInput, ImportOptions, Sfa, UserId, UserInput};
use sfa_testkit::SampleLedger;
use sfa_testkit::sync::Phone;

const CHANGES: usize = 5_000;
const PUSHED: usize = 2_000;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--role") {
        return child(&args[at + 1..]);
    }
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("sfa-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let server = dir.join("server.sqlite");
    println!("sync: {n} companies + {n} persons on the server (a SQLite file)");
    let user = run(&["build", path(&server), &n.to_string()])[0].clone();

    let import = run(&["import", path(&dir.join("import.sqlite")), &n.to_string()]);
    let first = run(&[
        "first-sync",
        path(&server),
        path(&dir.join("device.sqlite")),
        &user,
    ]);
    println!("first sync into a fresh device, search index caught up, vs a direct import:");
    println!(
        "  direct CSV import + index: {:>7} s   peak RSS {:>7}",
        import[0], import[1]
    );
    println!(
        "  first sync + index:        {:>7} s   peak RSS {:>7}   (target <= 30 s; <= 300 MB)",
        first[0], first[1]
    );
    println!(
        "  of which pulling {} records: {} s in {} requests",
        first[2], first[3], first[4]
    );
    println!(
        "incremental pull of {CHANGES} changed records (+ index): {} s (target <= 2 s)",
        first[5]
    );

    let (replay, direct) = push_replay(&dir, &server, user.parse().expect("user id"));
    println!(
        "push replay on the server: {replay:.0} mutations/s (target >= 500); the same calls made directly: {direct:.0} calls/s"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs this benchmark as a child in `role`; returns its output lines.
fn run(role: &[&str]) -> Vec<String> {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .arg("--role")
        .args(role)
        .output()
        .expect("child");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect()
}

fn child(role: &[String]) {
    match role {
        [r, server, n] if r == "build" => build(Path::new(server), n.parse().expect("n")),
        [r, device, n] if r == "import" => import(Path::new(device), n.parse().expect("n")),
        [r, server, device, user] if r == "first-sync" => first_sync(
            Path::new(server),
            Path::new(device),
            user.parse().expect("user"),
        ),
        _ => panic!("unknown role {role:?}"),
    }
}

fn csvs(n: usize) -> (String, String) {
    let ledger = SampleLedger::generate(42, n, n);
    let ids: Vec<CompanyId> = (0..n).map(|_| CompanyId::new()).collect();
    (
        ledger.companies_csv(Some(&ids)),
        ledger.persons_csv(Some(&ids)),
    )
}

fn import_into(sfa: &Sfa, admin: UserId, n: usize) {
    let (companies, persons) = csvs(n);
    let me = sfa.session(admin).expect("session");
    me.import_companies_csv(companies.as_bytes(), &ImportOptions::default())
        .expect("companies");
    me.import_persons_csv(persons.as_bytes(), &ImportOptions::default())
        .expect("persons");
}

/// The server: an admin, a member (printed), and the ledger.
fn build(server: &Path, n: usize) {
    let sfa = Sfa::open(server).expect("server");
    let admin = sfa
        .create_first_admin(&UserInput::admin("部長 一郎", "bucho@example.jp"))
        .expect("admin");
    let member = sfa
        .session(admin.id)
        .and_then(|s| s.add_user(&UserInput::member("営業 花子", "hanako@example.jp")))
        .expect("member");
    import_into(&sfa, admin.id, n);
    // The server's own index is built here, so that opening the server in the
    // first-sync child costs neither time nor memory there.
    sfa.catch_up_search_index(&mut |_, _| {})
        .expect("server index");
    println!("{}", member.id);
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// The direct way: import the CSVs into a fresh file and catch its index up.
fn import(device: &Path, n: usize) {
    let (companies, persons) = csvs(n);
    let sfa = Sfa::open(device).expect("device");
    let admin = sfa
        .create_first_admin(&UserInput::admin("部長 一郎", "bucho@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let start = Instant::now();
    me.import_companies_csv(companies.as_bytes(), &ImportOptions::default())
        .expect("companies");
    me.import_persons_csv(persons.as_bytes(), &ImportOptions::default())
        .expect("persons");
    sfa.catch_up_search_index(&mut |_, _| {}).expect("index");
    println!("{}", secs(start.elapsed()));
    println!("{}", sfa_testkit::peak_memory());
}

/// A fresh device's first sync (pull every page, then the index), and then an
/// incremental pull of records changed on the server.
fn first_sync(server: &Path, device: &Path, user: UserId) {
    let server = Sfa::open(server).expect("server");
    let phone = Phone {
        sfa: Sfa::open(device).expect("device"),
        user,
    };
    phone.sfa.sync_client().enable().expect("enable");
    let start = Instant::now();
    let mut requests = 0;
    let mut records = 0;
    loop {
        let request = phone.sfa.sync_client().pull_request(1000).expect("request");
        let answer = server.sync_server().pull(user, &request).expect("pull");
        let page = phone
            .sfa
            .sync_client()
            .apply_pull_response(&answer)
            .expect("apply");
        requests += 1;
        records += page.applied;
        if page.remaining == 0 {
            break;
        }
    }
    let pulled = start.elapsed();
    phone
        .sfa
        .catch_up_search_index(&mut |_, _| {})
        .expect("index");
    let total = start.elapsed();

    // Another user's week: records changed on the server.
    let admin = server.session_by_email("bucho@example.jp").expect("admin");
    let inputs: Vec<CompanyInput> = (0..CHANGES)
        .map(|i| CompanyInput::named(format!("株式会社増分{i:05}")))
        .collect();
    admin.add_companies(&inputs).expect("changes");
    let start = Instant::now();
    phone.sync(&server).expect("incremental");
    phone
        .sfa
        .catch_up_search_index(&mut |_, _| {})
        .expect("index");
    let incremental = start.elapsed();
    println!("{}", secs(total));
    println!("{}", sfa_testkit::peak_memory());
    println!("{records}");
    println!("{}", secs(pulled));
    println!("{requests}");
    println!("{}", secs(incremental));
}

/// Calls made offline on a device, replayed by the server in pushes; and the same
/// calls made directly on the server.
fn push_replay(dir: &Path, server: &Path, user: UserId) -> (f64, f64) {
    let server = Sfa::open(server).expect("server");
    let phone = Phone {
        sfa: Sfa::open(dir.join("pusher.sqlite")).expect("device"),
        user,
    };
    phone.sfa.sync_client().enable().expect("enable");
    phone.sync(&server).expect("first sync");
    let me = phone.me();
    for i in 0..PUSHED {
        me.add_company(&CompanyInput::named(format!("株式会社押上{i:05}")))
            .expect("offline call");
    }
    let start = Instant::now();
    while let Some(push) = phone.sfa.sync_client().push_request(1 << 20).expect("push") {
        let answer = server.sync_server().push(user, &push).expect("replay");
        phone
            .sfa
            .sync_client()
            .apply_push_response(&answer)
            .expect("apply");
    }
    let replay = PUSHED as f64 / start.elapsed().as_secs_f64();
    let direct_session = server.session(user).expect("session");
    let start = Instant::now();
    for i in 0..PUSHED {
        direct_session
            .add_company(&CompanyInput::named(format!("株式会社直接{i:05}")))
            .expect("direct call");
    }
    let direct = PUSHED as f64 / start.elapsed().as_secs_f64();
    (replay, direct)
}
