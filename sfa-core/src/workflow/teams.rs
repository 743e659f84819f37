//! Teams (チーム) and the team board (メンバーの活動状況).

use std::collections::HashMap;

use chrono::{Duration, FixedOffset};
use rust_decimal::Decimal;

use super::Session;
use super::refs::check_active_user;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::forecast::{DatasetBuilder, decimal, units};
use crate::model::{
    BOARD_DAYS, BOARD_LIST_LIMIT, BoardRequest, DEFAULT_UTC_OFFSET_MINUTES, InteractionStatus,
    Master, MasterKind, MemberBoard, Team, TeamBoard, TeamId, TeamInput, User,
};
use crate::store::{ReadTx, WriteTx};
use crate::sync::Mutation;

impl Session {
    /// Creates a team. Admins only; members must be active users.
    pub fn add_team(&self, input: &TeamInput) -> Result<Team> {
        let _call = self.call(|| Mutation::AddTeam {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            require_admin(me)?;
            check_team(tx, &input, None)?;
            let team = Team {
                id: TeamId::new(),
                name: input.name,
                member_ids: input.member_ids,
                created_at: now,
                created_by: me.id,
                updated_at: now,
                updated_by: me.id,
                version: 1,
            };
            tx.insert_team(&team)?;
            Ok(team)
        })
    }

    /// Renames a team or changes its members, if it is still at `version`. Admins only.
    pub fn update_team(&self, id: TeamId, version: i64, input: &TeamInput) -> Result<Team> {
        let _call = self.call(|| Mutation::UpdateTeam {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            require_admin(me)?;
            let mut team = team(tx, id)?;
            check_team(tx, &input, Some(&team))?;
            team.name = input.name;
            team.member_ids = input.member_ids;
            team.updated_at = now;
            team.updated_by = me.id;
            team.version = crate::model::next_version(version);
            tx.update_team(&team, version)?;
            Ok(team)
        })
    }

    /// A team by id.
    pub fn get_team(&self, id: TeamId) -> Result<Team> {
        self.read(|tx, _| team(tx, id))
    }

    /// Every team, by name.
    pub fn list_teams(&self) -> Result<Vec<Team>> {
        self.read(|tx, _| tx.list_teams())
    }

    /// The teams the acting user is in, by name.
    pub fn my_teams(&self) -> Result<Vec<Team>> {
        self.read(|tx, me| {
            Ok(tx
                .list_teams()?
                .into_iter()
                .filter(|t| t.member_ids.contains(&me.id))
                .collect())
        })
    }

    /// One of the acting user's teams at a glance: per member, open deals (count,
    /// pipeline, weighted), interactions in the window around now (upcoming planned
    /// ones and recent ones), and open and overdue tasks. Members only; anyone else
    /// gets `PermissionDenied`.
    pub fn team_board(&self, request: &BoardRequest) -> Result<TeamBoard> {
        let days = request.days.unwrap_or(BOARD_DAYS);
        let refuse =
            |field, reason| Error::from(ValidationError::single(Entity::Team, field, reason));
        if !(1..=31).contains(&days) {
            return Err(refuse("days", Reason::OutOfRange));
        }
        let minutes = request
            .utc_offset_minutes
            .unwrap_or(DEFAULT_UTC_OFFSET_MINUTES);
        let offset = (minutes.abs() <= 14 * 60)
            .then(|| FixedOffset::east_opt(minutes * 60))
            .flatten()
            .ok_or_else(|| refuse("utc_offset_minutes", Reason::OutOfRange))?;
        let now = self.now();
        let today = now.with_timezone(&offset).date_naive();
        let window = Duration::days(i64::from(days));
        self.read(|tx, me| {
            let team = team(tx, request.team_id)?;
            if !team.member_ids.contains(&me.id) {
                return Err(Error::permission_denied(
                    "only the team's members see its board",
                ));
            }
            let members = &team.member_ids;
            let mut boards: Vec<MemberBoard> = Vec::with_capacity(members.len());
            let mut at: HashMap<crate::UserId, usize> = HashMap::new();
            for (i, id) in members.iter().enumerate() {
                let name = tx.get_user(*id)?.map(|u| u.name).unwrap_or_default();
                let (open, overdue) = tx.task_counts(*id, today)?;
                boards.push(MemberBoard {
                    user_id: *id,
                    name,
                    open_deal_count: 0,
                    pipeline: Decimal::ZERO,
                    weighted: Decimal::ZERO,
                    upcoming: Vec::new(),
                    recent: Vec::new(),
                    open_task_count: open as i64,
                    overdue_task_count: overdue as i64,
                    overdue_tasks: tx.overdue_tasks(*id, today, BOARD_LIST_LIMIT as u32)?,
                });
                at.insert(*id, i);
            }
            deal_figures(tx, members, &mut boards, &at)?;
            for i in tx.interactions_starting(members, now - window, now + window)? {
                let ahead = i.starts_at >= now;
                if ahead && i.status != InteractionStatus::Planned {
                    continue;
                }
                for user in &i.participant_ids {
                    let Some(&k) = at.get(user) else { continue };
                    let list = if ahead {
                        &mut boards[k].upcoming
                    } else {
                        &mut boards[k].recent
                    };
                    list.push(i.clone());
                }
            }
            for b in &mut boards {
                b.upcoming.truncate(BOARD_LIST_LIMIT);
                b.recent.reverse();
                b.recent.truncate(BOARD_LIST_LIMIT);
            }
            Ok(TeamBoard {
                team,
                as_of: now,
                days,
                members: boards,
            })
        })
    }
}

/// Sums the members' open deals, exactly, with the forecast's probability rule: in
/// 128-bit integers of 1/10,000 units (weighted: 1/1,000,000), which no stored data
/// can overflow. A deal whose stored row breaks a rule is left out (see
/// [`crate::Sfa::check_stored_records`]); it never stops the board.
fn deal_figures(
    tx: &mut dyn ReadTx,
    members: &[crate::UserId],
    boards: &mut [MemberBoard],
    at: &HashMap<crate::UserId, usize>,
) -> Result<()> {
    let mut stage_pct = HashMap::new();
    for m in tx.list_masters(MasterKind::Stage)? {
        if let Master::Stage(s) = m {
            stage_pct.insert(s.id, s.default_percentage);
        }
    }
    let mut level_pct = HashMap::new();
    for m in tx.list_masters(MasterKind::Confidence)? {
        if let Master::Confidence(c) = m {
            level_pct.insert(c.id, c.percentage);
        }
    }
    // (pipeline units, weighted units x 100) per member board.
    let mut sums = vec![(0i128, 0i128); boards.len()];
    tx.scan_open_deals(members, &mut |scanned| {
        let Ok(d) = scanned else { return Ok(()) };
        let Some(&k) = at.get(&d.owner_id) else {
            return Ok(());
        };
        boards[k].open_deal_count += 1;
        let Some(amount) = d.amount.and_then(units) else {
            return Ok(());
        };
        sums[k].0 = sums[k].0.saturating_add(amount);
        let probability = match d.confidence_id {
            Some(c) => level_pct.get(&c).copied(),
            None => d
                .stage_id
                .and_then(|s| stage_pct.get(&s).copied().flatten()),
        };
        if let Some(p) = probability {
            sums[k].1 = sums[k]
                .1
                .saturating_add(amount.saturating_mul(i128::from(p)));
        }
        Ok(())
    })?;
    for (b, (pipeline, weighted)) in boards.iter_mut().zip(sums) {
        b.pipeline = decimal(pipeline, 4)?;
        b.weighted = decimal(weighted, 6)?;
    }
    Ok(())
}

fn require_admin(me: &User) -> Result<()> {
    if me.is_admin() {
        Ok(())
    } else {
        Err(Error::permission_denied(
            "only admins create and change teams",
        ))
    }
}

fn team(tx: &mut dyn ReadTx, id: TeamId) -> Result<Team> {
    tx.get_team(id)?
        .ok_or_else(|| Error::not_found(Entity::Team, id))
}

/// A unique name; new members must be active users.
fn check_team(tx: &mut dyn WriteTx, input: &TeamInput, current: Option<&Team>) -> Result<()> {
    if let Some(other) = tx.team_id_by_name(&input.name)?
        && current.is_none_or(|c| c.id != other)
    {
        return Err(ValidationError::single(Entity::Team, "name", Reason::AlreadyUsed).into());
    }
    for user in &input.member_ids {
        if current.is_none_or(|c| !c.member_ids.contains(user)) {
            check_active_user(tx, Entity::Team, "member_ids", *user)?;
        }
    }
    Ok(())
}

/// Adds the team memberships to a forecast dataset under construction.
pub(crate) fn add_teams(tx: &mut dyn ReadTx, b: &mut DatasetBuilder) -> Result<()> {
    for (user, team) in tx.team_memberships()? {
        b.owner_in_team(&user.to_string(), &team.to_string());
    }
    Ok(())
}
