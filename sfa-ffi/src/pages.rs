//! The results uniffi cannot take from the core as they are: pages of each kind of
//! record (the core's `Page<T>` is generic) and the import report (its skipped rows
//! carry the core's error, here reduced to a line and a description).

use sfa_core::{BusinessCard, Company, Deal, Interaction, Page, Person};

macro_rules! pages {
    ($($doc:literal $name:ident => $item:ident),* $(,)?) => {$(
        #[doc = $doc]
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        pub struct $name {
            /// The records, in list order.
            pub items: Vec<$item>,
            /// Pass this in the next request for the following page; null on the last.
            pub next_cursor: Option<String>,
        }

        impl From<Page<$item>> for $name {
            fn from(page: Page<$item>) -> Self {
                $name {
                    items: page.items,
                    next_cursor: page.next_cursor,
                }
            }
        }
    )*};
}

pages! {
    "One page of companies." CompanyPage => Company,
    "One page of persons." PersonPage => Person,
    "One page of interactions." InteractionPage => Interaction,
    "One page of deals." DealPage => Deal,
    "One page of business cards." CardPage => BusinessCard,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportReport {
    /// Records stored (deals for a deals import, rows otherwise).
    pub imported: i64,
    /// Rows skipped because they were bad (only with `skip_bad_rows`), in file order.
    pub skipped: Vec<SkippedRow>,
    /// Rows with every field blank, ignored.
    pub blank_rows: i64,
}

/// A bad row an import skipped.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SkippedRow {
    /// The line it starts on (the header is line 1).
    pub line: i64,
    /// What was wrong (field names and reasons, never values).
    pub description: String,
}

impl From<sfa_core::ImportReport> for ImportReport {
    fn from(report: sfa_core::ImportReport) -> Self {
        ImportReport {
            imported: report.imported,
            skipped: report
                .skipped
                .into_iter()
                .map(|row| SkippedRow {
                    line: row.line,
                    description: row.problem.to_string(),
                })
                .collect(),
            blank_rows: report.blank_rows,
        }
    }
}
