//! Records as Arrow record batches, for polars, pandas (through pyarrow) and DuckDB.
//!
//! An [`ArrowStream`] implements the Arrow PyCapsule interface (`__arrow_c_stream__`),
//! so `pl.DataFrame(s)`, `pa.table(s)` and `duckdb.sql("FROM s")` read its columns
//! without a copy or a Python object per value. Money is `decimal128(38, 4)` (exact),
//! dates `date32`, instants `timestamp[ms, UTC]`, and the names of the owner, company,
//! stage, confidence level, campaign and products stand beside their ids, with the
//! probability forecasts weigh each deal by. [`frame`] reads such a frame back in.

use std::sync::Arc;

use arrow_array::builder::{
    Date32Builder, Decimal128Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMillisecondBuilder,
};
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{ArrayRef, ListArray, RecordBatch, RecordBatchIterator, StructArray};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use chrono::NaiveDate;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use sfa_core::forecast::ForecastRow;
use sfa_core::{Deal, DealNames, Decimal};

pub(crate) mod columns;
pub(crate) mod exports;
pub(crate) mod frame;
pub(crate) mod records;

/// Rows per record batch: large enough that per-batch costs vanish, small enough that
/// a consumer can start early.
const BATCH_ROWS: usize = 65_536;

/// Money's precision and scale: every amount the library accepts fits exactly.
const MONEY: DataType = DataType::Decimal128(38, 4);

/// Weighted money (an amount times a whole percentage over 100): six places.
const WEIGHTED: DataType = DataType::Decimal128(38, 6);

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

/// Record batches that polars, pyarrow and DuckDB read through the Arrow PyCapsule
/// interface (`__arrow_c_stream__`). Each call of `__arrow_c_stream__` gives a new
/// stream over the same batches, so the object can be read more than once.
#[pyclass(module = "sfa._sfa", frozen)]
pub(crate) struct ArrowStream {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowStream {
    /// An Arrow C stream of the batches, in a capsule named `arrow_array_stream`.
    /// `requested_schema` is accepted and not applied: the consumer casts if it wants
    /// other types.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            Arc::clone(&self.schema),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// How many rows the batches hold.
    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The column names, in order.
    #[getter]
    fn columns(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }
}

impl ArrowStream {
    fn new(schema: SchemaRef, batches: Vec<RecordBatch>) -> ArrowStream {
        ArrowStream { schema, batches }
    }
}

/// A money amount as an integer of `scale` places: exact, or an error (a stored value
/// with more places than the library allows, written from outside it).
fn units_at(d: Decimal, scale: u32) -> Result<i128, ArrowError> {
    let mut scaled = d;
    scaled.rescale(scale);
    if scaled == d {
        Ok(scaled.mantissa())
    } else {
        Err(ArrowError::InvalidArgumentError(format!(
            "a stored amount has more than {scale} decimal places (Sfa.check_stored_records lists such records)"
        )))
    }
}

fn units(d: Decimal) -> Result<i128, ArrowError> {
    units_at(d, 4)
}

fn day(d: NaiveDate) -> i32 {
    // Dates the library accepts are within chrono's range: far inside i32 days.
    i32::try_from((d - EPOCH).num_days()).unwrap_or(i32::MAX)
}

fn money() -> Decimal128Builder {
    Decimal128Builder::new().with_data_type(MONEY)
}

fn instant() -> TimestampMillisecondBuilder {
    TimestampMillisecondBuilder::new().with_timezone("UTC")
}

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

/// The columns of a line item inside `deals.lines`.
fn line_fields() -> Fields {
    Fields::from(vec![
        utf8("product_id", false),
        utf8("product_code", false),
        utf8("product_name", false),
        Field::new("quantity", MONEY, false),
        Field::new("unit_price", MONEY, false),
        Field::new("amount", MONEY, false),
    ])
}

fn deal_schema() -> SchemaRef {
    let instant = DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
    let line = Field::new("item", DataType::Struct(line_fields()), false);
    Arc::new(Schema::new(vec![
        utf8("id", false),
        utf8("company_id", false),
        utf8("company_name", false),
        utf8("name", false),
        utf8("owner_id", false),
        utf8("owner_name", false),
        utf8("owner_email", false),
        Field::new("amount", MONEY, true),
        Field::new("expected_close_on", DataType::Date32, true),
        utf8("stage_id", true),
        utf8("stage_name", true),
        utf8("confidence_id", true),
        utf8("confidence_label", true),
        Field::new("probability", DataType::Int32, true),
        utf8("campaign_id", true),
        utf8("campaign_name", true),
        utf8("status", false),
        Field::new("closed_on", DataType::Date32, true),
        utf8("lost_reason", true),
        utf8("notes", true),
        Field::new("lines", DataType::List(Arc::new(line)), false),
        Field::new("created_at", instant.clone(), false),
        utf8("created_by", false),
        Field::new("updated_at", instant, false),
        utf8("updated_by", false),
        Field::new("version", DataType::Int64, false),
    ]))
}

/// Builds the `deals` batches as the deals stream in.
pub(crate) struct DealBatches {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
    rows: usize,
    text: Vec<StringBuilder>,
    amount: Decimal128Builder,
    expected: Date32Builder,
    closed: Date32Builder,
    probability: Int32Builder,
    created_at: TimestampMillisecondBuilder,
    updated_at: TimestampMillisecondBuilder,
    version: Int64Builder,
    offsets: Vec<i32>,
    line_text: [StringBuilder; 3],
    line_money: [Decimal128Builder; 3],
}

/// The text columns of a deal, in the order [`DealBatches::text`] holds them.
const DEAL_TEXT: usize = 18;

impl DealBatches {
    pub(crate) fn new() -> DealBatches {
        DealBatches {
            schema: deal_schema(),
            batches: Vec::new(),
            rows: 0,
            text: (0..DEAL_TEXT).map(|_| StringBuilder::new()).collect(),
            amount: money(),
            expected: Date32Builder::new(),
            closed: Date32Builder::new(),
            probability: Int32Builder::new(),
            created_at: instant(),
            updated_at: instant(),
            version: Int64Builder::new(),
            offsets: vec![0],
            line_text: [
                StringBuilder::new(),
                StringBuilder::new(),
                StringBuilder::new(),
            ],
            line_money: [money(), money(), money()],
        }
    }

    pub(crate) fn push(&mut self, d: &Deal, names: &DealNames<'_>) -> Result<(), ArrowError> {
        let named = |id: Option<String>, name: &str| id.map(|id| (id, name.to_string()));
        let stage = named(d.stage_id.map(|i| i.to_string()), names.stage);
        let confidence = named(d.confidence_id.map(|i| i.to_string()), names.confidence);
        let campaign = named(d.campaign_id.map(|i| i.to_string()), names.campaign);
        let text: [Option<String>; DEAL_TEXT] = [
            Some(d.id.to_string()),
            Some(d.company_id.to_string()),
            Some(names.company.to_string()),
            Some(d.name.clone()),
            Some(d.owner_id.to_string()),
            Some(names.owner_name.to_string()),
            Some(names.owner_email.to_string()),
            stage.as_ref().map(|s| s.0.clone()),
            stage.map(|s| s.1),
            confidence.as_ref().map(|s| s.0.clone()),
            confidence.map(|s| s.1),
            campaign.as_ref().map(|s| s.0.clone()),
            campaign.map(|s| s.1),
            Some(d.status.as_str().to_string()),
            d.lost_reason.clone(),
            d.notes.clone(),
            Some(d.created_by.to_string()),
            Some(d.updated_by.to_string()),
        ];
        for (builder, value) in self.text.iter_mut().zip(text) {
            builder.append_option(value);
        }
        self.amount.append_option(d.amount.map(units).transpose()?);
        self.expected.append_option(d.expected_close_on.map(day));
        self.closed.append_option(d.closed_on.map(day));
        self.probability.append_option(names.probability);
        self.created_at
            .append_value(d.created_at.timestamp_millis());
        self.updated_at
            .append_value(d.updated_at.timestamp_millis());
        self.version.append_value(d.version);
        for (i, l) in d.lines.iter().enumerate() {
            self.line_text[0].append_value(l.product_id.to_string());
            self.line_text[1].append_value(names.product_codes.get(i).copied().unwrap_or(""));
            self.line_text[2].append_value(names.product_names.get(i).copied().unwrap_or(""));
            self.line_money[0].append_value(units(l.quantity)?);
            self.line_money[1].append_value(units(l.unit_price)?);
            self.line_money[2].append_value(units(l.amount)?);
        }
        let last = self.offsets.last().copied().unwrap_or(0);
        let count = i32::try_from(d.lines.len())
            .map_err(|_| ArrowError::InvalidArgumentError("too many lines".into()))?;
        self.offsets.push(last + count);
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ArrowError> {
        let mut text = self
            .text
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef);
        let mut next = || text.next().expect("one builder per text column");
        let lines = StructArray::try_new(
            line_fields(),
            vec![
                Arc::new(self.line_text[0].finish()),
                Arc::new(self.line_text[1].finish()),
                Arc::new(self.line_text[2].finish()),
                Arc::new(self.line_money[0].finish()),
                Arc::new(self.line_money[1].finish()),
                Arc::new(self.line_money[2].finish()),
            ],
            None,
        )?;
        let offsets = std::mem::replace(&mut self.offsets, vec![0]);
        let item = Arc::new(Field::new("item", DataType::Struct(line_fields()), false));
        let lines = ListArray::try_new(
            item,
            arrow_buffer::OffsetBuffer::new(offsets.into()),
            Arc::new(lines),
            None,
        )?;
        let (id, company_id, company_name, name, owner_id, owner_name, owner_email) =
            (next(), next(), next(), next(), next(), next(), next());
        let (stage_id, stage_name, confidence_id, confidence_label, campaign_id, campaign_name) =
            (next(), next(), next(), next(), next(), next());
        let (status, lost_reason, notes, created_by, updated_by) =
            (next(), next(), next(), next(), next());
        let columns: Vec<ArrayRef> = vec![
            id,
            company_id,
            company_name,
            name,
            owner_id,
            owner_name,
            owner_email,
            Arc::new(self.amount.finish()),
            Arc::new(self.expected.finish()),
            stage_id,
            stage_name,
            confidence_id,
            confidence_label,
            Arc::new(self.probability.finish()),
            campaign_id,
            campaign_name,
            status,
            Arc::new(self.closed.finish()),
            lost_reason,
            notes,
            Arc::new(lines),
            Arc::new(self.created_at.finish()),
            created_by,
            Arc::new(self.updated_at.finish()),
            updated_by,
            Arc::new(self.version.finish()),
        ];
        self.batches
            .push(RecordBatch::try_new(Arc::clone(&self.schema), columns)?);
        self.rows = 0;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<ArrowStream, ArrowError> {
        if self.rows > 0 || self.batches.is_empty() {
            self.flush()?;
        }
        Ok(ArrowStream::new(self.schema, self.batches))
    }
}

/// Records walked into record batches of [`BATCH_ROWS`], each row with the name its
/// id stands for in a column right after that id (a person's company, a task's
/// assignee), or none.
pub(crate) struct Walked<R> {
    make: fn(&[R]) -> Result<RecordBatch, ArrowError>,
    name: Option<(&'static str, &'static str)>,
    rows: Vec<R>,
    names: StringBuilder,
    batches: Vec<RecordBatch>,
}

impl<R> Walked<R> {
    /// Batches built by `make`; with `name` = (id column, name column), a name column
    /// follows the id column.
    pub(crate) fn new(
        make: fn(&[R]) -> Result<RecordBatch, ArrowError>,
        name: Option<(&'static str, &'static str)>,
    ) -> Walked<R> {
        Walked {
            make,
            name,
            rows: Vec::new(),
            names: StringBuilder::new(),
            batches: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, record: R, name: &str) -> Result<(), ArrowError> {
        self.rows.push(record);
        self.names.append_value(name);
        if self.rows.len() == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ArrowError> {
        let batch = (self.make)(&self.rows)?;
        self.rows.clear();
        let names: ArrayRef = Arc::new(self.names.finish());
        let batch = match self.name {
            None => batch,
            Some((after, name)) => {
                let at = batch.schema().index_of(after)? + 1;
                let mut fields: Vec<Field> = batch
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.as_ref().clone())
                    .collect();
                let mut columns = batch.columns().to_vec();
                fields.insert(at, utf8(name, false));
                columns.insert(at, names);
                RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)?
            }
        };
        self.batches.push(batch);
        Ok(())
    }

    /// The stream; an empty walk is one empty batch, so the columns are known.
    pub(crate) fn finish(mut self) -> Result<ArrowStream, ArrowError> {
        if !self.rows.is_empty() || self.batches.is_empty() {
            self.flush()?;
        }
        let schema = self.batches[0].schema();
        Ok(ArrowStream::new(schema, self.batches))
    }
}

/// Rows (an analytics result) as one record batch built by `make`.
pub(crate) fn rows<R>(
    make: fn(&[R]) -> Result<RecordBatch, ArrowError>,
    rows: &[R],
) -> Result<ArrowStream, ArrowError> {
    let batch = make(rows)?;
    Ok(ArrowStream::new(batch.schema(), vec![batch]))
}

/// Forecast rows: the month as a `date32` (its first day), the requested dimensions'
/// ids, counts and exact money.
pub(crate) fn forecast_rows(rows: &[ForecastRow]) -> Result<ArrowStream, ArrowError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("month", DataType::Date32, false),
        utf8("owner", true),
        utf8("team", true),
        utf8("stage", true),
        utf8("product", true),
        utf8("campaign", true),
        Field::new("deal_count", DataType::Int64, false),
        Field::new("won_count", DataType::Int64, false),
        Field::new("pipeline", MONEY, false),
        Field::new("weighted", WEIGHTED, false),
        Field::new("won", MONEY, false),
        Field::new("expected", WEIGHTED, false),
    ]));
    let month = |m: &str| {
        NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .map(day)
            .map_err(|_| ArrowError::InvalidArgumentError(format!("month {m:?}")))
    };
    let months = rows
        .iter()
        .map(|r| month(&r.month))
        .collect::<Result<Vec<_>, _>>()?;
    let label = |f: fn(&ForecastRow) -> &Option<String>| -> ArrayRef {
        Arc::new(
            rows.iter()
                .map(|r| f(r).clone())
                .collect::<arrow_array::StringArray>(),
        )
    };
    let count = |f: fn(&ForecastRow) -> i64| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<arrow_array::Int64Array>())
    };
    let money = |f: fn(&ForecastRow) -> Decimal, scale: u32| -> Result<ArrayRef, ArrowError> {
        let values = rows
            .iter()
            .map(|r| units_at(f(r), scale))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(
            arrow_array::Decimal128Array::from(values).with_precision_and_scale(38, scale as i8)?,
        ))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(arrow_array::Date32Array::from(months)),
        label(|r| &r.owner),
        label(|r| &r.team),
        label(|r| &r.stage),
        label(|r| &r.product),
        label(|r| &r.campaign),
        count(|r| r.deal_count),
        count(|r| r.won_count),
        money(|r| r.pipeline, 4)?,
        money(|r| r.weighted, 6)?,
        money(|r| r.won, 4)?,
        money(|r| r.expected, 6)?,
    ];
    let batch = RecordBatch::try_new(Arc::clone(&schema), columns)?;
    Ok(ArrowStream::new(schema, vec![batch]))
}
