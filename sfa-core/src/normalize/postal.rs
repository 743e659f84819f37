//! Japanese postal codes (郵便番号), stored as `123-4567`.

use super::text::fold_width;
use crate::error::Reason;

/// Normalises a postal code: `123-4567`, `〒1234567`, `〒１２３－４５６７` and
/// `1234567` all become `123-4567`.
pub fn normalize_postal_code(input: &str) -> Result<String, Reason> {
    let folded = fold_width(input.trim());
    let body = folded.trim_start_matches('〒').trim();
    let mut digits = String::with_capacity(7);
    for (i, c) in body.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | 'ー' if i == 3 => {}
            _ => return Err(Reason::InvalidPostalCode),
        }
    }
    if digits.len() != 7 {
        return Err(Reason::InvalidPostalCode);
    }
    Ok(format!("{}-{}", &digits[..3], &digits[3..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn notations_agree() {
        for input in [
            "123-4567",
            "〒1234567",
            "〒123-4567",
            "〒 １２３－４５６７",
            "1234567",
            "123ー4567",
        ] {
            assert_eq!(
                normalize_postal_code(input),
                Ok("123-4567".into()),
                "{input}"
            );
        }
    }

    #[test]
    fn junk_is_refused() {
        for input in [
            "",
            "12-34567",
            "123-456",
            "1234-567",
            "123-45678",
            "abc-defg",
            "〒",
        ] {
            assert_eq!(
                normalize_postal_code(input),
                Err(Reason::InvalidPostalCode),
                "{input}"
            );
        }
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,12}|〒?[0-9０-９]{3}[-－]?[0-9０-９]{4}") {
            if let Ok(n) = normalize_postal_code(&s) {
                prop_assert_eq!(normalize_postal_code(&n), Ok(n.clone()));
                prop_assert_eq!(n.len(), 8);
            }
        }
    }
}
