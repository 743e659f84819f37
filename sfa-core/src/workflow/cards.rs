//! Business cards (名刺の貼付け): upload, delegate, the transcriber's queue,
//! transcription into a person (and company), discarding, and duplicate hints.

use super::Session;
use super::ledger::{new_company, new_person};
use super::refs::{check_active_user, check_company_ref, person};
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    BusinessCard, CardId, CardStatus, Company, CompanyChoice, CompanyId, DuplicateHint,
    DuplicateReason, ImageType, MAX_CARD_IMAGE_BYTES, Page, PageRequest, Person, PersonChoice,
    PersonId, PersonInput, TranscribeInput, User, UserId, format_timestamp, into_page, limits,
};
use crate::normalize::clean_multiline;
use crate::store::{PersonMatch, ReadTx, WriteTx};
use crate::sync::Mutation;

/// What a transcription produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcription {
    /// The card, now transcribed.
    pub card: BusinessCard,
    /// The card's company (new or existing).
    pub company: Company,
    /// The card's person (new or existing).
    pub person: Person,
    /// Existing persons who may be the same as a newly created one.
    pub duplicates: Vec<DuplicateHint>,
}

fn refuse(field: &'static str, reason: Reason) -> Error {
    ValidationError::single(Entity::BusinessCard, field, reason).into()
}

impl Session {
    /// Uploads a card image (from the camera or the gallery). JPEG, PNG and HEIC are
    /// accepted by their magic bytes, up to [`MAX_CARD_IMAGE_BYTES`]; the declared
    /// media type must agree. The transcriber is the uploader unless another active
    /// user is named.
    pub fn upload_card(
        &self,
        image: &[u8],
        media_type: &str,
        transcriber: Option<UserId>,
    ) -> Result<BusinessCard> {
        let _call = self.call(|| Mutation::UploadCard {
            image: image.to_vec(),
            media_type: media_type.to_string(),
            transcriber,
        });
        if image.is_empty() {
            return Err(refuse("image", Reason::Required));
        }
        if image.len() > MAX_CARD_IMAGE_BYTES {
            return Err(refuse("image", Reason::OutOfRange));
        }
        let detected =
            ImageType::detect(image).ok_or_else(|| refuse("image", Reason::NotAllowed))?;
        let declared = ImageType::from_media_type(media_type)
            .map_err(|reason| refuse("media_type", reason))?;
        if declared != detected {
            return Err(refuse("media_type", Reason::Inconsistent));
        }
        let now = self.now();
        self.write(|tx, me| {
            let transcriber = transcriber.unwrap_or(me.id);
            if transcriber != me.id {
                check_active_user(tx, Entity::BusinessCard, "transcriber_id", transcriber)?;
            }
            let card = BusinessCard {
                id: CardId::new(),
                media_type: detected,
                size_bytes: image.len() as i64,
                transcriber_id: transcriber,
                status: CardStatus::Pending,
                person_id: None,
                company_id: None,
                discard_reason: None,
                created_at: now,
                created_by: me.id,
                updated_at: now,
                updated_by: me.id,
                version: 1,
            };
            tx.insert_card(&card, image)?;
            Ok(card)
        })
    }

    /// A card by id.
    pub fn get_card(&self, id: CardId) -> Result<BusinessCard> {
        self.read(|tx, _| card(tx, id))
    }

    /// A card's image, exactly as uploaded.
    pub fn card_image(&self, id: CardId) -> Result<Vec<u8>> {
        self.read(|tx, _| {
            tx.card_image(id)?
                .ok_or_else(|| Error::not_found(Entity::BusinessCard, id))
        })
    }

    /// Hands a pending card to another transcriber (e.g. office staff). The uploader,
    /// the current transcriber and admins may.
    pub fn delegate_card(&self, id: CardId, version: i64, to: UserId) -> Result<BusinessCard> {
        let _call = self.call(|| Mutation::DelegateCard { id, version, to });
        self.change_card(id, version, |tx, c, me| {
            if !(me.is_admin() || c.created_by == me.id || c.transcriber_id == me.id) {
                return Err(Error::permission_denied(
                    "only the uploader, the transcriber and admins delegate a card",
                ));
            }
            require_pending(c)?;
            check_active_user(tx, Entity::BusinessCard, "transcriber_id", to)?;
            c.transcriber_id = to;
            Ok(())
        })
    }

    /// One page of the acting user's pending cards to type in, oldest first.
    pub fn card_queue(&self, page: &PageRequest) -> Result<Page<BusinessCard>> {
        let mut query = page.to_query(Entity::BusinessCard)?;
        query.limit += 1;
        let items = self.read(|tx, me| tx.card_queue(me.id, query.after.as_ref(), query.limit))?;
        Ok(into_page(items, page.limit, |c| {
            (format_timestamp(&c.created_at), c.id.to_string())
        }))
    }

    /// Existing persons who may be the person being entered: the same e-mail, the
    /// same office or mobile phone, or the same name at the same company.
    pub fn person_duplicates(&self, input: &PersonInput) -> Result<Vec<DuplicateHint>> {
        let input = input.validate()?;
        self.read(|tx, _| duplicates(tx, &input, None))
    }

    /// Types a card in (the transcriber or an admin): creates the person, and the
    /// company when new, or links existing ones, in one transaction; the card records
    /// what it became. Returns the duplicate hints for a newly created person.
    pub fn transcribe_card(
        &self,
        id: CardId,
        version: i64,
        input: &TranscribeInput,
    ) -> Result<Transcription> {
        let _call = self.call(|| Mutation::TranscribeCard {
            id,
            version,
            input: input.clone(),
        });
        // Validate what can be validated before the transaction.
        let company_input = match &input.company {
            CompanyChoice::New(c) => Some(c.validate()?),
            CompanyChoice::Existing(_) => None,
        };
        let now = self.now();
        self.write(|tx, me| {
            let mut c = card(tx, id)?;
            may_transcribe(&c, me)?;
            require_pending(&c)?;
            let company = match (&input.company, company_input) {
                (CompanyChoice::Existing(company_id), _) => {
                    check_company_ref(tx, Entity::BusinessCard, *company_id)?;
                    tx.get_company(*company_id)?
                        .ok_or_else(|| Error::not_found(Entity::Company, company_id))?
                }
                (CompanyChoice::New(_), Some(valid)) => {
                    let company = new_company(CompanyId::new(), valid, me, now);
                    tx.insert_company(&company)?;
                    company
                }
                (CompanyChoice::New(_), None) => return Err(refuse("company", Reason::Required)),
            };
            let (person, hints) = match &input.person {
                PersonChoice::Existing(person_id) => {
                    let p = person(tx, *person_id)?;
                    if p.company_id != company.id {
                        return Err(refuse("company", Reason::Inconsistent));
                    }
                    (p, Vec::new())
                }
                PersonChoice::New(p) => {
                    let valid = PersonInput {
                        company_id: company.id,
                        ..p.clone()
                    }
                    .validate()?;
                    let hints = duplicates(tx, &valid, None)?;
                    let person = new_person(PersonId::new(), valid, me, now);
                    tx.insert_person(&person)?;
                    (person, hints)
                }
            };
            c.status = CardStatus::Transcribed;
            c.person_id = Some(person.id);
            c.company_id = Some(company.id);
            c.updated_at = now;
            c.updated_by = me.id;
            c.version = crate::model::next_version(version);
            tx.update_card(&c, version)?;
            Ok(Transcription {
                card: c,
                company,
                person,
                duplicates: hints,
            })
        })
    }

    /// Discards a pending card with a reason (required); the card and its image stay.
    pub fn discard_card(&self, id: CardId, version: i64, reason: &str) -> Result<BusinessCard> {
        let _call = self.call(|| Mutation::DiscardCard {
            id,
            version,
            reason: reason.to_string(),
        });
        let reason = clean_multiline(reason, limits::SHORT_TEXT)
            .map_err(|r| refuse("discard_reason", r))?
            .ok_or_else(|| refuse("discard_reason", Reason::Required))?;
        self.change_card(id, version, |_, c, me| {
            may_transcribe(c, me)?;
            require_pending(c)?;
            c.status = CardStatus::Discarded;
            c.discard_reason = Some(reason);
            Ok(())
        })
    }

    fn change_card(
        &self,
        id: CardId,
        version: i64,
        change: impl FnOnce(&mut dyn WriteTx, &mut BusinessCard, &User) -> Result<()>,
    ) -> Result<BusinessCard> {
        let now = self.now();
        self.write(|tx, me| {
            let mut c = card(tx, id)?;
            change(tx, &mut c, me)?;
            c.updated_at = now;
            c.updated_by = me.id;
            c.version = crate::model::next_version(version);
            tx.update_card(&c, version)?;
            Ok(c)
        })
    }
}

fn card(tx: &mut dyn ReadTx, id: CardId) -> Result<BusinessCard> {
    tx.get_card(id)?
        .ok_or_else(|| Error::not_found(Entity::BusinessCard, id))
}

/// The transcriber, the uploader and admins act on a card.
fn may_transcribe(c: &BusinessCard, me: &User) -> Result<()> {
    if me.is_admin() || c.transcriber_id == me.id || c.created_by == me.id {
        Ok(())
    } else {
        Err(Error::permission_denied(
            "only the card's transcriber, its uploader and admins may type it in or discard it",
        ))
    }
}

fn require_pending(c: &BusinessCard) -> Result<()> {
    match c.status {
        CardStatus::Pending => Ok(()),
        other => Err(refuse("status", Reason::NotWhile(other.as_str()))),
    }
}

/// Persons matching a (validated) person input, with why, excluding `except`.
fn duplicates(
    tx: &mut dyn ReadTx,
    input: &PersonInput,
    except: Option<PersonId>,
) -> Result<Vec<DuplicateHint>> {
    let mut hints: Vec<DuplicateHint> = Vec::new();
    let mut add = |found: Vec<Person>, reason: DuplicateReason| {
        for p in found {
            if Some(p.id) == except {
                continue;
            }
            match hints.iter_mut().find(|h| h.person_id == p.id) {
                Some(h) if !h.reasons.contains(&reason) => h.reasons.push(reason),
                Some(_) => {}
                None => hints.push(DuplicateHint {
                    person_id: p.id,
                    name: p.name,
                    company_id: p.company_id,
                    reasons: vec![reason],
                }),
            }
        }
    };
    if let Some(email) = &input.email {
        add(
            tx.find_persons(PersonMatch::Email(email))?,
            DuplicateReason::SameEmail,
        );
    }
    for phone in [&input.office_phone, &input.mobile_phone]
        .into_iter()
        .flatten()
    {
        add(
            tx.find_persons(PersonMatch::Phone(phone))?,
            DuplicateReason::SamePhone,
        );
    }
    add(
        tx.find_persons(PersonMatch::NameAtCompany(input.company_id, &input.name))?,
        DuplicateReason::SameNameAtCompany,
    );
    Ok(hints)
}
