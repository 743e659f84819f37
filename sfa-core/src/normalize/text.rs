//! Free-text fields: width folding, trimming, control characters and length limits.

use crate::error::Reason;

/// Folds the width variants that Japanese input methods and legacy systems produce:
/// full-width ASCII (`ＡＢＣ１２３`) to ASCII, half-width katakana (`ﾔﾏﾀﾞ`) to full-width
/// katakana (joining the voicing marks), and the ideographic space to a plain space.
/// Everything else is left as written.
pub fn fold_width(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        let code = c as u32;
        match code {
            0xFF01..=0xFF5E => out.push(char::from_u32(code - 0xFEE0).unwrap_or(c)),
            0x3000 => out.push(' '),
            // Combining (semi-)voiced sound marks, as decomposed (NFD) text and some
            // IMEs on macOS write them: composed with the kana before them (NFC).
            0x3099 | 0x309A => {
                let semi = code == 0x309A;
                match out.pop() {
                    Some(prev) => match voiced(prev, semi) {
                        Some(v) => out.push(v),
                        None => {
                            out.push(prev);
                            out.push(c);
                        }
                    },
                    None => out.push(c),
                }
            }
            0xFF9E | 0xFF9F => {
                let semi = code == 0xFF9F;
                match out.pop() {
                    Some(prev) => match voiced(prev, semi) {
                        Some(v) => out.push(v),
                        None => {
                            out.push(prev);
                            out.push(if semi { '\u{309C}' } else { '\u{309B}' });
                        }
                    },
                    None => out.push(if semi { '\u{309C}' } else { '\u{309B}' }),
                }
            }
            0xFF61..=0xFF9D => {
                let idx = (code - 0xFF61) as usize;
                out.push(HALFWIDTH_KATAKANA.chars().nth(idx).unwrap_or(c));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Full-width forms of U+FF61..=U+FF9D, in code point order.
const HALFWIDTH_KATAKANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// The voiced (゛) or semi-voiced (゜) form of a full-width katakana or a hiragana, if
/// it has one.
fn voiced(base: char, semi: bool) -> Option<char> {
    if let 'ぁ'..='ゖ' = base {
        // Through the katakana of the same row, which sits 0x60 higher.
        let katakana = char::from_u32(base as u32 + 0x60)?;
        return voiced(katakana, semi).and_then(|v| char::from_u32(v as u32 - 0x60));
    }
    let code = base as u32;
    let is_ha_row = matches!(base, 'ハ' | 'ヒ' | 'フ' | 'ヘ' | 'ホ');
    if semi {
        return is_ha_row.then(|| char::from_u32(code + 2)).flatten();
    }
    match base {
        'ウ' => Some('ヴ'),
        'ワ' => Some('ヷ'),
        'ヲ' => Some('ヺ'),
        'カ' | 'キ' | 'ク' | 'ケ' | 'コ' | 'サ' | 'シ' | 'ス' | 'セ' | 'ソ' | 'タ' | 'チ'
        | 'ツ' | 'テ' | 'ト' => char::from_u32(code + 1),
        _ if is_ha_row => char::from_u32(code + 1),
        _ => None,
    }
}

/// True for the white space users type around values, including the ideographic space.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// Cleans a one-line text field: folds width, trims, refuses control characters and
/// values longer than `max_chars`. Empty means absent.
pub fn clean_line(input: &str, max_chars: usize) -> Result<Option<String>, Reason> {
    let folded = fold_width(input.trim_matches(is_space));
    if folded.chars().any(char::is_control) {
        return Err(Reason::ControlCharacters);
    }
    // Text that would show other than it is (a bidi override reversing a name or an
    // e-mail), break a line where none may be, or show nothing at all.
    if folded
        .chars()
        .any(|c| is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}'))
        || (!folded.is_empty() && folded.chars().all(is_invisible))
    {
        return Err(Reason::Invisible);
    }
    finish(folded, max_chars)
}

/// Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing: zero-width spaces and joiners, the word joiner, the
/// byte-order mark, and spaces.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}') || is_space(c)
}

/// Cleans a multi-line text field (notes): keeps the text as written except for
/// trimming and `\r\n` -> `\n`; refuses other control characters than line breaks and tabs.
pub fn clean_multiline(input: &str, max_chars: usize) -> Result<Option<String>, Reason> {
    let text = input.trim_matches(is_space).replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Reason::ControlCharacters);
    }
    finish(text, max_chars)
}

fn finish(text: String, max_chars: usize) -> Result<Option<String>, Reason> {
    if text.is_empty() {
        Ok(None)
    } else if text.chars().count() > max_chars {
        Err(Reason::TooLong { max_chars })
    } else {
        Ok(Some(text))
    }
}

/// Like [`clean_line`] but the value must be present.
pub fn required_line(input: &str, max_chars: usize) -> Result<String, Reason> {
    clean_line(input, max_chars)?.ok_or(Reason::Required)
}

/// Cleans a kana reading (フリガナ): one line, and only kana, the long-vowel mark,
/// the middle dot and spaces.
pub fn clean_reading(input: &str, max_chars: usize) -> Result<Option<String>, Reason> {
    let Some(text) = clean_line(input, max_chars)? else {
        return Ok(None);
    };
    let kana_only = text.chars().all(|c| {
        matches!(c as u32, 0x3041..=0x3096 | 0x309D..=0x309E | 0x30A1..=0x30FA | 0x30FB..=0x30FE)
            || c == ' '
            || c == '゛'
            || c == '゜'
    });
    if kana_only {
        Ok(Some(text))
    } else {
        Err(Reason::NotKana)
    }
}

/// The key that lists sort by: the reading (katakana folded to hiragana) when there is
/// one, so that lists follow あいうえお order, else the name lower-cased.
pub fn sort_key(name: &str, reading: Option<&str>) -> String {
    match reading {
        Some(r) => r
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| match c as u32 {
                0x30A1..=0x30F6 => char::from_u32(c as u32 - 0x60).unwrap_or(c),
                _ => c,
            })
            .collect(),
        None => name.to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn folds_full_width_ascii_and_half_width_kana() {
        assert_eq!(fold_width("ＡＢＣシステムズ　１２３"), "ABCシステムズ 123");
        assert_eq!(fold_width("ﾔﾏﾀﾞｾｲｻｸｼｮ"), "ヤマダセイサクショ");
        assert_eq!(fold_width("ﾊﾟﾋﾟﾌﾟｳﾞ"), "パピプヴ");
        assert_eq!(fold_width("ｱﾞ"), "ア゛");
    }

    #[test]
    fn one_line_fields_refuse_what_would_show_otherwise() {
        for bad in [
            "山田\u{202E}作製所",
            "\u{2066}evil\u{2069}",
            "一行目\u{2028}二行目",
            "段\u{2029}落",
            "\u{200B}",
            "\u{200B}\u{200D}\u{FEFF}",
        ] {
            assert_eq!(clean_line(bad, 200), Err(Reason::Invisible), "{bad:?}");
        }
        // Joiners inside visible text (emoji sequences) are fine.
        assert!(clean_line("営業\u{200D}部", 200).is_ok());
    }

    #[test]
    fn decomposed_voiced_marks_are_composed() {
        assert_eq!(fold_width("タ\u{3099}イスケ"), "ダイスケ");
        assert_eq!(fold_width("ハ\u{309A}ン"), "パン");
        assert_eq!(fold_width("か\u{3099}っこう"), "がっこう");
        assert_eq!(fold_width("う\u{3099}"), "ゔ");
        assert_eq!(fold_width("ア\u{3099}"), "ア\u{3099}");
        assert_eq!(
            clean_reading("スス\u{3099}キ タ\u{3099}イスケ", 200),
            Ok(Some("スズキ ダイスケ".into()))
        );
    }

    #[test]
    fn one_line_fields_are_trimmed_and_refuse_control_characters() {
        assert_eq!(clean_line("　山田　", 10), Ok(Some("山田".into())));
        assert_eq!(clean_line("  ", 10), Ok(None));
        assert_eq!(clean_line("a\nb", 10), Err(Reason::ControlCharacters));
        assert_eq!(
            clean_line("あいうえおか", 5),
            Err(Reason::TooLong { max_chars: 5 })
        );
        assert_eq!(required_line(" ", 5), Err(Reason::Required));
    }

    #[test]
    fn notes_keep_line_breaks() {
        assert_eq!(
            clean_multiline("一行目\r\n\t二行目 ", 100),
            Ok(Some("一行目\n\t二行目".into()))
        );
        assert_eq!(
            clean_multiline("bell\u{7}", 100),
            Err(Reason::ControlCharacters)
        );
    }

    #[test]
    fn readings_must_be_kana() {
        assert_eq!(
            clean_reading("ﾔﾏﾀﾞ ﾀﾛｳ", 50),
            Ok(Some("ヤマダ タロウ".into()))
        );
        assert_eq!(
            clean_reading("やまだ・たろう", 50),
            Ok(Some("やまだ・たろう".into()))
        );
        assert_eq!(clean_reading("山田", 50), Err(Reason::NotKana));
        assert_eq!(clean_reading("yamada", 50), Err(Reason::NotKana));
    }

    #[test]
    fn sort_key_uses_reading_in_hiragana() {
        assert_eq!(sort_key("山田", Some("ヤマダ タロウ")), "やまだたろう");
        assert_eq!(sort_key("ABC Trading", None), "abc trading");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,40}") {
            let once = fold_width(&s);
            prop_assert_eq!(fold_width(&once), once.clone());
        }

        #[test]
        fn cleaning_never_panics_and_is_idempotent(s in "\\PC{0,40}|.{0,40}") {
            if let Ok(Some(v)) = clean_line(&s, 30) {
                prop_assert_eq!(clean_line(&v, 30), Ok(Some(v.clone())));
            }
            if let Ok(Some(v)) = clean_reading(&s, 30) {
                prop_assert_eq!(clean_reading(&v, 30), Ok(Some(v.clone())));
            }
        }
    }
}
