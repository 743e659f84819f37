//! CSV import and export of the ledger: encodings, header mapping, bad rows, round trips.
#![allow(clippy::unwrap_used)]

use sfa_core::{
    CsvEncoding, Error, ExportOptions, ImportOptions, PageRequest, Reason, RowProblem, Session,
    UserInput,
};

use sfa_core::csv_io::{MAX_IMPORT_ROWS, MAX_ROW_BYTES};

const COMPANIES_CP932: &[u8] = include_bytes!("fixtures/csv/companies_cp932.csv");
const PERSONS_BAD_ROWS: &[u8] = include_bytes!("fixtures/csv/persons_bad_rows.csv");

fn session() -> Session {
    let sfa = sfa_testkit::fresh_database();
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    sfa.session(admin.id).unwrap()
}

fn skip() -> ImportOptions {
    ImportOptions {
        skip_bad_rows: true,
        ..ImportOptions::default()
    }
}

#[test]
fn a_cp932_file_from_excel_is_detected_and_normalised() {
    let me = session();
    let report = me
        .import_companies_csv(COMPANIES_CP932, &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 3);
    assert!(report.skipped.is_empty());
    let companies = me.list_companies(&PageRequest::default()).unwrap().items;
    let yamada = companies.iter().find(|c| c.name == "㈱山田製作所").unwrap();
    assert_eq!(yamada.name_reading.as_deref(), Some("ヤマダセイサクショ"));
    assert_eq!(yamada.postal_code.as_deref(), Some("100-0005"));
    assert_eq!(yamada.phone.as_deref(), Some("+81312345678"));
    assert_eq!(
        yamada.website.as_deref(),
        Some("https://yamada-ss.example.jp")
    );
    assert_eq!(
        yamada.notes.as_deref(),
        Some("展示会で名刺交換。\n次回訪問で見積もり"),
        "a quoted line break stays in the notes"
    );
    let takahashi = companies
        .iter()
        .find(|c| c.name.starts_with("髙橋"))
        .unwrap();
    assert_eq!(takahashi.notes.as_deref(), Some("NEC特殊文字①と㈱を含む"));

    // Naming the encoding explicitly gives the same result; the wrong one is refused
    // with a line number instead of garbling names.
    let again = session()
        .import_companies_csv(
            COMPANIES_CP932,
            &ImportOptions {
                encoding: CsvEncoding::ShiftJis,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    assert_eq!(again.imported, 3);
    let wrong = session().import_companies_csv(
        COMPANIES_CP932,
        &ImportOptions {
            encoding: CsvEncoding::Utf8,
            ..ImportOptions::default()
        },
    );
    match wrong {
        Err(Error::Import(row)) => {
            assert_eq!(row.line, 1);
            assert!(matches!(row.problem, RowProblem::Malformed(_)));
        }
        other => panic!("expected an encoding error, got {other:?}"),
    }
}

#[test]
fn a_file_with_bad_rows_imports_nothing_unless_skipping_is_asked_for() {
    let me = session();
    me.import_companies_csv(COMPANIES_CP932, &ImportOptions::default())
        .unwrap();

    let err = me
        .import_persons_csv(PERSONS_BAD_ROWS, &ImportOptions::default())
        .unwrap_err();
    match &err {
        Error::Import(row) => {
            assert_eq!(row.line, 3, "the first bad row is reported");
            assert_eq!(
                err.validation().unwrap().reason_for("email"),
                Some(&Reason::InvalidEmail)
            );
        }
        other => panic!("expected an import error, got {other:?}"),
    }
    assert!(
        me.list_persons(&PageRequest::default())
            .unwrap()
            .items
            .is_empty(),
        "the good row before the bad one was rolled back"
    );

    let report = me.import_persons_csv(PERSONS_BAD_ROWS, &skip()).unwrap();
    assert_eq!(report.imported, 2);
    let skipped: Vec<(i64, Option<&'static str>)> = report
        .skipped
        .iter()
        .map(|r| match &r.problem {
            RowProblem::Invalid(v) => (r.line, Some(v.field())),
            RowProblem::Malformed(_) => (r.line, None),
        })
        .collect();
    assert_eq!(
        skipped,
        [
            (3, Some("email")),
            (4, Some("company_name")),
            (5, Some("name")),
            (7, None)
        ]
    );
    let names: Vec<String> = me
        .list_persons(&PageRequest::default())
        .unwrap()
        .items
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["伊藤 誠", "高橋 一郎"]);
    // Row errors name fields and lines, never the values.
    let text = report.skipped[0].to_string();
    assert!(
        text.contains("line 3") && !text.contains("hanako"),
        "{text}"
    );
}

#[test]
fn headers_are_matched_in_english_or_japanese_and_unknown_ones_are_refused() {
    let me = session();
    let csv = "Name,Name Reading,ＴＥＬ,Web-Site,Industry\n株式会社青葉商事,アオバショウジ,03-1111-2222,aoba.example.jp,卸売業\n";
    let report = me
        .import_companies_csv(csv.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 1);

    let typo = "会社名,電話番号,emial\n株式会社北斗,03-1111-2222,x@example.jp\n";
    let err = me
        .import_companies_csv(typo.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    // Unknown columns are named by position, never by their text: a file without a
    // header row would otherwise echo a customer's record into the error.
    assert!(err.to_string().contains("positions 3"), "{err}");
    assert!(!err.to_string().contains("emial"), "{err}");
    let headerless = "株式会社北斗,03-1111-2222,hokuto@example.jp\n株式会社南斗,03-1111-3333,\n";
    let err = me
        .import_companies_csv(headerless.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    for secret in ["北斗", "03-1111-2222", "hokuto"] {
        assert!(!err.to_string().contains(secret), "{err}");
    }
    let report = me
        .import_companies_csv(
            typo.as_bytes(),
            &ImportOptions {
                ignore_unknown_columns: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    assert_eq!(report.imported, 1);

    let no_name = "住所\n東京都\n";
    assert!(
        me.import_companies_csv(no_name.as_bytes(), &ImportOptions::default())
            .is_err()
    );
    assert!(
        me.import_companies_csv(&b""[..], &ImportOptions::default())
            .is_err()
    );
}

#[test]
fn blank_rows_are_counted_and_ambiguous_company_names_are_refused() {
    let me = session();
    let companies = "会社名\n同名商事\n同名商事\n,\n\n";
    let report = me
        .import_companies_csv(companies.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!((report.imported, report.blank_rows), (2, 1));
    let persons = "会社名,氏名\n同名商事,山田 太郎\n";
    let err = me
        .import_persons_csv(persons.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    assert_eq!(
        err.validation().unwrap().reason_for("company_name"),
        Some(&Reason::Ambiguous)
    );
}

#[test]
fn an_export_reimports_into_an_empty_database_unchanged() {
    let me = session();
    let ledger = sfa_testkit::SampleLedger::generate(11, 40, 90);
    me.import_companies_csv(
        ledger.companies_csv(None).as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();
    me.import_persons_csv(
        ledger.persons_csv(None).as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();

    for encoding in [CsvEncoding::Auto, CsvEncoding::Utf8, CsvEncoding::ShiftJis] {
        let options = ExportOptions {
            encoding,
            include_archived: true,
        };
        let mut companies = Vec::new();
        let mut persons = Vec::new();
        assert_eq!(
            me.export_companies_csv(&mut companies, &options).unwrap(),
            40
        );
        assert_eq!(me.export_persons_csv(&mut persons, &options).unwrap(), 90);
        if encoding == CsvEncoding::Auto {
            assert!(
                companies.starts_with(&[0xEF, 0xBB, 0xBF]),
                "Excel needs the BOM"
            );
        }

        let copy = session();
        copy.import_companies_csv(&companies[..], &ImportOptions::default())
            .unwrap();
        copy.import_persons_csv(&persons[..], &ImportOptions::default())
            .unwrap();
        let all = PageRequest {
            include_archived: true,
            ..PageRequest::first(1000)
        };
        let strip = |c: sfa_core::Company| (c.id, c.input(), c.archived);
        assert_eq!(
            copy.list_companies(&all)
                .unwrap()
                .items
                .into_iter()
                .map(strip)
                .collect::<Vec<_>>(),
            me.list_companies(&all)
                .unwrap()
                .items
                .into_iter()
                .map(strip)
                .collect::<Vec<_>>(),
            "{encoding:?}"
        );
        let strip = |p: sfa_core::Person| (p.id, p.input(), p.archived);
        assert_eq!(
            copy.list_persons(&all)
                .unwrap()
                .items
                .into_iter()
                .map(strip)
                .collect::<Vec<_>>(),
            me.list_persons(&all)
                .unwrap()
                .items
                .into_iter()
                .map(strip)
                .collect::<Vec<_>>(),
        );
    }
}

#[test]
fn shift_jis_export_names_the_field_it_cannot_encode() {
    let me = session();
    me.add_company(&sfa_core::CompanyInput::named("𠮷野家フーズ株式会社"))
        .unwrap();
    let mut out = Vec::new();
    let err = me
        .export_companies_csv(
            &mut out,
            &ExportOptions {
                encoding: CsvEncoding::ShiftJis,
                include_archived: false,
            },
        )
        .unwrap_err();
    match err {
        Error::Unrepresentable { field, .. } => assert_eq!(field, "name"),
        other => panic!("expected Unrepresentable, got {other:?}"),
    }
}

#[test]
fn a_hundred_thousand_rows_import_in_one_transaction() {
    let me = session();
    let ledger = sfa_testkit::SampleLedger::generate(5, 100_000, 0);
    let csv = ledger.companies_csv(None);
    let report = me
        .import_companies_csv(csv.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 100_000);
    // One bad row at the very end rolls back all 100k.
    let mut bad = ledger.companies_csv(None);
    bad.push_str("株式会社最後,,,,電話,,,\r\n");
    let fresh = session();
    let err = fresh
        .import_companies_csv(bad.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::Import(_)));
    assert!(
        fresh
            .list_companies(&PageRequest::first(1))
            .unwrap()
            .items
            .is_empty()
    );
}

#[test]
fn import_size_limits_stop_the_whole_import_with_the_line() {
    let me = session();
    let import_error = |csv: &[u8], options: &ImportOptions| match me
        .import_companies_csv(csv, options)
        .unwrap_err()
    {
        Error::Import(row) => (row.line, row.problem.to_string()),
        other => panic!("{other}"),
    };
    // A physical line longer than MAX_ROW_BYTES is refused before it is buffered whole,
    // even when bad rows are skipped.
    let mut long = String::from("会社名,メモ\n株式会社正常,\n株式会社長文,");
    long.push_str(&"あ".repeat(MAX_ROW_BYTES / 3 + 10));
    long.push('\n');
    let (line, why) = import_error(long.as_bytes(), &skip());
    assert_eq!(line, 3);
    assert!(why.contains("longer than 64 KiB"), "{why}");
    // A quoted value over many short lines that adds up to more is refused too.
    let mut tall = String::from("会社名,メモ\n株式会社縦長,\"");
    for _ in 0..(MAX_ROW_BYTES / 10 + 10) {
        tall.push_str("123456789\n");
    }
    tall.push_str("\"\n");
    let (line, why) = import_error(tall.as_bytes(), &skip());
    assert_eq!(line, 2);
    assert!(why.contains("row is longer than 64 KiB"), "{why}");
    // More than MAX_IMPORT_ROWS rows (blank ones count) stop the import.
    let mut many = String::from("会社名,メモ\n株式会社先頭,\n");
    many.push_str(&",\n".repeat(MAX_IMPORT_ROWS as usize));
    let (line, why) = import_error(many.as_bytes(), &skip());
    assert_eq!(line, MAX_IMPORT_ROWS as i64 + 2);
    assert!(why.contains("more than 1000000 rows"), "{why}");
    assert!(
        me.list_companies(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );
}

/// The line of the first error in an import of `csv` (as bytes).
fn error_line(me: &Session, csv: &[u8]) -> (i64, String) {
    let err = me
        .import_companies_csv(csv, &ImportOptions::default())
        .unwrap_err();
    match err {
        Error::Import(row) => (row.line, row.problem.to_string()),
        other => panic!("{other}"),
    }
}

#[test]
fn error_lines_are_the_files_lines_whatever_the_line_ends() {
    let me = session();
    // A bad phone on the third physical line, written with every kind of line end,
    // with and without a BOM.
    let rows = [
        "会社名,電話番号",
        "株式会社青葉,03-1111-2222",
        "株式会社北斗,電話なし",
        "株式会社南風,03-1111-4444",
    ];
    for end in ["\n", "\r\n", "\r"] {
        for bom in [false, true] {
            let mut text = rows.join(end) + end;
            if bom {
                text.insert(0, '\u{feff}');
            }
            let (line, problem) = error_line(&me, text.as_bytes());
            assert_eq!(line, 3, "{end:?} bom={bom}: {problem}");
            assert!(problem.contains("phone"), "{problem}");
        }
    }
    // A quoted cell with line breaks moves the next rows' numbers on (physical lines).
    for end in ["\n", "\r\n"] {
        let text = [
            "会社名,電話番号,備考",
            "株式会社青葉,03-1111-2222,\"一行目",
            "二行目\"",
            "株式会社北斗,電話なし,",
        ]
        .join(end)
            + end;
        assert_eq!(error_line(&me, text.as_bytes()).0, 4, "{end:?}");
    }
    // Our own export (CRLF, BOM) with a row broken by hand reports that row's line.
    let good = me
        .import_companies_csv(
            "会社名\n株式会社一\n株式会社二\n".as_bytes(),
            &ImportOptions::default(),
        )
        .unwrap();
    assert_eq!(good.imported, 2);
    let mut exported = Vec::new();
    me.export_companies_csv(&mut exported, &ExportOptions::default())
        .unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(text.contains("\r\n"));
    let broken = text.replacen("株式会社二", "", 1); // a blank name on line 3 (of 3)
    let other = session();
    let (line, problem) = error_line(&other, broken.as_bytes());
    assert_eq!(line, 3, "{problem}");
}

#[test]
fn cr_only_files_import_and_boms_inside_the_file_are_not_stored() {
    let me = session();
    // Classic Mac Excel: CR line ends.
    let mac = "会社名,電話番号\r株式会社青葉,03-1111-2222\r株式会社北斗,03-1111-3333\r";
    let report = me
        .import_companies_csv(mac.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 2);
    // Two files glued together: the second one's BOM must not end up in a value.
    let glued = "\u{feff}会社名\n株式会社一\n\u{feff}株式会社二\n";
    me.import_companies_csv(glued.as_bytes(), &ImportOptions::default())
        .unwrap();
    let names: Vec<String> = me
        .list_companies(&PageRequest::first(100))
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(names.contains(&"株式会社二".to_string()), "{names:?}");
    assert!(names.iter().all(|n| !n.contains('\u{feff}')), "{names:?}");
}

#[test]
fn an_unterminated_quote_fails_with_the_line_where_it_opened() {
    let me = session();
    let csv = "会社名,備考\n株式会社青葉,\"閉じない引用\n株式会社北斗,\n株式会社南風,\n";
    let (line, problem) = error_line(&me, csv.as_bytes());
    assert_eq!(line, 2, "{problem}");
    assert!(problem.contains("never closed"), "{problem}");
    assert!(
        me.list_companies(&PageRequest::first(10))
            .unwrap()
            .items
            .is_empty(),
        "nothing imported"
    );
}

/// `rows` companies as a CSV file in UTF-8.
fn companies_csv(rows: usize) -> Vec<u8> {
    let mut csv = String::from("name,address\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "株式会社進捗{i:05},東京都千代田区丸の内{}-1\n",
            i % 9 + 1
        ));
    }
    csv.into_bytes()
}

#[test]
fn an_import_with_progress_tells_how_far_it_read_and_stores_what_the_plain_one_does() {
    use sfa_core::ImportKind;
    use std::ops::ControlFlow;

    let data = companies_csv(5_000);
    let me = session();
    let mut calls: Vec<(u64, u64)> = Vec::new();
    let report = me
        .import_csv_with_progress(
            ImportKind::Companies,
            &data,
            &ImportOptions::default(),
            &mut |done, total| {
                calls.push((done, total));
                ControlFlow::Continue(())
            },
        )
        .unwrap();
    assert_eq!(report.imported, 5_000);
    let total = data.len() as u64;
    assert!(calls.iter().all(|&(_, t)| t == total));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
    assert_eq!(calls.last(), Some(&(total, total)), "the end is told once");
    // Often enough to move a bar (the file is read in blocks of 64 KiB: this one is
    // about 300 KiB), never more than once per hundredth of it.
    assert!((4..=102).contains(&calls.len()), "{} calls", calls.len());
    assert!(calls[0].0 < total / 2);

    let plain = session()
        .import_companies_csv(data.as_slice(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report, plain);
}

#[test]
fn a_progress_callback_that_breaks_stops_the_import_and_nothing_is_stored() {
    use sfa_core::ImportKind;
    use std::ops::ControlFlow;

    let me = session();
    let data = companies_csv(5_000);
    let mut seen = 0;
    let err = me
        .import_csv_with_progress(
            ImportKind::Companies,
            &data,
            &ImportOptions::default(),
            &mut |done, total| {
                seen += 1;
                if done * 2 >= total {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::Interrupted),
        "{err:?}"
    );
    assert!(seen > 1);
    assert!(
        me.list_companies(&PageRequest::default())
            .unwrap()
            .items
            .is_empty()
    );

    // The other kinds stop the same way: deals before their commit too.
    let company = me
        .add_company(&sfa_core::CompanyInput::named("株式会社進捗"))
        .unwrap();
    let deals = "name,company_name,amount\n案件,株式会社進捗,100\n".as_bytes();
    let err = me
        .import_csv_with_progress(
            ImportKind::Deals,
            deals,
            &ImportOptions::default(),
            &mut |_, _| ControlFlow::Break(()),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
    let deals = me
        .company_deals(company.id, &PageRequest::default())
        .unwrap();
    assert!(deals.items.is_empty());
}
