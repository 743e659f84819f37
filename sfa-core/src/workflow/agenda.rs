//! The agenda (予定 / 今日) and its iCalendar export.

use std::collections::HashMap;

use super::Session;
use super::refs::interaction;
use crate::error::{Entity, Reason, Result, ValidationError};
use crate::ical::{EventDetails, calendar};
use crate::model::{Agenda, AgendaRequest, AgendaTask, Interaction, InteractionId};
use crate::store::ReadTx;

/// The most interactions one iCalendar export of chosen interactions may hold.
pub const MAX_ICAL_INTERACTIONS: usize = 1000;

impl Session {
    /// A user's agenda (the acting user's by default): the planned interactions they
    /// take part in that overlap the local days, and their open tasks due by the last
    /// day or undated, with overdue ones (due before today at the offset) flagged.
    pub fn agenda(&self, request: &AgendaRequest) -> Result<Agenda> {
        let now = self.now();
        self.read(|tx, me| {
            let span = request.resolve(me.id, now)?;
            if tx.get_user(span.user)?.is_none() {
                return Err(ValidationError::single(
                    Entity::AgendaRequest,
                    "user_id",
                    Reason::UnknownReference,
                )
                .into());
            }
            let interactions = tx.planned_interactions(span.user, span.start, span.end)?;
            let tasks = tx
                .open_tasks(span.user, span.last_day)?
                .into_iter()
                .map(|task| AgendaTask {
                    overdue: task.due_date.is_some_and(|d| d < span.today),
                    task,
                })
                .collect();
            Ok(Agenda {
                user_id: span.user,
                first_day: span.first_day,
                last_day: span.last_day,
                utc_offset_minutes: span.utc_offset_minutes,
                interactions,
                tasks,
            })
        })
    }

    /// The agenda as an iCalendar file (RFC 5545): its interactions as events and its
    /// tasks as to-dos. Re-exporting updates the entries in a calendar rather than
    /// duplicating them (stable UIDs).
    pub fn export_agenda_ical(&self, request: &AgendaRequest) -> Result<String> {
        let agenda = self.agenda(request)?;
        let tasks: Vec<_> = agenda.tasks.into_iter().map(|t| t.task).collect();
        let now = self.now();
        let events = self.read(|tx, _| with_details(tx, agenda.interactions))?;
        Ok(calendar(&events, &tasks, now))
    }

    /// Chosen interactions (any status; cancelled ones as cancelled events) as an
    /// iCalendar file (RFC 5545), in the order given.
    pub fn export_interactions_ical(&self, ids: &[InteractionId]) -> Result<String> {
        if ids.len() > MAX_ICAL_INTERACTIONS {
            return Err(
                ValidationError::single(Entity::Interaction, "ids", Reason::OutOfRange).into(),
            );
        }
        let now = self.now();
        let events = self.read(|tx, _| {
            let items = ids
                .iter()
                .map(|id| interaction(tx, *id))
                .collect::<Result<Vec<_>>>()?;
            with_details(tx, items)
        })?;
        Ok(calendar(&events, &[], now))
    }
}

/// Looks up the names an exported event shows.
fn with_details(
    tx: &mut dyn ReadTx,
    items: Vec<Interaction>,
) -> Result<Vec<(Interaction, EventDetails)>> {
    let mut companies = HashMap::new();
    let mut users = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let company = match companies.get(&i.company_id) {
            Some(name) => String::clone(name),
            None => {
                let name = tx
                    .get_company(i.company_id)?
                    .map(|c| c.name)
                    .unwrap_or_default();
                companies.insert(i.company_id, name.clone());
                name
            }
        };
        let mut participants = Vec::with_capacity(i.participant_ids.len());
        for id in &i.participant_ids {
            if !users.contains_key(id) {
                let name = tx.get_user(*id)?.map(|u| u.name).unwrap_or_default();
                users.insert(*id, name);
            }
            participants.push(users[id].clone());
        }
        let mut persons = Vec::with_capacity(i.person_ids.len());
        for id in &i.person_ids {
            if let Some(p) = tx.get_person(*id)? {
                persons.push(p.name);
            }
        }
        out.push((
            i,
            EventDetails {
                company,
                participants,
                persons,
            },
        ));
    }
    Ok(out)
}
