//! A small sales office for workflow tests: an in-memory database on a manual clock
//! (2026-12-01 09:00 in Japan), an admin (the manager), two salespeople, one user
//! from another department, and a customer company with two persons.

use sfa_core::{
    Company, CompanyInput, InteractionInput, InteractionKind, Person, PersonInput, Session, Sfa,
    Timestamp, UserInput,
};

use crate::clock::ManualClock;

/// Everything a workflow test starts from.
pub struct Office {
    /// The database.
    pub sfa: Sfa,
    /// The clock every session reads.
    pub clock: ManualClock,
    /// 部長: an admin.
    pub manager: Session,
    /// 営業 花子: a member.
    pub hanako: Session,
    /// 営業 次郎: a member.
    pub jiro: Session,
    /// A member who takes part in nothing.
    pub outsider: Session,
    /// 株式会社山田製作所.
    pub company: Company,
    /// 高橋 一郎 at the company.
    pub takahashi: Person,
    /// 鈴木 花子 at the company.
    pub suzuki: Person,
}

impl Office {
    /// A fresh office on a new database of the run's backend (see
    /// [`crate::fresh_database`]).
    ///
    /// # Panics
    /// If the setup itself fails.
    pub fn new() -> Office {
        Office::on(crate::fresh_database())
    }

    /// A fresh office on the given (empty) database.
    ///
    /// # Panics
    /// If the setup itself fails.
    pub fn on(sfa: Sfa) -> Office {
        let clock = ManualClock::at_jst(2026, 12, 1, 9, 0);
        let sfa = sfa.with_clock(std::sync::Arc::new(clock.clone()));
        let boss = sfa
            .create_first_admin(&UserInput::admin("部長 一郎", "bucho@example.jp"))
            .expect("first admin");
        let manager = sfa.session(boss.id).expect("session");
        let member = |name: &str, email: &str| {
            let u = manager
                .add_user(&UserInput::member(name, email))
                .expect("member");
            sfa.session(u.id).expect("session")
        };
        let hanako = member("営業 花子", "hanako@example.jp");
        let jiro = member("営業 次郎", "jiro@example.jp");
        let outsider = member("経理 三郎", "saburo@example.jp");
        let company = hanako
            .add_company(&CompanyInput::named("株式会社山田製作所"))
            .expect("company");
        let takahashi = hanako
            .add_person(&PersonInput::named(company.id, "高橋 一郎"))
            .expect("person");
        let suzuki = hanako
            .add_person(&PersonInput::named(company.id, "鈴木 花子"))
            .expect("person");
        Office {
            sfa,
            clock,
            manager,
            hanako,
            jiro,
            outsider,
            company,
            takahashi,
            suzuki,
        }
    }

    /// The time the office's clock shows.
    pub fn clock_now(&self) -> sfa_core::Timestamp {
        sfa_core::model::Clock::now(&self.clock)
    }

    /// Deactivates a user (as the manager) and returns their id.
    ///
    /// # Panics
    /// If the change is refused.
    pub fn deactivate(&self, who: &Session) -> sfa_core::UserId {
        let u = who.me().expect("active user");
        let input = UserInput {
            name: u.name.clone(),
            email: u.email.clone(),
            role: u.role,
            active: false,
        };
        self.manager
            .update_user(u.id, u.version, &input)
            .expect("deactivated");
        u.id
    }

    /// A visit to the company by 花子, meeting 高橋, from `start` for an hour.
    pub fn visit(&self, purpose: &str, start: Timestamp) -> InteractionInput {
        InteractionInput {
            company_id: self.company.id,
            kind: InteractionKind::Visit,
            purpose: purpose.into(),
            starts_at: start,
            ends_at: start + chrono::Duration::hours(1),
            participant_ids: vec![self.hanako.user_id()],
            person_ids: vec![self.takahashi.id],
            location: Some("本社 3F 会議室".into()),
            notes: None,
        }
    }
}

impl Default for Office {
    fn default() -> Self {
        Office::new()
    }
}
