//! Chapter 3: selling -- master data, deals with products, won and lost, the deal
//! lists, and the pipeline exported for a spreadsheet.

use std::path::Path;

use chrono::Duration;
use sfa_core::model::Clock;
use sfa_core::{
    ConfidenceInput, Deal, DealInput, DealLineInput, Error, ExportOptions, PageRequest, Session,
    StageInput,
};
use sfa_testkit::{Catalog, ManualClock, dec};

use super::ledger::Added;
use super::step;

pub fn run(
    clock: &ManualClock,
    admin: &Session,
    me: &Session,
    added: &Added,
    path: &Path,
) -> Result<Catalog, Box<dyn std::error::Error>> {
    step("21. The admin sets up master data (testkit/catalog.rs makes the calls)");
    let c = Catalog::create(admin);
    let stages: Vec<String> = c
        .stages
        .iter()
        .map(|s| format!("{} {}%", s.name, s.default_percentage.unwrap_or(0)))
        .collect();
    println!("   stages:      {}", stages.join(" → "));
    let levels: Vec<String> = c
        .confidences
        .iter()
        .map(|l| format!("{} = {}%", l.label, l.percentage))
        .collect();
    println!("   confidence:  {}", levels.join(", "));
    println!(
        "   campaign:    {} ({} - {}, cost ¥{})",
        c.campaign.name, c.campaign.starts_on, c.campaign.ends_on, c.campaign.cost
    );
    for p in &c.products {
        println!("   product:     {} {} ¥{}", p.code, p.name, p.unit_price);
    }
    match me.add_stage(&StageInput {
        name: "勝手な段階".into(),
        default_percentage: None,
    }) {
        Err(e @ Error::PermissionDenied { .. }) => println!("   a member adding a stage: {e}"),
        other => println!("   unexpected: {other:?}"),
    }
    match admin.add_confidence(&ConfidenceInput {
        label: "S".into(),
        percentage: 120,
    }) {
        Err(e) => println!("   {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }

    step("22. Open deals with products (案件の登録)");
    let today = clock.now().date_naive();
    let line = |p: usize, quantity: &str, price: Option<&str>| DealLineInput {
        product_id: c.products[p].id,
        quantity: dec(quantity),
        unit_price: price.map(dec),
    };
    let system = me.add_deal(&DealInput {
        expected_close_on: Some(today + Duration::days(60)),
        stage_id: Some(c.stages[3].id),
        confidence_id: Some(c.confidences[1].id),
        campaign_id: Some(c.campaign.id),
        lines: vec![line(0, "1", None), line(2, "12", Some("27500"))],
        ..DealInput::named(added.company.id, "生産管理システム導入")
    })?;
    let option = me.add_deal(&DealInput {
        expected_close_on: Some(today + Duration::days(14)),
        stage_id: Some(c.stages[4].id),
        confidence_id: Some(c.confidences[0].id),
        lines: vec![line(1, "3", None)],
        ..DealInput::named(added.company.id, "在庫管理オプション追加")
    })?;
    let support = me.add_deal(&DealInput {
        amount: Some(dec("360000")),
        expected_close_on: Some(today + Duration::days(30)),
        confidence_id: Some(c.confidences[2].id),
        ..DealInput::named(added.company.id, "保守契約の更新")
    })?;
    for d in [&system, &option, &support] {
        print_deal(d);
    }
    match me.add_deal(&DealInput {
        lines: vec![line(0, "0", None)],
        ..DealInput::named(added.company.id, "数量ゼロ")
    }) {
        Err(e) => println!("   {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }

    step("23. Win one, lose one (受注 / 失注)");
    let won = me.win_deal(option.id, option.version, None)?;
    println!(
        "   {} -> {} on {}",
        won.name,
        won.status,
        won.closed_on.unwrap_or(today)
    );
    let lost = me.lose_deal(support.id, support.version, None, Some("他社の保守に切替"))?;
    println!(
        "   {} -> {} ({})",
        lost.name,
        lost.status,
        lost.lost_reason.as_deref().unwrap_or("")
    );
    match me.update_deal(
        won.id,
        won.version,
        &DealInput {
            lines: vec![line(1, "4", None)],
            ..won.input()
        },
    ) {
        Err(e) => println!("   changing the won deal's lines: {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }

    step("24. My open deals (案件一覧), by expected close date");
    for d in me.open_deals(None, &PageRequest::default())?.items {
        print_deal(&d);
    }

    step("25. Related records: the company's deals, open and closed");
    for d in me
        .company_deals(added.company.id, &PageRequest::default())?
        .items
    {
        print_deal(&d);
    }
    let sv100 = me.product_deals(c.products[0].id, &PageRequest::default())?;
    println!(
        "   active deals with {}: {}",
        c.products[0].code,
        sv100.items.len()
    );

    step("26. Export the pipeline for a spreadsheet (one row per line item)");
    let out_path = path.with_extension("deals.csv");
    let file = std::io::BufWriter::new(std::fs::File::create(&out_path)?);
    let deals = me.export_deals_csv(file, &ExportOptions::default())?;
    println!("   wrote {deals} deals to {}", out_path.display());
    Ok(c)
}

fn print_deal(d: &Deal) {
    println!(
        "   {:<24} {:>6} ¥{:>10}  close {}{}",
        d.name,
        d.status.as_str(),
        d.amount
            .map(|a| a.to_string())
            .unwrap_or_else(|| "-".into()),
        d.closed_on
            .or(d.expected_close_on)
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into()),
        if d.lines.is_empty() {
            String::new()
        } else {
            format!("  ({} line items)", d.lines.len())
        }
    );
}
