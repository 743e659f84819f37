//! A child process of the multi-process index test (`tests/index_processes.rs`): on a
//! database shared with other processes, adds companies; after each write returns it
//! searches for that company (its own write), and now and then for a company another
//! process committed (read back from the database). Any search that misses a
//! committed company fails the run. Exits 0 when every search found its company.
//!
//! Usage: `sfa-index-worker <database> <worker number> <writes>`.

use sfa_core::{CompanyInput, PageRequest, SearchRequest, Session, Sfa};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(path), Some(worker), Some(writes)) = (
        args.first(),
        args.get(1).and_then(|w| w.parse::<u64>().ok()),
        args.get(2).and_then(|n| n.parse::<u64>().ok()),
    ) else {
        eprintln!("usage: sfa-index-worker <database> <worker number> <writes>");
        std::process::exit(2);
    };
    match run(path, worker, writes) {
        Ok(()) => {}
        Err(e) => {
            eprintln!("worker {worker}: {e}");
            std::process::exit(1);
        }
    }
}

fn finds(me: &Session, id: &str, name: &str) -> Result<bool, String> {
    let hits = me
        .search(&SearchRequest::new(name))
        .map_err(|e| e.to_string())?;
    Ok(hits.iter().any(|h| h.id == id))
}

fn run(path: &str, worker: u64, writes: u64) -> Result<(), String> {
    let sfa = Sfa::open(path).map_err(|e| e.to_string())?;
    let me = sfa
        .session_by_email(sfa_testkit::crash::ADMIN_EMAIL)
        .map_err(|e| e.to_string())?;
    let mut rng = sfa_testkit::Rng::new(worker);
    let mut others_checked = 0;
    for i in 0..writes {
        let name = format!(
            "検証{}工業{worker}x{i}",
            ["北辰", "南海", "東邦", "西京"][worker as usize % 4]
        );
        let company = me
            .add_company(&CompanyInput::named(name.clone()))
            .map_err(|e| e.to_string())?;
        if !finds(&me, &company.id.to_string(), &name)? {
            return Err(format!("its own committed write {name} was not found"));
        }
        if i % 3 == 0 {
            let page = me
                .list_companies(&PageRequest::first(500))
                .map_err(|e| e.to_string())?;
            let theirs: Vec<_> = page
                .items
                .iter()
                .filter(|c| !c.name.contains(&format!("工業{worker}x")))
                .collect();
            if !theirs.is_empty() {
                let c = theirs[rng.below(theirs.len())];
                if !finds(&me, &c.id.to_string(), &c.name)? {
                    return Err(format!(
                        "another process's committed {} was not found",
                        c.name
                    ));
                }
                others_checked += 1;
            }
        }
    }
    let check = sfa.check_search_index().map_err(|e| e.to_string())?;
    if !check.is_consistent() {
        return Err(format!("the index disagrees with the database: {check:?}"));
    }
    println!(
        "worker {worker}: {writes} writes, {others_checked} searches of other processes' writes"
    );
    Ok(())
}
