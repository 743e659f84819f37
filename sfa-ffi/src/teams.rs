//! Teams and the team board, and business cards (名刺) from upload to transcription.

use sfa_core::{
    BoardRequest, BusinessCard, CardId, DuplicateHint, PageRequest, PersonInput, Team, TeamBoard,
    TeamId, TeamInput, TranscribeInput, Transcription, UserId,
};

use crate::SfaError;
use crate::asynchronous::session_calls;
use crate::pages::CardPage;

session_calls! {
    /// Creates a team. Admins only.
    pub fn add_team(&self, input: TeamInput) -> Result<Team, SfaError> {
        Ok(self.inner.add_team(&input)?)
    }

    /// Renames a team or changes its members. Admins only.
    pub fn update_team(
        &self,
        id: TeamId,
        version: i64,
        input: TeamInput,
    ) -> Result<Team, SfaError> {
        Ok(self.inner.update_team(id, version, &input)?)
    }

    /// A team by id.
    pub fn get_team(&self, id: TeamId) -> Result<Team, SfaError> {
        Ok(self.inner.get_team(id)?)
    }

    /// Every team, by name.
    pub fn list_teams(&self) -> Result<Vec<Team>, SfaError> {
        Ok(self.inner.list_teams()?)
    }

    /// The teams the acting user is in, by name.
    pub fn my_teams(&self) -> Result<Vec<Team>, SfaError> {
        Ok(self.inner.my_teams()?)
    }

    /// One of the acting user's teams at a glance (members only).
    pub fn team_board(&self, request: BoardRequest) -> Result<TeamBoard, SfaError> {
        Ok(self.inner.team_board(&request)?)
    }

    /// Uploads a card image (JPEG, PNG or HEIC by their magic bytes, at most 10 MiB);
    /// the transcriber is the uploader unless another active user is named.
    pub fn upload_card(
        &self,
        image: Vec<u8>,
        media_type: String,
        transcriber: Option<UserId>,
    ) -> Result<BusinessCard, SfaError> {
        Ok(self.inner.upload_card(&image, &media_type, transcriber)?)
    }

    /// A card by id.
    pub fn get_card(&self, id: CardId) -> Result<BusinessCard, SfaError> {
        Ok(self.inner.get_card(id)?)
    }

    /// A card's image, exactly as uploaded.
    pub fn card_image(&self, id: CardId) -> Result<Vec<u8>, SfaError> {
        Ok(self.inner.card_image(id)?)
    }

    /// Hands a pending card to another transcriber.
    pub fn delegate_card(
        &self,
        id: CardId,
        version: i64,
        to: UserId,
    ) -> Result<BusinessCard, SfaError> {
        Ok(self.inner.delegate_card(id, version, to)?)
    }

    /// One page of the acting user's pending cards, oldest first.
    pub fn card_queue(&self, page: PageRequest) -> Result<CardPage, SfaError> {
        Ok(self.inner.card_queue(&page)?.into())
    }

    /// Existing persons who may be the person being entered.
    pub fn person_duplicates(&self, input: PersonInput) -> Result<Vec<DuplicateHint>, SfaError> {
        Ok(self.inner.person_duplicates(&input)?)
    }

    /// Types a card in: the person (and company when new) in one transaction.
    pub fn transcribe_card(
        &self,
        id: CardId,
        version: i64,
        input: TranscribeInput,
    ) -> Result<Transcription, SfaError> {
        Ok(self.inner.transcribe_card(id, version, &input)?)
    }

    /// Discards a pending card with a reason (required); card and image stay.
    pub fn discard_card(
        &self,
        id: CardId,
        version: i64,
        reason: String,
    ) -> Result<BusinessCard, SfaError> {
        Ok(self.inner.discard_card(id, version, &reason)?)
    }
}
