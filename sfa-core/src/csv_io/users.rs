//! The users' CSV codec: name, e-mail, role and whether the user is active, with the
//! id kept so that the records that name a user (owners, authors) restore whole.

use super::columns::ColumnMap;
use super::rows::{CsvRow, Decoded};
use crate::model::{Role, User, UserId, UserInput, format_timestamp};

/// One user as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub(crate) id: Option<UserId>,
    pub(crate) input: UserInput,
}

pub(crate) fn user_row(map: &ColumnMap, row: &CsvRow) -> Decoded<UserRow> {
    let mut f = row.fields(map);
    let id = f.id("id");
    let role = f.parsed("role", parse_role).unwrap_or_default();
    // Active unless the file says otherwise.
    let active = f.opt("active").is_none() || f.flag("active");
    let input = UserInput {
        name: f.text("name"),
        email: f.text("email"),
        role,
        active,
    };
    Decoded {
        line: row.line,
        value: UserRow { id, input },
        errors: f.errors,
    }
}

fn parse_role(text: &str) -> Result<Role, crate::Reason> {
    match text.trim() {
        "管理者" => Ok(Role::Admin),
        "メンバー" | "一般" => Ok(Role::Member),
        other => Role::parse(other),
    }
}

pub(crate) const USER_HEADER: &[&str] = &[
    "id",
    "name",
    "email",
    "role",
    "active",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

pub(crate) fn user_fields(u: &User) -> Vec<String> {
    vec![
        u.id.to_string(),
        u.name.clone(),
        u.email.clone(),
        u.role.as_str().to_string(),
        u.active.to_string(),
        format_timestamp(&u.created_at),
        u.created_by.to_string(),
        format_timestamp(&u.updated_at),
        u.updated_by.to_string(),
        u.version.to_string(),
    ]
}
