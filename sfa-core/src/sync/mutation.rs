//! The write calls a device records and the server replays: one variant per write
//! workflow call of [`Session`], with the call's arguments. The one place that maps a
//! recorded call back onto the workflow code.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::csv_io::ImportOptions;
use crate::error::Result;
use crate::model::{
    CampaignId, CampaignInput, CardId, CompanyId, CompanyInput, ConfidenceId, ConfidenceInput,
    DealId, DealInput, InteractionId, InteractionInput, MasterId, MasterInput, PersonId,
    PersonInput, ProductCategoryId, ProductCategoryInput, ProductId, ProductInput, ReportInput,
    StageId, StageInput, TaskId, TaskInput, TeamId, TeamInput, Timestamp, TranscribeInput, UserId,
    UserInput,
};
use crate::workflow::Session;

/// Bytes (card images, CSV files) travel as base64 text inside the JSON.
mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text)
            .map_err(|_| serde::de::Error::custom("bytes are not base64"))
    }
}

/// A recorded write call.
#[allow(missing_docs)] // Each variant is the `Session` method of the same name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Mutation {
    AddUser {
        input: UserInput,
    },
    UpdateUser {
        id: UserId,
        version: i64,
        input: UserInput,
    },
    AddCompany {
        input: CompanyInput,
    },
    AddCompanies {
        inputs: Vec<CompanyInput>,
    },
    UpdateCompany {
        id: CompanyId,
        version: i64,
        input: CompanyInput,
    },
    ArchiveCompany {
        id: CompanyId,
        version: i64,
    },
    RestoreCompany {
        id: CompanyId,
        version: i64,
    },
    AddPerson {
        input: PersonInput,
    },
    UpdatePerson {
        id: PersonId,
        version: i64,
        input: PersonInput,
    },
    ArchivePerson {
        id: PersonId,
        version: i64,
    },
    RestorePerson {
        id: PersonId,
        version: i64,
    },
    PlanInteraction {
        input: InteractionInput,
    },
    LogInteraction {
        input: InteractionInput,
        report: ReportInput,
    },
    ReportInteraction {
        id: InteractionId,
        version: i64,
        report: ReportInput,
    },
    UpdateInteraction {
        id: InteractionId,
        version: i64,
        input: InteractionInput,
    },
    RescheduleInteraction {
        id: InteractionId,
        version: i64,
        starts_at: Timestamp,
        ends_at: Timestamp,
    },
    CancelInteraction {
        id: InteractionId,
        version: i64,
        reason: Option<String>,
    },
    AddTask {
        input: TaskInput,
    },
    UpdateTask {
        id: TaskId,
        version: i64,
        input: TaskInput,
    },
    CompleteTask {
        id: TaskId,
        version: i64,
    },
    ReopenTask {
        id: TaskId,
        version: i64,
    },
    AddCampaign {
        input: CampaignInput,
    },
    UpdateCampaign {
        id: CampaignId,
        version: i64,
        input: CampaignInput,
    },
    AddStage {
        input: StageInput,
    },
    UpdateStage {
        id: StageId,
        version: i64,
        input: StageInput,
    },
    ReorderStages {
        ids: Vec<StageId>,
    },
    AddConfidence {
        input: ConfidenceInput,
    },
    UpdateConfidence {
        id: ConfidenceId,
        version: i64,
        input: ConfidenceInput,
    },
    AddProductCategory {
        input: ProductCategoryInput,
    },
    UpdateProductCategory {
        id: ProductCategoryId,
        version: i64,
        input: ProductCategoryInput,
    },
    AddProduct {
        input: ProductInput,
    },
    UpdateProduct {
        id: ProductId,
        version: i64,
        input: ProductInput,
    },
    AddMaster {
        input: MasterInput,
    },
    RetireMaster {
        id: MasterId,
        version: i64,
    },
    RestoreMaster {
        id: MasterId,
        version: i64,
    },
    DeleteMaster {
        id: MasterId,
    },
    AddDeal {
        input: DealInput,
    },
    UpdateDeal {
        id: DealId,
        version: i64,
        input: DealInput,
    },
    WinDeal {
        id: DealId,
        version: i64,
        closed_on: Option<NaiveDate>,
    },
    LoseDeal {
        id: DealId,
        version: i64,
        closed_on: Option<NaiveDate>,
        reason: Option<String>,
    },
    ReopenDeal {
        id: DealId,
        version: i64,
    },
    AddTeam {
        input: TeamInput,
    },
    UpdateTeam {
        id: TeamId,
        version: i64,
        input: TeamInput,
    },
    UploadCard {
        #[serde(with = "base64_bytes")]
        image: Vec<u8>,
        media_type: String,
        transcriber: Option<UserId>,
    },
    DelegateCard {
        id: CardId,
        version: i64,
        to: UserId,
    },
    TranscribeCard {
        id: CardId,
        version: i64,
        input: TranscribeInput,
    },
    DiscardCard {
        id: CardId,
        version: i64,
        reason: String,
    },
    ImportCompaniesCsv {
        #[serde(with = "base64_bytes")]
        data: Vec<u8>,
        options: ImportOptions,
    },
    ImportPersonsCsv {
        #[serde(with = "base64_bytes")]
        data: Vec<u8>,
        options: ImportOptions,
    },
    ImportDealsCsv {
        #[serde(with = "base64_bytes")]
        data: Vec<u8>,
        options: ImportOptions,
    },
    ImportMastersCsv {
        #[serde(with = "base64_bytes")]
        data: Vec<u8>,
        options: ImportOptions,
    },
    ImportUsersCsv {
        #[serde(with = "base64_bytes")]
        data: Vec<u8>,
        options: ImportOptions,
    },
}

impl Mutation {
    /// The call's name (`add_company`...), for reports.
    pub fn name(&self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map
                .get("call")
                .and_then(|c| c.as_str())
                .unwrap_or_default()
                .to_string(),
            _ => String::new(),
        }
    }

    /// Makes the call as `session` (the results are in the store; sync does not need
    /// the returned values).
    pub(crate) fn apply(&self, s: &Session) -> Result<()> {
        use Mutation as M;
        match self {
            M::AddUser { input } => s.add_user(input).map(drop),
            M::UpdateUser { id, version, input } => s.update_user(*id, *version, input).map(drop),
            M::AddCompany { input } => s.add_company(input).map(drop),
            M::AddCompanies { inputs } => s.add_companies(inputs).map(drop),
            M::UpdateCompany { id, version, input } => {
                s.update_company(*id, *version, input).map(drop)
            }
            M::ArchiveCompany { id, version } => s.archive_company(*id, *version).map(drop),
            M::RestoreCompany { id, version } => s.restore_company(*id, *version).map(drop),
            M::AddPerson { input } => s.add_person(input).map(drop),
            M::UpdatePerson { id, version, input } => {
                s.update_person(*id, *version, input).map(drop)
            }
            M::ArchivePerson { id, version } => s.archive_person(*id, *version).map(drop),
            M::RestorePerson { id, version } => s.restore_person(*id, *version).map(drop),
            M::PlanInteraction { input } => s.plan_interaction(input).map(drop),
            M::LogInteraction { input, report } => s.log_interaction(input, report).map(drop),
            M::ReportInteraction {
                id,
                version,
                report,
            } => s.report_interaction(*id, *version, report).map(drop),
            M::UpdateInteraction { id, version, input } => {
                s.update_interaction(*id, *version, input).map(drop)
            }
            M::RescheduleInteraction {
                id,
                version,
                starts_at,
                ends_at,
            } => s
                .reschedule_interaction(*id, *version, *starts_at, *ends_at)
                .map(drop),
            M::CancelInteraction {
                id,
                version,
                reason,
            } => s
                .cancel_interaction(*id, *version, reason.as_deref())
                .map(drop),
            M::AddTask { input } => s.add_task(input).map(drop),
            M::UpdateTask { id, version, input } => s.update_task(*id, *version, input).map(drop),
            M::CompleteTask { id, version } => s.complete_task(*id, *version).map(drop),
            M::ReopenTask { id, version } => s.reopen_task(*id, *version).map(drop),
            M::AddCampaign { input } => s.add_campaign(input).map(drop),
            M::UpdateCampaign { id, version, input } => {
                s.update_campaign(*id, *version, input).map(drop)
            }
            M::AddStage { input } => s.add_stage(input).map(drop),
            M::UpdateStage { id, version, input } => s.update_stage(*id, *version, input).map(drop),
            M::ReorderStages { ids } => s.reorder_stages(ids).map(drop),
            M::AddConfidence { input } => s.add_confidence(input).map(drop),
            M::UpdateConfidence { id, version, input } => {
                s.update_confidence(*id, *version, input).map(drop)
            }
            M::AddProductCategory { input } => s.add_product_category(input).map(drop),
            M::UpdateProductCategory { id, version, input } => {
                s.update_product_category(*id, *version, input).map(drop)
            }
            M::AddProduct { input } => s.add_product(input).map(drop),
            M::UpdateProduct { id, version, input } => {
                s.update_product(*id, *version, input).map(drop)
            }
            M::AddMaster { input } => s.add_master(input.clone()).map(drop),
            M::RetireMaster { id, version } => s.retire_master(*id, *version).map(drop),
            M::RestoreMaster { id, version } => s.restore_master(*id, *version).map(drop),
            M::DeleteMaster { id } => s.delete_master(*id),
            M::AddDeal { input } => s.add_deal(input).map(drop),
            M::UpdateDeal { id, version, input } => s.update_deal(*id, *version, input).map(drop),
            M::WinDeal {
                id,
                version,
                closed_on,
            } => s.win_deal(*id, *version, *closed_on).map(drop),
            M::LoseDeal {
                id,
                version,
                closed_on,
                reason,
            } => s
                .lose_deal(*id, *version, *closed_on, reason.as_deref())
                .map(drop),
            M::ReopenDeal { id, version } => s.reopen_deal(*id, *version).map(drop),
            M::AddTeam { input } => s.add_team(input).map(drop),
            M::UpdateTeam { id, version, input } => s.update_team(*id, *version, input).map(drop),
            M::UploadCard {
                image,
                media_type,
                transcriber,
            } => s.upload_card(image, media_type, *transcriber).map(drop),
            M::DelegateCard { id, version, to } => s.delegate_card(*id, *version, *to).map(drop),
            M::TranscribeCard { id, version, input } => {
                s.transcribe_card(*id, *version, input).map(drop)
            }
            M::DiscardCard {
                id,
                version,
                reason,
            } => s.discard_card(*id, *version, reason).map(drop),
            M::ImportCompaniesCsv { data, options } => {
                s.import_companies_csv(&data[..], options).map(drop)
            }
            M::ImportPersonsCsv { data, options } => {
                s.import_persons_csv(&data[..], options).map(drop)
            }
            M::ImportDealsCsv { data, options } => s.import_deals_csv(&data[..], options).map(drop),
            M::ImportMastersCsv { data, options } => {
                s.import_masters_csv(&data[..], options).map(drop)
            }
            M::ImportUsersCsv { data, options } => s.import_users_csv(&data[..], options).map(drop),
        }
    }
}
