//! Interactions (コンタクト): visits, calls, e-mails and web meetings with a customer,
//! planned ahead (`plan`) or reported after the fact (`report`).

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::company::optional;
use super::time::{storable, truncate_to_millis};
use super::{CompanyId, InteractionId, PersonId, Timestamp, UserId, limits};
use crate::error::{Checker, Entity, Reason, ValidationError};
use crate::normalize::{clean_line, clean_multiline, required_line};

stored_enum! {
    /// How the interaction happens.
    InteractionKind {
        /// 訪問: a visit at the customer's site.
        #[default]
        Visit = "visit",
        /// 電話: a phone call.
        Call = "call",
        /// メール: an e-mail exchange.
        Email = "email",
        /// Web 会議: an online meeting.
        WebMeeting = "web_meeting",
        /// Anything else.
        Other = "other",
    }
}

stored_enum! {
    /// Where an interaction is in its life.
    InteractionStatus {
        /// Registered ahead; on the participants' agendas.
        #[default]
        Planned = "planned",
        /// It happened and its result was reported.
        Done = "done",
        /// It was called off; kept in the history, marked so.
        Cancelled = "cancelled",
    }
}

/// The editable fields of an interaction.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InteractionInput {
    /// The customer company (required).
    pub company_id: CompanyId,
    /// Visit, call, e-mail, web meeting or other.
    pub kind: InteractionKind,
    /// Why it happens (訪問目的, required).
    pub purpose: String,
    /// When it starts (required; a UTC instant).
    pub starts_at: Timestamp,
    /// When it ends (required; not before the start, at most
    /// [`limits::INTERACTION_DAYS`] after it).
    pub ends_at: Timestamp,
    /// The users taking part on our side (参加者; at least one).
    pub participant_ids: Vec<UserId>,
    /// The customer's persons met (optional).
    pub person_ids: Vec<PersonId>,
    /// Where (optional).
    pub location: Option<String>,
    /// Free notes; line breaks kept.
    pub notes: Option<String>,
}

impl InteractionInput {
    /// Checks every field and returns the normalised input (participants and persons
    /// without repeats, in the order given; times to the millisecond, as stored), or
    /// every refused field. Whether the
    /// company, users and persons exist is checked when the interaction is stored.
    pub fn validate(&self) -> Result<InteractionInput, ValidationError> {
        let mut c = Checker::new(Entity::Interaction);
        if self.company_id == CompanyId::default() {
            c.check::<()>("company_id", Err(Reason::Required));
        }
        let purpose = c.check("purpose", required_line(&self.purpose, limits::TITLE));
        check_times(&mut c, "starts_at", self.starts_at, "ends_at", self.ends_at);
        let participant_ids = c.check(
            "participant_ids",
            id_list(&self.participant_ids, UserId::default(), true),
        );
        let person_ids = c.check(
            "person_ids",
            id_list(&self.person_ids, PersonId::default(), false),
        );
        let out = InteractionInput {
            company_id: self.company_id,
            kind: self.kind,
            purpose,
            starts_at: truncate_to_millis(self.starts_at),
            ends_at: truncate_to_millis(self.ends_at),
            participant_ids,
            person_ids,
            location: c.check(
                "location",
                optional(&self.location, |v| clean_line(v, limits::ADDRESS)),
            ),
            notes: c.check(
                "notes",
                optional(&self.notes, |v| clean_multiline(v, limits::NOTES)),
            ),
        };
        c.finish(out)
    }
}

/// Start required (the zero instant means "not given"), end not before it.
fn check_times(
    c: &mut Checker,
    start_field: &'static str,
    start: Timestamp,
    end_field: &'static str,
    end: Timestamp,
) {
    if start == Timestamp::default() {
        c.check::<()>(start_field, Err(Reason::Required));
    } else if !storable(&start) {
        c.check::<()>(start_field, Err(Reason::OutOfRange));
    }
    if end == Timestamp::default() {
        c.check::<()>(end_field, Err(Reason::Required));
    } else if !storable(&end) {
        c.check::<()>(end_field, Err(Reason::OutOfRange));
    } else if end < start {
        c.check::<()>(end_field, Err(Reason::BeforeStart));
    } else if end - start > Duration::days(limits::INTERACTION_DAYS) {
        c.check::<()>(end_field, Err(Reason::OutOfRange));
    }
}

/// Drops repeats (keeping the first), refuses nil ids, an empty list when `required`,
/// and lists longer than [`limits::LIST_ITEMS`] (repeats count: the length is checked
/// before any other work, so a huge list costs nothing).
pub(crate) fn id_list<T: Copy + PartialEq>(
    ids: &[T],
    nil: T,
    required: bool,
) -> Result<Vec<T>, Reason> {
    if ids.len() > limits::LIST_ITEMS {
        return Err(Reason::OutOfRange);
    }
    if ids.contains(&nil) {
        return Err(Reason::InvalidId);
    }
    let mut out: Vec<T> = Vec::with_capacity(ids.len());
    for id in ids {
        if !out.contains(id) {
            out.push(*id);
        }
    }
    if required && out.is_empty() {
        Err(Reason::Required)
    } else {
        Ok(out)
    }
}

/// The result of an interaction (結果登録).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportInput {
    /// What came of it (required); line breaks kept.
    pub outcome: String,
    /// When it actually started; the planned start when not given.
    pub started_at: Option<Timestamp>,
    /// When it actually ended; the planned end when not given.
    pub ended_at: Option<Timestamp>,
    /// The user the report goes to (報告者): they get a confirmation-request task and a
    /// notification.
    pub report_to: Option<UserId>,
}

impl ReportInput {
    /// A report with just an outcome.
    pub fn outcome(text: impl Into<String>) -> Self {
        ReportInput {
            outcome: text.into(),
            ..ReportInput::default()
        }
    }

    /// Checks the report against the interaction's planned times and returns the
    /// cleaned outcome with the actual start and end.
    pub(crate) fn validate(
        &self,
        planned_start: Timestamp,
        planned_end: Timestamp,
    ) -> Result<(String, Timestamp, Timestamp), ValidationError> {
        let mut c = Checker::new(Entity::Interaction);
        let outcome = c.check("outcome", required_multiline(&self.outcome));
        let start = self.started_at.map_or(planned_start, truncate_to_millis);
        let end = self.ended_at.map_or(planned_end, truncate_to_millis);
        if self.report_to == Some(UserId::default()) {
            c.check::<()>("report_to", Err(Reason::InvalidId));
        }
        for (field, t) in [("started_at", start), ("ended_at", end)] {
            if !storable(&t) {
                c.check::<()>(field, Err(Reason::OutOfRange));
            }
        }
        let field = if self.ended_at.is_some() {
            "ended_at"
        } else {
            "started_at"
        };
        if end < start {
            c.check::<()>(field, Err(Reason::BeforeStart));
        } else if end - start > Duration::days(limits::INTERACTION_DAYS) {
            c.check::<()>(field, Err(Reason::OutOfRange));
        }
        c.finish((outcome, start, end))
    }
}

fn required_multiline(text: &str) -> Result<String, Reason> {
    clean_multiline(text, limits::NOTES)?.ok_or(Reason::Required)
}

/// A stored interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    /// The id.
    pub id: InteractionId,
    /// The customer company.
    pub company_id: CompanyId,
    /// Visit, call, ...
    pub kind: InteractionKind,
    /// Why it happens.
    pub purpose: String,
    /// Start (planned, or actual once reported).
    pub starts_at: Timestamp,
    /// End (planned, or actual once reported).
    pub ends_at: Timestamp,
    /// The users taking part, in the order given.
    pub participant_ids: Vec<UserId>,
    /// The customer's persons met, in the order given.
    pub person_ids: Vec<PersonId>,
    /// Where.
    pub location: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Planned, done or cancelled.
    pub status: InteractionStatus,
    /// The reported result.
    pub outcome: Option<String>,
    /// The user the report went to.
    pub report_to: Option<UserId>,
    /// When the result was reported.
    pub reported_at: Option<Timestamp>,
    /// Who reported it.
    pub reported_by: Option<UserId>,
    /// Why it was cancelled, when it was and a reason was given.
    pub cancel_reason: Option<String>,
    /// When it was registered.
    pub created_at: Timestamp,
    /// Who registered it.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with a change.
    pub version: i64,
}

impl Interaction {
    /// The editable fields, e.g. to change some and send them back.
    pub fn input(&self) -> InteractionInput {
        InteractionInput {
            company_id: self.company_id,
            kind: self.kind,
            purpose: self.purpose.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            participant_ids: self.participant_ids.clone(),
            person_ids: self.person_ids.clone(),
            location: self.location.clone(),
            notes: self.notes.clone(),
        }
    }

    /// A new record from validated input.
    pub(crate) fn new(
        input: InteractionInput,
        status: InteractionStatus,
        by: UserId,
        now: Timestamp,
    ) -> Interaction {
        let mut i = Interaction {
            id: InteractionId::new(),
            company_id: input.company_id,
            kind: input.kind,
            purpose: String::new(),
            starts_at: input.starts_at,
            ends_at: input.ends_at,
            participant_ids: Vec::new(),
            person_ids: Vec::new(),
            location: None,
            notes: None,
            status,
            outcome: None,
            report_to: None,
            reported_at: None,
            reported_by: None,
            cancel_reason: None,
            created_at: now,
            created_by: by,
            updated_at: now,
            updated_by: by,
            version: 1,
        };
        i.set_input(input);
        i
    }

    /// Replaces the editable fields with already validated ones.
    pub(crate) fn set_input(&mut self, input: InteractionInput) {
        self.company_id = input.company_id;
        self.kind = input.kind;
        self.purpose = input.purpose;
        self.starts_at = input.starts_at;
        self.ends_at = input.ends_at;
        self.participant_ids = input.participant_ids;
        self.person_ids = input.person_ids;
        self.location = input.location;
        self.notes = input.notes;
    }

    /// True when the user takes part in it.
    pub fn has_participant(&self, user: UserId) -> bool {
        self.participant_ids.contains(&user)
    }

    /// The reason cut to the limit a cancellation keeps.
    pub(crate) fn clean_cancel_reason(
        reason: Option<&str>,
    ) -> Result<Option<String>, ValidationError> {
        let mut c = Checker::new(Entity::Interaction);
        let reason = c.check(
            "cancel_reason",
            reason.map_or(Ok(None), |r| clean_multiline(r, limits::SHORT_TEXT)),
        );
        c.finish(reason)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;

    fn at(h: u32) -> Timestamp {
        Utc.with_ymd_and_hms(2026, 12, 1, h, 0, 0).single().unwrap()
    }

    fn input() -> InteractionInput {
        InteractionInput {
            company_id: CompanyId::new(),
            purpose: " 新製品の説明 ".into(),
            starts_at: at(1),
            ends_at: at(2),
            participant_ids: vec![UserId::new()],
            ..InteractionInput::default()
        }
    }

    #[test]
    fn a_valid_input_is_cleaned() {
        let u = UserId::new();
        let p = PersonId::new();
        let v = InteractionInput {
            participant_ids: vec![u, u],
            person_ids: vec![p, p],
            ..input()
        }
        .validate()
        .unwrap();
        assert_eq!(v.purpose, "新製品の説明");
        assert_eq!(v.participant_ids, vec![u]);
        assert_eq!(v.person_ids, vec![p]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let e = InteractionInput {
            company_id: CompanyId::default(),
            purpose: " ".into(),
            starts_at: at(3),
            ends_at: at(2),
            participant_ids: vec![],
            ..input()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.entity, Entity::Interaction);
        assert_eq!(e.reason_for("company_id"), Some(&Reason::Required));
        assert_eq!(e.reason_for("purpose"), Some(&Reason::Required));
        assert_eq!(e.reason_for("ends_at"), Some(&Reason::BeforeStart));
        assert_eq!(e.reason_for("participant_ids"), Some(&Reason::Required));
    }

    #[test]
    fn an_interaction_lasts_at_most_the_limit() {
        let long = InteractionInput {
            ends_at: at(1) + Duration::days(limits::INTERACTION_DAYS) + Duration::seconds(1),
            ..input()
        };
        let e = long.validate().unwrap_err();
        assert_eq!(e.reason_for("ends_at"), Some(&Reason::OutOfRange));
        let month = InteractionInput {
            ends_at: at(1) + Duration::days(limits::INTERACTION_DAYS),
            ..input()
        };
        assert!(month.validate().is_ok());
    }

    #[test]
    fn missing_times_and_nil_ids_are_refused() {
        let e = InteractionInput {
            starts_at: Timestamp::default(),
            ends_at: Timestamp::default(),
            person_ids: vec![PersonId::default()],
            ..input()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.reason_for("starts_at"), Some(&Reason::Required));
        assert_eq!(e.reason_for("ends_at"), Some(&Reason::Required));
        assert_eq!(e.reason_for("person_ids"), Some(&Reason::InvalidId));
    }

    #[test]
    fn a_report_needs_an_outcome_and_ordered_times() {
        let r = ReportInput {
            outcome: "".into(),
            ended_at: Some(at(0)),
            ..ReportInput::default()
        };
        let e = r.validate(at(1), at(2)).unwrap_err();
        assert_eq!(e.reason_for("outcome"), Some(&Reason::Required));
        assert_eq!(e.reason_for("ended_at"), Some(&Reason::BeforeStart));
        let (outcome, s, e) = ReportInput::outcome("受注見込み")
            .validate(at(1), at(2))
            .unwrap();
        assert_eq!((outcome.as_str(), s, e), ("受注見込み", at(1), at(2)));
    }
}
