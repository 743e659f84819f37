//! Managing users: admins add and change users; anyone may rename themselves.

use super::Session;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{Timestamp, User, UserId, UserInput};
use crate::store::{ReadTx, WriteTx};
use crate::sync::Mutation;

/// Admins add users (and import them).
pub(crate) fn require_user_admin(me: &User) -> Result<()> {
    if me.is_admin() {
        Ok(())
    } else {
        Err(Error::permission_denied("only admins add users"))
    }
}

/// Stores a new user from validated input; the e-mail must be free.
pub(crate) fn insert_user(
    tx: &mut dyn WriteTx,
    id: UserId,
    input: UserInput,
    me: &User,
    now: Timestamp,
) -> Result<User> {
    email_free(tx, &input.email, None)?;
    let user = User {
        id,
        name: input.name,
        email: input.email,
        role: input.role,
        active: input.active,
        created_at: now,
        created_by: me.id,
        updated_at: now,
        updated_by: me.id,
        version: 1,
    };
    tx.insert_user(&user)?;
    Ok(user)
}

impl Session {
    /// Adds a user. Admins only.
    pub fn add_user(&self, input: &UserInput) -> Result<User> {
        let _call = self.call(|| Mutation::AddUser {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            require_user_admin(me)?;
            insert_user(tx, UserId::new(), input, me, now)
        })
    }

    /// Changes a user, if it is still at `version`. Admins may change anything; a member
    /// may change their own name and e-mail but not their role or active flag. An admin
    /// cannot remove the last active admin.
    pub fn update_user(&self, id: UserId, version: i64, input: &UserInput) -> Result<User> {
        let _call = self.call(|| Mutation::UpdateUser {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            let current = tx
                .get_user(id)?
                .ok_or_else(|| Error::not_found(Entity::User, id))?;
            let privileged_change = input.role != current.role || input.active != current.active;
            if !me.is_admin() && (me.id != id || privileged_change) {
                return Err(Error::permission_denied(
                    "only admins change other users, roles and activation",
                ));
            }
            if current.is_admin() && !(input.active && input.role == crate::Role::Admin) {
                let other_admins = tx
                    .list_users()?
                    .iter()
                    .filter(|u| u.id != id && u.is_admin())
                    .count();
                if other_admins == 0 {
                    return Err(Error::permission_denied(
                        "the last active admin cannot be demoted or deactivated",
                    ));
                }
            }
            email_free(tx, &input.email, Some(id))?;
            let user = User {
                name: input.name,
                email: input.email,
                role: input.role,
                active: input.active,
                updated_at: now,
                updated_by: me.id,
                version: crate::model::next_version(version),
                ..current
            };
            tx.update_user(&user, version)?;
            Ok(user)
        })
    }

    /// A user by id.
    pub fn get_user(&self, id: UserId) -> Result<User> {
        self.read(|tx, _| {
            tx.get_user(id)?
                .ok_or_else(|| Error::not_found(Entity::User, id))
        })
    }

    /// Every user (active and inactive), by name.
    pub fn list_users(&self) -> Result<Vec<User>> {
        self.read(|tx, _| tx.list_users())
    }
}

fn email_free(tx: &mut dyn ReadTx, email: &str, except: Option<UserId>) -> Result<()> {
    match tx.find_user_by_email(email)? {
        Some(other) if Some(other.id) != except => {
            Err(ValidationError::single(Entity::User, "email", Reason::AlreadyUsed).into())
        }
        _ => Ok(()),
    }
}
