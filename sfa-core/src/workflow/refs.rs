//! Loading records by id and checking the references a new or changed record makes.
//! A missing record asked for directly is `NotFound`; a bad reference inside a record
//! is a validation error naming the referring field.

use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    Company, CompanyId, Deal, DealId, Interaction, InteractionId, Person, PersonId, Task, TaskId,
    UserId,
};
use crate::store::ReadTx;

pub(crate) fn company(tx: &mut dyn ReadTx, id: CompanyId) -> Result<Company> {
    tx.get_company(id)?
        .ok_or_else(|| Error::not_found(Entity::Company, id))
}

pub(crate) fn person(tx: &mut dyn ReadTx, id: PersonId) -> Result<Person> {
    tx.get_person(id)?
        .ok_or_else(|| Error::not_found(Entity::Person, id))
}

pub(crate) fn interaction(tx: &mut dyn ReadTx, id: InteractionId) -> Result<Interaction> {
    tx.get_interaction(id)?
        .ok_or_else(|| Error::not_found(Entity::Interaction, id))
}

pub(crate) fn deal(tx: &mut dyn ReadTx, id: DealId) -> Result<Deal> {
    tx.get_deal(id)?
        .ok_or_else(|| Error::not_found(Entity::Deal, id))
}

pub(crate) fn task(tx: &mut dyn ReadTx, id: TaskId) -> Result<Task> {
    tx.get_task(id)?
        .ok_or_else(|| Error::not_found(Entity::Task, id))
}

fn refuse(entity: Entity, field: &'static str, reason: Reason) -> Error {
    ValidationError::single(entity, field, reason).into()
}

/// The company must exist and be active; refused on the `company_id` field of `entity`.
pub(crate) fn check_company_ref(tx: &mut dyn ReadTx, entity: Entity, id: CompanyId) -> Result<()> {
    match tx.get_company(id)? {
        None => Err(refuse(entity, "company_id", Reason::UnknownReference)),
        Some(c) if c.archived => Err(refuse(entity, "company_id", Reason::Inactive)),
        Some(_) => Ok(()),
    }
}

/// The user must exist and be active.
pub(crate) fn check_active_user(
    tx: &mut dyn ReadTx,
    entity: Entity,
    field: &'static str,
    id: UserId,
) -> Result<()> {
    match tx.get_user(id)? {
        None => Err(refuse(entity, field, Reason::UnknownReference)),
        Some(u) if !u.active => Err(refuse(entity, field, Reason::Inactive)),
        Some(_) => Ok(()),
    }
}

/// Every person must exist and not be archived.
pub(crate) fn check_person_refs(
    tx: &mut dyn ReadTx,
    entity: Entity,
    field: &'static str,
    ids: &[PersonId],
) -> Result<()> {
    for id in ids {
        match tx.get_person(*id)? {
            None => return Err(refuse(entity, field, Reason::UnknownReference)),
            Some(p) if p.archived => return Err(refuse(entity, field, Reason::Inactive)),
            Some(_) => {}
        }
    }
    Ok(())
}

/// The interaction must exist.
pub(crate) fn check_interaction_ref(
    tx: &mut dyn ReadTx,
    entity: Entity,
    id: InteractionId,
) -> Result<()> {
    match tx.get_interaction(id)? {
        None => Err(refuse(entity, "interaction_id", Reason::UnknownReference)),
        Some(_) => Ok(()),
    }
}

/// The deal must exist.
pub(crate) fn check_deal_ref(tx: &mut dyn ReadTx, entity: Entity, id: DealId) -> Result<()> {
    match tx.get_deal(id)? {
        None => Err(refuse(entity, "deal_id", Reason::UnknownReference)),
        Some(_) => Ok(()),
    }
}
