//! The child process of the crash harness (`tests/crash.rs`): opens a database and
//! does mixed writes (companies, updates, persons, reported visits, deals with lines
//! closed as won, card uploads, CSV imports) until it is killed, printing one line on
//! stdout for each write *after* it committed:
//!
//! ```text
//! company <id> <version> <name>      a company added or renamed (its latest acked state)
//! person <id> <company id>           a person added
//! report <interaction id>            a visit logged with a report to the reviewer
//! deal <id> <amount>                 a deal with two lines
//! won <deal id>                      that deal closed as won
//! card <id> <seed> <n>               a card image uploaded (bytes from seed and n)
//! begin <prefix>                     a 20-company CSV import starts (not yet committed)
//! batch <prefix>                     that import committed
//! ```
//!
//! Usage: `sfa-crash-writer <database> <seed>`.

use std::io::Write;

use sfa_core::{
    CompanyId, CompanyInput, DealInput, DealLineInput, Error, ImportOptions, InteractionInput,
    InteractionKind, PersonInput, ProductCategoryInput, ProductInput, ReportInput, Session, Sfa,
    UserInput,
};
use sfa_testkit::Rng;
use sfa_testkit::catalog::dec;
use sfa_testkit::crash::{ADMIN_EMAIL, REVIEWER_EMAIL, card_image};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(seed)) = (args.next(), args.next()) else {
        eprintln!("usage: sfa-crash-writer <database> <seed>");
        std::process::exit(2);
    };
    let seed: u64 = seed.parse().unwrap_or_else(|_| {
        eprintln!("the seed must be a number");
        std::process::exit(2);
    });
    if let Err(e) = run(&path, seed) {
        eprintln!("sfa-crash-writer: {e}");
        std::process::exit(1);
    }
}

fn ack(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    // A closed pipe means the harness is gone: stop quietly.
    if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// The users and the product every run needs; each step is skipped when an earlier
/// (killed) run already committed it.
fn setup(sfa: &Sfa) -> Result<(Session, Session, Vec<sfa_core::ProductId>), Error> {
    if !sfa.has_users()? {
        sfa.create_first_admin(&UserInput::admin("管理 太郎", ADMIN_EMAIL))?;
    }
    let admin = sfa.session_by_email(ADMIN_EMAIL)?;
    let reviewer = match sfa.session_by_email(REVIEWER_EMAIL) {
        Ok(s) => s,
        Err(Error::NotFound { .. }) => {
            let input = UserInput {
                name: "部長 花子".into(),
                email: REVIEWER_EMAIL.into(),
                role: sfa_core::Role::Member,
                active: true,
            };
            sfa.session(admin.add_user(&input)?.id)?
        }
        Err(e) => return Err(e),
    };
    let category = match admin.list_product_categories(false)?.into_iter().next() {
        Some(c) => c,
        None => admin.add_product_category(&ProductCategoryInput {
            name: "ソフトウェア".into(),
        })?,
    };
    let mut products: Vec<_> = admin
        .list_products(false)?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for (code, price) in [("SV-100", "480000"), ("SP-10", "0.1")]
        .iter()
        .skip(products.len())
    {
        products.push(
            admin
                .add_product(&ProductInput {
                    category_id: category.id,
                    code: (*code).into(),
                    name: format!("商材{code}"),
                    unit_price: dec(price),
                })?
                .id,
        );
    }
    Ok((admin, reviewer, products))
}

fn run(path: &str, seed: u64) -> Result<(), Error> {
    let sfa = Sfa::open(path)?;
    let (me, reviewer, products) = setup(&sfa)?;
    let reviewer_id = reviewer.user_id();
    let mut rng = Rng::new(seed);
    let mut companies: Vec<(CompanyId, i64, String)> = Vec::new();
    for n in 0u64.. {
        let roll = rng.below(100);
        if companies.is_empty() || roll < 25 {
            let name = format!("株式会社クラッシュ{seed}-{n}");
            let input = CompanyInput {
                name_reading: Some("クラッシュ".into()),
                phone: Some(format!("03-{:04}-{:04}", seed % 10_000, n % 10_000)),
                ..CompanyInput::named(name)
            };
            let c = me.add_company(&input)?;
            ack(format_args!("company {} {} {}", c.id, c.version, c.name));
            companies.push((c.id, c.version, c.name));
        } else if roll < 40 {
            let i = rng.below(companies.len());
            let (id, version, name) = &companies[i];
            let renamed = format!("{name}改");
            let c = me.update_company(*id, *version, &CompanyInput::named(renamed))?;
            ack(format_args!("company {} {} {}", c.id, c.version, c.name));
            companies[i] = (c.id, c.version, c.name);
        } else if roll < 55 {
            let (company_id, _, _) = rng.pick(&companies);
            let input = PersonInput {
                company_id: *company_id,
                name: format!("山田 {seed}-{n}"),
                email: Some(format!("p{seed}-{n}@crash.example.jp")),
                ..PersonInput::default()
            };
            let p = me.add_person(&input)?;
            ack(format_args!("person {} {}", p.id, p.company_id));
        } else if roll < 70 {
            let (company_id, _, _) = rng.pick(&companies);
            let now = sfa_core::model::truncate_to_millis(chrono::Utc::now());
            let input = InteractionInput {
                company_id: *company_id,
                kind: InteractionKind::Visit,
                purpose: format!("訪問 {seed}-{n}"),
                starts_at: now - chrono::Duration::hours(2),
                ends_at: now - chrono::Duration::hours(1),
                participant_ids: vec![me.user_id()],
                ..InteractionInput::default()
            };
            let report = ReportInput {
                outcome: "見積依頼あり".into(),
                report_to: Some(reviewer_id),
                ..ReportInput::default()
            };
            let i = me.log_interaction(&input, &report)?;
            ack(format_args!("report {}", i.id));
        } else if roll < 82 {
            let (company_id, _, _) = rng.pick(&companies);
            let lines = products
                .iter()
                .zip(["2", "3"])
                .map(|(p, q)| DealLineInput {
                    product_id: *p,
                    quantity: dec(q),
                    unit_price: None,
                })
                .collect();
            let input = DealInput {
                company_id: *company_id,
                name: format!("案件 {seed}-{n}"),
                lines,
                ..DealInput::default()
            };
            let d = me.add_deal(&input)?;
            let amount = d.amount.map(|a| a.to_string()).unwrap_or_default();
            ack(format_args!("deal {} {amount}", d.id));
            if rng.chance(50) {
                let won = me.win_deal(d.id, d.version, None)?;
                ack(format_args!("won {}", won.id));
            }
        } else if roll < 92 {
            let card = me.upload_card(&card_image(seed, n), "image/jpeg", None)?;
            ack(format_args!("card {} {seed} {n}", card.id));
        } else {
            let prefix = format!("一括{seed}-{n}");
            let mut csv = String::from("会社名,電話番号\n");
            for k in 0..20 {
                csv.push_str(&format!("{prefix}-{k:02},06-{:04}-{k:04}\n", n % 10_000));
            }
            ack(format_args!("begin {prefix}"));
            me.import_companies_csv(csv.as_bytes(), &ImportOptions::default())?;
            ack(format_args!("batch {prefix}"));
        }
    }
    Ok(())
}
