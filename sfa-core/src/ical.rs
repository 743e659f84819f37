//! iCalendar (RFC 5545) export, so that a phone's calendar shows planned visits.
//!
//! Each interaction becomes a `VEVENT` whose `UID` is its id (`<id>@sfa`) and whose
//! `SEQUENCE` grows with its version: importing a later export updates the event
//! instead of duplicating it, and a cancelled interaction arrives as
//! `STATUS:CANCELLED`. Open tasks become `VTODO`s with their due date. Times are
//! written in UTC (`...Z`), so no time-zone definitions are needed.
//!
//! Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character;
//! a fold never leaves a space at the end of a line, because some readers trim it.

use std::fmt::Write as _;

use crate::model::{Interaction, InteractionKind, InteractionStatus, Task, Timestamp};

/// What a calendar entry shows besides the interaction itself.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventDetails {
    /// The company's name.
    pub company: String,
    /// Our participants' names, in order.
    pub participants: Vec<String>,
    /// The persons met, in order.
    pub persons: Vec<String>,
}

/// The `PRODID` of exported calendars.
pub const PRODUCT_ID: &str = "-//sfa//sfa-core//JA";

/// A whole `VCALENDAR` with the given events and to-dos, stamped `now`.
pub(crate) fn calendar(
    events: &[(Interaction, EventDetails)],
    todos: &[Task],
    now: Timestamp,
) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.prop("PRODID", PRODUCT_ID);
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    for (i, details) in events {
        event(&mut out, i, details, now);
    }
    for t in todos {
        todo(&mut out, t, now);
    }
    out.line("END:VCALENDAR");
    out.text
}

fn event(out: &mut Writer, i: &Interaction, d: &EventDetails, now: Timestamp) {
    out.line("BEGIN:VEVENT");
    out.prop("UID", &format!("{}@sfa", i.id));
    out.prop("DTSTAMP", &utc(&now));
    out.prop("DTSTART", &utc(&i.starts_at));
    out.prop("DTEND", &utc(&i.ends_at));
    out.prop("SEQUENCE", &(i.version - 1).max(0).to_string());
    out.prop("LAST-MODIFIED", &utc(&i.updated_at));
    out.prop("CREATED", &utc(&i.created_at));
    out.prop(
        "STATUS",
        match i.status {
            InteractionStatus::Cancelled => "CANCELLED",
            InteractionStatus::Planned | InteractionStatus::Done => "CONFIRMED",
        },
    );
    out.prop(
        "SUMMARY",
        &escape(&format!("{} ({})", i.purpose, d.company)),
    );
    if let Some(location) = &i.location {
        out.prop("LOCATION", &escape(location));
    }
    out.prop("CATEGORIES", kind_label(i.kind));
    out.prop("DESCRIPTION", &escape(&description(i, d)));
    out.line("END:VEVENT");
}

fn todo(out: &mut Writer, t: &Task, now: Timestamp) {
    out.line("BEGIN:VTODO");
    out.prop("UID", &format!("{}@sfa", t.id));
    out.prop("DTSTAMP", &utc(&now));
    out.prop("SEQUENCE", &(t.version - 1).max(0).to_string());
    out.prop("LAST-MODIFIED", &utc(&t.updated_at));
    out.prop("SUMMARY", &escape(&t.title));
    if let Some(due) = t.due_date {
        out.prop("DUE;VALUE=DATE", &due.format("%Y%m%d").to_string());
    }
    out.prop(
        "STATUS",
        if t.is_open() {
            "NEEDS-ACTION"
        } else {
            "COMPLETED"
        },
    );
    if let Some(description) = &t.description {
        out.prop("DESCRIPTION", &escape(description));
    }
    out.line("END:VTODO");
}

fn kind_label(kind: InteractionKind) -> &'static str {
    match kind {
        InteractionKind::Visit => "訪問",
        InteractionKind::Call => "電話",
        InteractionKind::Email => "メール",
        InteractionKind::WebMeeting => "Web会議",
        InteractionKind::Other => "その他",
    }
}

fn description(i: &Interaction, d: &EventDetails) -> String {
    let mut text = format!("顧客: {}", d.company);
    if !d.persons.is_empty() {
        let _ = write!(text, "\n面談者: {}", d.persons.join("、"));
    }
    let _ = write!(text, "\n参加者: {}", d.participants.join("、"));
    if let Some(notes) = &i.notes {
        let _ = write!(text, "\n\n{notes}");
    }
    if let Some(outcome) = &i.outcome {
        let _ = write!(text, "\n\n結果: {outcome}");
    }
    if let Some(reason) = &i.cancel_reason {
        let _ = write!(text, "\n\n中止理由: {reason}");
    }
    text
}

/// `20261201T010000Z`.
fn utc(t: &Timestamp) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// The most octets on one line, CRLF excluded.
const LINE_OCTETS: usize = 75;

#[derive(Default)]
struct Writer {
    text: String,
}

impl Writer {
    fn prop(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{value}"));
    }

    /// Writes one content line, folded (RFC 5545 3.1).
    fn line(&mut self, line: &str) {
        let mut rest = line;
        let mut budget = LINE_OCTETS;
        loop {
            if rest.len() <= budget {
                self.text.push_str(rest);
                self.text.push_str("\r\n");
                return;
            }
            let cut = fold_point(rest, budget);
            self.text.push_str(&rest[..cut]);
            self.text.push_str("\r\n ");
            rest = &rest[cut..];
            // The leading space of a continuation line counts towards its length.
            budget = LINE_OCTETS - 1;
        }
    }
}

/// Where to fold `text` so the first part fits `budget` octets: a character
/// boundary, moved back before trailing spaces so no line ends in one.
fn fold_point(text: &str, budget: usize) -> usize {
    let mut cut = budget;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let trimmed = text[..cut].trim_end_matches([' ', '\t']).len();
    if trimmed > 0 { trimmed } else { cut }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let mut w = Writer::default();
        let value = "東京都千代田区丸の内一丁目".repeat(10);
        w.prop("LOCATION", &value);
        let lines: Vec<&str> = w.text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.len() <= LINE_OCTETS, "{} octets", l.len());
        }
        let unfolded: String = lines
            .iter()
            .enumerate()
            .map(|(n, l)| if n == 0 { *l } else { &l[1..] })
            .collect();
        assert_eq!(unfolded, format!("LOCATION:{value}"));
    }

    #[test]
    fn folds_do_not_end_lines_with_spaces() {
        let mut w = Writer::default();
        w.prop("SUMMARY", &format!("{}end", "ab ".repeat(60)));
        for l in w.text.split("\r\n") {
            assert!(!l.ends_with(' '), "{l:?}");
        }
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\r\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
