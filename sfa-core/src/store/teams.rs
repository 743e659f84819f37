//! The storage side of teams and business cards. Part of every [`super::ReadTx`] /
//! [`super::WriteTx`].

use crate::error::Result;
use crate::model::{BusinessCard, CardId, Team, TeamId, UserId};

/// Team and card queries available inside any transaction.
pub trait TeamReadTx {
    /// A team by id, with its members.
    fn get_team(&mut self, id: TeamId) -> Result<Option<Team>>;
    /// Every team, by name.
    fn list_teams(&mut self) -> Result<Vec<Team>>;
    /// The id of the team with exactly this name.
    fn team_id_by_name(&mut self, name: &str) -> Result<Option<TeamId>>;
    /// Every (member, team) pair.
    fn team_memberships(&mut self) -> Result<Vec<(UserId, TeamId)>>;

    /// A business card by id.
    fn get_card(&mut self, id: CardId) -> Result<Option<BusinessCard>>;
    /// A card's image bytes.
    fn card_image(&mut self, id: CardId) -> Result<Option<Vec<u8>>>;
    /// The pending cards of a transcriber, oldest first, after the (created_at text,
    /// id) cursor, at most `limit`.
    fn card_queue(
        &mut self,
        transcriber: UserId,
        after: Option<&(String, String)>,
        limit: u32,
    ) -> Result<Vec<BusinessCard>>;
}

/// Team and card changes, available inside a write transaction. `update_*` follow the
/// versioning rule of [`super::WriteTx`].
pub trait TeamWriteTx: TeamReadTx {
    /// Stores a new team with its members.
    fn insert_team(&mut self, team: &Team) -> Result<()>;
    /// Replaces a team (and its members) if its stored version is `expected_version`.
    fn update_team(&mut self, team: &Team, expected_version: i64) -> Result<()>;
    /// Stores a new card and its image, together.
    fn insert_card(&mut self, card: &BusinessCard, image: &[u8]) -> Result<()>;
    /// Replaces a card's record (never its image) if its stored version is
    /// `expected_version`.
    fn update_card(&mut self, card: &BusinessCard, expected_version: i64) -> Result<()>;
}
