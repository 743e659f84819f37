//! A clock the tests and the demo set by hand, so that "today", overdue tasks and due
//! reminders do not depend on when they run.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone};
use sfa_core::Timestamp;
use sfa_core::model::Clock;

/// A shared, settable clock; clones see the same time.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<Timestamp>>);

impl ManualClock {
    /// A clock showing `now`.
    pub fn at(now: Timestamp) -> Self {
        ManualClock(Arc::new(Mutex::new(now)))
    }

    /// A clock showing the given local time in Japan (+09:00).
    pub fn at_jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> Self {
        ManualClock::at(jst(y, m, d, h, min))
    }

    /// Moves the clock to `now`.
    pub fn set(&self, now: Timestamp) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = now;
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A local time in Japan (+09:00) as a UTC instant.
///
/// # Panics
/// On an impossible date or time (test data only).
pub fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> Timestamp {
    let tokyo = FixedOffset::east_opt(9 * 3600).expect("valid offset");
    tokyo
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid local time")
        .to_utc()
}

/// A calendar date.
///
/// # Panics
/// On an impossible date (test data only).
pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
