//! Users: the members of the selling organisation who act in the library.

use serde::{Deserialize, Serialize};

use super::{Timestamp, UserId, limits};
use crate::error::{Checker, Entity, Reason, ValidationError};
use crate::normalize::{normalize_email, required_line};

/// What a user may administer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Maintains users, master data and teams.
    Admin,
    /// A salesperson.
    #[default]
    Member,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Result<Role, Reason> {
        match s.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            _ => Err(Reason::NotAllowed),
        }
    }
}

/// The editable fields of a user.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserInput {
    /// Display name (required).
    pub name: String,
    /// E-mail address (required, unique among users; stored lower-cased).
    pub email: String,
    /// Admin or member.
    pub role: Role,
    /// Inactive users cannot act; their records stay.
    pub active: bool,
}

impl UserInput {
    /// An active member.
    pub fn member(name: impl Into<String>, email: impl Into<String>) -> Self {
        UserInput {
            name: name.into(),
            email: email.into(),
            role: Role::Member,
            active: true,
        }
    }

    /// An active admin.
    pub fn admin(name: impl Into<String>, email: impl Into<String>) -> Self {
        UserInput {
            role: Role::Admin,
            ..UserInput::member(name, email)
        }
    }

    /// Checks every field and returns the normalised input.
    pub fn validate(&self) -> Result<UserInput, ValidationError> {
        let mut c = Checker::new(Entity::User);
        let name = c.check("name", required_line(&self.name, limits::NAME));
        // User e-mails identify logins, so they compare case-insensitively.
        let email = c.check(
            "email",
            normalize_email(&self.email).map(|e| e.to_lowercase()),
        );
        c.finish(UserInput {
            name,
            email,
            role: self.role,
            active: self.active,
        })
    }
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// E-mail address, normalised.
    pub email: String,
    /// Admin or member.
    pub role: Role,
    /// Whether the user may act.
    pub active: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who created it (the first admin created itself).
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with an update.
    pub version: i64,
}

impl User {
    /// True for an active admin.
    pub fn is_admin(&self) -> bool {
        self.active && self.role == Role::Admin
    }
}
