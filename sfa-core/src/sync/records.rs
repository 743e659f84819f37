//! Records as sync moves them: any synced record, its key, and reading, storing and
//! removing one by kind. Each kind's name is the one the sync log uses.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{
    BusinessCard, Campaign, Company, Confidence, Deal, Interaction, Master, MasterId, Notification,
    Person, Product, ProductCategory, Stage, Task, Team, User, UserId,
};
use crate::store::{ReadTx, WriteTx};

/// A record's kind (as the sync log names it) and id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordKey {
    /// `user`, `company`, `person`, `interaction`, `task`, `notification`,
    /// `campaign`, `stage`, `confidence`, `product_category`, `product`, `deal`,
    /// `team` or `card`.
    pub kind: String,
    /// The record's id.
    pub id: String,
}

impl RecordKey {
    fn of(kind: &str, id: impl std::fmt::Display) -> RecordKey {
        RecordKey {
            kind: kind.to_string(),
            id: id.to_string(),
        }
    }
}

/// The kinds of record sync moves, as the sync log names them.
pub(crate) const KINDS: &[&str] = &[
    "user",
    "company",
    "person",
    "interaction",
    "task",
    "notification",
    "campaign",
    "stage",
    "confidence",
    "product_category",
    "product",
    "deal",
    "team",
    "card",
];

/// Any record sync moves, as the workflow calls return it.
#[allow(missing_docs)] // Each variant holds the record of its name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum SyncRecord {
    User(User),
    Company(Company),
    Person(Person),
    Interaction(Interaction),
    Task(Task),
    Notification(Notification),
    Campaign(Campaign),
    Stage(Stage),
    Confidence(Confidence),
    ProductCategory(ProductCategory),
    Product(Product),
    Deal(Deal),
    Team(Team),
    Card(BusinessCard),
}

/// Read as `{"kind": ..., "record": ...}`, the fields in either order, through a
/// `serde_json::Value` for the record. Serde's derived reader for an adjacently tagged
/// enum holds every record type's reader twice (once for `kind` first, once for
/// `record` first), about 0.1 MB of the mobile library; this holds them once.
impl<'de> Deserialize<'de> for SyncRecord {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        use SyncRecord as R;
        use serde::de::Error as _;
        use serde_json::{Value, from_value};

        #[derive(Deserialize)]
        struct Tagged {
            kind: String,
            record: Value,
        }
        let Tagged { kind, record: r } = Tagged::deserialize(deserializer)?;
        let record = match kind.as_str() {
            "user" => from_value(r).map(R::User),
            "company" => from_value(r).map(R::Company),
            "person" => from_value(r).map(R::Person),
            "interaction" => from_value(r).map(R::Interaction),
            "task" => from_value(r).map(R::Task),
            "notification" => from_value(r).map(R::Notification),
            "campaign" => from_value(r).map(R::Campaign),
            "stage" => from_value(r).map(R::Stage),
            "confidence" => from_value(r).map(R::Confidence),
            "product_category" => from_value(r).map(R::ProductCategory),
            "product" => from_value(r).map(R::Product),
            "deal" => from_value(r).map(R::Deal),
            "team" => from_value(r).map(R::Team),
            "card" => from_value(r).map(R::Card),
            other => return Err(D::Error::unknown_variant(other, KINDS)),
        };
        record.map_err(D::Error::custom)
    }
}

/// A stored id that does not parse is a damaged log row, not the caller's input.
fn parse<T: std::str::FromStr>(key: &RecordKey) -> Result<T> {
    key.id.parse().map_err(|_| {
        Error::Storage(crate::StorageError::message(format!(
            "the sync log names a {} with an unreadable id",
            key.kind
        )))
    })
}

impl SyncRecord {
    /// The record's key.
    pub fn key(&self) -> RecordKey {
        use SyncRecord as R;
        match self {
            R::User(r) => RecordKey::of("user", r.id),
            R::Company(r) => RecordKey::of("company", r.id),
            R::Person(r) => RecordKey::of("person", r.id),
            R::Interaction(r) => RecordKey::of("interaction", r.id),
            R::Task(r) => RecordKey::of("task", r.id),
            R::Notification(r) => RecordKey::of("notification", r.id),
            R::Campaign(r) => RecordKey::of("campaign", r.id),
            R::Stage(r) => RecordKey::of("stage", r.id),
            R::Confidence(r) => RecordKey::of("confidence", r.id),
            R::ProductCategory(r) => RecordKey::of("product_category", r.id),
            R::Product(r) => RecordKey::of("product", r.id),
            R::Deal(r) => RecordKey::of("deal", r.id),
            R::Team(r) => RecordKey::of("team", r.id),
            R::Card(r) => RecordKey::of("card", r.id),
        }
    }

    /// The record as stored now, if it exists.
    pub(crate) fn read(tx: &mut dyn ReadTx, key: &RecordKey) -> Result<Option<SyncRecord>> {
        use SyncRecord as R;
        let master = |tx: &mut dyn ReadTx, id: MasterId| -> Result<Option<SyncRecord>> {
            Ok(tx.get_master(id)?.map(|m| match m {
                Master::Campaign(m) => R::Campaign(m),
                Master::Stage(m) => R::Stage(m),
                Master::Confidence(m) => R::Confidence(m),
                Master::ProductCategory(m) => R::ProductCategory(m),
                Master::Product(m) => R::Product(m),
            }))
        };
        Ok(match key.kind.as_str() {
            "user" => tx.get_user(parse(key)?)?.map(R::User),
            "company" => tx.get_company(parse(key)?)?.map(R::Company),
            "person" => tx.get_person(parse(key)?)?.map(R::Person),
            "interaction" => tx.get_interaction(parse(key)?)?.map(R::Interaction),
            "task" => tx.get_task(parse(key)?)?.map(R::Task),
            "notification" => tx.get_notification(parse(key)?)?.map(R::Notification),
            "campaign" => master(tx, MasterId::Campaign(parse(key)?))?,
            "stage" => master(tx, MasterId::Stage(parse(key)?))?,
            "confidence" => master(tx, MasterId::Confidence(parse(key)?))?,
            "product_category" => master(tx, MasterId::ProductCategory(parse(key)?))?,
            "product" => master(tx, MasterId::Product(parse(key)?))?,
            "deal" => tx.get_deal(parse(key)?)?.map(R::Deal),
            "team" => tx.get_team(parse(key)?)?.map(R::Team),
            "card" => tx.get_card(parse(key)?)?.map(R::Card),
            _ => {
                return Err(Error::Storage(crate::StorageError::message(
                    "the sync log names an unknown kind of record",
                )));
            }
        })
    }

    /// Whether `user` may receive this record: everything a team shares, except
    /// other users' notifications.
    pub(crate) fn visible_to(&self, user: UserId) -> bool {
        match self {
            SyncRecord::Notification(n) => n.user_id == user,
            _ => true,
        }
    }

    /// The records this one refers to (the store's foreign keys): they must be stored
    /// before it.
    pub(crate) fn references(&self) -> Vec<RecordKey> {
        use SyncRecord as R;
        let users = |by: &[UserId]| by.iter().map(|u| RecordKey::of("user", u)).collect();
        let mut refs: Vec<RecordKey> = match self {
            R::User(r) => users(&[r.created_by, r.updated_by]),
            R::Company(r) => users(&[r.created_by, r.updated_by]),
            R::Person(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by]);
                v.push(RecordKey::of("company", r.company_id));
                v
            }
            R::Interaction(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by]);
                v.extend(users(&r.participant_ids));
                v.extend(
                    r.report_to
                        .iter()
                        .chain(&r.reported_by)
                        .map(|u| RecordKey::of("user", u)),
                );
                v.push(RecordKey::of("company", r.company_id));
                v.extend(r.person_ids.iter().map(|p| RecordKey::of("person", p)));
                v
            }
            R::Task(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by, r.assignee_id]);
                v.extend(r.completed_by.iter().map(|u| RecordKey::of("user", u)));
                v.extend(r.company_id.iter().map(|c| RecordKey::of("company", c)));
                v.extend(r.person_id.iter().map(|p| RecordKey::of("person", p)));
                v.extend(
                    r.interaction_id
                        .iter()
                        .map(|i| RecordKey::of("interaction", i)),
                );
                v.extend(r.deal_id.iter().map(|d| RecordKey::of("deal", d)));
                v
            }
            R::Notification(r) => {
                let mut v = vec![
                    RecordKey::of("user", r.user_id),
                    RecordKey::of("task", r.task_id),
                ];
                v.extend(
                    r.interaction_id
                        .iter()
                        .map(|i| RecordKey::of("interaction", i)),
                );
                v
            }
            R::Campaign(r) => users(&[r.created_by, r.updated_by]),
            R::Stage(r) => users(&[r.created_by, r.updated_by]),
            R::Confidence(r) => users(&[r.created_by, r.updated_by]),
            R::ProductCategory(r) => users(&[r.created_by, r.updated_by]),
            R::Product(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by]);
                v.push(RecordKey::of("product_category", r.category_id));
                v
            }
            R::Deal(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by, r.owner_id]);
                v.push(RecordKey::of("company", r.company_id));
                v.extend(r.stage_id.iter().map(|s| RecordKey::of("stage", s)));
                v.extend(
                    r.confidence_id
                        .iter()
                        .map(|c| RecordKey::of("confidence", c)),
                );
                v.extend(r.campaign_id.iter().map(|c| RecordKey::of("campaign", c)));
                v.extend(
                    r.lines
                        .iter()
                        .map(|l| RecordKey::of("product", l.product_id)),
                );
                v
            }
            R::Team(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by]);
                v.extend(users(&r.member_ids));
                v
            }
            R::Card(r) => {
                let mut v: Vec<RecordKey> = users(&[r.created_by, r.updated_by, r.transcriber_id]);
                v.extend(r.company_id.iter().map(|c| RecordKey::of("company", c)));
                v.extend(r.person_id.iter().map(|p| RecordKey::of("person", p)));
                v
            }
        };
        let own = self.key();
        refs.retain(|k| *k != own);
        refs.sort();
        refs.dedup();
        refs
    }

    /// Stores the record as the server has it: inserted when missing, replaced when
    /// different. Without `force`, a stored copy with a higher version is kept (an
    /// older page must not undo a newer answer); notifications keep the device's
    /// delivery state. Returns whether anything was written.
    pub(crate) fn put(&self, tx: &mut dyn WriteTx, force: bool) -> Result<bool> {
        use SyncRecord as R;
        macro_rules! upsert {
            ($r:expr, $get:ident, $insert:expr, $update:ident) => {{
                let r = $r;
                match tx.$get(r.id)? {
                    Some(old) if old == *r => false,
                    Some(old) if !force && old.version > r.version => false,
                    Some(old) => {
                        tx.$update(r, old.version)?;
                        true
                    }
                    None => {
                        $insert(tx, r)?;
                        true
                    }
                }
            }};
        }
        macro_rules! master {
            ($r:expr, $variant:ident) => {{
                let r = $r;
                match tx.get_master(MasterId::$variant(r.id))? {
                    Some(Master::$variant(old)) if old == *r => false,
                    Some(Master::$variant(old)) if !force && old.version > r.version => false,
                    Some(old) => {
                        tx.update_master(&Master::$variant(r.clone()), old.version())?;
                        true
                    }
                    None => {
                        tx.insert_master(&Master::$variant(r.clone()))?;
                        true
                    }
                }
            }};
        }
        Ok(match self {
            R::User(r) => upsert!(
                r,
                get_user,
                |tx: &mut dyn WriteTx, r| tx.insert_user(r),
                update_user
            ),
            R::Company(r) => upsert!(
                r,
                get_company,
                |tx: &mut dyn WriteTx, r| tx.insert_company(r),
                update_company
            ),
            R::Person(r) => upsert!(
                r,
                get_person,
                |tx: &mut dyn WriteTx, r| tx.insert_person(r),
                update_person
            ),
            R::Interaction(r) => upsert!(
                r,
                get_interaction,
                |tx: &mut dyn WriteTx, r| tx.insert_interaction(r),
                update_interaction
            ),
            R::Task(r) => upsert!(
                r,
                get_task,
                |tx: &mut dyn WriteTx, r| tx.insert_task(r),
                update_task
            ),
            R::Deal(r) => upsert!(
                r,
                get_deal,
                |tx: &mut dyn WriteTx, r| tx.insert_deal(r),
                update_deal
            ),
            R::Team(r) => upsert!(
                r,
                get_team,
                |tx: &mut dyn WriteTx, r| tx.insert_team(r),
                update_team
            ),
            R::Card(r) => upsert!(
                r,
                get_card,
                |tx: &mut dyn WriteTx, r| tx.insert_card_record(r),
                update_card
            ),
            R::Campaign(r) => master!(r, Campaign),
            R::Stage(r) => master!(r, Stage),
            R::Confidence(r) => master!(r, Confidence),
            R::ProductCategory(r) => master!(r, ProductCategory),
            R::Product(r) => master!(r, Product),
            R::Notification(r) => {
                if tx.get_notification(r.id)?.is_some() {
                    false
                } else {
                    tx.put_notification(r)?;
                    true
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::SyncRecord;
    use crate::{Sfa, UserInput};

    fn a_user_record() -> SyncRecord {
        let sfa = Sfa::open_in_memory().unwrap();
        let admin = sfa
            .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.co.jp"))
            .unwrap();
        let records = sfa.sync_server().records_for(admin.id).unwrap();
        records
            .into_iter()
            .find(|r| matches!(r, SyncRecord::User(_)))
            .unwrap()
    }

    #[test]
    fn a_record_reads_back_with_its_kind_before_or_after_it() {
        let user = a_user_record();
        let written = serde_json::to_string(&user).unwrap();
        assert!(
            written.starts_with(r#"{"kind":"user","record":"#),
            "{written}"
        );
        assert_eq!(serde_json::from_str::<SyncRecord>(&written).unwrap(), user);

        let SyncRecord::User(inner) = &user else {
            unreachable!()
        };
        let record_first = format!(
            r#"{{"record":{},"kind":"user"}}"#,
            serde_json::to_string(inner).unwrap()
        );
        assert_eq!(
            serde_json::from_str::<SyncRecord>(&record_first).unwrap(),
            user
        );
    }

    #[test]
    fn an_unknown_kind_or_a_record_of_another_kind_is_refused() {
        let SyncRecord::User(inner) = a_user_record() else {
            unreachable!()
        };
        let inner = serde_json::to_string(&inner).unwrap();
        let unknown = format!(r#"{{"kind":"invoice","record":{inner}}}"#);
        let err = serde_json::from_str::<SyncRecord>(&unknown).unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `invoice`"),
            "{err}"
        );
        let mismatched = format!(r#"{{"kind":"deal","record":{inner}}}"#);
        assert!(serde_json::from_str::<SyncRecord>(&mismatched).is_err());
        assert!(serde_json::from_str::<SyncRecord>(r#"{"kind":"user"}"#).is_err());
    }
}
