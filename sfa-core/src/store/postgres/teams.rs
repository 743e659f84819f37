//! [`TeamReadTx`] and [`TeamWriteTx`] on an open PostgreSQL transaction: teams with
//! their members, business cards with their images.

use super::tx::{Param, PgTx};
use super::values::*;
use crate::error::{Entity, Result};
use crate::model::{BusinessCard, CardId, Team, TeamId, UserId};
use crate::store::{TeamReadTx, TeamWriteTx};

impl PgTx<'_, '_> {
    fn with_members(&mut self, mut teams: Vec<Team>) -> Result<Vec<Team>> {
        for t in &mut teams {
            t.member_ids = self
                .query(
                    "SELECT user_id FROM team_members WHERE team_id = $1 ORDER BY position",
                    &[&t.id],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
        }
        Ok(teams)
    }

    fn write_members(&mut self, t: &Team) -> Result<()> {
        self.execute("DELETE FROM team_members WHERE team_id = $1", &[&t.id])?;
        for (n, user) in t.member_ids.iter().enumerate() {
            self.execute(
                "INSERT INTO team_members (team_id, user_id, position) VALUES ($1, $2, $3)",
                &[&t.id, user, &(n as i32)],
            )?;
        }
        Ok(())
    }
}

impl TeamReadTx for PgTx<'_, '_> {
    fn get_team(&mut self, id: TeamId) -> Result<Option<Team>> {
        let team = self.record(
            &format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1"),
            &[&id],
            team_from_row,
        )?;
        Ok(self.with_members(team.into_iter().collect())?.pop())
    }

    fn list_teams(&mut self) -> Result<Vec<Team>> {
        let teams = self.records(
            &format!("SELECT {TEAM_COLUMNS} FROM teams ORDER BY name, id"),
            &[],
            team_from_row,
        )?;
        self.with_members(teams)
    }

    fn team_id_by_name(&mut self, name: &str) -> Result<Option<TeamId>> {
        Ok(self
            .query_opt("SELECT id FROM teams WHERE name = $1", &[&name])?
            .map(|r| r.get(0)))
    }

    fn team_memberships(&mut self) -> Result<Vec<(UserId, TeamId)>> {
        Ok(self
            .query(
                "SELECT user_id, team_id FROM team_members ORDER BY user_id, position",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn get_card(&mut self, id: CardId) -> Result<Option<BusinessCard>> {
        self.record(
            &format!("SELECT {CARD_COLUMNS} FROM business_cards WHERE id = $1"),
            &[&id],
            card_from_row,
        )
    }

    fn card_image(&mut self, id: CardId) -> Result<Option<Vec<u8>>> {
        Ok(self
            .query_opt("SELECT bytes FROM card_images WHERE card_id = $1", &[&id])?
            .map(|r| r.get(0)))
    }

    fn card_queue(
        &mut self,
        transcriber: UserId,
        after: Option<&(String, String)>,
        limit: u32,
    ) -> Result<Vec<BusinessCard>> {
        let mut sql = format!(
            "SELECT {CARD_COLUMNS} FROM business_cards WHERE transcriber_id = $1 AND status = 'pending'"
        );
        let mut params: Vec<Param<'_>> = vec![&transcriber];
        if let Some((created, id)) = after {
            params.push(created);
            params.push(id);
            sql.push_str(" AND (created_at, id) > (($2::text)::timestamptz, ($3::text)::uuid)");
        }
        let limit = i64::from(limit);
        params.push(&limit);
        sql.push_str(&format!(" ORDER BY created_at, id LIMIT ${}", params.len()));
        self.records(&sql, &params, card_from_row)
    }
}

impl TeamWriteTx for PgTx<'_, '_> {
    fn insert_team(&mut self, team: &Team) -> Result<()> {
        self.insert("teams", team_values(team))?;
        self.write_members(team)
    }

    fn update_team(&mut self, team: &Team, expected_version: i64) -> Result<()> {
        self.update(
            "teams",
            Entity::Team,
            team.id.to_string(),
            team_values(team),
            expected_version,
        )?;
        self.write_members(team)
    }

    fn insert_card(&mut self, card: &BusinessCard, image: &[u8]) -> Result<()> {
        self.insert("business_cards", card_values(card))?;
        self.execute(
            "INSERT INTO card_images (card_id, bytes) VALUES ($1, $2)",
            &[&card.id, &image],
        )?;
        Ok(())
    }

    fn update_card(&mut self, card: &BusinessCard, expected_version: i64) -> Result<()> {
        self.update(
            "business_cards",
            Entity::BusinessCard,
            card.id.to_string(),
            card_values(card),
            expected_version,
        )
    }
}
