//! Seeded synthetic Japanese ledger data for the demo, the benchmarks and the
//! workflow tests. Every name, address, phone number and e-mail is generated from
//! small pools (domains under the reserved `example.jp`), so no real person's data is
//! ever in the repository; the same seed always gives the same data.

pub mod catalog;
pub mod clock;
pub mod crash;
pub mod forecast_cli;
pub mod fuzz;
pub mod history;
pub mod http;
pub mod office;
pub mod search_eval;
pub mod sync;
pub mod team;

pub use catalog::{Catalog, dec};
pub use clock::{ManualClock, date, jst};
pub use office::Office;

/// A new, empty database for a workflow test, on the backend the run asks for:
/// `SFA_TEST_BACKEND=postgres` gives a fresh tenant of the PostgreSQL database in
/// `SFA_TEST_POSTGRES`; otherwise an in-memory SQLite database.
///
/// # Panics
/// When the database cannot be made (or PostgreSQL is asked for without its URL).
pub fn fresh_database() -> sfa_core::Sfa {
    if std::env::var("SFA_TEST_BACKEND").as_deref() == Ok("postgres") {
        let url = sfa_core::store::postgres::testing::url()
            .expect("SFA_TEST_BACKEND=postgres needs SFA_TEST_POSTGRES");
        let tenant = sfa_core::store::postgres::testing::fresh_tenant();
        return sfa_core::Sfa::open_postgres(&url, &tenant).expect("a fresh tenant");
    }
    sfa_core::Sfa::open_in_memory().expect("in-memory database")
}

/// This process's peak resident memory (VmHWM, Linux), for the benchmarks' reports:
/// "412 MB", or "unknown" elsewhere.
pub fn peak_memory() -> String {
    status_kb("VmHWM").map_or_else(|| "unknown".into(), |kb| format!("{} MB", kb / 1024))
}

/// A field of `/proc/self/status` in kB (Linux).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Follows this process's resident memory split in two while it lives (sampled every
/// 10 ms): anonymous memory (heap, stacks: what a phone must find room for) and
/// file-backed pages (the index files tantivy maps, which the kernel can drop and read
/// again). VmHWM counts both at their common peak.
pub struct MemoryWatch {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<(u64, u64)>>,
}

impl MemoryWatch {
    /// Starts sampling.
    pub fn start() -> MemoryWatch {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let (mut anon, mut file) = (0, 0);
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                anon = anon.max(status_kb("RssAnon").unwrap_or(0));
                file = file.max(status_kb("RssFile").unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            (anon, file)
        });
        MemoryWatch {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops and reports the peaks: "anonymous 212 MB, file-backed 80 MB".
    pub fn finish(mut self) -> String {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok((anon, file))) if anon > 0 => format!(
                "anonymous {} MB, file-backed {} MB",
                anon / 1024,
                file / 1024
            ),
            _ => "unknown".into(),
        }
    }
}

/// Removes a test's scratch directory. The search index's background merges may
/// still be finishing a file for a moment after its handle is dropped, so this retries
/// briefly, and a directory that cannot be removed is left to the OS's temp cleaning
/// rather than failing the test.
pub fn remove_scratch_dir(dir: impl AsRef<std::path::Path>) {
    for _ in 0..20 {
        match std::fs::remove_dir_all(dir.as_ref()) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
}

/// The (entity, first field, reason) of a validation error, for tests.
///
/// # Panics
/// When the result is not a validation error.
pub fn field_error<T: std::fmt::Debug>(
    result: Result<T, sfa_core::Error>,
) -> (sfa_core::Entity, &'static str, sfa_core::Reason) {
    let err = result.expect_err("expected a validation error");
    let v = err
        .validation()
        .unwrap_or_else(|| panic!("expected a validation error, got {err:?}"));
    (v.entity, v.field(), v.errors[0].reason.clone())
}

use std::collections::HashSet;
use std::fmt::Write as _;

use sfa_core::{CompanyId, CompanyInput, PersonInput};

/// A small, fast, seedable generator (SplitMix64); good enough for sample data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator that always yields the same sequence for the same seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// (written form, katakana reading, romaji)
type Word = (&'static str, &'static str, &'static str);

const FAMILY: &[Word] = &[
    ("山田", "ヤマダ", "yamada"),
    ("佐藤", "サトウ", "sato"),
    ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"),
    ("渡辺", "ワタナベ", "watanabe"),
    ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"),
    ("山本", "ヤマモト", "yamamoto"),
    ("斎藤", "サイトウ", "saito"),
    ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"),
    ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"),
    ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"),
    ("石川", "イシカワ", "ishikawa"),
    ("前田", "マエダ", "maeda"),
    ("藤田", "フジタ", "fujita"),
    ("小川", "オガワ", "ogawa"),
    ("岡田", "オカダ", "okada"),
    ("後藤", "ゴトウ", "goto"),
    ("長谷川", "ハセガワ", "hasegawa"),
];

const GIVEN: &[Word] = &[
    ("太郎", "タロウ", "taro"),
    ("一郎", "イチロウ", "ichiro"),
    ("健太", "ケンタ", "kenta"),
    ("翔太", "ショウタ", "shota"),
    ("大輔", "ダイスケ", "daisuke"),
    ("直樹", "ナオキ", "naoki"),
    ("花子", "ハナコ", "hanako"),
    ("美咲", "ミサキ", "misaki"),
    ("陽子", "ヨウコ", "yoko"),
    ("恵", "メグミ", "megumi"),
    ("由美", "ユミ", "yumi"),
    ("誠", "マコト", "makoto"),
    ("拓也", "タクヤ", "takuya"),
    ("裕子", "ユウコ", "yuko"),
    ("真理子", "マリコ", "mariko"),
    ("健一", "ケンイチ", "kenichi"),
    ("和也", "カズヤ", "kazuya"),
    ("彩", "アヤ", "aya"),
    ("聡", "サトシ", "satoshi"),
    ("愛", "アイ", "ai"),
];

const PREFIX: &[Word] = &[
    ("東洋", "トウヨウ", "toyo"),
    ("日本", "ニホン", "nihon"),
    ("大和", "ヤマト", "yamato"),
    ("昭和", "ショウワ", "showa"),
    ("北斗", "ホクト", "hokuto"),
    ("富士", "フジ", "fuji"),
    ("桜", "サクラ", "sakura"),
    ("青葉", "アオバ", "aoba"),
    ("光", "ヒカリ", "hikari"),
    ("グローバル", "グローバル", "global"),
    ("サンライズ", "サンライズ", "sunrise"),
    ("ABC", "エービーシー", "abc"),
];

const CORE: &[(&str, &str, &str, &str)] = &[
    ("製作所", "セイサクショ", "seisakusho", "製造業"),
    ("電機", "デンキ", "denki", "電気機器"),
    ("商事", "ショウジ", "shoji", "卸売業"),
    ("工業", "コウギョウ", "kogyo", "製造業"),
    ("システムズ", "システムズ", "systems", "情報通信業"),
    ("食品", "ショクヒン", "shokuhin", "食料品"),
    ("物産", "ブッサン", "bussan", "卸売業"),
    ("建設", "ケンセツ", "kensetsu", "建設業"),
    ("運輸", "ウンユ", "unyu", "運輸業"),
    ("化学", "カガク", "kagaku", "化学"),
    ("精機", "セイキ", "seiki", "精密機器"),
    ("印刷", "インサツ", "insatsu", "印刷業"),
    ("不動産", "フドウサン", "fudosan", "不動産業"),
    ("トレーディング", "トレーディング", "trading", "卸売業"),
    (
        "ソリューションズ",
        "ソリューションズ",
        "solutions",
        "情報通信業",
    ),
    ("薬品", "ヤクヒン", "yakuhin", "医薬品"),
    ("電子", "デンシ", "denshi", "電気機器"),
    (
        "コンサルティング",
        "コンサルティング",
        "consulting",
        "サービス業",
    ),
];

const FORMS: &[&str] = &["株式会社", "株式会社", "株式会社", "有限会社", "合同会社"];

/// (prefecture + city + town, postal code, area code)
const PLACES: &[(&str, &str, &str)] = &[
    ("東京都千代田区丸の内", "100-0005", "03"),
    ("東京都千代田区霞が関", "100-0013", "03"),
    ("東京都港区芝浦", "108-0023", "03"),
    ("東京都新宿区西新宿", "160-0023", "03"),
    ("東京都渋谷区道玄坂", "150-0043", "03"),
    ("東京都中央区日本橋", "103-0027", "03"),
    ("大阪府大阪市北区梅田", "530-0001", "06"),
    ("大阪府大阪市中央区本町", "541-0053", "06"),
    ("愛知県名古屋市中村区名駅", "450-0002", "052"),
    ("京都府京都市下京区東塩小路町", "600-8216", "075"),
    ("福岡県福岡市博多区博多駅前", "812-0011", "092"),
    ("北海道札幌市中央区北一条西", "060-0001", "011"),
    ("宮城県仙台市青葉区中央", "980-0021", "022"),
    ("神奈川県横浜市西区みなとみらい", "220-0012", "045"),
    ("広島県広島市中区基町", "730-0011", "082"),
    ("埼玉県さいたま市大宮区桜木町", "330-0854", "048"),
];

const DEPARTMENTS: &[&str] = &[
    "営業部",
    "総務部",
    "購買部",
    "情報システム部",
    "経営企画室",
    "製造部",
    "人事部",
    "経理部",
    "技術部",
    "マーケティング部",
];

const TITLES: &[&str] = &[
    "部長",
    "課長",
    "係長",
    "主任",
    "担当",
    "代表取締役",
    "取締役",
    "室長",
    "マネージャー",
];

/// The romaji of the family names the generator uses, for romaji search queries.
pub fn family_name_romaji(rng: &mut Rng) -> &'static str {
    rng.pick(FAMILY).2
}

/// One generated company, with the romaji stem of its (fictional) domain.
#[derive(Debug, Clone)]
pub struct SampleCompany {
    /// The fields, written as users type them (mixed notations that the library
    /// normalises).
    pub input: CompanyInput,
    domain: String,
}

/// One generated person and the index of their company in the ledger.
#[derive(Debug, Clone)]
pub struct SamplePerson {
    /// Index into [`SampleLedger::companies`].
    pub company: usize,
    /// The fields (the company id is left for the caller to fill in).
    pub input: PersonInput,
}

/// Generated companies and persons.
#[derive(Debug, Clone)]
pub struct SampleLedger {
    /// The companies; names are unique.
    pub companies: Vec<SampleCompany>,
    /// The persons.
    pub persons: Vec<SamplePerson>,
}

impl SampleLedger {
    /// `companies` companies (unique names) and `persons` persons spread over them.
    pub fn generate(seed: u64, companies: usize, persons: usize) -> SampleLedger {
        let mut rng = Rng::new(seed);
        let mut names = HashSet::with_capacity(companies);
        let mut list = Vec::with_capacity(companies);
        while list.len() < companies {
            // The pools give a few thousand distinct names; beyond that a serial number
            // keeps names unique so that persons can refer to companies by name.
            let mut c = company(&mut rng, list.len());
            for _ in 0..20 {
                if !names.contains(&c.input.name) {
                    break;
                }
                c = company(&mut rng, list.len());
            }
            if names.contains(&c.input.name) {
                c.input.name = format!("{}第{}", c.input.name, list.len());
            }
            names.insert(c.input.name.clone());
            list.push(c);
        }
        let persons = (0..persons)
            .map(|i| {
                let at = if i < list.len() {
                    i
                } else {
                    rng.below(list.len().max(1))
                };
                person(&mut rng, at, &list[at])
            })
            .collect();
        SampleLedger {
            companies: list,
            persons,
        }
    }

    /// The companies as CSV with Japanese headers, as an Excel user would export them.
    /// With `ids`, an `id` column carries the given company ids.
    pub fn companies_csv(&self, ids: Option<&[CompanyId]>) -> String {
        let mut out = String::with_capacity(self.companies.len() * 200);
        if ids.is_some() {
            out.push_str("id,");
        }
        out.push_str("会社名,フリガナ,郵便番号,住所,電話番号,ホームページ,業種,備考\r\n");
        for (i, c) in self.companies.iter().enumerate() {
            if let Some(ids) = ids {
                let _ = write!(out, "{},", ids[i]);
            }
            let f = &c.input;
            let fields = [
                Some(f.name.as_str()),
                f.name_reading.as_deref(),
                f.postal_code.as_deref(),
                f.address.as_deref(),
                f.phone.as_deref(),
                f.website.as_deref(),
                f.industry.as_deref(),
                f.notes.as_deref(),
            ];
            push_row(&mut out, &fields);
        }
        out
    }

    /// The persons as CSV. With `ids`, companies are referred to by `company_id`;
    /// otherwise by company name (会社名).
    pub fn persons_csv(&self, ids: Option<&[CompanyId]>) -> String {
        let mut out = String::with_capacity(self.persons.len() * 200);
        out.push_str(if ids.is_some() {
            "company_id"
        } else {
            "会社名"
        });
        out.push_str(",氏名,フリガナ,部署,役職,メールアドレス,電話番号,携帯電話,備考\r\n");
        for p in &self.persons {
            let company = match ids {
                Some(ids) => ids[p.company].to_string(),
                None => self.companies[p.company].input.name.clone(),
            };
            let f = &p.input;
            let fields = [
                Some(company.as_str()),
                Some(f.name.as_str()),
                f.name_reading.as_deref(),
                f.department.as_deref(),
                f.title.as_deref(),
                f.email.as_deref(),
                f.office_phone.as_deref(),
                f.mobile_phone.as_deref(),
                f.notes.as_deref(),
            ];
            push_row(&mut out, &fields);
        }
        out
    }
}

fn push_row(out: &mut String, fields: &[Option<&str>]) {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let v = field.unwrap_or("");
        if v.contains([',', '"', '\n', '\r']) {
            let _ = write!(out, "\"{}\"", v.replace('"', "\"\""));
        } else {
            out.push_str(v);
        }
    }
    out.push_str("\r\n");
}

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

fn company(rng: &mut Rng, serial: usize) -> SampleCompany {
    let (p_name, p_reading, p_romaji) = if rng.chance(50) {
        *rng.pick(FAMILY)
    } else {
        *rng.pick(PREFIX)
    };
    let (c_name, c_reading, c_romaji, industry) = *rng.pick(CORE);
    let form = *rng.pick(FORMS);
    let stem = format!("{p_name}{c_name}");
    let name = match serial % 3 {
        0 | 1 => format!("{form}{stem}"),
        _ => format!("{stem}{form}"),
    };
    let (place, postal, area) = *rng.pick(PLACES);
    let chome = 1 + rng.below(5);
    let ban = 1 + rng.below(20);
    let go = 1 + rng.below(15);
    let address = if rng.chance(50) {
        format!("{place}{chome}丁目{ban}番{go}号")
    } else {
        format!(
            "{place}{chome}-{ban}-{go} {p_name}ビル{}F",
            1 + rng.below(12)
        )
    };
    let local = digits(rng, 10 - area.len());
    let (a, b) = local.split_at(local.len() - 4);
    let phone = match rng.below(3) {
        0 => format!("{area}-{a}-{b}"),
        1 => format!("（{area}）{a}－{b}"),
        _ => format!("+81 {} {a} {b}", &area[1..]),
    };
    let domain = format!("{p_romaji}-{c_romaji}{}", serial % 97);
    let website = if rng.chance(50) {
        format!("www.{domain}.example.jp")
    } else {
        format!("https://{domain}.example.jp/")
    };
    let postal_code = if rng.chance(50) {
        postal.to_string()
    } else {
        format!("〒{}", postal.replace('-', ""))
    };
    SampleCompany {
        input: CompanyInput {
            name,
            name_reading: Some(format!("{p_reading}{c_reading}")),
            postal_code: Some(postal_code),
            address: Some(address),
            phone: Some(phone),
            website: Some(website),
            industry: Some(industry.to_string()),
            notes: rng
                .chance(20)
                .then(|| "展示会で名刺交換。\n次回は見積もりを持参。".to_string()),
        },
        domain,
    }
}

fn person(rng: &mut Rng, company: usize, c: &SampleCompany) -> SamplePerson {
    let (f_name, f_reading, f_romaji) = *rng.pick(FAMILY);
    let (g_name, g_reading, g_romaji) = *rng.pick(GIVEN);
    let office = c.input.phone.clone();
    let mobile = format!(
        "0{}0-{}-{}",
        7 + rng.below(3),
        digits(rng, 4),
        digits(rng, 4)
    );
    SamplePerson {
        company,
        input: PersonInput {
            company_id: CompanyId::default(),
            name: format!("{f_name} {g_name}"),
            name_reading: Some(format!("{f_reading} {g_reading}")),
            department: Some(rng.pick(DEPARTMENTS).to_string()),
            title: Some(rng.pick(TITLES).to_string()),
            email: Some(format!(
                "{g_romaji}.{f_romaji}{}@{}.example.jp",
                rng.below(100),
                c.domain
            )),
            office_phone: office,
            mobile_phone: rng.chance(70).then_some(mobile),
            notes: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_ledger() {
        let a = SampleLedger::generate(7, 20, 40);
        let b = SampleLedger::generate(7, 20, 40);
        assert_eq!(a.companies_csv(None), b.companies_csv(None));
        assert_eq!(a.persons_csv(None), b.persons_csv(None));
        assert_ne!(
            a.companies_csv(None),
            SampleLedger::generate(8, 20, 40).companies_csv(None)
        );
    }

    #[test]
    fn every_generated_record_is_valid() {
        let ledger = SampleLedger::generate(1, 300, 600);
        for c in &ledger.companies {
            c.input.validate().unwrap();
        }
        for p in &ledger.persons {
            let mut input = p.input.clone();
            input.company_id = CompanyId::new();
            input.validate().unwrap();
        }
    }
}
