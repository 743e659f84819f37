//! Stable pagination: keyset cursors over (sort key, id), so a page never repeats or
//! skips a record because others were added or removed meanwhile.

use serde::{Deserialize, Serialize};

use crate::error::{Entity, Reason, ValidationError};

/// The most records one page may hold.
pub const MAX_PAGE_SIZE: i32 = 1000;

/// Which page of a list to return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// How many records at most (1 to [`MAX_PAGE_SIZE`]).
    pub limit: i32,
    /// `next_cursor` of the previous page; `None` for the first page.
    pub cursor: Option<String>,
    /// Whether archived records are listed too.
    pub include_archived: bool,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            limit: 50,
            cursor: None,
            include_archived: false,
        }
    }
}

impl PageRequest {
    /// The first page of `limit` records.
    pub fn first(limit: i32) -> Self {
        PageRequest {
            limit,
            ..PageRequest::default()
        }
    }

    /// The page after `cursor`, with the same settings.
    pub fn after(&self, cursor: impl Into<String>) -> Self {
        PageRequest {
            cursor: Some(cursor.into()),
            ..self.clone()
        }
    }

    /// Checks the request and decodes its cursor.
    pub(crate) fn to_query(&self, entity: Entity) -> Result<ListQuery, ValidationError> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.limit) {
            return Err(ValidationError::single(entity, "limit", Reason::NotAllowed));
        }
        let after = match &self.cursor {
            None => None,
            Some(c) => Some(
                decode_cursor(c)
                    .ok_or_else(|| ValidationError::single(entity, "cursor", Reason::InvalidId))?,
            ),
        };
        Ok(ListQuery {
            limit: self.limit.unsigned_abs(),
            after,
            include_archived: self.include_archived,
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The records, in list order.
    pub items: Vec<T>,
    /// Pass this in the next request to get the following page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A decoded page request, as the store receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// How many records at most.
    pub limit: u32,
    /// Return records strictly after this (sort key, id).
    pub after: Option<(String, String)>,
    /// Whether archived records are included.
    pub include_archived: bool,
}

/// The cursor pointing after a record with this sort key and id.
pub(crate) fn encode_cursor(sort_key: &str, id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 1 + sort_key.len() * 2);
    out.push_str(id);
    out.push('.');
    for b in sort_key.as_bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn decode_cursor(cursor: &str) -> Option<(String, String)> {
    let (id, hex) = cursor.split_once('.')?;
    uuid::Uuid::parse_str(id).ok()?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some((String::from_utf8(bytes).ok()?, id.to_string()))
}

/// Builds a page from up to `limit + 1` fetched records (the extra one only tells
/// whether there is a next page).
pub(crate) fn into_page<T>(
    mut items: Vec<T>,
    limit: i32,
    key: impl Fn(&T) -> (String, String),
) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let next_cursor = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|last| {
            let (sort_key, id) = key(last);
            encode_cursor(&sort_key, &id)
        })
    } else {
        None
    };
    Page { items, next_cursor }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let id = "0190a4b2-0000-7000-8000-000000000000";
        let c = encode_cursor("やまだ", id);
        assert_eq!(decode_cursor(&c), Some(("やまだ".into(), id.into())));
    }

    #[test]
    fn bad_cursors_and_limits_are_refused() {
        let bad = PageRequest::first(10).after("garbage");
        assert_eq!(bad.to_query(Entity::Company).unwrap_err().field(), "cursor");
        assert_eq!(
            PageRequest::first(0)
                .to_query(Entity::Company)
                .unwrap_err()
                .field(),
            "limit"
        );
        assert!(
            PageRequest::first(MAX_PAGE_SIZE + 1)
                .to_query(Entity::Person)
                .is_err()
        );
        // Limits are signed for the bindings (Kotlin's Int): a negative one is refused.
        for limit in [-1, i32::MIN] {
            let refused = PageRequest::first(limit).to_query(Entity::Person);
            assert_eq!(refused.unwrap_err().field(), "limit");
        }
    }
}
