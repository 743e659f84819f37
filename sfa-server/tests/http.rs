//! The reference server over HTTP on loopback, with the private PostgreSQL cluster of
//! the test run (`SFA_TEST_POSTGRES`; skipped, and saying so, without it): tenants and
//! tokens made with the command line, phones syncing through the endpoints, the
//! refusals a client meets (no token, a wrong one, a body too large), and the server
//! killed with kill -9 in the middle of pushes, again and again, without a call lost
//! or applied twice.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use sfa_core::store::postgres::testing;
use sfa_core::sync::Exchange;
use sfa_core::{CompanyInput, Sfa, UserInput};
use sfa_testkit::http::request;
use sfa_testkit::sync::Phone;
use sfa_testkit::{ManualClock, Rng};

const SERVER: &str = env!("CARGO_BIN_EXE_sfa-server");

/// A running server and the address it listens on.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(url: &str) -> Server {
        let mut child = Command::new(SERVER)
            .args(["serve", "--postgres", url, "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = line
            .trim()
            .strip_prefix("sfa-server listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, address }
    }

    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli(args: &[&str]) -> String {
    let out = Command::new(SERVER).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A tenant with an admin and a member, and a token for each.
struct Tenant {
    sfa: Sfa,
    admin: (sfa_core::UserId, String),
    member: (sfa_core::UserId, String),
}

fn tenant(url: &str) -> Tenant {
    let name = testing::fresh_tenant();
    cli(&[
        "tenant",
        "create",
        "--postgres",
        url,
        "--tenant",
        &name,
        "--admin-name",
        "部長 一郎",
        "--admin-email",
        "bucho@example.jp",
    ]);
    let sfa = Sfa::open_postgres(url, &name).unwrap();
    let admin = sfa.session_by_email("bucho@example.jp").unwrap();
    let member = admin
        .add_user(&UserInput::member("営業 花子", "hanako@example.jp"))
        .unwrap();
    let token = |email: &str| {
        cli(&[
            "token",
            "create",
            "--postgres",
            url,
            "--tenant",
            &name,
            "--email",
            email,
        ])
    };
    Tenant {
        admin: (admin.user_id(), token("bucho@example.jp")),
        member: (member.id, token("hanako@example.jp")),
        sfa,
    }
}

/// Sends one exchange over HTTP; a refused connection or a 503 is `Unavailable`.
fn send(address: &str, token: &str, exchange: Exchange<'_>) -> sfa_core::Result<Vec<u8>> {
    let (path, body) = match exchange {
        Exchange::Push(b) => ("/v1/sync/push", b),
        Exchange::Pull(b) => ("/v1/sync/pull", b),
    };
    let answer = request(address, "POST", path, Some(token), body)
        .map_err(|_| sfa_core::Error::Unavailable)?;
    match answer.status {
        200 => Ok(answer.body),
        503 => Err(sfa_core::Error::Unavailable),
        status => panic!("status {status}: {}", String::from_utf8_lossy(&answer.body)),
    }
}

/// A whole sync of `phone` over HTTP.
fn sync(phone: &Phone, address: &str, token: &str) -> sfa_core::Result<sfa_core::sync::SyncReport> {
    phone
        .sfa
        .sync_client()
        .run(&mut |exchange| send(address, token, exchange))
}

#[test]
fn phones_sync_through_the_server_with_their_tokens() {
    let Some(url) = testing::url() else {
        eprintln!("skipped: SFA_TEST_POSTGRES is not set");
        return;
    };
    let t = tenant(&url);
    let server = Server::start(&url);
    let a = &server.address;
    assert_eq!(request(a, "GET", "/health", None, b"").unwrap().status, 200);

    // No token, a wrong one, a malformed message, a body over the limit.
    let phone = Phone::new(t.member.0, &ManualClock::at_jst(2026, 12, 1, 9, 0));
    let pull = phone.sfa.sync_client().pull_request(100).unwrap();
    assert_eq!(
        request(a, "POST", "/v1/sync/pull", None, &pull)
            .unwrap()
            .status,
        401
    );
    assert_eq!(
        request(a, "POST", "/v1/sync/pull", Some("sfa_0000"), &pull)
            .unwrap()
            .status,
        401
    );
    let bad = request(
        a,
        "POST",
        "/v1/sync/pull",
        Some(&t.member.1),
        b"{\"cursor\":",
    )
    .unwrap();
    assert_eq!(bad.status, 400);
    assert!(String::from_utf8_lossy(&bad.body).contains("sync message"));
    let huge = vec![b' '; 2 << 20];
    assert_eq!(
        request(a, "POST", "/v1/sync/pull", Some(&t.member.1), &huge)
            .unwrap()
            .status,
        413
    );

    // The member's phone receives the tenant, works offline, and its work reaches
    // the admin's phone through the server.
    sync(&phone, a, &t.member.1).unwrap();
    let company = phone
        .me()
        .add_company(&CompanyInput::named("株式会社回線経由"))
        .unwrap();
    let report = sync(&phone, a, &t.member.1).unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        t.sfa
            .session(t.member.0)
            .unwrap()
            .get_company(company.id)
            .unwrap(),
        company
    );
    let boss = Phone::new(t.admin.0, &ManualClock::at_jst(2026, 12, 1, 9, 0));
    sync(&boss, a, &t.admin.1).unwrap();
    assert_eq!(boss.me().get_company(company.id).unwrap(), company);
    // A token acts as its own user only: the member's calls pushed with the admin's
    // token are refused, not applied as the admin.
    phone
        .me()
        .add_company(&CompanyInput::named("株式会社他人名義"))
        .unwrap();
    let push = phone
        .sfa
        .sync_client()
        .push_request(1 << 20)
        .unwrap()
        .unwrap();
    let answer = request(a, "POST", "/v1/sync/push", Some(&t.admin.1), &push).unwrap();
    assert_eq!(answer.status, 200);
    assert!(String::from_utf8_lossy(&answer.body).contains("permission_denied"));
    // A revoked token (a lost phone) is refused from then on.
    assert_eq!(
        cli(&[
            "token",
            "revoke",
            "--postgres",
            &url,
            "--token",
            &t.member.1
        ]),
        "revoked"
    );
    let pull = phone.sfa.sync_client().pull_request(100).unwrap();
    let refused = request(a, "POST", "/v1/sync/pull", Some(&t.member.1), &pull).unwrap();
    assert_eq!(refused.status, 401);
    server.kill();
}

#[test]
fn a_server_killed_during_pushes_applies_every_call_once() {
    let Some(url) = testing::url() else {
        eprintln!("skipped: SFA_TEST_POSTGRES is not set");
        return;
    };
    let t = tenant(&url);
    let clock = ManualClock::at_jst(2026, 12, 1, 9, 0);
    let phone = Phone::new(t.member.0, &clock);
    let mut server = Server::start(&url);
    sync(&phone, &server.address, &t.member.1).unwrap();
    let mut rng = Rng::new(0x5EED_0003);
    let mut made = 0;
    let mut interrupted = 0;
    for _ in 0..20 {
        // A batch of offline calls, pushed in small pieces while the server is
        // killed at a random moment; a new server starts and the phone goes on.
        for _ in 0..40 {
            let name = format!("株式会社停電{made:04}");
            phone.me().add_company(&CompanyInput::named(name)).unwrap();
            made += 1;
        }
        let address = server.address.clone();
        let delay = Duration::from_millis(2 + rng.below(60) as u64);
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            server.kill();
        });
        while let Some(push) = phone.sfa.sync_client().push_request(2_000).unwrap() {
            match send(&address, &t.member.1, Exchange::Push(&push)) {
                Ok(answer) => {
                    phone
                        .sfa
                        .sync_client()
                        .apply_push_response(&answer)
                        .unwrap();
                }
                Err(_) => {
                    interrupted += 1;
                    break;
                }
            }
        }
        killer.join().unwrap();
        server = Server::start(&url);
    }
    assert!(interrupted > 0, "no kill landed during a push");
    let report = sync(&phone, &server.address, &t.member.1).unwrap();
    assert_eq!(report.rejected, 0);
    assert_eq!(phone.sfa.sync_client().status().unwrap().pending, 0);
    let me = t.sfa.session(t.member.0).unwrap();
    let mut names = sfa_testkit::sync::company_names(&me);
    names.retain(|n| n.starts_with("株式会社停電"));
    let unique: std::collections::BTreeSet<_> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "a call was applied twice");
    assert_eq!(names.len(), made, "a call was lost");
    assert_eq!(phone.records(), phone.expected(&t.sfa));
    server.kill();
}
