//! [`TeamReadTx`] and [`TeamWriteTx`] on an open SQLite transaction: teams with their
//! members, business cards with their images.

use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, params};

use super::activity_rows::ts;
use super::rows::{Exec, Ts};
use super::sales_rows::{insert_sql, update_sql};
use super::tx::SqliteTx;
use crate::error::{Entity, Result};
use crate::model::{BusinessCard, CardId, CardStatus, ImageType, Team, TeamId, UserId};
use crate::store::{TeamReadTx, TeamWriteTx};

const TEAM_COLUMNS: &str = "id, name, created_at, created_by, updated_at, updated_by, version";

fn team_from_row(row: &Row<'_>) -> rusqlite::Result<Team> {
    Ok(Team {
        id: row.get(0)?,
        name: row.get(1)?,
        member_ids: Vec::new(),
        created_at: row.get::<_, Ts>(2)?.0,
        created_by: row.get(3)?,
        updated_at: row.get::<_, Ts>(4)?.0,
        updated_by: row.get(5)?,
        version: row.get(6)?,
    })
}

fn team_params(t: &Team, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        t.id,
        t.name,
        ts(&t.created_at),
        t.created_by,
        ts(&t.updated_at),
        t.updated_by,
        t.version,
        expected,
    ])
}

pub(super) const CARD_COLUMNS: &str = "id, media_type, size_bytes, transcriber_id, status, person_id, company_id, \
     discard_reason, created_at, created_by, updated_at, updated_by, version";

fn stored<T>(
    row: &Row<'_>,
    i: usize,
    parse: fn(&str) -> Result<T, crate::Reason>,
) -> rusqlite::Result<T> {
    let text: String = row.get(i)?;
    parse(&text).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            "unknown stored value".into(),
        )
    })
}

fn card_from_row(row: &Row<'_>) -> rusqlite::Result<BusinessCard> {
    let size: i64 = row.get(2)?;
    Ok(BusinessCard {
        id: row.get(0)?,
        media_type: stored(row, 1, ImageType::parse)?,
        size_bytes: size.max(0),
        transcriber_id: row.get(3)?,
        status: stored(row, 4, CardStatus::parse)?,
        person_id: row.get(5)?,
        company_id: row.get(6)?,
        discard_reason: row.get(7)?,
        created_at: row.get::<_, Ts>(8)?.0,
        created_by: row.get(9)?,
        updated_at: row.get::<_, Ts>(10)?.0,
        updated_by: row.get(11)?,
        version: row.get(12)?,
    })
}

pub(super) fn card_params(c: &BusinessCard, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        c.id,
        c.media_type.as_str(),
        c.size_bytes,
        c.transcriber_id,
        c.status.as_str(),
        c.person_id,
        c.company_id,
        c.discard_reason,
        ts(&c.created_at),
        c.created_by,
        ts(&c.updated_at),
        c.updated_by,
        c.version,
        expected,
    ])
}

impl SqliteTx<'_> {
    fn with_members(&self, mut teams: Vec<Team>) -> Result<Vec<Team>> {
        let mut members = self.conn().prepare_cached(
            "SELECT user_id FROM team_members WHERE team_id = ? ORDER BY position",
        )?;
        for t in &mut teams {
            t.member_ids = members
                .query_map([&t.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(teams)
    }

    fn write_members(&self, t: &Team) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM team_members WHERE team_id = ?")?
            .execute([&t.id])?;
        let mut add = self.conn().prepare_cached(
            "INSERT INTO team_members (team_id, user_id, position) VALUES (?, ?, ?)",
        )?;
        for (n, user) in t.member_ids.iter().enumerate() {
            add.execute(params![t.id, user, n as i64])?;
        }
        Ok(())
    }
}

impl TeamReadTx for SqliteTx<'_> {
    fn get_team(&mut self, id: TeamId) -> Result<Option<Team>> {
        let team = self
            .conn()
            .prepare_cached(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = ?"))?
            .query_row([&id], team_from_row)
            .optional()?;
        Ok(self.with_members(team.into_iter().collect())?.pop())
    }

    fn list_teams(&mut self) -> Result<Vec<Team>> {
        let teams = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {TEAM_COLUMNS} FROM teams ORDER BY name, id"
            ))?
            .query_map([], team_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_members(teams)
    }

    fn team_id_by_name(&mut self, name: &str) -> Result<Option<TeamId>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT id FROM teams WHERE name = ?")?
            .query_row([name], |r| r.get(0))
            .optional()?)
    }

    fn team_memberships(&mut self) -> Result<Vec<(UserId, TeamId)>> {
        let rows = self
            .conn()
            .prepare_cached("SELECT user_id, team_id FROM team_members ORDER BY user_id, position")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn get_card(&mut self, id: CardId) -> Result<Option<BusinessCard>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {CARD_COLUMNS} FROM business_cards WHERE id = ?"
            ))?
            .query_row([&id], card_from_row)
            .optional()?)
    }

    fn card_image(&mut self, id: CardId) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT bytes FROM card_images WHERE card_id = ?")?
            .query_row([&id], |r| r.get(0))
            .optional()?)
    }

    fn card_queue(
        &mut self,
        transcriber: UserId,
        after: Option<&(String, String)>,
        limit: u32,
    ) -> Result<Vec<BusinessCard>> {
        let mut sql = format!(
            "SELECT {CARD_COLUMNS} FROM business_cards WHERE transcriber_id = ? AND status = 'pending'"
        );
        let mut args: Vec<&dyn ToSql> = vec![&transcriber];
        if let Some((created, id)) = after {
            sql.push_str(" AND (created_at, id) > (?, ?)");
            args.push(created);
            args.push(id);
        }
        sql.push_str(" ORDER BY created_at, id LIMIT ?");
        let limit = i64::from(limit);
        args.push(&limit);
        let cards = self
            .conn()
            .prepare_cached(&sql)?
            .query_map(args.as_slice(), card_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(cards)
    }
}

impl TeamWriteTx for SqliteTx<'_> {
    fn insert_team(&mut self, team: &Team) -> Result<()> {
        self.insert(&insert_sql("teams", TEAM_COLUMNS), |run| {
            team_params(team, 0, run)
        })?;
        self.write_members(team)
    }

    fn update_team(&mut self, team: &Team, expected_version: i64) -> Result<()> {
        self.update(
            &update_sql("teams", TEAM_COLUMNS),
            Entity::Team,
            "teams",
            team.id.to_string(),
            expected_version,
            |run| team_params(team, expected_version, run),
        )?;
        self.write_members(team)
    }

    fn insert_card(&mut self, card: &BusinessCard, image: &[u8]) -> Result<()> {
        self.insert(&insert_sql("business_cards", CARD_COLUMNS), |run| {
            card_params(card, 0, run)
        })?;
        self.conn()
            .prepare_cached("INSERT INTO card_images (card_id, bytes) VALUES (?, ?)")?
            .execute(params![card.id, image])?;
        Ok(())
    }

    fn update_card(&mut self, card: &BusinessCard, expected_version: i64) -> Result<()> {
        self.update(
            &update_sql("business_cards", CARD_COLUMNS),
            Entity::BusinessCard,
            "business_cards",
            card.id.to_string(),
            expected_version,
            |run| card_params(card, expected_version, run),
        )
    }
}
