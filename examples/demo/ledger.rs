//! Chapter 1: the customer ledger -- import, typing on a phone, validation, links,
//! browsing, search, related records, conflicts, archiving and CSV.

use std::path::Path;

use sfa_core::{
    Company, CompanyInput, CsvEncoding, Error, ExportOptions, ImportOptions, PageRequest, Person,
    PersonInput, SearchRequest, Session,
};
use sfa_testkit::SampleLedger;

use super::step;

/// What later chapters use: the company and the person added by hand.
pub struct Added {
    pub company: Company,
    pub person: Person,
}

pub fn run(
    admin: &Session,
    me: &Session,
    path: &Path,
) -> Result<Added, Box<dyn std::error::Error>> {
    step("2. Import the customer list from CSV (as exported from Excel)");
    let ledger = SampleLedger::generate(2026, 30, 60);
    let report = me.import_companies_csv(
        ledger.companies_csv(None).as_bytes(),
        &ImportOptions::default(),
    )?;
    println!("   companies imported: {}", report.imported);
    let report = me.import_persons_csv(
        ledger.persons_csv(None).as_bytes(),
        &ImportOptions::default(),
    )?;
    println!(
        "   persons imported:   {} (linked to their company by 会社名)",
        report.imported
    );

    step("3. Add a company the way it was typed on a phone");
    let typed = CompanyInput {
        name: "　株式会社ＡＢＣトレーディング ".into(),
        name_reading: Some("ｴｰﾋﾞｰｼｰﾄﾚｰﾃﾞｨﾝｸﾞ".into()),
        postal_code: Some("〒１０００００５".into()),
        address: Some("東京都千代田区丸の内１丁目９番２号".into()),
        phone: Some("０３（６２１２）０００１".into()),
        website: Some("abc-trading.example.jp".into()),
        industry: Some("卸売業".into()),
        ..CompanyInput::default()
    };
    let abc = me.add_company(&typed)?;
    println!("   name      {:?}", abc.name);
    println!(
        "   reading   {:?}",
        abc.name_reading.as_deref().unwrap_or("")
    );
    println!(
        "   postal    {:?}",
        abc.postal_code.as_deref().unwrap_or("")
    );
    println!("   address   {:?}", abc.address.as_deref().unwrap_or(""));
    println!(
        "   phone     {:?} -> {}",
        abc.phone.as_deref().unwrap_or(""),
        abc.links().tel.unwrap_or_default()
    );
    println!("   homepage  {}", abc.links().homepage.unwrap_or_default());

    step("4. Bad input is refused with the field and the reason (never the value)");
    let bad = CompanyInput {
        name: " ".into(),
        phone: Some("03-12".into()),
        website: Some("ホームページなし".into()),
        ..CompanyInput::default()
    };
    match me.add_company(&bad) {
        Err(e) => println!("   {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }

    step("5. Add the person met today, then open the click-to-mail and click-to-call links");
    let person = me.add_person(&PersonInput {
        name_reading: Some("たかはし いちろう".into()),
        department: Some("購買部".into()),
        title: Some("部長".into()),
        email: Some("ichiro.takahashi＠abc-trading.example.jp".into()),
        office_phone: Some("03-6212-0002".into()),
        mobile_phone: Some("090-1234-5678".into()),
        ..PersonInput::named(abc.id, "高橋 一郎")
    })?;
    let links = person.contact_links();
    println!(
        "   {} ({} {})",
        person.name,
        person.department.as_deref().unwrap_or(""),
        person.title.as_deref().unwrap_or("")
    );
    println!("   mail   {}", links.mailto.unwrap_or_default());
    println!("   office {}", links.office_tel.unwrap_or_default());
    println!("   mobile {}", links.mobile_tel.unwrap_or_default());

    step("6. Browse the ledger in あいうえお order, a page at a time");
    let first = me.list_companies(&PageRequest::first(5))?;
    for c in &first.items {
        println!(
            "   {}  ({})",
            c.name,
            c.name_reading.as_deref().unwrap_or("-")
        );
    }
    if let Some(cursor) = first.next_cursor {
        let second = me.list_companies(&PageRequest::first(5).after(cursor))?;
        println!(
            "   next page starts with {}",
            second.items.first().map_or("-", |c| c.name.as_str())
        );
    }

    step("6b. Search the ledger as a salesperson types (曖昧検索)");
    for query in [
        "ﾔﾏﾀﾞ",                  // half-width kana
        "㈱ABCトレーディング",  // company-form abbreviation, full name
        "takahashi ichiro",     // romaji against kana readings
        "たかはし",             // hiragana reading prefix
        "丸の内１丁目９番２号", // address in kanji notation vs 1-9-2
        "03-6212-0001",         // phone as written
        "0002",                 // last four digits
        "abc-tradng",           // a typo inside a web address
    ] {
        let hits = me.search(&SearchRequest {
            limit: 3,
            ..SearchRequest::new(query)
        })?;
        let shown: Vec<String> = hits
            .iter()
            .map(|h| format!("{} ({:?})", h.display_name, h.kind))
            .collect();
        println!(
            "   {query:<22} -> {}",
            if shown.is_empty() {
                "(nothing)".to_string()
            } else {
                shown.join(", ")
            }
        );
    }

    step("7. Related records: company -> its persons");
    let company = &first.items[0];
    let persons = me.company_persons(company.id, &PageRequest::default())?;
    println!("   {} has {} person(s):", company.name, persons.items.len());
    for p in &persons.items {
        println!(
            "   - {} / {} / {}",
            p.name,
            p.department.as_deref().unwrap_or("-"),
            p.title.as_deref().unwrap_or("-")
        );
    }

    step("8. Two devices edit the same company: the stale one gets a conflict");
    let on_phone = me.get_company(abc.id)?;
    let on_tablet = admin.get_company(abc.id)?;
    let mut edit = on_phone.input();
    edit.notes = Some("来月、新製品の紹介で再訪予定".into());
    let saved = me.update_company(abc.id, on_phone.version, &edit)?;
    println!(
        "   phone saved version {} (updated by {})",
        saved.version,
        me.me()?.name
    );
    let mut stale = on_tablet.input();
    stale.industry = Some("商社".into());
    match admin.update_company(abc.id, on_tablet.version, &stale) {
        Err(e @ Error::Conflict { .. }) => println!("   tablet: {e}"),
        other => println!("   tablet: unexpected {other:?}"),
    }

    step("9. Archive a company that closed: hidden from lists, kept for history");
    let before = count_companies(me, false)?;
    let closed = me.archive_company(company.id, company.version)?;
    println!(
        "   archived {}: listed {} -> {}, with archived {}",
        closed.name,
        before,
        count_companies(me, false)?,
        count_companies(me, true)?
    );

    step("10. A CSV with a bad row imports nothing, unless skipping is asked for");
    let csv = "会社名,氏名,メールアドレス\n株式会社ABCトレーディング,佐藤 花子,hanako@abc-trading.example.jp\n株式会社ABCトレーディング,鈴木 聡,satoshi@@example\n";
    match me.import_persons_csv(csv.as_bytes(), &ImportOptions::default()) {
        Err(e) => println!("   all-or-nothing: {e}"),
        Ok(r) => println!("   unexpectedly imported {}", r.imported),
    }
    let report = me.import_persons_csv(
        csv.as_bytes(),
        &ImportOptions {
            skip_bad_rows: true,
            ..ImportOptions::default()
        },
    )?;
    println!(
        "   with skipping: imported {}, skipped {}",
        report.imported,
        report.skipped.len()
    );
    for row in &report.skipped {
        println!("   - {row}");
    }

    step("11. Export persons for Excel (Shift_JIS)");
    let out_path = path.with_extension("persons.csv");
    let file = std::io::BufWriter::new(std::fs::File::create(&out_path)?);
    let written = me.export_persons_csv(
        file,
        &ExportOptions {
            encoding: CsvEncoding::ShiftJis,
            include_archived: false,
        },
    )?;
    println!("   wrote {written} persons to {}", out_path.display());

    Ok(Added {
        company: me.get_company(abc.id)?,
        person: me.get_person(person.id)?,
    })
}

fn count_companies(me: &sfa_core::Session, include_archived: bool) -> sfa_core::Result<usize> {
    let mut n = 0;
    let mut request = PageRequest {
        limit: 1000,
        cursor: None,
        include_archived,
    };
    loop {
        let page = me.list_companies(&request)?;
        n += page.items.len();
        match page.next_cursor {
            Some(c) => request = request.after(c),
            None => return Ok(n),
        }
    }
}
