//! Master data for deals (マスターデータ): admins write, everyone reads. Names (a
//! confidence level's label, a product's code) are unique within their kind. A master
//! that records refer to can be retired but not deleted.

use super::Session;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    Campaign, CampaignId, CampaignInput, Confidence, ConfidenceId, ConfidenceInput, Master,
    MasterId, MasterInput, Product, ProductCategory, ProductCategoryId, ProductCategoryInput,
    ProductId, ProductInput, Stage, StageId, StageInput, Timestamp, User,
};
use crate::store::{MasterKind, ReadTx, WriteTx};
use crate::sync::Mutation;

impl Session {
    // --- campaigns ---

    /// Adds a campaign. Admins only.
    pub fn add_campaign(&self, input: &CampaignInput) -> Result<Campaign> {
        let _call = self.call(|| Mutation::AddCampaign {
            input: input.clone(),
        });
        self.add_master(MasterInput::Campaign(input.clone()))
            .and_then(unpack)
    }

    /// Replaces a campaign's fields, if it is still at `version`. Admins only.
    pub fn update_campaign(
        &self,
        id: CampaignId,
        version: i64,
        input: &CampaignInput,
    ) -> Result<Campaign> {
        let _call = self.call(|| Mutation::UpdateCampaign {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_master(
            MasterId::Campaign(id),
            version,
            Some(&input.name),
            |_, m| {
                if let Master::Campaign(c) = m {
                    c.name = input.name.clone();
                    c.starts_on = input.starts_on;
                    c.ends_on = input.ends_on;
                    c.cost = input.cost;
                    c.notes = input.notes.clone();
                }
                Ok(())
            },
        )
        .and_then(unpack)
    }

    /// A campaign by id.
    pub fn get_campaign(&self, id: CampaignId) -> Result<Campaign> {
        self.get_master(MasterId::Campaign(id)).and_then(unpack)
    }

    /// Campaigns by first day then name; retired ones only when asked.
    pub fn list_campaigns(&self, include_retired: bool) -> Result<Vec<Campaign>> {
        self.list_masters(MasterKind::Campaign, include_retired)
    }

    // --- stages ---

    /// Adds a stage at the end of the process. Admins only.
    pub fn add_stage(&self, input: &StageInput) -> Result<Stage> {
        let _call = self.call(|| Mutation::AddStage {
            input: input.clone(),
        });
        self.add_master(MasterInput::Stage(input.clone()))
            .and_then(unpack)
    }

    /// Replaces a stage's fields (not its position), if it is still at `version`.
    /// Admins only.
    pub fn update_stage(&self, id: StageId, version: i64, input: &StageInput) -> Result<Stage> {
        let _call = self.call(|| Mutation::UpdateStage {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_master(MasterId::Stage(id), version, Some(&input.name), |_, m| {
            if let Master::Stage(s) = m {
                s.name = input.name.clone();
                s.default_percentage = input.default_percentage;
            }
            Ok(())
        })
        .and_then(unpack)
    }

    /// Puts the stages in the given order: `ids` must list every stage (retired ones
    /// too) exactly once. Returns the stages in their new order. Admins only.
    pub fn reorder_stages(&self, ids: &[StageId]) -> Result<Vec<Stage>> {
        let _call = self.call(|| Mutation::ReorderStages { ids: ids.to_vec() });
        let now = self.now();
        self.write(|tx, me| {
            require_admin(me)?;
            let mut stages: Vec<Stage> = tx
                .list_masters(MasterKind::Stage)?
                .into_iter()
                .map(unpack)
                .collect::<Result<_>>()?;
            if ids.len() != stages.len() {
                return Err(
                    ValidationError::single(Entity::Stage, "ids", Reason::NotAllowed).into(),
                );
            }
            let mut seen = ids.to_vec();
            seen.sort();
            seen.dedup();
            if seen.len() != ids.len()
                || ids.len() != stages.len()
                || !stages.iter().all(|s| ids.contains(&s.id))
            {
                return Err(
                    ValidationError::single(Entity::Stage, "ids", Reason::NotAllowed).into(),
                );
            }
            for stage in &mut stages {
                let position = ids.iter().position(|id| *id == stage.id).unwrap_or(0) as i32 + 1;
                if stage.position != position {
                    let expected = stage.version;
                    stage.position = position;
                    let mut m = Master::Stage(stage.clone());
                    m.stamp(me.id, now, expected);
                    tx.update_master(&m, expected)?;
                    *stage = unpack(m)?;
                }
            }
            stages.sort_by_key(|s| s.position);
            Ok(stages)
        })
    }

    /// A stage by id.
    pub fn get_stage(&self, id: StageId) -> Result<Stage> {
        self.get_master(MasterId::Stage(id)).and_then(unpack)
    }

    /// Stages in process order; retired ones only when asked.
    pub fn list_stages(&self, include_retired: bool) -> Result<Vec<Stage>> {
        self.list_masters(MasterKind::Stage, include_retired)
    }

    // --- confidence levels ---

    /// Adds a confidence level. Admins only.
    pub fn add_confidence(&self, input: &ConfidenceInput) -> Result<Confidence> {
        let _call = self.call(|| Mutation::AddConfidence {
            input: input.clone(),
        });
        self.add_master(MasterInput::Confidence(input.clone()))
            .and_then(unpack)
    }

    /// Replaces a confidence level's fields, if it is still at `version`. Admins only.
    pub fn update_confidence(
        &self,
        id: ConfidenceId,
        version: i64,
        input: &ConfidenceInput,
    ) -> Result<Confidence> {
        let _call = self.call(|| Mutation::UpdateConfidence {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_master(
            MasterId::Confidence(id),
            version,
            Some(&input.label),
            |_, m| {
                if let Master::Confidence(c) = m {
                    c.label = input.label.clone();
                    c.percentage = input.percentage;
                }
                Ok(())
            },
        )
        .and_then(unpack)
    }

    /// A confidence level by id.
    pub fn get_confidence(&self, id: ConfidenceId) -> Result<Confidence> {
        self.get_master(MasterId::Confidence(id)).and_then(unpack)
    }

    /// Confidence levels, highest percentage first; retired ones only when asked.
    pub fn list_confidences(&self, include_retired: bool) -> Result<Vec<Confidence>> {
        self.list_masters(MasterKind::Confidence, include_retired)
    }

    // --- product categories ---

    /// Adds a product category. Admins only.
    pub fn add_product_category(&self, input: &ProductCategoryInput) -> Result<ProductCategory> {
        let _call = self.call(|| Mutation::AddProductCategory {
            input: input.clone(),
        });
        self.add_master(MasterInput::ProductCategory(input.clone()))
            .and_then(unpack)
    }

    /// Renames a product category, if it is still at `version`. Admins only.
    pub fn update_product_category(
        &self,
        id: ProductCategoryId,
        version: i64,
        input: &ProductCategoryInput,
    ) -> Result<ProductCategory> {
        let _call = self.call(|| Mutation::UpdateProductCategory {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_master(
            MasterId::ProductCategory(id),
            version,
            Some(&input.name),
            |_, m| {
                if let Master::ProductCategory(c) = m {
                    c.name = input.name.clone();
                }
                Ok(())
            },
        )
        .and_then(unpack)
    }

    /// A product category by id.
    pub fn get_product_category(&self, id: ProductCategoryId) -> Result<ProductCategory> {
        self.get_master(MasterId::ProductCategory(id))
            .and_then(unpack)
    }

    /// Product categories by name; retired ones only when asked.
    pub fn list_product_categories(&self, include_retired: bool) -> Result<Vec<ProductCategory>> {
        self.list_masters(MasterKind::ProductCategory, include_retired)
    }

    // --- products ---

    /// Adds a product to an active category. Admins only.
    pub fn add_product(&self, input: &ProductInput) -> Result<Product> {
        let _call = self.call(|| Mutation::AddProduct {
            input: input.clone(),
        });
        self.add_master(MasterInput::Product(input.clone()))
            .and_then(unpack)
    }

    /// Replaces a product's fields, if it is still at `version`. Admins only. Lines
    /// already on deals keep the price they were entered with.
    pub fn update_product(
        &self,
        id: ProductId,
        version: i64,
        input: &ProductInput,
    ) -> Result<Product> {
        let _call = self.call(|| Mutation::UpdateProduct {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_master(
            MasterId::Product(id),
            version,
            Some(&input.code),
            |tx, m| {
                if let Master::Product(p) = m {
                    if p.category_id != input.category_id {
                        check_category(tx, input.category_id)?;
                    }
                    p.category_id = input.category_id;
                    p.code = input.code.clone();
                    p.name = input.name.clone();
                    p.unit_price = input.unit_price;
                }
                Ok(())
            },
        )
        .and_then(unpack)
    }

    /// A product by id.
    pub fn get_product(&self, id: ProductId) -> Result<Product> {
        self.get_master(MasterId::Product(id)).and_then(unpack)
    }

    /// Products by code; retired ones only when asked.
    pub fn list_products(&self, include_retired: bool) -> Result<Vec<Product>> {
        self.list_masters(MasterKind::Product, include_retired)
    }

    // --- every kind ---

    /// Retires a master record: hidden from pickers and refused on new deals, kept
    /// for the records that refer to it. Admins only.
    pub fn retire_master(&self, id: MasterId, version: i64) -> Result<Master> {
        let _call = self.call(|| Mutation::RetireMaster { id, version });
        self.change_master(id, version, None, |_, m| {
            m.set_retired(true);
            Ok(())
        })
    }

    /// Brings a retired master record back. Admins only.
    pub fn restore_master(&self, id: MasterId, version: i64) -> Result<Master> {
        let _call = self.call(|| Mutation::RestoreMaster { id, version });
        self.change_master(id, version, None, |_, m| {
            m.set_retired(false);
            Ok(())
        })
    }

    /// Deletes a master record that nothing refers to; one in use is
    /// [`Error::InUse`] (retire it instead). Admins only.
    pub fn delete_master(&self, id: MasterId) -> Result<()> {
        let _call = self.call(|| Mutation::DeleteMaster { id });
        self.write(|tx, me| {
            require_admin(me)?;
            if tx.get_master(id)?.is_none() {
                return Err(Error::not_found(id.entity(), id));
            }
            if tx.master_in_use(id)? {
                return Err(Error::InUse {
                    entity: id.entity(),
                    id: id.to_string(),
                });
            }
            tx.delete_master(id)
        })
    }

    fn get_master(&self, id: MasterId) -> Result<Master> {
        self.read(|tx, _| master(tx, id))
    }

    fn list_masters<T: TryFrom<Master, Error = Master>>(
        &self,
        kind: MasterKind,
        include_retired: bool,
    ) -> Result<Vec<T>> {
        self.read(|tx, _| tx.list_masters(kind))?
            .into_iter()
            .filter(|m| include_retired || !m.retired())
            .map(unpack)
            .collect()
    }

    /// Adds a master of any kind. Admins only.
    pub fn add_master(&self, input: MasterInput) -> Result<Master> {
        let _call = self.call(|| Mutation::AddMaster {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            require_admin(me)?;
            insert_master(tx, input.kind().new_id(), &input, false, me, now)
        })
    }

    fn change_master(
        &self,
        id: MasterId,
        version: i64,
        name: Option<&str>,
        change: impl FnOnce(&mut dyn WriteTx, &mut Master) -> Result<()>,
    ) -> Result<Master> {
        let now = self.now();
        self.write(|tx, me| {
            require_admin(me)?;
            let mut m = master(tx, id)?;
            if let Some(name) = name {
                name_free(tx, id.kind(), name, id)?;
            }
            change(tx, &mut m)?;
            m.stamp(me.id, now, version);
            tx.update_master(&m, version)?;
            Ok(m)
        })
    }
}

/// Builds and stores a master from validated input (the one place the API and the
/// masters import create them): the unique name must be free, a product's category
/// must exist and be active, a stage goes at the end of the process.
pub(crate) fn insert_master(
    tx: &mut dyn WriteTx,
    id: MasterId,
    input: &MasterInput,
    retired: bool,
    me: &User,
    now: Timestamp,
) -> Result<Master> {
    let m = match (id, input.clone()) {
        (MasterId::Campaign(id), MasterInput::Campaign(i)) => Master::Campaign(Campaign {
            id,
            name: i.name,
            starts_on: i.starts_on,
            ends_on: i.ends_on,
            cost: i.cost,
            notes: i.notes,
            retired,
            created_at: now,
            created_by: me.id,
            updated_at: now,
            updated_by: me.id,
            version: 1,
        }),
        (MasterId::Stage(id), MasterInput::Stage(i)) => {
            let last = tx
                .list_masters(MasterKind::Stage)?
                .iter()
                .filter_map(|m| match m {
                    Master::Stage(s) => Some(s.position),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            Master::Stage(Stage {
                id,
                name: i.name,
                position: last + 1,
                default_percentage: i.default_percentage,
                retired,
                created_at: now,
                created_by: me.id,
                updated_at: now,
                updated_by: me.id,
                version: 1,
            })
        }
        (MasterId::Confidence(id), MasterInput::Confidence(i)) => Master::Confidence(Confidence {
            id,
            label: i.label,
            percentage: i.percentage,
            retired,
            created_at: now,
            created_by: me.id,
            updated_at: now,
            updated_by: me.id,
            version: 1,
        }),
        (MasterId::ProductCategory(id), MasterInput::ProductCategory(i)) => {
            Master::ProductCategory(ProductCategory {
                id,
                name: i.name,
                retired,
                created_at: now,
                created_by: me.id,
                updated_at: now,
                updated_by: me.id,
                version: 1,
            })
        }
        (MasterId::Product(id), MasterInput::Product(i)) => {
            check_category(tx, i.category_id)?;
            Master::Product(Product {
                id,
                category_id: i.category_id,
                code: i.code,
                name: i.name,
                unit_price: i.unit_price,
                retired,
                created_at: now,
                created_by: me.id,
                updated_at: now,
                updated_by: me.id,
                version: 1,
            })
        }
        _ => {
            return Err(
                ValidationError::single(input.kind().entity(), "id", Reason::InvalidId).into(),
            );
        }
    };
    name_free(tx, input.kind(), input.unique_name(), m.id())?;
    tx.insert_master(&m)?;
    Ok(m)
}

pub(crate) fn require_admin(me: &User) -> Result<()> {
    if me.is_admin() {
        Ok(())
    } else {
        Err(Error::permission_denied("only admins maintain master data"))
    }
}

pub(crate) fn master(tx: &mut dyn ReadTx, id: MasterId) -> Result<Master> {
    tx.get_master(id)?
        .ok_or_else(|| Error::not_found(id.entity(), id))
}

/// The concrete record inside a [`Master`] read for its kind.
pub(crate) fn unpack<T: TryFrom<Master, Error = Master>>(m: Master) -> Result<T> {
    T::try_from(m).map_err(|other| {
        Error::Storage(crate::error::StorageError::message(format!(
            "the store returned a {} for another kind",
            other.id().entity()
        )))
    })
}

/// The unique name of a kind (label, code) must not be another record's.
fn name_free(tx: &mut dyn ReadTx, kind: MasterKind, name: &str, own: MasterId) -> Result<()> {
    match tx.find_master(kind, name)? {
        Some(other) if other.id() != own => {
            let field = match kind {
                MasterKind::Confidence => "label",
                MasterKind::Product => "code",
                _ => "name",
            };
            Err(ValidationError::single(own.entity(), field, Reason::AlreadyUsed).into())
        }
        _ => Ok(()),
    }
}

fn check_category(tx: &mut dyn ReadTx, id: ProductCategoryId) -> Result<()> {
    let refuse = |reason| ValidationError::single(Entity::Product, "category_id", reason).into();
    match tx.get_master(MasterId::ProductCategory(id))? {
        None => Err(refuse(Reason::UnknownReference)),
        Some(m) if m.retired() => Err(refuse(Reason::Inactive)),
        Some(_) => Ok(()),
    }
}
