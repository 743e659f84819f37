//! Romaji (Hepburn or kunrei-shiki) to hiragana, so that `yamada seisakusyo` and
//! `Takahashi Ichiro` meet the kana readings in the index.

/// Passport-style Hepburn, as written in passports and on business cards: `m` for ん
/// before b, m and p (`homma`, `namba`, `shimbashi`, `sampei`) and `oh` for a long o
/// before a consonant or at the end (`ohno`, `satoh`). Rewritten to the plain
/// spelling (`honma`, `oono`, `satoo`); other words come back as they are.
fn from_passport_spelling(word: &str) -> String {
    if !word.is_ascii() {
        return word.to_string();
    }
    let b = word.as_bytes();
    let mut out = String::with_capacity(word.len() + 2);
    for (i, &c) in b.iter().enumerate() {
        let next = b.get(i + 1).copied();
        let vowel_or_y = |c: Option<u8>| matches!(c, Some(b'a' | b'i' | b'u' | b'e' | b'o' | b'y'));
        if c == b'm' && matches!(next, Some(b'b' | b'm' | b'p')) && i > 0 {
            out.push('n');
        } else if c == b'h' && i > 0 && b[i - 1] == b'o' && !vowel_or_y(next) {
            out.push('o');
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Converts one lower-case Latin word to hiragana, or `None` when it is not romaji.
/// A trailing incomplete consonant (as-you-type: `yamad`) is dropped. Passport-style
/// spellings (`homma`, `ohno`) are read as the sounds they stand for.
pub(crate) fn to_hiragana(word: &str) -> Option<String> {
    let expanded: String = from_passport_spelling(word)
        .chars()
        .map(|c| match c {
            'ā' | 'â' => "aa".to_string(),
            'ī' | 'î' => "ii".to_string(),
            'ū' | 'û' => "uu".to_string(),
            'ē' | 'ê' => "ee".to_string(),
            'ō' | 'ô' => "ou".to_string(),
            c => c.to_string(),
        })
        .collect();
    let bytes = expanded.as_bytes();
    // Every romaji syllable but ん has a vowel: `ss`, `kk` or `nt` are not words.
    let has_vowel = bytes
        .iter()
        .any(|b| matches!(b, b'a' | b'i' | b'u' | b'e' | b'o'));
    if !has_vowel
        || !bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || *b == b'\'' || *b == b'-')
    {
        return None;
    }
    let mut out = String::with_capacity(bytes.len() * 3);
    let mut i = 0;
    while i < bytes.len() {
        let rest = &expanded[i..];
        let b = bytes[i];
        if b == b'\'' || b == b'-' {
            if b == b'-' {
                out.push('ー');
            }
            i += 1;
            continue;
        }
        // Double consonant: small tsu (tch as in matcha too).
        if i + 1 < bytes.len()
            && b == bytes[i + 1]
            && !matches!(b, b'a' | b'i' | b'u' | b'e' | b'o' | b'n')
            || rest.starts_with("tch")
        {
            out.push('っ');
            i += 1;
            continue;
        }
        // ん: "nn", "n'" or n before a consonant (not y) or at the end.
        if b == b'n' {
            let next = bytes.get(i + 1).copied();
            match next {
                None => {
                    out.push('ん');
                    i += 1;
                    continue;
                }
                Some(b'n') => {
                    out.push('ん');
                    i += 2;
                    continue;
                }
                Some(b'\'') => {
                    out.push('ん');
                    i += 2;
                    continue;
                }
                Some(c) if !matches!(c, b'a' | b'i' | b'u' | b'e' | b'o' | b'y') => {
                    out.push('ん');
                    i += 1;
                    continue;
                }
                _ => {}
            }
        }
        let mut matched = false;
        for len in [3, 2, 1] {
            if let Some(syllable) = rest.get(..len)
                && let Some(kana) = lookup(syllable)
            {
                out.push_str(kana);
                i += len;
                matched = true;
                break;
            }
        }
        if !matched {
            // As-you-type: an unfinished syllable at the very end is dropped.
            let tail_is_partial = rest.len() <= 2
                && rest
                    .bytes()
                    .all(|c| !matches!(c, b'a' | b'i' | b'u' | b'e' | b'o'));
            if tail_is_partial && !out.is_empty() {
                break;
            }
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

fn lookup(s: &str) -> Option<&'static str> {
    Some(match s {
        "a" => "あ",
        "i" => "い",
        "u" => "う",
        "e" => "え",
        "o" => "お",
        "ka" => "か",
        "ki" => "き",
        "ku" => "く",
        "ke" => "け",
        "ko" => "こ",
        "kya" => "きゃ",
        "kyu" => "きゅ",
        "kyo" => "きょ",
        "sa" => "さ",
        "shi" => "し",
        "si" => "し",
        "su" => "す",
        "se" => "せ",
        "so" => "そ",
        "sha" => "しゃ",
        "shu" => "しゅ",
        "sho" => "しょ",
        "she" => "しぇ",
        "sya" => "しゃ",
        "syu" => "しゅ",
        "syo" => "しょ",
        "ta" => "た",
        "chi" => "ち",
        "ti" => "ち",
        "tsu" => "つ",
        "tu" => "つ",
        "te" => "て",
        "to" => "と",
        "cha" => "ちゃ",
        "chu" => "ちゅ",
        "cho" => "ちょ",
        "che" => "ちぇ",
        "tya" => "ちゃ",
        "tyu" => "ちゅ",
        "tyo" => "ちょ",
        "na" => "な",
        "ni" => "に",
        "nu" => "ぬ",
        "ne" => "ね",
        "no" => "の",
        "nya" => "にゃ",
        "nyu" => "にゅ",
        "nyo" => "にょ",
        "ha" => "は",
        "hi" => "ひ",
        "fu" => "ふ",
        "hu" => "ふ",
        "he" => "へ",
        "ho" => "ほ",
        "hya" => "ひゃ",
        "hyu" => "ひゅ",
        "hyo" => "ひょ",
        "fa" => "ふぁ",
        "fi" => "ふぃ",
        "fe" => "ふぇ",
        "fo" => "ふぉ",
        "ma" => "ま",
        "mi" => "み",
        "mu" => "む",
        "me" => "め",
        "mo" => "も",
        "mya" => "みゃ",
        "myu" => "みゅ",
        "myo" => "みょ",
        "ya" => "や",
        "yu" => "ゆ",
        "yo" => "よ",
        "ra" => "ら",
        "ri" => "り",
        "ru" => "る",
        "re" => "れ",
        "ro" => "ろ",
        "rya" => "りゃ",
        "ryu" => "りゅ",
        "ryo" => "りょ",
        "wa" => "わ",
        "wo" => "を",
        "wi" => "うぃ",
        "we" => "うぇ",
        "ga" => "が",
        "gi" => "ぎ",
        "gu" => "ぐ",
        "ge" => "げ",
        "go" => "ご",
        "gya" => "ぎゃ",
        "gyu" => "ぎゅ",
        "gyo" => "ぎょ",
        "za" => "ざ",
        "ji" => "じ",
        "zi" => "じ",
        "zu" => "ず",
        "ze" => "ぜ",
        "zo" => "ぞ",
        "ja" => "じゃ",
        "ju" => "じゅ",
        "jo" => "じょ",
        "je" => "じぇ",
        "jya" => "じゃ",
        "jyu" => "じゅ",
        "jyo" => "じょ",
        "zya" => "じゃ",
        "zyu" => "じゅ",
        "zyo" => "じょ",
        "da" => "だ",
        "di" => "ぢ",
        "du" => "づ",
        "de" => "で",
        "do" => "ど",
        "dya" => "ぢゃ",
        "dyu" => "ぢゅ",
        "dyo" => "ぢょ",
        "ba" => "ば",
        "bi" => "び",
        "bu" => "ぶ",
        "be" => "べ",
        "bo" => "ぼ",
        "bya" => "びゃ",
        "byu" => "びゅ",
        "byo" => "びょ",
        "pa" => "ぱ",
        "pi" => "ぴ",
        "pu" => "ぷ",
        "pe" => "ぺ",
        "po" => "ぽ",
        "pya" => "ぴゃ",
        "pyu" => "ぴゅ",
        "pyo" => "ぴょ",
        "va" => "ゔぁ",
        "vi" => "ゔぃ",
        "vu" => "ゔ",
        "ve" => "ゔぇ",
        "vo" => "ゔぉ",
        "thi" => "てぃ",
        "dhi" => "でぃ",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hepburn_and_kunrei_agree() {
        assert_eq!(to_hiragana("seisakusho").as_deref(), Some("せいさくしょ"));
        assert_eq!(to_hiragana("seisakusyo").as_deref(), Some("せいさくしょ"));
        assert_eq!(to_hiragana("takahashi").as_deref(), Some("たかはし"));
        assert_eq!(to_hiragana("takahasi").as_deref(), Some("たかはし"));
        assert_eq!(to_hiragana("tsuchiya").as_deref(), Some("つちや"));
        assert_eq!(to_hiragana("tutiya").as_deref(), Some("つちや"));
        assert_eq!(to_hiragana("fujita").as_deref(), Some("ふじた"));
        assert_eq!(to_hiragana("huzita").as_deref(), Some("ふじた"));
    }

    #[test]
    fn n_double_consonants_and_long_vowels() {
        assert_eq!(to_hiragana("kenichi").as_deref(), Some("けにち"));
        assert_eq!(to_hiragana("ken'ichi").as_deref(), Some("けんいち"));
        assert_eq!(to_hiragana("shinbun").as_deref(), Some("しんぶん"));
        assert_eq!(to_hiragana("hattori").as_deref(), Some("はっとり"));
        assert_eq!(to_hiragana("matcha").as_deref(), Some("まっちゃ"));
        assert_eq!(to_hiragana("ōno").as_deref(), Some("おうの"));
    }

    #[test]
    fn passport_spellings_read_as_they_sound() {
        assert_eq!(to_hiragana("homma"), to_hiragana("honma"));
        assert_eq!(to_hiragana("namba").as_deref(), Some("なんば"));
        assert_eq!(to_hiragana("shimbashi").as_deref(), Some("しんばし"));
        assert_eq!(to_hiragana("sampei").as_deref(), Some("さんぺい"));
        assert_eq!(to_hiragana("ohno").as_deref(), Some("おおの"));
        assert_eq!(to_hiragana("satoh").as_deref(), Some("さとお"));
        assert_eq!(to_hiragana("ohashi").as_deref(), Some("おはし"));
        assert_eq!(to_hiragana("oono"), to_hiragana("ohno"));
    }

    #[test]
    fn unfinished_words_and_non_romaji() {
        assert_eq!(to_hiragana("yamad").as_deref(), Some("やま"));
        assert_eq!(to_hiragana("global"), None);
        assert_eq!(to_hiragana("tradng"), None);
        assert_eq!(to_hiragana("abc1"), None);
        assert_eq!(to_hiragana(""), None);
        assert_eq!(to_hiragana("ss"), None);
    }
}
