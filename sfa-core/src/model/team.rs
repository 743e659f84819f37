//! Teams (チーム) for team selling, and the team board.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::interaction::id_list;
use super::{Interaction, Task, TeamId, Timestamp, UserId, limits};
use crate::error::{Checker, Entity, ValidationError};
use crate::normalize::required_line;

/// The editable fields of a team.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamInput {
    /// Name (required, unique).
    pub name: String,
    /// Members (at least one active user), in the order given; a user may be in
    /// several teams.
    pub member_ids: Vec<UserId>,
}

impl TeamInput {
    /// Checks every field and returns the normalised input (members without repeats),
    /// or every refused field. Whether the members exist is checked when stored.
    pub fn validate(&self) -> Result<TeamInput, ValidationError> {
        let mut c = Checker::new(Entity::Team);
        let name = c.check("name", required_line(&self.name, limits::NAME));
        let member_ids = c.check(
            "member_ids",
            id_list(&self.member_ids, UserId::default(), true),
        );
        c.finish(TeamInput { name, member_ids })
    }
}

/// A stored team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Team {
    /// The id.
    pub id: TeamId,
    /// Name.
    pub name: String,
    /// Members, in order.
    pub member_ids: Vec<UserId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with a change.
    pub version: i64,
}

/// The default window of a team board, in days before and after now.
pub const BOARD_DAYS: i32 = 7;

/// The most interactions or overdue tasks a board lists per member (counts are exact).
pub const BOARD_LIST_LIMIT: usize = 20;

/// Which board to build.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BoardRequest {
    /// The team (the acting user must be a member).
    pub team_id: TeamId,
    /// Days before and after now that interactions are shown for (1-31; default 7).
    pub days: Option<i32>,
    /// Minutes east of UTC for "today" (overdue tasks); default +09:00.
    pub utc_offset_minutes: Option<i32>,
}

/// The team board (メンバーの活動状況): each member's selling at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamBoard {
    /// The team.
    pub team: Team,
    /// The instant the board was built for.
    pub as_of: Timestamp,
    /// The window, in days each side of `as_of`.
    pub days: i32,
    /// One entry per member, in the team's order.
    pub members: Vec<MemberBoard>,
}

/// One member's line on a team board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberBoard {
    /// The member.
    pub user_id: UserId,
    /// Their name.
    pub name: String,
    /// Open deals they own.
    pub open_deal_count: i64,
    /// The sum of those deals' amounts.
    pub pipeline: Decimal,
    /// The sum of amount x probability (confidence, else stage default), exact.
    pub weighted: Decimal,
    /// Planned interactions they take part in, starting within the window ahead,
    /// soonest first (at most [`BOARD_LIST_LIMIT`]).
    pub upcoming: Vec<Interaction>,
    /// Interactions they took part in that started within the window behind, newest
    /// first (at most [`BOARD_LIST_LIMIT`]).
    pub recent: Vec<Interaction>,
    /// Their open tasks.
    pub open_task_count: i64,
    /// Of which overdue (due before today).
    pub overdue_task_count: i64,
    /// The overdue tasks, oldest due first (at most [`BOARD_LIST_LIMIT`]).
    pub overdue_tasks: Vec<Task>,
}
