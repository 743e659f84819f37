//! Business cards (名刺): photographed cards waiting to be typed in.
//!
//! An uploaded image is checked by its magic bytes (JPEG, PNG or HEIC only) and stored
//! in the database, in the same transaction as the card record: a crash leaves either
//! both or neither, and backups and encryption of the database cover the images too.
//! Cards are never deleted: a card is pending until it is transcribed into a person
//! (and company) or discarded with a reason, and either way its image stays.

use serde::{Deserialize, Serialize};

use super::{CardId, CompanyId, CompanyInput, PersonId, PersonInput, Timestamp, UserId};
use crate::error::Reason;

/// The largest image accepted, in bytes (10 MiB: a phone photo of a card is well
/// under it).
pub const MAX_CARD_IMAGE_BYTES: usize = 10 * 1024 * 1024;

stored_enum! {
    /// The image formats accepted.
    ImageType {
        /// JPEG.
        #[default]
        Jpeg = "image/jpeg",
        /// PNG.
        Png = "image/png",
        /// HEIC (HEIF with HEVC), what iPhones take.
        Heic = "image/heic",
    }
}

impl ImageType {
    /// The format the bytes are in, by their magic bytes.
    pub fn detect(bytes: &[u8]) -> Option<ImageType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(ImageType::Jpeg);
        }
        if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            return Some(ImageType::Png);
        }
        // ISO base media file: a box size, then `ftyp` and a HEIF brand.
        if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
            let brand = &bytes[8..12];
            if [
                b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
            ]
            .iter()
            .any(|b| brand == *b)
            {
                return Some(ImageType::Heic);
            }
        }
        None
    }

    /// Parses a declared media type (`image/jpeg`, `image/jpg`, `image/png`,
    /// `image/heic`, `image/heif`).
    pub fn from_media_type(text: &str) -> Result<ImageType, Reason> {
        match text.trim().to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Ok(ImageType::Jpeg),
            "image/png" => Ok(ImageType::Png),
            "image/heic" | "image/heif" | "image/heic-sequence" => Ok(ImageType::Heic),
            _ => Err(Reason::NotAllowed),
        }
    }
}

stored_enum! {
    /// Where a card is in its life.
    CardStatus {
        /// Waiting for its transcriber.
        #[default]
        Pending = "pending",
        /// Typed in: it became a person (and maybe a company).
        Transcribed = "transcribed",
        /// Thrown away, with a reason; the image is kept.
        Discarded = "discarded",
    }
}

/// A stored business card (its image is read with `card_image`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCard {
    /// The id.
    pub id: CardId,
    /// The image's format.
    pub media_type: ImageType,
    /// The image's size in bytes.
    pub size_bytes: i64,
    /// Who types it in (入力担当): the uploader unless delegated.
    pub transcriber_id: UserId,
    /// Pending, transcribed or discarded.
    pub status: CardStatus,
    /// The person it became.
    pub person_id: Option<PersonId>,
    /// The company of that person.
    pub company_id: Option<CompanyId>,
    /// Why it was discarded.
    pub discard_reason: Option<String>,
    /// When it was uploaded.
    pub created_at: Timestamp,
    /// Who uploaded it.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with a change.
    pub version: i64,
}

/// The company a transcribed card belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompanyChoice {
    /// A company already in the ledger.
    Existing(CompanyId),
    /// A new company, created with the person.
    New(CompanyInput),
}

/// The person a transcribed card is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonChoice {
    /// A person already in the ledger (their company must be the chosen one).
    Existing(PersonId),
    /// A new person (its `company_id` is replaced by the chosen company).
    New(PersonInput),
}

/// What a card becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscribeInput {
    /// The company.
    pub company: CompanyChoice,
    /// The person.
    pub person: PersonChoice,
}

stored_enum! {
    /// Why an existing person may be the one on a card.
    DuplicateReason {
        /// The same e-mail address.
        #[default]
        SameEmail = "same_email",
        /// The same office or mobile phone number.
        SamePhone = "same_phone",
        /// The same name at the same company.
        SameNameAtCompany = "same_name_at_company",
    }
}

/// An existing person who may be the one being entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateHint {
    /// The existing person.
    pub person_id: PersonId,
    /// Their name, for the picker.
    pub name: String,
    /// Their company.
    pub company_id: CompanyId,
    /// Why they match.
    pub reasons: Vec<DuplicateReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_magic_bytes() {
        assert_eq!(
            ImageType::detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(ImageType::Jpeg)
        );
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0];
        assert_eq!(ImageType::detect(&png), Some(ImageType::Png));
        let heic = [
            0, 0, 0, 0x18, b'f', b't', b'y', b'p', b'h', b'e', b'i', b'c', 0, 0,
        ];
        assert_eq!(ImageType::detect(&heic), Some(ImageType::Heic));
        assert_eq!(ImageType::detect(b"GIF89a......"), None);
        assert_eq!(ImageType::detect(b"%PDF-1.7"), None);
        let mp4 = [
            0, 0, 0, 0x18, b'f', b't', b'y', b'p', b'i', b's', b'o', b'm',
        ];
        assert_eq!(ImageType::detect(&mp4), None);
        assert_eq!(ImageType::detect(&[]), None);
    }

    #[test]
    fn declared_media_types() {
        assert_eq!(ImageType::from_media_type("IMAGE/JPG"), Ok(ImageType::Jpeg));
        assert_eq!(
            ImageType::from_media_type("image/heif"),
            Ok(ImageType::Heic)
        );
        assert_eq!(
            ImageType::from_media_type("image/gif"),
            Err(Reason::NotAllowed)
        );
    }
}
