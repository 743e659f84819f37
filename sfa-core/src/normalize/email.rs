//! E-mail addresses: syntax check, width folding, `mailto:` links.

use super::text::fold_width;
use crate::error::Reason;

/// The longest address SMTP allows.
pub const MAX_EMAIL_CHARS: usize = 254;

/// Normalises an e-mail address: folds full-width characters (`ｙａｍａｄａ＠…`), trims,
/// lower-cases the domain, and checks the syntax of a deliverable address
/// (`local@domain.tld`; dot-atom local part; letters, digits and hyphens in domain labels).
pub fn normalize_email(input: &str) -> Result<String, Reason> {
    let folded = fold_width(input.trim());
    if folded.len() > MAX_EMAIL_CHARS {
        return Err(Reason::TooLong {
            max_chars: MAX_EMAIL_CHARS,
        });
    }
    let (local, domain) = folded.rsplit_once('@').ok_or(Reason::InvalidEmail)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c))
        });
    let domain = domain.to_ascii_lowercase();
    if !local_ok || !is_domain(&domain) {
        return Err(Reason::InvalidEmail);
    }
    Ok(format!("{local}@{domain}"))
}

/// True for a DNS name with at least two labels and an alphabetic top-level label.
pub(crate) fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| {
            tld.len() >= 2
                && (tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"))
        })
}

/// The `mailto:` URI for a normalised address, percent-encoding the characters that
/// RFC 6068 reserves.
pub fn mailto_uri(email: &str) -> String {
    let mut uri = String::from("mailto:");
    for c in email.chars() {
        match c {
            '%' | '?' | '&' | '#' | '/' | '{' | '}' | '|' | '^' | '`' => {
                uri.push_str(&format!("%{:02X}", c as u32))
            }
            _ => uri.push(c),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises_addresses() {
        assert_eq!(
            normalize_email(" taro.yamada@Example.CO.JP "),
            Ok("taro.yamada@example.co.jp".into())
        );
        assert_eq!(
            normalize_email("ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ"),
            Ok("yamada@example.jp".into())
        );
        assert_eq!(
            normalize_email("a+tag@sub.example.com"),
            Ok("a+tag@sub.example.com".into())
        );
    }

    #[test]
    fn refuses_junk() {
        for input in [
            "",
            "taro",
            "@example.jp",
            "taro@",
            "taro@localhost",
            "taro..yamada@example.jp",
            ".taro@example.jp",
            "taro@-example.jp",
            "taro@example.j",
            "taro yamada@example.jp",
            "山田@example.jp",
            "taro@例え.jp",
            "taro@example.123",
        ] {
            assert_eq!(normalize_email(input), Err(Reason::InvalidEmail), "{input}");
        }
    }

    #[test]
    fn mailto_escapes_reserved_characters() {
        assert_eq!(mailto_uri("taro@example.jp"), "mailto:taro@example.jp");
        assert_eq!(
            mailto_uri("a&b?c@example.jp"),
            "mailto:a%26b%3Fc@example.jp"
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in "\\PC{0,40}|[a-zA-Z0-9._+-]{1,10}@[a-zA-Z0-9.-]{1,15}") {
            if let Ok(n) = normalize_email(&s) {
                prop_assert_eq!(normalize_email(&n), Ok(n.clone()));
            }
        }
    }
}
