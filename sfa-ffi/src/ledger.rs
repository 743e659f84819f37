//! Users and the customer ledger (companies and their persons).

use sfa_core::{
    Company, CompanyId, CompanyInput, PageRequest, Person, PersonId, PersonInput, User, UserId,
    UserInput,
};

use crate::SfaError;
use crate::asynchronous::session_calls;
use crate::pages::{CompanyPage, PersonPage};

session_calls! {
    /// Adds a user (admins only).
    pub fn add_user(&self, input: UserInput) -> Result<User, SfaError> {
        Ok(self.inner.add_user(&input)?)
    }

    /// Changes a user if it is still at `version`: admins anything, a member their own
    /// name and e-mail; the last active admin stays.
    pub fn update_user(
        &self,
        id: UserId,
        version: i64,
        input: UserInput,
    ) -> Result<User, SfaError> {
        Ok(self.inner.update_user(id, version, &input)?)
    }

    /// A user by id.
    pub fn get_user(&self, id: UserId) -> Result<User, SfaError> {
        Ok(self.inner.get_user(id)?)
    }

    /// Every user (active and inactive), by name.
    pub fn list_users(&self) -> Result<Vec<User>, SfaError> {
        Ok(self.inner.list_users()?)
    }

    /// Adds a company.
    pub fn add_company(&self, input: CompanyInput) -> Result<Company, SfaError> {
        Ok(self.inner.add_company(&input)?)
    }

    /// Adds several companies in one transaction: all or none.
    pub fn add_companies(&self, inputs: Vec<CompanyInput>) -> Result<Vec<Company>, SfaError> {
        Ok(self.inner.add_companies(&inputs)?)
    }

    /// A company by id.
    pub fn get_company(&self, id: CompanyId) -> Result<Company, SfaError> {
        Ok(self.inner.get_company(id)?)
    }

    /// Replaces a company's fields if it is still at `version`.
    pub fn update_company(
        &self,
        id: CompanyId,
        version: i64,
        input: CompanyInput,
    ) -> Result<Company, SfaError> {
        Ok(self.inner.update_company(id, version, &input)?)
    }

    /// Archives a company (hidden from lists, kept for its history).
    pub fn archive_company(&self, id: CompanyId, version: i64) -> Result<Company, SfaError> {
        Ok(self.inner.archive_company(id, version)?)
    }

    /// Brings an archived company back.
    pub fn restore_company(&self, id: CompanyId, version: i64) -> Result<Company, SfaError> {
        Ok(self.inner.restore_company(id, version)?)
    }

    /// One page of companies in あいうえお order.
    pub fn list_companies(&self, page: PageRequest) -> Result<CompanyPage, SfaError> {
        Ok(self.inner.list_companies(&page)?.into())
    }

    /// One page of a company's persons.
    pub fn company_persons(
        &self,
        id: CompanyId,
        page: PageRequest,
    ) -> Result<PersonPage, SfaError> {
        Ok(self.inner.company_persons(id, &page)?.into())
    }

    /// Adds a person to a company.
    pub fn add_person(&self, input: PersonInput) -> Result<Person, SfaError> {
        Ok(self.inner.add_person(&input)?)
    }

    /// A person by id.
    pub fn get_person(&self, id: PersonId) -> Result<Person, SfaError> {
        Ok(self.inner.get_person(id)?)
    }

    /// Replaces a person's fields if it is still at `version`.
    pub fn update_person(
        &self,
        id: PersonId,
        version: i64,
        input: PersonInput,
    ) -> Result<Person, SfaError> {
        Ok(self.inner.update_person(id, version, &input)?)
    }

    /// Archives a person.
    pub fn archive_person(&self, id: PersonId, version: i64) -> Result<Person, SfaError> {
        Ok(self.inner.archive_person(id, version)?)
    }

    /// Brings an archived person back.
    pub fn restore_person(&self, id: PersonId, version: i64) -> Result<Person, SfaError> {
        Ok(self.inner.restore_person(id, version)?)
    }

    /// One page of persons in あいうえお order.
    pub fn list_persons(&self, page: PageRequest) -> Result<PersonPage, SfaError> {
        Ok(self.inner.list_persons(&page)?.into())
    }
}
