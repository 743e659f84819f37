//! The one normalisation applied to indexed text and to queries alike, and the
//! grams both are cut into. No dictionary: everything here is a small curated table.

use crate::normalize::fold_width;

/// Company-form words (株式会社, ㈱, Co., Ltd. ...) carry no meaning in a search; they
/// are cut out so that `(株)山田製作所` and `株式会社 山田製作所` meet.
const FORM_WORDS: &[&str] = &[
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "npo法人",
    "医療法人",
    "学校法人",
    "(株)",
    "(有)",
    "(同)",
    "(資)",
    "(名)",
    "(社)",
    "(財)",
    "co.,ltd.",
    "co., ltd.",
    "co.ltd.",
    "corporation",
    "corp.",
    "inc.",
    "k.k.",
    "ltd.",
    "llc",
];

/// Kanji variants (異体字) folded to the common form, for names and places.
const VARIANTS: &[(char, char)] = &[
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('碕', '崎'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('髙', '高'),
    ('𠮷', '吉'),
    ('齋', '斎'),
    ('齊', '斎'),
    ('斉', '斎'),
    ('澤', '沢'),
    ('濱', '浜'),
    ('濵', '浜'),
    ('櫻', '桜'),
    ('廣', '広'),
    ('國', '国'),
    ('圀', '国'),
    ('德', '徳'),
    ('惠', '恵'),
    ('眞', '真'),
    ('冨', '富'),
    ('嶋', '島'),
    ('嶌', '島'),
    ('槇', '槙'),
    ('藏', '蔵'),
    ('學', '学'),
    ('會', '会'),
    ('關', '関'),
    ('曾', '曽'),
    ('穗', '穂'),
    ('龍', '竜'),
    ('瀨', '瀬'),
    ('埜', '野'),
    ('萬', '万'),
    ('與', '与'),
    ('舘', '館'),
    ('條', '条'),
    ('\u{FA10}', '塚'),
    ('橫', '横'),
    ('黑', '黒'),
    ('靑', '青'),
    ('淸', '清'),
    ('兒', '児'),
    ('縣', '県'),
    ('驛', '駅'),
    ('峯', '峰'),
    ('嶺', '峰'),
];

/// Enclosed and compatibility characters that NFKC would expand.
fn expand(c: char, out: &mut String) {
    match c {
        '㈱' | '㍿' => out.push_str("(株)"),
        '㈲' => out.push_str("(有)"),
        '㈾' => out.push_str("(資)"),
        '①'..='⑳' => out.push_str(&(c as u32 - '①' as u32 + 1).to_string()),
        '（' => out.push('('),
        '）' => out.push(')'),
        _ => out.push(c),
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
        || c == '々'
        || c == '〆'
}

fn is_kana(c: char) -> bool {
    matches!(c as u32, 0x3041..=0x30FF)
}

/// Characters that make up Japanese runs (cut into grams).
pub(crate) fn is_ja(c: char) -> bool {
    is_han(c) || is_kana(c)
}

fn small_to_big(c: char) -> char {
    match c {
        'ぁ' => 'あ',
        'ぃ' => 'い',
        'ぅ' => 'う',
        'ぇ' => 'え',
        'ぉ' => 'お',
        'っ' => 'つ',
        'ゃ' => 'や',
        'ゅ' => 'ゆ',
        'ょ' => 'よ',
        'ゎ' => 'わ',
        'ゕ' => 'か',
        'ゖ' => 'け',
        'を' => 'お',
        'ぢ' => 'じ',
        'づ' => 'ず',
        c => c,
    }
}

fn o_row(c: char) -> bool {
    "おこそとのほもよろごぞどぼぽ".contains(c)
}

fn e_row(c: char) -> bool {
    "えけせてねへめれげぜでべぺ".contains(c)
}

fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|d| d as u32)
}

/// Kanji numerals before 丁目/番/号 become digits; `1丁目2番3号` becomes `1-2-3`.
fn address_numbers(chars: &[char]) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A run of kanji numerals directly followed by an address unit.
        if kanji_digit(c).is_some() || c == '十' {
            let start = i;
            let mut j = i;
            while j < chars.len() && (kanji_digit(chars[j]).is_some() || chars[j] == '十') {
                j += 1;
            }
            let unit = chars.get(j).copied();
            // 丁目/番/号 (Tokyo style) and 条/線 (Sapporo's 北一条西, Hokkaido's 東三線).
            if matches!(unit, Some('丁' | '番' | '号' | '条' | '線')) {
                let value = chars[start..j]
                    .iter()
                    .fold((0u32, 0u32), |(total, digit), &k| {
                        if k == '十' {
                            (total + digit.max(1) * 10, 0)
                        } else {
                            (total, digit * 10 + kanji_digit(k).unwrap_or(0))
                        }
                    });
                out.extend((value.0 + value.1).to_string().chars());
                i = j;
                continue;
            }
        }
        let after_digit = out.last().is_some_and(|p| p.is_ascii_digit());
        if after_digit && c == '丁' && chars.get(i + 1) == Some(&'目') {
            out.push('-');
            i += 2;
        } else if after_digit && c == '番' {
            out.push('-');
            i += if chars.get(i + 1) == Some(&'地') {
                2
            } else {
                1
            };
        } else if after_digit && c == '号' {
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    // `1-2-` (番 at the end) and `1-の` leave a dangling dash.
    let mut cleaned = Vec::with_capacity(out.len());
    for (k, &c) in out.iter().enumerate() {
        let next_digit = out.get(k + 1).is_some_and(|n| n.is_ascii_digit());
        if c == '-' && cleaned.last().is_some_and(|p: &char| p.is_ascii_digit()) && !next_digit {
            continue;
        }
        cleaned.push(c);
    }
    cleaned
}

/// Latin vowels with a macron or circumflex (passport and Hepburn long vowels: `Ōno`,
/// `Ryūji`) become doubled plain vowels, which the kana folding then treats as the
/// long vowel they are.
fn fold_long_latin_vowels(text: &str) -> String {
    if text.is_ascii() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ā' | 'â' => out.push_str("aa"),
            'ī' | 'î' => out.push_str("ii"),
            'ū' | 'û' => out.push_str("uu"),
            'ē' | 'ê' => out.push_str("ee"),
            'ō' | 'ô' => out.push_str("oo"),
            c => out.push(c),
        }
    }
    out
}

/// Normalises text for search (index and query alike): width, case, company forms,
/// variant kanji, katakana to hiragana, small kana, long vowels, ケ in place names,
/// address numbers and dashes.
pub(crate) fn normalize(text: &str) -> String {
    let mut expanded = String::with_capacity(text.len());
    for c in fold_width(text).chars() {
        expand(c, &mut expanded);
    }
    let mut lowered = fold_long_latin_vowels(&expanded.to_lowercase());
    for form in FORM_WORDS {
        if lowered.contains(form) {
            lowered = lowered.replace(form, " ");
        }
    }
    let chars: Vec<char> = lowered
        .chars()
        .map(|c| {
            let c = VARIANTS
                .iter()
                .find(|(v, _)| *v == c)
                .map_or(c, |(_, base)| *base);
            let c = match c as u32 {
                0x30A1..=0x30F6 => char::from_u32(c as u32 - 0x60).unwrap_or(c),
                _ => c,
            };
            let c = match c {
                '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => '-',
                c => c,
            };
            small_to_big(c)
        })
        .collect();

    let mut folded: Vec<char> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = folded.last().copied();
        match c {
            // A dash between digits (addresses, phones) stays; a long-vowel mark goes.
            'ー' | '-'
                if prev.is_some_and(|p| p.is_ascii_digit())
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) =>
            {
                folded.push('-')
            }
            'ー' if prev.is_some_and(is_kana) => {}
            'う' | 'お' if prev.is_some_and(o_row) => {}
            'い' if prev.is_some_and(e_row) => {}
            'け' | 'が'
                if prev.is_some_and(is_han) && chars.get(i + 1).copied().is_some_and(is_han) =>
            {
                folded.push('が')
            }
            c => folded.push(c),
        }
    }
    address_numbers(&folded).into_iter().collect()
}

/// A piece of normalised text: a run of Japanese characters or a Latin/number word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Kanji and kana, cut into grams.
    Ja(Vec<char>),
    /// Lower-case ASCII letters and digits (digits may be joined by dashes: `1-2-3`).
    Word(String),
}

/// Splits normalised text into pieces; anything else separates them.
pub(crate) fn pieces(normalized: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut ja: Vec<char> = Vec::new();
    let mut word = String::new();
    let chars: Vec<char> = normalized.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let joins_digits = c == '-'
            && word.chars().last().is_some_and(|p| p.is_ascii_digit())
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if is_ja(c) {
            if !word.is_empty() {
                out.push(Piece::Word(std::mem::take(&mut word)));
            }
            ja.push(c);
        } else if c.is_ascii_alphanumeric() || joins_digits {
            if !ja.is_empty() {
                out.push(Piece::Ja(std::mem::take(&mut ja)));
            }
            word.push(c);
        } else {
            if !ja.is_empty() {
                out.push(Piece::Ja(std::mem::take(&mut ja)));
            }
            if !word.is_empty() {
                out.push(Piece::Word(std::mem::take(&mut word)));
            }
        }
    }
    if !ja.is_empty() {
        out.push(Piece::Ja(ja));
    }
    if !word.is_empty() {
        out.push(Piece::Word(word));
    }
    out
}

/// Prefix of tokens that mark the start of a field (`^` + first gram).
pub(crate) const START: char = '^';
/// Prefix of the token that holds a whole field (`=` + the field without spaces).
pub(crate) const WHOLE: char = '=';

/// The grams of one Japanese run: unigrams and bigrams.
pub(crate) fn unigram(run: &[char], i: usize) -> String {
    run[i].to_string()
}

/// The bigram starting at `i`.
pub(crate) fn bigram(run: &[char], i: usize) -> String {
    run[i..i + 2].iter().collect()
}

/// The whole-field key for exact matches: the normalised text without separators.
pub(crate) fn whole_key(normalized: &str) -> String {
    let mut key = String::with_capacity(normalized.len() + 1);
    key.push(WHOLE);
    key.extend(
        normalized
            .chars()
            .filter(|c| is_ja(*c) || c.is_ascii_alphanumeric()),
    );
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_forms_and_widths_meet() {
        let target = normalize("株式会社山田製作所");
        assert_eq!(normalize("(株)山田製作所").trim(), target.trim());
        assert_eq!(normalize("㈱山田製作所").trim(), target.trim());
        assert_eq!(normalize("山田製作所 株式会社").trim(), target.trim());
        assert_eq!(normalize("ﾔﾏﾀﾞｾｲｻｸｼｮ"), normalize("ヤマダセイサクショ"));
        assert_eq!(normalize("ＡＢＣシステムズ"), normalize("abcシステムズ"));
    }

    #[test]
    fn kana_long_vowels_and_small_kana_meet() {
        assert_eq!(normalize("サトー食品"), normalize("サトウ食品"));
        assert_eq!(normalize("コンサルテイング"), normalize("コンサルティング"));
        assert_eq!(
            normalize("やまだせいさくしょ"),
            normalize("ヤマダセイサクショ")
        );
        assert_eq!(normalize("いちろう"), normalize("いちろ"));
    }

    #[test]
    fn variant_kanji_fold() {
        for (a, b) in [
            ("山崎", "山﨑"),
            ("渡辺", "渡邊"),
            ("高橋", "髙橋"),
            ("吉野", "𠮷野"),
            ("斎藤", "齋藤"),
        ] {
            assert_eq!(normalize(a), normalize(b));
        }
    }

    #[test]
    fn address_notations_meet() {
        let target = normalize("丸の内1-1-1");
        assert_eq!(normalize("丸の内１丁目１番１号"), target);
        assert_eq!(normalize("丸の内一丁目一番一号"), target);
        assert_eq!(normalize("丸の内1丁目1番地1"), target);
        assert_eq!(normalize("霞ケ関"), normalize("霞が関"));
        assert_eq!(normalize("霞ヶ関"), normalize("霞が関"));
        assert_eq!(normalize("西新宿二十三丁目"), normalize("西新宿23丁目"));
        assert_eq!(normalize("北一条西4-2-1"), normalize("北1条西4丁目2-1"));
        assert_eq!(normalize("赤坂三丁目"), normalize("赤坂3丁目"));
        assert_eq!(normalize("中央1丁目二十三番地"), normalize("中央1-23"));
        assert_eq!(normalize("東三線"), normalize("東3線"));
    }

    #[test]
    fn latin_long_vowels_double() {
        assert_eq!(normalize("Ōno Ryūji"), "oono ryuuji");
    }

    #[test]
    fn pieces_split_japanese_runs_and_words() {
        let p = pieces(&normalize("ABCシステムズ 丸の内1-2-3 info@abc.example.jp"));
        assert_eq!(p[0], Piece::Word("abc".into()));
        assert!(matches!(&p[1], Piece::Ja(run) if run.iter().collect::<String>() == "しすてむず"));
        assert!(p.contains(&Piece::Word("1-2-3".into())));
        assert!(p.contains(&Piece::Word("info".into())));
    }
}
