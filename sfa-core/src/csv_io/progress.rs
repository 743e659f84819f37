//! An import's progress: the bytes of the file read so far against its size, told to
//! the caller as the rows are stored, and the caller's way to stop the import.

use std::io::Read;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// The caller's progress callback: `(bytes read, bytes in all)`; `Break` stops the
/// import, which then stores nothing.
pub type ImportProgress<'a> = &'a mut dyn FnMut(u64, u64) -> ControlFlow<()>;

/// Follows how far an import has read its file and calls back at most once per
/// hundredth of it (and once at the end, before the commit).
pub(crate) struct Progress<'a> {
    read: Arc<AtomicU64>,
    total: u64,
    next: u64,
    report: Option<ImportProgress<'a>>,
}

impl<'a> Progress<'a> {
    /// No callback (the `import_*_csv` calls without progress).
    pub(crate) fn none() -> Progress<'static> {
        Progress {
            read: Arc::default(),
            total: 0,
            next: u64::MAX,
            report: None,
        }
    }

    /// Calls `report` as a file of `total` bytes is read.
    pub(crate) fn new(total: u64, report: ImportProgress<'a>) -> Progress<'a> {
        Progress {
            read: Arc::default(),
            total,
            next: 0,
            report: Some(report),
        }
    }

    /// `input`, counting what the import reads of it.
    pub(crate) fn count<R: Read>(&self, input: R) -> Counted<R> {
        Counted {
            input,
            read: Arc::clone(&self.read),
        }
    }

    /// After a row: calls back when another hundredth of the file has been read.
    pub(crate) fn row(&mut self) -> Result<()> {
        let done = self.read.load(Ordering::Relaxed).min(self.total);
        if done < self.next {
            return Ok(());
        }
        self.next = done + (self.total / 100).max(1);
        self.tell(done)
    }

    /// After the last row, before the commit.
    pub(crate) fn finish(&mut self) -> Result<()> {
        if self.report.is_some() {
            self.tell(self.total)?;
        }
        Ok(())
    }

    fn tell(&mut self, done: u64) -> Result<()> {
        let Some(report) = self.report.as_mut() else {
            return Ok(());
        };
        match report(done, self.total) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(Error::Io(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "the import was stopped by its progress callback; nothing was stored",
            ))),
        }
    }
}

/// A reader that counts the bytes read through it.
pub(crate) struct Counted<R> {
    input: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.input.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
