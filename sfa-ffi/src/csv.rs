//! CSV import and export of users, master data, companies, persons and deals (the
//! file set that restores a whole database). Files cross as bytes (any
//! of the encodings `CsvEncoding` names); imports report progress in bytes read.

use std::io::Read;

use sfa_core::{ExportOptions, ImportOptions};

use crate::pages::ImportReport;
use crate::{Progress, Session, SfaError};

/// Reads `data`, telling `progress` how far it got about every 1 % (and at the end).
struct ProgressReader<'a> {
    data: &'a [u8],
    read: usize,
    reported: usize,
    progress: Option<&'a dyn Progress>,
}

impl<'a> ProgressReader<'a> {
    fn new(data: &'a [u8], progress: Option<&'a dyn Progress>) -> Self {
        ProgressReader {
            data,
            read: 0,
            reported: 0,
            progress,
        }
    }
}

impl Read for ProgressReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self.data.get(self.read..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.read += n;
        let total = self.data.len();
        if let Some(progress) = self.progress
            && (self.read == total || self.read - self.reported >= total / 100)
            && self.reported != self.read
        {
            self.reported = self.read;
            progress.on_progress(crate::count(self.read as u64), crate::count(total as u64));
        }
        Ok(n)
    }
}

#[uniffi::export]
impl Session {
    /// Imports companies: all rows in one transaction, or none (unless
    /// `options.skip_bad_rows`).
    pub fn import_companies_csv(
        &self,
        data: Vec<u8>,
        options: ImportOptions,
        progress: Option<Box<dyn Progress>>,
    ) -> Result<ImportReport, SfaError> {
        let input = ProgressReader::new(&data, progress.as_deref());
        Ok(self.inner.import_companies_csv(input, &options)?.into())
    }

    /// Imports persons (each row names its company by id or exact name).
    pub fn import_persons_csv(
        &self,
        data: Vec<u8>,
        options: ImportOptions,
        progress: Option<Box<dyn Progress>>,
    ) -> Result<ImportReport, SfaError> {
        let input = ProgressReader::new(&data, progress.as_deref());
        Ok(self.inner.import_persons_csv(input, &options)?.into())
    }

    /// Imports deals, one row per line item (masters named by name).
    pub fn import_deals_csv(
        &self,
        data: Vec<u8>,
        options: ImportOptions,
        progress: Option<Box<dyn Progress>>,
    ) -> Result<ImportReport, SfaError> {
        let input = ProgressReader::new(&data, progress.as_deref());
        Ok(self.inner.import_deals_csv(input, &options)?.into())
    }

    /// Imports master data (categories, products, stages, confidence levels,
    /// campaigns) from one file, in file order. Admins only.
    pub fn import_masters_csv(
        &self,
        data: Vec<u8>,
        options: ImportOptions,
        progress: Option<Box<dyn Progress>>,
    ) -> Result<ImportReport, SfaError> {
        let input = ProgressReader::new(&data, progress.as_deref());
        Ok(self.inner.import_masters_csv(input, &options)?.into())
    }

    /// Imports users with their ids (admins only); a row whose e-mail is a user's is
    /// that user.
    pub fn import_users_csv(
        &self,
        data: Vec<u8>,
        options: ImportOptions,
        progress: Option<Box<dyn Progress>>,
    ) -> Result<ImportReport, SfaError> {
        let input = ProgressReader::new(&data, progress.as_deref());
        Ok(self.inner.import_users_csv(input, &options)?.into())
    }

    /// Every master record as CSV, in the order a restore needs.
    pub fn export_masters_csv(&self, options: ExportOptions) -> Result<Vec<u8>, SfaError> {
        let mut out = Vec::new();
        self.inner.export_masters_csv(&mut out, &options)?;
        Ok(out)
    }

    /// Every user as CSV (admins only).
    pub fn export_users_csv(&self, options: ExportOptions) -> Result<Vec<u8>, SfaError> {
        let mut out = Vec::new();
        self.inner.export_users_csv(&mut out, &options)?;
        Ok(out)
    }

    /// Every company as CSV.
    pub fn export_companies_csv(&self, options: ExportOptions) -> Result<Vec<u8>, SfaError> {
        let mut out = Vec::new();
        self.inner.export_companies_csv(&mut out, &options)?;
        Ok(out)
    }

    /// Every person as CSV (with their company's id and name).
    pub fn export_persons_csv(&self, options: ExportOptions) -> Result<Vec<u8>, SfaError> {
        let mut out = Vec::new();
        self.inner.export_persons_csv(&mut out, &options)?;
        Ok(out)
    }

    /// Every deal as CSV, one row per line item; imports back whole.
    pub fn export_deals_csv(&self, options: ExportOptions) -> Result<Vec<u8>, SfaError> {
        let mut out = Vec::new();
        self.inner.export_deals_csv(&mut out, &options)?;
        Ok(out)
    }
}
