//! Shift_JIS as the WHATWG Encoding Standard defines it (what browsers and encoding_rs
//! read: code page 932 as Japanese Excel writes it, with the NEC and IBM extensions and
//! the user-defined area), for CSV files in and out.
//!
//! Its one table is written by `build.rs` from encoding_rs, and the tests below compare
//! both directions with encoding_rs for every character and every byte pair, so the
//! files read and written are byte for byte what they were with encoding_rs, which the
//! library no longer links (its decoder brings the tables of every encoding it knows).

use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/shift_jis_table.rs"));

/// Trail bytes per lead byte (0x40-0x7E and 0x80-0xFC).
const TRAILS: usize = 188;

/// The first character of the half-width katakana bytes 0xA1-0xDF.
const HALF_WIDTH_KATAKANA: u32 = 0xFF61;

/// Pointers the encoder never chooses: the NEC-selected IBM extensions (their
/// characters are written with the IBM pointers) and the user-defined area (decoded,
/// never encoded), as the Encoding Standard's "index Shift_JIS pointer" says.
const NOT_ENCODED: std::ops::RangeInclusive<usize> = 8272..=10715;

/// Bytes that are not Shift_JIS (the valid text before them has been decoded).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// The character of a lead and trail byte, if they form one.
fn pair(lead: u8, trail: u8) -> Option<char> {
    let lead_offset = match lead {
        0x81..=0x9F => 0x81,
        0xE0..=0xFC => 0xC1,
        _ => return None,
    };
    let trail_offset = match trail {
        0x40..=0x7E => 0x40,
        0x80..=0xFC => 0x41,
        _ => return None,
    };
    let pointer = usize::from(lead - lead_offset) * TRAILS + usize::from(trail - trail_offset);
    match TWO_BYTE.get(pointer) {
        Some(&0) | None => None,
        Some(&code_point) => char::from_u32(code_point.into()),
    }
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Decodes the whole characters at the start of `input`, appending them to `out` as
/// UTF-8, and answers how many bytes it read. A lead byte at the very end is left
/// unread for the next call unless `last`; bytes that are not Shift_JIS are
/// [`Invalid`] (what came before them is in `out`).
pub(crate) fn decode(input: &[u8], out: &mut Vec<u8>, last: bool) -> Result<usize, Invalid> {
    let mut i = 0;
    while i < input.len() {
        let ascii = input[i..]
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(input.len() - i);
        out.extend_from_slice(&input[i..i + ascii]);
        i += ascii;
        let Some(&byte) = input.get(i) else { break };
        match byte {
            0x80 => push_char(out, '\u{80}'),
            0xA1..=0xDF => {
                let c = char::from_u32(HALF_WIDTH_KATAKANA + u32::from(byte - 0xA1));
                push_char(out, c.ok_or(Invalid)?);
            }
            0x81..=0x9F | 0xE0..=0xFC => {
                let Some(&trail) = input.get(i + 1) else {
                    return if last { Err(Invalid) } else { Ok(i) };
                };
                push_char(out, pair(byte, trail).ok_or(Invalid)?);
                i += 1;
            }
            _ => return Err(Invalid),
        }
        i += 1;
    }
    Ok(i)
}

/// Every encodable character with the pointer the encoder writes it with (the first
/// one in the table outside [`NOT_ENCODED`]), by character; built on first use.
fn pointers() -> &'static [(u16, u16)] {
    static POINTERS: OnceLock<Vec<(u16, u16)>> = OnceLock::new();
    POINTERS.get_or_init(|| {
        let mut pointers: Vec<(u16, u16)> = TWO_BYTE
            .iter()
            .enumerate()
            .filter(|&(pointer, &c)| c != 0 && !NOT_ENCODED.contains(&pointer))
            .filter_map(|(pointer, &c)| Some((c, u16::try_from(pointer).ok()?)))
            .collect();
        // Stable: of a character's pointers, the first stays first.
        pointers.sort_by_key(|&(c, _)| c);
        pointers.dedup_by_key(|&mut (c, _)| c);
        pointers
    })
}

/// Appends `text` as Shift_JIS to `out`; false if a character has no Shift_JIS form
/// (`out` then holds the text up to it).
pub(crate) fn encode(text: &str, out: &mut Vec<u8>) -> bool {
    for c in text.chars() {
        let code_point = u32::from(c);
        match code_point {
            0x00..=0x80 => out.push(code_point as u8),
            0xA5 => out.push(0x5C),
            0x203E => out.push(0x7E),
            0xFF61..=0xFF9F => out.push((code_point - HALF_WIDTH_KATAKANA) as u8 + 0xA1),
            _ => {
                // MINUS SIGN is written as the full-width hyphen-minus.
                let code_point = if code_point == 0x2212 {
                    0xFF0D
                } else {
                    code_point
                };
                let Ok(wanted) = u16::try_from(code_point) else {
                    return false;
                };
                let table = pointers();
                let Ok(at) = table.binary_search_by_key(&wanted, |&(c, _)| c) else {
                    return false;
                };
                let pointer = usize::from(table[at].1);
                let (lead, trail) = (pointer / TRAILS, pointer % TRAILS);
                let lead_offset = if lead < 0x1F { 0x81 } else { 0xC1 };
                let trail_offset = if trail < 0x3F { 0x40 } else { 0x41 };
                out.push((lead + lead_offset) as u8);
                out.push((trail + trail_offset) as u8);
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;

    #[test]
    fn every_character_encodes_as_encoding_rs_does() {
        let mut ours = Vec::new();
        for code_point in 0..=0x10FFFF {
            let Some(c) = char::from_u32(code_point) else {
                continue;
            };
            let text = c.to_string();
            let (theirs, _, unmappable) = SHIFT_JIS.encode(&text);
            ours.clear();
            let mapped = encode(&text, &mut ours);
            assert_eq!(mapped, !unmappable, "U+{code_point:04X}");
            if mapped {
                assert_eq!(ours, &theirs[..], "U+{code_point:04X}");
            }
        }
    }

    #[test]
    fn every_byte_and_byte_pair_decodes_as_encoding_rs_does() {
        let mut ours = Vec::new();
        let mut check = |bytes: &[u8]| {
            let theirs = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(bytes);
            ours.clear();
            let result = decode(bytes, &mut ours, true);
            match theirs {
                Some(text) => {
                    assert_eq!(result, Ok(bytes.len()), "{bytes:02X?}");
                    assert_eq!(ours, text.as_bytes(), "{bytes:02X?}");
                }
                None => assert_eq!(result, Err(Invalid), "{bytes:02X?}"),
            }
        };
        for first in 0..=255u8 {
            check(&[first]);
            for second in 0..=255u8 {
                check(&[first, second]);
            }
        }
    }

    #[test]
    fn a_lead_byte_at_the_end_waits_for_its_trail() {
        let (bytes, _, _) = SHIFT_JIS.encode("ab漢");
        let mut out = Vec::new();
        assert_eq!(decode(&bytes[..3], &mut out, false), Ok(2));
        assert_eq!(out, b"ab");
        assert_eq!(decode(&bytes[2..], &mut out, true), Ok(2));
        assert_eq!(String::from_utf8(out).ok().as_deref(), Some("ab漢"));
        assert_eq!(decode(&bytes[..3], &mut Vec::new(), true), Err(Invalid));
    }

    #[test]
    fn text_round_trips() {
        let text = "株式会社ヤマダ電機,ﾔﾏﾀﾞ,東京都千代田区丸の内１丁目 ①髙﨑 ¥100 −5\r\n";
        let mut bytes = Vec::new();
        assert!(encode(text, &mut bytes));
        let mut back = Vec::new();
        assert_eq!(decode(&bytes, &mut back, true), Ok(bytes.len()));
        // ¥ is written as 0x5C and − as the full-width minus, as encoding_rs writes them.
        let read = String::from_utf8(back).unwrap_or_default();
        assert_eq!(read, text.replace('¥', "\\").replace('−', "－"));
        assert!(!encode("😀", &mut Vec::new()));
    }
}
