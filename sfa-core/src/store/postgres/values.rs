//! Conversions between records and PostgreSQL rows. Each record has its column list
//! (the order `from_row` reads) and its values (the same columns, for inserts and
//! updates); the statements are made from them, so the three cannot drift apart.

use postgres::Row;
use postgres::types::{FromSql, ToSql, Type, accepts, to_sql_checked};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::Reason;
use crate::model::{
    BusinessCard, Campaign, CampaignId, CardId, CardStatus, Company, CompanyId, Confidence,
    ConfidenceId, Deal, DealId, DealStatus, ImageType, Interaction, InteractionId, InteractionKind,
    InteractionStatus, Notification, NotificationId, NotificationKind, Person, PersonId, Product,
    ProductCategory, ProductCategoryId, ProductId, Role, Stage, StageId, Task, TaskId, TaskKind,
    TaskStatus, Team, TeamId, User, UserId,
};

/// Ids bind and read as `uuid`.
macro_rules! pg_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(
                &self,
                ty: &Type,
                out: &mut postgres::types::private::BytesMut,
            ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
                self.as_uuid().to_sql(ty, out)
            }
            accepts!(UUID);
            to_sql_checked!();
        }
        impl<'a> FromSql<'a> for $name {
            fn from_sql(
                ty: &Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
                Uuid::from_sql(ty, raw).map($name::from)
            }
            accepts!(UUID);
        }
    )*};
}
pg_id!(
    UserId,
    CompanyId,
    PersonId,
    InteractionId,
    TaskId,
    NotificationId,
    DealId,
    CampaignId,
    StageId,
    ConfidenceId,
    ProductCategoryId,
    ProductId,
    TeamId,
    CardId
);

/// A value to bind.
pub(super) type Value = Box<dyn ToSql + Sync + Send>;

/// A record's columns and their values, in column order.
pub(super) type Values = Vec<(&'static str, Value)>;

fn v<T: ToSql + Sync + Send + 'static>(column: &'static str, value: T) -> (&'static str, Value) {
    (column, Box::new(value))
}

/// A stored enum's text, or a conversion error naming the column.
fn stored<T>(row: &Row, idx: usize, parse: fn(&str) -> Result<T, Reason>) -> Result<T, String> {
    let text: &str = row.try_get(idx).map_err(|e| e.to_string())?;
    parse(text).map_err(|_| format!("column {idx}: an unknown stored value"))
}

/// Reads a row, turning a conversion failure into a store error.
pub(super) fn read<T>(row: &Row, from: fn(&Row) -> Result<T, String>) -> crate::Result<T> {
    from(row).map_err(|e| crate::Error::Storage(crate::error::StorageError::message(e)))
}

macro_rules! get {
    ($row:expr, $i:expr) => {
        $row.try_get($i).map_err(|e| e.to_string())?
    };
}

/// The money a store keeps: normalised (`100.50` is kept as `100.5`).
fn money(d: Decimal) -> Decimal {
    d.normalize()
}

pub(super) const USER_COLUMNS: &str =
    "id, name, email, role, active, created_at, created_by, updated_at, updated_by, version";

pub(super) fn user_from_row(row: &Row) -> Result<User, String> {
    Ok(User {
        id: get!(row, 0),
        name: get!(row, 1),
        email: get!(row, 2),
        role: stored(row, 3, Role::parse)?,
        active: get!(row, 4),
        created_at: get!(row, 5),
        created_by: get!(row, 6),
        updated_at: get!(row, 7),
        updated_by: get!(row, 8),
        version: get!(row, 9),
    })
}

pub(super) fn user_values(u: &User) -> Values {
    vec![
        v("id", u.id),
        v("name", u.name.clone()),
        v("email", u.email.clone()),
        v("role", u.role.as_str()),
        v("active", u.active),
        v("created_at", u.created_at),
        v("created_by", u.created_by),
        v("updated_at", u.updated_at),
        v("updated_by", u.updated_by),
        v("version", u.version),
    ]
}

pub(super) const COMPANY_COLUMNS: &str = "id, name, name_reading, postal_code, address, phone, website, industry, notes, \
     archived, created_at, created_by, updated_at, updated_by, version";

pub(super) fn company_from_row(row: &Row) -> Result<Company, String> {
    Ok(Company {
        id: get!(row, 0),
        name: get!(row, 1),
        name_reading: get!(row, 2),
        postal_code: get!(row, 3),
        address: get!(row, 4),
        phone: get!(row, 5),
        website: get!(row, 6),
        industry: get!(row, 7),
        notes: get!(row, 8),
        archived: get!(row, 9),
        created_at: get!(row, 10),
        created_by: get!(row, 11),
        updated_at: get!(row, 12),
        updated_by: get!(row, 13),
        version: get!(row, 14),
    })
}

pub(super) fn company_values(c: &Company) -> Values {
    vec![
        v("id", c.id),
        v("name", c.name.clone()),
        v("name_reading", c.name_reading.clone()),
        v("postal_code", c.postal_code.clone()),
        v("address", c.address.clone()),
        v("phone", c.phone.clone()),
        v("website", c.website.clone()),
        v("industry", c.industry.clone()),
        v("notes", c.notes.clone()),
        v("archived", c.archived),
        v("sort_key", c.sort_key()),
        v("created_at", c.created_at),
        v("created_by", c.created_by),
        v("updated_at", c.updated_at),
        v("updated_by", c.updated_by),
        v("version", c.version),
    ]
}

pub(super) const PERSON_COLUMNS: &str = "id, company_id, name, name_reading, department, title, email, office_phone, mobile_phone, \
     notes, archived, created_at, created_by, updated_at, updated_by, version";

pub(super) fn person_from_row(row: &Row) -> Result<Person, String> {
    Ok(Person {
        id: get!(row, 0),
        company_id: get!(row, 1),
        name: get!(row, 2),
        name_reading: get!(row, 3),
        department: get!(row, 4),
        title: get!(row, 5),
        email: get!(row, 6),
        office_phone: get!(row, 7),
        mobile_phone: get!(row, 8),
        notes: get!(row, 9),
        archived: get!(row, 10),
        created_at: get!(row, 11),
        created_by: get!(row, 12),
        updated_at: get!(row, 13),
        updated_by: get!(row, 14),
        version: get!(row, 15),
    })
}

pub(super) fn person_values(p: &Person) -> Values {
    vec![
        v("id", p.id),
        v("company_id", p.company_id),
        v("name", p.name.clone()),
        v("name_reading", p.name_reading.clone()),
        v("department", p.department.clone()),
        v("title", p.title.clone()),
        v("email", p.email.clone()),
        v("office_phone", p.office_phone.clone()),
        v("mobile_phone", p.mobile_phone.clone()),
        v("notes", p.notes.clone()),
        v("archived", p.archived),
        v("sort_key", p.sort_key()),
        v("created_at", p.created_at),
        v("created_by", p.created_by),
        v("updated_at", p.updated_at),
        v("updated_by", p.updated_by),
        v("version", p.version),
    ]
}

pub(super) const INTERACTION_COLUMNS: &str = "id, company_id, kind, purpose, starts_at, ends_at, location, notes, status, outcome, \
     report_to, reported_at, reported_by, cancel_reason, created_at, created_by, updated_at, updated_by, version";

pub(super) fn interaction_from_row(row: &Row) -> Result<Interaction, String> {
    Ok(Interaction {
        id: get!(row, 0),
        company_id: get!(row, 1),
        kind: stored(row, 2, InteractionKind::parse)?,
        purpose: get!(row, 3),
        starts_at: get!(row, 4),
        ends_at: get!(row, 5),
        participant_ids: Vec::new(),
        person_ids: Vec::new(),
        location: get!(row, 6),
        notes: get!(row, 7),
        status: stored(row, 8, InteractionStatus::parse)?,
        outcome: get!(row, 9),
        report_to: get!(row, 10),
        reported_at: get!(row, 11),
        reported_by: get!(row, 12),
        cancel_reason: get!(row, 13),
        created_at: get!(row, 14),
        created_by: get!(row, 15),
        updated_at: get!(row, 16),
        updated_by: get!(row, 17),
        version: get!(row, 18),
    })
}

pub(super) fn interaction_values(i: &Interaction) -> Values {
    vec![
        v("id", i.id),
        v("company_id", i.company_id),
        v("kind", i.kind.as_str()),
        v("purpose", i.purpose.clone()),
        v("starts_at", i.starts_at),
        v("ends_at", i.ends_at),
        v("location", i.location.clone()),
        v("notes", i.notes.clone()),
        v("status", i.status.as_str()),
        v("outcome", i.outcome.clone()),
        v("report_to", i.report_to),
        v("reported_at", i.reported_at),
        v("reported_by", i.reported_by),
        v("cancel_reason", i.cancel_reason.clone()),
        v("created_at", i.created_at),
        v("created_by", i.created_by),
        v("updated_at", i.updated_at),
        v("updated_by", i.updated_by),
        v("version", i.version),
    ]
}

pub(super) const TASK_COLUMNS: &str = "id, kind, title, description, due_date, remind_at, assignee_id, company_id, person_id, \
     interaction_id, status, completed_at, completed_by, created_at, created_by, updated_at, updated_by, version, deal_id";

pub(super) fn task_from_row(row: &Row) -> Result<Task, String> {
    Ok(Task {
        id: get!(row, 0),
        kind: stored(row, 1, TaskKind::parse)?,
        title: get!(row, 2),
        description: get!(row, 3),
        due_date: get!(row, 4),
        remind_at: get!(row, 5),
        assignee_id: get!(row, 6),
        company_id: get!(row, 7),
        person_id: get!(row, 8),
        interaction_id: get!(row, 9),
        status: stored(row, 10, TaskStatus::parse)?,
        completed_at: get!(row, 11),
        completed_by: get!(row, 12),
        created_at: get!(row, 13),
        created_by: get!(row, 14),
        updated_at: get!(row, 15),
        updated_by: get!(row, 16),
        version: get!(row, 17),
        deal_id: get!(row, 18),
    })
}

pub(super) fn task_values(t: &Task) -> Values {
    vec![
        v("id", t.id),
        v("kind", t.kind.as_str()),
        v("title", t.title.clone()),
        v("description", t.description.clone()),
        v("due_date", t.due_date),
        v("remind_at", t.remind_at),
        v("assignee_id", t.assignee_id),
        v("company_id", t.company_id),
        v("person_id", t.person_id),
        v("interaction_id", t.interaction_id),
        v("status", t.status.as_str()),
        v("completed_at", t.completed_at),
        v("completed_by", t.completed_by),
        v("created_at", t.created_at),
        v("created_by", t.created_by),
        v("updated_at", t.updated_at),
        v("updated_by", t.updated_by),
        v("version", t.version),
        v("deal_id", t.deal_id),
    ]
}

pub(super) const NOTIFICATION_COLUMNS: &str = "n.id, n.user_id, n.kind, n.task_id, t.title, n.interaction_id, n.due_at, n.created_at, n.delivered_at";

pub(super) fn notification_from_row(row: &Row) -> Result<Notification, String> {
    Ok(Notification {
        id: get!(row, 0),
        user_id: get!(row, 1),
        kind: stored(row, 2, NotificationKind::parse)?,
        task_id: get!(row, 3),
        task_title: get!(row, 4),
        interaction_id: get!(row, 5),
        due_at: get!(row, 6),
        created_at: get!(row, 7),
        delivered_at: get!(row, 8),
    })
}

pub(super) fn notification_values(n: &Notification) -> Values {
    vec![
        v("id", n.id),
        v("user_id", n.user_id),
        v("kind", n.kind.as_str()),
        v("task_id", n.task_id),
        v("interaction_id", n.interaction_id),
        v("due_at", n.due_at),
        v("created_at", n.created_at),
        v("delivered_at", n.delivered_at),
    ]
}

/// The audit columns every master and deal ends with.
macro_rules! audited {
    ($($c:literal),*) => { concat!($($c, ", ",)* "created_at, created_by, updated_at, updated_by, version") };
}

pub(super) const CAMPAIGN_COLUMNS: &str = audited!(
    "id",
    "name",
    "starts_on",
    "ends_on",
    "cost",
    "notes",
    "retired"
);

pub(super) fn campaign_from_row(row: &Row) -> Result<Campaign, String> {
    Ok(Campaign {
        id: get!(row, 0),
        name: get!(row, 1),
        starts_on: get!(row, 2),
        ends_on: get!(row, 3),
        cost: get!(row, 4),
        notes: get!(row, 5),
        retired: get!(row, 6),
        created_at: get!(row, 7),
        created_by: get!(row, 8),
        updated_at: get!(row, 9),
        updated_by: get!(row, 10),
        version: get!(row, 11),
    })
}

pub(super) const STAGE_COLUMNS: &str =
    audited!("id", "name", "position", "default_percentage", "retired");

pub(super) fn stage_from_row(row: &Row) -> Result<Stage, String> {
    Ok(Stage {
        id: get!(row, 0),
        name: get!(row, 1),
        position: get!(row, 2),
        default_percentage: get!(row, 3),
        retired: get!(row, 4),
        created_at: get!(row, 5),
        created_by: get!(row, 6),
        updated_at: get!(row, 7),
        updated_by: get!(row, 8),
        version: get!(row, 9),
    })
}

pub(super) const CONFIDENCE_COLUMNS: &str = audited!("id", "label", "percentage", "retired");

pub(super) fn confidence_from_row(row: &Row) -> Result<Confidence, String> {
    Ok(Confidence {
        id: get!(row, 0),
        label: get!(row, 1),
        percentage: get!(row, 2),
        retired: get!(row, 3),
        created_at: get!(row, 4),
        created_by: get!(row, 5),
        updated_at: get!(row, 6),
        updated_by: get!(row, 7),
        version: get!(row, 8),
    })
}

pub(super) const CATEGORY_COLUMNS: &str = audited!("id", "name", "retired");

pub(super) fn category_from_row(row: &Row) -> Result<ProductCategory, String> {
    Ok(ProductCategory {
        id: get!(row, 0),
        name: get!(row, 1),
        retired: get!(row, 2),
        created_at: get!(row, 3),
        created_by: get!(row, 4),
        updated_at: get!(row, 5),
        updated_by: get!(row, 6),
        version: get!(row, 7),
    })
}

pub(super) const PRODUCT_COLUMNS: &str =
    audited!("id", "category_id", "code", "name", "unit_price", "retired");

pub(super) fn product_from_row(row: &Row) -> Result<Product, String> {
    Ok(Product {
        id: get!(row, 0),
        category_id: get!(row, 1),
        code: get!(row, 2),
        name: get!(row, 3),
        unit_price: get!(row, 4),
        retired: get!(row, 5),
        created_at: get!(row, 6),
        created_by: get!(row, 7),
        updated_at: get!(row, 8),
        updated_by: get!(row, 9),
        version: get!(row, 10),
    })
}

/// A master's values, in its table's column order.
pub(super) fn master_values(m: &crate::model::Master) -> Values {
    use crate::model::Master;
    let mut out = match m {
        Master::Campaign(c) => vec![
            v("id", c.id),
            v("name", c.name.clone()),
            v("starts_on", c.starts_on),
            v("ends_on", c.ends_on),
            v("cost", money(c.cost)),
            v("notes", c.notes.clone()),
            v("retired", c.retired),
        ],
        Master::Stage(s) => vec![
            v("id", s.id),
            v("name", s.name.clone()),
            v("position", s.position),
            v("default_percentage", s.default_percentage),
            v("retired", s.retired),
        ],
        Master::Confidence(c) => vec![
            v("id", c.id),
            v("label", c.label.clone()),
            v("percentage", c.percentage),
            v("retired", c.retired),
        ],
        Master::ProductCategory(c) => vec![
            v("id", c.id),
            v("name", c.name.clone()),
            v("retired", c.retired),
        ],
        Master::Product(p) => vec![
            v("id", p.id),
            v("category_id", p.category_id),
            v("code", p.code.clone()),
            v("name", p.name.clone()),
            v("unit_price", money(p.unit_price)),
            v("retired", p.retired),
        ],
    };
    let (created_at, created_by, updated_at, updated_by, version) = match m {
        Master::Campaign(c) => (
            c.created_at,
            c.created_by,
            c.updated_at,
            c.updated_by,
            c.version,
        ),
        Master::Stage(c) => (
            c.created_at,
            c.created_by,
            c.updated_at,
            c.updated_by,
            c.version,
        ),
        Master::Confidence(c) => (
            c.created_at,
            c.created_by,
            c.updated_at,
            c.updated_by,
            c.version,
        ),
        Master::ProductCategory(c) => (
            c.created_at,
            c.created_by,
            c.updated_at,
            c.updated_by,
            c.version,
        ),
        Master::Product(c) => (
            c.created_at,
            c.created_by,
            c.updated_at,
            c.updated_by,
            c.version,
        ),
    };
    out.extend([
        v("created_at", created_at),
        v("created_by", created_by),
        v("updated_at", updated_at),
        v("updated_by", updated_by),
        v("version", version),
    ]);
    out
}

pub(super) const DEAL_COLUMNS: &str = concat!(
    "id, company_id, name, owner_id, amount, expected_close_on, stage_id, confidence_id, ",
    "campaign_id, notes, status, closed_on, lost_reason, sort_key, ",
    "created_at, created_by, updated_at, updated_by, version"
);

pub(super) fn deal_from_row(row: &Row) -> Result<Deal, String> {
    Ok(Deal {
        id: get!(row, 0),
        company_id: get!(row, 1),
        name: get!(row, 2),
        owner_id: get!(row, 3),
        amount: get!(row, 4),
        expected_close_on: get!(row, 5),
        stage_id: get!(row, 6),
        confidence_id: get!(row, 7),
        campaign_id: get!(row, 8),
        lines: Vec::new(),
        notes: get!(row, 9),
        status: stored(row, 10, DealStatus::parse)?,
        closed_on: get!(row, 11),
        lost_reason: get!(row, 12),
        created_at: get!(row, 14),
        created_by: get!(row, 15),
        updated_at: get!(row, 16),
        updated_by: get!(row, 17),
        version: get!(row, 18),
    })
}

pub(super) fn deal_values(d: &Deal) -> Values {
    vec![
        v("id", d.id),
        v("company_id", d.company_id),
        v("name", d.name.clone()),
        v("owner_id", d.owner_id),
        v("amount", d.amount.map(money)),
        v("expected_close_on", d.expected_close_on),
        v("stage_id", d.stage_id),
        v("confidence_id", d.confidence_id),
        v("campaign_id", d.campaign_id),
        v("notes", d.notes.clone()),
        v("status", d.status.as_str()),
        v("closed_on", d.closed_on),
        v("lost_reason", d.lost_reason.clone()),
        v("sort_key", d.sort_key()),
        v("created_at", d.created_at),
        v("created_by", d.created_by),
        v("updated_at", d.updated_at),
        v("updated_by", d.updated_by),
        v("version", d.version),
    ]
}

pub(super) const TEAM_COLUMNS: &str =
    "id, name, created_at, created_by, updated_at, updated_by, version";

pub(super) fn team_from_row(row: &Row) -> Result<Team, String> {
    Ok(Team {
        id: get!(row, 0),
        name: get!(row, 1),
        member_ids: Vec::new(),
        created_at: get!(row, 2),
        created_by: get!(row, 3),
        updated_at: get!(row, 4),
        updated_by: get!(row, 5),
        version: get!(row, 6),
    })
}

pub(super) fn team_values(t: &Team) -> Values {
    vec![
        v("id", t.id),
        v("name", t.name.clone()),
        v("created_at", t.created_at),
        v("created_by", t.created_by),
        v("updated_at", t.updated_at),
        v("updated_by", t.updated_by),
        v("version", t.version),
    ]
}

pub(super) const CARD_COLUMNS: &str = "id, media_type, size_bytes, transcriber_id, status, person_id, company_id, \
     discard_reason, created_at, created_by, updated_at, updated_by, version";

pub(super) fn card_from_row(row: &Row) -> Result<BusinessCard, String> {
    let size: i64 = get!(row, 2);
    Ok(BusinessCard {
        id: get!(row, 0),
        media_type: stored(row, 1, ImageType::parse)?,
        size_bytes: size.max(0),
        transcriber_id: get!(row, 3),
        status: stored(row, 4, CardStatus::parse)?,
        person_id: get!(row, 5),
        company_id: get!(row, 6),
        discard_reason: get!(row, 7),
        created_at: get!(row, 8),
        created_by: get!(row, 9),
        updated_at: get!(row, 10),
        updated_by: get!(row, 11),
        version: get!(row, 12),
    })
}

pub(super) fn card_values(c: &BusinessCard) -> Values {
    vec![
        v("id", c.id),
        v("media_type", c.media_type.as_str()),
        v("size_bytes", c.size_bytes),
        v("transcriber_id", c.transcriber_id),
        v("status", c.status.as_str()),
        v("person_id", c.person_id),
        v("company_id", c.company_id),
        v("discard_reason", c.discard_reason.clone()),
        v("created_at", c.created_at),
        v("created_by", c.created_by),
        v("updated_at", c.updated_at),
        v("updated_by", c.updated_by),
        v("version", c.version),
    ]
}

/// `INSERT INTO table (columns) VALUES ($1, ...)` for the values' columns.
pub(super) fn insert_sql(table: &str, values: &Values) -> String {
    let columns: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    )
}

/// `UPDATE table SET ... WHERE id = $1 AND version = $n`, and the values to bind: the
/// id, every column but the id and the creation columns, then the expected version.
pub(super) fn update_sql(table: &str, values: Values, expected: i64) -> (String, Vec<Value>) {
    let mut id: Option<Value> = None;
    let mut changed: Vec<Value> = Vec::with_capacity(values.len());
    let mut sets = Vec::with_capacity(values.len());
    for (column, value) in values {
        if column == "id" {
            id = Some(value);
        } else if !matches!(column, "created_at" | "created_by") {
            changed.push(value);
            // $1 is the id.
            sets.push(format!("{column} = ${}", changed.len() + 1));
        }
    }
    let mut binds: Vec<Value> = Vec::with_capacity(changed.len() + 2);
    binds.push(id.unwrap_or_else(|| Box::new(Option::<Uuid>::None)));
    binds.extend(changed);
    binds.push(Box::new(expected));
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = $1 AND version = ${}",
        sets.join(", "),
        binds.len()
    );
    (sql, binds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_follow_the_values() {
        let values: Values = vec![
            v("id", 1i64),
            v("a", 2i64),
            v("created_at", 3i64),
            v("created_by", 4i64),
            v("version", 5i64),
        ];
        assert_eq!(
            insert_sql("t", &values),
            "INSERT INTO t (id, a, created_at, created_by, version) VALUES ($1, $2, $3, $4, $5)"
        );
        let (sql, binds) = update_sql("t", values, 9);
        assert_eq!(
            sql,
            "UPDATE t SET a = $2, version = $3 WHERE id = $1 AND version = $4"
        );
        assert_eq!(binds.len(), 4);
    }
}
