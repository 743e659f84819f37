//! Phone numbers to E.164 (`+81312345678`), from the ways Japanese users write them.

use super::text::fold_width;
use crate::error::Reason;

/// Normalises a phone number to E.164.
///
/// Accepts domestic Japanese numbers (`03-1234-5678`, `090-1234-5678`, `0120-123-456`,
/// with full-width digits, brackets, dashes or spaces), international ones
/// (`+81 3 1234 5678`, `+81 (0)3-1234-5678`, `+1 415 555 0100`) and the Japanese
/// international prefix (`010 1 415 555 0100`). An E.164 value is returned unchanged.
pub fn normalize_phone(input: &str) -> Result<String, Reason> {
    let folded = fold_width(input.trim());
    let mut digits = String::with_capacity(folded.len());
    let mut plus = false;
    for (i, c) in folded.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if i == 0 => plus = true,
            ' '
            | '-'
            | '('
            | ')'
            | '.'
            | '/'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | 'ー'
            | '\u{FF70}' => {}
            _ => return Err(Reason::InvalidPhone),
        }
    }
    let e164_digits = if plus {
        // "+81 (0)3-..." carries the domestic trunk prefix in brackets; drop it.
        match digits.strip_prefix("810") {
            Some(rest) if folded.contains("(0)") => format!("81{rest}"),
            _ => digits,
        }
    } else if let Some(international) = digits.strip_prefix("010") {
        international.to_string()
    } else if let Some(national) = digits.strip_prefix('0') {
        // Japanese national numbers are 9 digits (landlines, 0120, 0570) or 10 (mobiles, 050).
        if !(9..=10).contains(&national.len()) || national.starts_with('0') {
            return Err(Reason::InvalidPhone);
        }
        format!("81{national}")
    } else {
        return Err(Reason::InvalidPhone);
    };
    let japanese_ok = match e164_digits.strip_prefix("81") {
        Some(national) => (9..=10).contains(&national.len()) && !national.starts_with('0'),
        None => true,
    };
    if !japanese_ok || !(8..=15).contains(&e164_digits.len()) || e164_digits.starts_with('0') {
        return Err(Reason::InvalidPhone);
    }
    Ok(format!("+{e164_digits}"))
}

/// The `tel:` URI for a normalised (E.164) number.
pub fn tel_uri(e164: &str) -> String {
    format!("tel:{e164}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn japanese_notations_become_e164() {
        for input in [
            "03-1234-5678",
            "０３（１２３４）５６７８",
            "+81 3 1234 5678",
            "+81-(0)3-1234-5678",
            "03 1234 5678",
            "0312345678",
            "(03)1234-5678",
            "03ー1234ー5678",
            "+81312345678",
        ] {
            assert_eq!(normalize_phone(input), Ok("+81312345678".into()), "{input}");
        }
        assert_eq!(normalize_phone("090-1234-5678"), Ok("+819012345678".into()));
        assert_eq!(normalize_phone("0120-123-456"), Ok("+81120123456".into()));
        assert_eq!(normalize_phone("050-1234-5678"), Ok("+815012345678".into()));
    }

    #[test]
    fn foreign_numbers_are_kept_international() {
        assert_eq!(
            normalize_phone("+1 415 555 0100"),
            Ok("+14155550100".into())
        );
        assert_eq!(
            normalize_phone("010-1-415-555-0100"),
            Ok("+14155550100".into())
        );
    }

    #[test]
    fn junk_is_refused() {
        for input in [
            "",
            "abc",
            "03-1234",
            "1234-5678",
            "03-1234-5678 内線12",
            "+81 03 1234 5678 9",
            "00-1234-5678",
            "+0 123456789",
            "+1234567890123456",
            "3-1234-5678",
        ] {
            assert_eq!(normalize_phone(input), Err(Reason::InvalidPhone), "{input}");
        }
    }

    #[test]
    fn tel_uri_uses_e164() {
        assert_eq!(tel_uri("+81312345678"), "tel:+81312345678");
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,30}") {
            if let Ok(n) = normalize_phone(&s) {
                prop_assert_eq!(normalize_phone(&n), Ok(n.clone()));
                prop_assert!(n.starts_with('+'));
            }
        }

        #[test]
        fn domestic_numbers_in_any_grouping_agree(
            area in "[1-9][0-9]{0,3}",
            rest in "[0-9]{5,8}",
            sep in "[- ]|ー|－|"
        ) {
            let national = format!("{area}{rest}");
            // 010 is the international call prefix, never a national number.
            prop_assume!((9..=10).contains(&national.len()) && !national.starts_with("10"));
            let grouped = format!("0{area}{sep}{}{sep}{}", &rest[..rest.len() / 2], &rest[rest.len() / 2..]);
            prop_assert_eq!(normalize_phone(&grouped), Ok(format!("+81{national}")));
        }
    }
}
