//! Arrow in: a frame of deals that lives in no database (a polars or pandas DataFrame,
//! a pyarrow Table, a DuckDB result, an [`super::ArrowStream`]) read into the forecast's
//! [`Dataset`], so analysts run the library's exact forecast on their own data.
//!
//! The columns are those of `Session.deals_arrow()`, so its output goes back in as it
//! is: `owner_id`, `status` (`open`, `won`, `lost`), `amount` (decimal or integer: a
//! float is refused, it is not exact), `expected_close_on` and `closed_on` (dates),
//! `probability` (a whole percentage), and, when the forecast is grouped by them,
//! `stage_id`, `campaign_id` and `lines` (a list of structs with `product_id` and
//! `amount`). Strings may be `utf8`, `large_utf8` or `utf8_view`; lists `list` or
//! `large_list`. Teams come beside the frame (owner to team labels). A bad value is a
//! validation error naming the column and the row, never a guess.

use std::collections::HashMap;
use std::ops::Range;
use std::ptr::NonNull;

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type,
    Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, GenericListArray, OffsetSizeTrait, RecordBatch, RecordBatchReader, StructArray,
};
use arrow_schema::DataType;
use chrono::{Days, NaiveDate};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyCapsuleMethods};
use serde_json::Value;
use sfa_core::forecast::{Dataset, DatasetBuilder, DealFacts, Dimension, ForecastRequest};
use sfa_core::{DealStatus, Decimal, Entity, Reason, ValidationError};

use crate::envelope::{Failure, invalid_argument};

/// The record batches of any object with `__arrow_c_stream__`, read while attached to
/// the interpreter (a producer may need it); the batches share the producer's buffers.
pub(crate) fn read_batches(deals: &Bound<'_, PyAny>) -> Result<Vec<RecordBatch>, Failure> {
    let not_a_frame = || {
        invalid_argument(
            "deals",
            "has no __arrow_c_stream__ (pass a polars or pandas DataFrame, a pyarrow Table or an sfa ArrowStream)",
        )
    };
    if !deals.hasattr("__arrow_c_stream__").unwrap_or(false) {
        return Err(not_a_frame());
    }
    let capsule = deals
        .call_method0("__arrow_c_stream__")
        .map_err(|_| invalid_argument("deals", "failed to export its Arrow stream"))?;
    let capsule = capsule.cast::<PyCapsule>().map_err(|_| not_a_frame())?;
    let pointer = capsule
        .pointer_checked(Some(c"arrow_array_stream"))
        .map_err(|_| not_a_frame())?;
    let reader = take_stream(pointer.cast::<FFI_ArrowArrayStream>())
        .map_err(|e| invalid_argument("deals", &format!("is not a readable Arrow stream: {e}")))?;
    let schema = reader.schema();
    let mut batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid_argument("deals", &format!("failed while streaming: {e}")))?;
    if batches.is_empty() {
        // A frame of no rows still has its columns, checked as any other frame's.
        batches.push(RecordBatch::new_empty(schema));
    }
    Ok(batches)
}

/// Moves the stream out of the capsule; the capsule keeps a released (empty) stream,
/// which its destructor then skips, as the Arrow PyCapsule interface prescribes.
#[allow(unsafe_code)]
fn take_stream(
    pointer: NonNull<FFI_ArrowArrayStream>,
) -> Result<RecordBatchStreamReader, arrow_schema::ArrowError> {
    // SAFETY: the capsule was checked to be named `arrow_array_stream`, so it points at
    // an `ArrowArrayStream` the producer owns until someone moves it out; `from_raw`
    // moves it (leaving a released stream behind) and the capsule outlives this call.
    unsafe { RecordBatchStreamReader::from_raw(pointer.as_ptr()) }
}

/// A refused value: the column, why, and the 0-based row when one row is at fault.
fn refused(column: &'static str, reason: Reason, row: Option<usize>) -> Failure {
    let mut failure = Failure::from(ValidationError::single(Entity::Deal, column, reason));
    if let (Some(row), Value::Object(map)) = (row, &mut failure.0) {
        if let Some(Value::String(message)) = map.get_mut("message") {
            message.push_str(&format!(" (row {row})"));
        }
        map.insert("row".into(), Value::from(row));
    }
    failure
}

type Cell<'a, T> = Box<dyn Fn(usize) -> Option<T> + 'a>;

fn column<'a>(batch: &'a RecordBatch, name: &str) -> Option<&'a ArrayRef> {
    batch.column_by_name(name)
}

/// A text column of any of Arrow's three string layouts.
fn text<'a>(name: &'static str, col: &'a ArrayRef) -> Result<Cell<'a, &'a str>, Failure> {
    fn cell<'a, A>(a: A) -> Cell<'a, &'a str>
    where
        A: arrow_array::ArrayAccessor<Item = &'a str> + 'a,
    {
        Box::new(move |i| a.is_valid(i).then(|| a.value(i)))
    }
    match col.data_type() {
        DataType::Utf8 => Ok(cell(col.as_string::<i32>())),
        DataType::LargeUtf8 => Ok(cell(col.as_string::<i64>())),
        DataType::Utf8View => Ok(cell(col.as_string_view())),
        _ => Err(refused(name, Reason::NotAllowed, None)),
    }
}

/// An integer column of any width, as i128.
fn integer<'a>(col: &'a ArrayRef) -> Option<Cell<'a, i128>> {
    macro_rules! widths {
        ($($t:ty),*) => {
            match col.data_type() {
                $(d if *d == <$t as arrow_array::ArrowPrimitiveType>::DATA_TYPE => {
                    let a = col.as_primitive::<$t>();
                    Some(Box::new(move |i| a.is_valid(i).then(|| i128::from(a.value(i)))) as Cell<'a, i128>)
                })*
                _ => None,
            }
        };
    }
    widths!(
        Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type
    )
}

/// A whole percentage: an integer column, or a float column whose values are whole
/// (pandas turns an integer column with gaps into float64, gaps as NaN).
type PercentCell<'a> = Box<dyn Fn(usize) -> Result<Option<i128>, Reason> + 'a>;

fn percent(col: &ArrayRef) -> Result<PercentCell<'_>, Failure> {
    if let Some(int) = integer(col) {
        return Ok(Box::new(move |i| Ok(int(i))));
    }
    fn whole(v: f64) -> Result<Option<i128>, Reason> {
        if v.is_nan() {
            Ok(None)
        } else if v.fract() == 0.0 && (0.0..=100.0).contains(&v) {
            Ok(Some(v as i128))
        } else {
            Err(Reason::OutOfRange)
        }
    }
    match col.data_type() {
        DataType::Float64 => {
            let a = col.as_primitive::<Float64Type>();
            Ok(Box::new(move |i| {
                if a.is_valid(i) {
                    whole(a.value(i))
                } else {
                    Ok(None)
                }
            }))
        }
        DataType::Float32 => {
            let a = col.as_primitive::<Float32Type>();
            Ok(Box::new(move |i| {
                if a.is_valid(i) {
                    whole(f64::from(a.value(i)))
                } else {
                    Ok(None)
                }
            }))
        }
        _ => Err(refused("probability", Reason::NotAllowed, None)),
    }
}

/// Exact money: a decimal (any precision, a scale of 0 to 28) or an integer.
type MoneyCell<'a> = Box<dyn Fn(usize) -> Result<Option<Decimal>, Reason> + 'a>;

fn money<'a>(name: &'static str, col: &'a ArrayRef) -> Result<MoneyCell<'a>, Failure> {
    if let DataType::Decimal128(_, scale) = col.data_type() {
        let scale = u32::try_from(*scale)
            .ok()
            .filter(|s| *s <= 28)
            .ok_or_else(|| refused(name, Reason::InvalidNumber, None))?;
        let a = col.as_primitive::<Decimal128Type>();
        return Ok(Box::new(move |i| {
            a.is_valid(i)
                .then(|| Decimal::try_from_i128_with_scale(a.value(i), scale))
                .transpose()
                .map_err(|_| Reason::OutOfRange)
        }));
    }
    if let Some(int) = integer(col) {
        return Ok(Box::new(move |i| {
            int(i)
                .map(|v| Decimal::try_from_i128_with_scale(v, 0))
                .transpose()
                .map_err(|_| Reason::OutOfRange)
        }));
    }
    // Floats (and anything else) are refused: a float64 amount is not exact.
    Err(refused(name, Reason::InvalidNumber, None))
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");

fn from_days(days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        EPOCH.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        EPOCH.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

/// A date column: `date32` or `date64` (a `datetime` column is refused: cast it to a
/// date first, so no time zone is guessed).
type DateCell<'a> = Box<dyn Fn(usize) -> Result<Option<NaiveDate>, Reason> + 'a>;

fn date<'a>(name: &'static str, col: &'a ArrayRef) -> Result<DateCell<'a>, Failure> {
    match col.data_type() {
        DataType::Date32 => {
            let a = col.as_primitive::<Date32Type>();
            Ok(Box::new(move |i| {
                a.is_valid(i)
                    .then(|| from_days(i64::from(a.value(i))).ok_or(Reason::InvalidDate))
                    .transpose()
            }))
        }
        DataType::Date64 => {
            let a = col.as_primitive::<Date64Type>();
            Ok(Box::new(move |i| {
                a.is_valid(i)
                    .then(|| {
                        from_days(a.value(i).div_euclid(86_400_000)).ok_or(Reason::InvalidDate)
                    })
                    .transpose()
            }))
        }
        _ => Err(refused(name, Reason::InvalidDate, None)),
    }
}

/// The rows of the list column's values that belong to each row.
fn list_ranges<'a>(col: &'a ArrayRef) -> Option<(Cell<'a, Range<usize>>, &'a ArrayRef)> {
    fn of<O: OffsetSizeTrait>(l: &GenericListArray<O>) -> (Cell<'_, Range<usize>>, &ArrayRef) {
        let offsets = l.value_offsets();
        (
            Box::new(move |i| {
                l.is_valid(i)
                    .then(|| offsets[i].as_usize()..offsets[i + 1].as_usize())
            }),
            l.values(),
        )
    }
    match col.data_type() {
        DataType::List(_) => Some(of(col.as_list::<i32>())),
        DataType::LargeList(_) => Some(of(col.as_list::<i64>())),
        _ => None,
    }
}

/// Interns labels without allocating for labels already seen.
#[derive(Default)]
struct Labels(HashMap<String, u32>);

impl Labels {
    fn get(&mut self, label: &str, add: impl FnOnce(&str) -> u32) -> u32 {
        if let Some(&i) = self.0.get(label) {
            return i;
        }
        let i = add(label);
        self.0.insert(label.to_string(), i);
        i
    }
}

/// Reads the frame into a dataset for `request`: the columns its grouping needs must be
/// there; others are read when present.
pub(crate) fn dataset(
    batches: &[RecordBatch],
    request: &ForecastRequest,
    teams: &HashMap<String, Vec<String>>,
) -> Result<Dataset, Failure> {
    let wants = |d: Dimension| request.group_by.contains(&d);
    let mut b = DatasetBuilder::new();
    if wants(Dimension::Team) && teams.is_empty() {
        return Err(invalid_argument(
            "teams",
            "is needed to group by team (each owner's team labels)",
        ));
    }
    for (owner, labels) in teams {
        for team in labels {
            b.owner_in_team(owner, team);
        }
    }
    let (mut owners, mut stages, mut campaigns, mut products) = (
        Labels::default(),
        Labels::default(),
        Labels::default(),
        Labels::default(),
    );
    let mut levels: [Option<u32>; 101] = [None; 101];
    let mut first_row = 0usize;
    for batch in batches {
        let need = |name: &'static str| {
            column(batch, name).ok_or_else(|| refused(name, Reason::Required, None))
        };
        let grouped = |name: &'static str, d: Dimension| -> Result<Option<&ArrayRef>, Failure> {
            match column(batch, name) {
                None if wants(d) => Err(refused(name, Reason::Required, None)),
                found => Ok(found),
            }
        };
        let owner = text("owner_id", need("owner_id")?)?;
        let status = text("status", need("status")?)?;
        let amount = money("amount", need("amount")?)?;
        let expected = date("expected_close_on", need("expected_close_on")?)?;
        let closed = column(batch, "closed_on")
            .map(|c| date("closed_on", c))
            .transpose()?;
        let probability = percent(need("probability")?)?;
        let stage = grouped("stage_id", Dimension::Stage)?
            .map(|c| text("stage_id", c))
            .transpose()?;
        let campaign = grouped("campaign_id", Dimension::Campaign)?
            .map(|c| text("campaign_id", c))
            .transpose()?;
        let lines = grouped("lines", Dimension::Product)?
            .map(lines)
            .transpose()?;
        for i in 0..batch.num_rows() {
            let row = first_row + i;
            let at = |column: &'static str, reason: Reason| refused(column, reason, Some(row));
            let owner_key = owner(i).ok_or_else(|| at("owner_id", Reason::Required))?;
            let owner = owners.get(owner_key, |k| b.owner(k));
            let status = status(i)
                .ok_or(Reason::Required)
                .and_then(DealStatus::parse)
                .map_err(|r| at("status", r))?;
            let percentage = match probability(i).map_err(|r| at("probability", r))? {
                None => None,
                Some(p @ 0..=100) => Some(p as usize),
                Some(_) => return Err(at("probability", Reason::OutOfRange)),
            };
            // A probability is a confidence level of that percentage: the forecast
            // weighs a deal by its level first.
            let confidence = percentage.map(|p| {
                *levels[p].get_or_insert_with(|| b.confidence(&format!("{p}%"), Some(p as i32)))
            });
            let stage = stage
                .as_ref()
                .and_then(|s| s(i))
                .map(|k| stages.get(k, |k| b.stage(k, None)));
            let campaign = campaign
                .as_ref()
                .and_then(|c| c(i))
                .map(|k| campaigns.get(k, |k| b.campaign(k, Decimal::ZERO)));
            let mut items = Vec::new();
            if let Some(lines) = &lines {
                for j in (lines.ranges)(i).unwrap_or(0..0) {
                    let product = (lines.product)(j)
                        .ok_or_else(|| at("lines.product_id", Reason::Required))?;
                    let amount = (lines.amount)(j)
                        .map_err(|r| at("lines.amount", r))?
                        .ok_or_else(|| at("lines.amount", Reason::Required))?;
                    items.push((products.get(product, |k| b.product(k, None)), amount));
                }
            }
            b.deal(DealFacts {
                owner,
                status,
                amount: amount(i).map_err(|r| at("amount", r))?,
                expected_close_on: expected(i).map_err(|r| at("expected_close_on", r))?,
                closed_on: match &closed {
                    Some(c) => c(i).map_err(|r| at("closed_on", r))?,
                    None => None,
                },
                stage,
                confidence,
                campaign,
                lines: items,
            });
        }
        first_row += batch.num_rows();
    }
    Ok(b.finish())
}

/// The `lines` column: for each row, its range of line items, and each item's product
/// and amount.
struct Lines<'a> {
    ranges: Cell<'a, Range<usize>>,
    product: Cell<'a, &'a str>,
    amount: MoneyCell<'a>,
}

fn lines(col: &ArrayRef) -> Result<Lines<'_>, Failure> {
    let (ranges, values) =
        list_ranges(col).ok_or_else(|| refused("lines", Reason::NotAllowed, None))?;
    let items: &StructArray = values
        .as_struct_opt()
        .ok_or_else(|| refused("lines", Reason::NotAllowed, None))?;
    let field = |name: &str, column: &'static str| {
        items
            .column_by_name(name)
            .ok_or_else(|| refused(column, Reason::Required, None))
    };
    Ok(Lines {
        ranges,
        product: text("lines.product_id", field("product_id", "lines.product_id")?)?,
        amount: money("lines.amount", field("amount", "lines.amount")?)?,
    })
}
