//! The customer ledger: companies and their persons.

use super::Session;
use super::refs::{check_company_ref, company, person};
use crate::error::{Entity, Result};
use crate::model::{
    Company, CompanyId, CompanyInput, Page, PageRequest, Person, PersonId, PersonInput, User,
    into_page,
};
use crate::sync::Mutation;

impl Session {
    /// Adds a company.
    pub fn add_company(&self, input: &CompanyInput) -> Result<Company> {
        let _call = self.call(|| Mutation::AddCompany {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            let company = new_company(CompanyId::new(), input, me, now);
            tx.insert_company(&company)?;
            Ok(company)
        })
    }

    /// Adds several companies in one transaction: all are stored or, if any is
    /// invalid, none (the error names the first invalid one's fields).
    pub fn add_companies(&self, inputs: &[CompanyInput]) -> Result<Vec<Company>> {
        let _call = self.call(|| Mutation::AddCompanies {
            inputs: inputs.to_vec(),
        });
        let inputs = inputs
            .iter()
            .map(CompanyInput::validate)
            .collect::<Result<Vec<_>, _>>()?;
        let now = self.now();
        self.write(|tx, me| {
            inputs
                .into_iter()
                .map(|input| {
                    let company = new_company(CompanyId::new(), input, me, now);
                    tx.insert_company(&company)?;
                    Ok(company)
                })
                .collect()
        })
    }

    /// A company by id (archived ones too).
    pub fn get_company(&self, id: CompanyId) -> Result<Company> {
        self.read(|tx, _| company(tx, id))
    }

    /// Replaces a company's fields, if it is still at `version` (else `Conflict`).
    pub fn update_company(
        &self,
        id: CompanyId,
        version: i64,
        input: &CompanyInput,
    ) -> Result<Company> {
        let _call = self.call(|| Mutation::UpdateCompany {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_company(id, version, |c| c.set_input(input))
    }

    /// Archives a company: hidden from lists, kept with everything that refers to it.
    pub fn archive_company(&self, id: CompanyId, version: i64) -> Result<Company> {
        let _call = self.call(|| Mutation::ArchiveCompany { id, version });
        self.change_company(id, version, |c| c.archived = true)
    }

    /// Brings an archived company back.
    pub fn restore_company(&self, id: CompanyId, version: i64) -> Result<Company> {
        let _call = self.call(|| Mutation::RestoreCompany { id, version });
        self.change_company(id, version, |c| c.archived = false)
    }

    fn change_company(
        &self,
        id: CompanyId,
        version: i64,
        change: impl FnOnce(&mut Company),
    ) -> Result<Company> {
        let now = self.now();
        self.write(|tx, me| {
            let mut c = company(tx, id)?;
            change(&mut c);
            stamp_update(
                &mut c.updated_at,
                &mut c.updated_by,
                &mut c.version,
                me,
                now,
                version,
            );
            tx.update_company(&c, version)?;
            Ok(c)
        })
    }

    /// One page of companies in あいうえお order (reading, else name).
    pub fn list_companies(&self, page: &PageRequest) -> Result<Page<Company>> {
        let mut query = page.to_query(Entity::Company)?;
        query.limit += 1;
        let items = self.read(|tx, _| tx.list_companies(&query))?;
        Ok(into_page(items, page.limit, |c| {
            (c.sort_key(), c.id.to_string())
        }))
    }

    /// One page of a company's persons (related records: company -> persons).
    pub fn company_persons(&self, id: CompanyId, page: &PageRequest) -> Result<Page<Person>> {
        let mut query = page.to_query(Entity::Person)?;
        query.limit += 1;
        let items = self.read(|tx, _| {
            company(tx, id)?;
            tx.list_persons(Some(id), &query)
        })?;
        Ok(into_page(items, page.limit, |p| {
            (p.sort_key(), p.id.to_string())
        }))
    }

    /// Adds a person to an existing, non-archived company.
    pub fn add_person(&self, input: &PersonInput) -> Result<Person> {
        let _call = self.call(|| Mutation::AddPerson {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            check_company_ref(tx, Entity::Person, input.company_id)?;
            let person = new_person(PersonId::new(), input, me, now);
            tx.insert_person(&person)?;
            Ok(person)
        })
    }

    /// A person by id (archived ones too).
    pub fn get_person(&self, id: PersonId) -> Result<Person> {
        self.read(|tx, _| person(tx, id))
    }

    /// Replaces a person's fields, if it is still at `version` (else `Conflict`).
    /// Moving the person to another company requires that company to be active.
    pub fn update_person(&self, id: PersonId, version: i64, input: &PersonInput) -> Result<Person> {
        let _call = self.call(|| Mutation::UpdatePerson {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            let mut p = person(tx, id)?;
            if p.company_id != input.company_id {
                check_company_ref(tx, Entity::Person, input.company_id)?;
            }
            p.set_input(input);
            stamp_update(
                &mut p.updated_at,
                &mut p.updated_by,
                &mut p.version,
                me,
                now,
                version,
            );
            tx.update_person(&p, version)?;
            Ok(p)
        })
    }

    /// Archives a person: hidden from lists, kept with their history.
    pub fn archive_person(&self, id: PersonId, version: i64) -> Result<Person> {
        let _call = self.call(|| Mutation::ArchivePerson { id, version });
        self.change_person(id, version, |p| p.archived = true)
    }

    /// Brings an archived person back.
    pub fn restore_person(&self, id: PersonId, version: i64) -> Result<Person> {
        let _call = self.call(|| Mutation::RestorePerson { id, version });
        self.change_person(id, version, |p| p.archived = false)
    }

    fn change_person(
        &self,
        id: PersonId,
        version: i64,
        change: impl FnOnce(&mut Person),
    ) -> Result<Person> {
        let now = self.now();
        self.write(|tx, me| {
            let mut p = person(tx, id)?;
            change(&mut p);
            stamp_update(
                &mut p.updated_at,
                &mut p.updated_by,
                &mut p.version,
                me,
                now,
                version,
            );
            tx.update_person(&p, version)?;
            Ok(p)
        })
    }

    /// One page of all persons in あいうえお order.
    pub fn list_persons(&self, page: &PageRequest) -> Result<Page<Person>> {
        let mut query = page.to_query(Entity::Person)?;
        query.limit += 1;
        let items = self.read(|tx, _| tx.list_persons(None, &query))?;
        Ok(into_page(items, page.limit, |p| {
            (p.sort_key(), p.id.to_string())
        }))
    }
}

pub(crate) fn new_company(
    id: CompanyId,
    input: CompanyInput,
    me: &User,
    now: crate::Timestamp,
) -> Company {
    let mut c = Company {
        id,
        name: String::new(),
        name_reading: None,
        postal_code: None,
        address: None,
        phone: None,
        website: None,
        industry: None,
        notes: None,
        archived: false,
        created_at: now,
        created_by: me.id,
        updated_at: now,
        updated_by: me.id,
        version: 1,
    };
    c.set_input(input);
    c
}

pub(crate) fn new_person(
    id: PersonId,
    input: PersonInput,
    me: &User,
    now: crate::Timestamp,
) -> Person {
    let mut p = Person {
        id,
        company_id: input.company_id,
        name: String::new(),
        name_reading: None,
        department: None,
        title: None,
        email: None,
        office_phone: None,
        mobile_phone: None,
        notes: None,
        archived: false,
        created_at: now,
        created_by: me.id,
        updated_at: now,
        updated_by: me.id,
        version: 1,
    };
    p.set_input(input);
    p
}

fn stamp_update(
    updated_at: &mut crate::Timestamp,
    updated_by: &mut crate::UserId,
    version: &mut i64,
    me: &User,
    now: crate::Timestamp,
    expected: i64,
) {
    *updated_at = now;
    *updated_by = me.id;
    *version = crate::model::next_version(expected);
}
