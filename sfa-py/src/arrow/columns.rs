//! A record's fields as Arrow columns, by the Rust type of each field: the generated
//! [`super::records`] names the fields (read from sfa-core's sources), the compiler
//! picks each column's type here, so a new field type without a column fails to build
//! instead of being left out.
//!
//! Text and ids are `utf8`, enums their stored names, money `decimal128(38, 4)`, dates
//! `date32`, instants `timestamp[ms, UTC]`, lists of ids `list<utf8>`; weighted money
//! (an expected value) `decimal128(38, 6)`. Ratios (a
//! campaign's ROI, a level's observed win rate) are `float64`: they are not money, and
//! their 28 significant digits fit no one Arrow decimal scale.

use std::fmt::Write as _;
use std::sync::Arc;

use arrow_array::ArrayRef;
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int32Builder,
    Int64Builder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_schema::{ArrowError, DataType, Field, TimeUnit};
use chrono::NaiveDate;
use sfa_core::Decimal;

use super::{MONEY, day, money, units};

/// A field type that has an Arrow column.
pub(crate) trait Column {
    /// The builder of its column.
    type Builder: ArrayBuilder;
    /// A new builder.
    fn builder() -> Self::Builder;
    /// The column's Arrow type.
    fn data_type() -> DataType;
    /// Whether the column holds nulls (`Option` fields).
    const NULLABLE: bool = false;
    /// Appends the value.
    fn append(&self, b: &mut Self::Builder) -> Result<(), ArrowError>;
    /// Appends a null (for `Option<Self>`).
    fn append_null(b: &mut Self::Builder);
}

impl<T: Column> Column for Option<T> {
    type Builder = T::Builder;
    fn builder() -> Self::Builder {
        T::builder()
    }
    fn data_type() -> DataType {
        T::data_type()
    }
    const NULLABLE: bool = true;
    fn append(&self, b: &mut Self::Builder) -> Result<(), ArrowError> {
        match self {
            Some(v) => v.append(b),
            None => {
                T::append_null(b);
                Ok(())
            }
        }
    }
    fn append_null(b: &mut Self::Builder) {
        T::append_null(b);
    }
}

impl<T: Column> Column for Vec<T> {
    type Builder = ListBuilder<T::Builder>;
    fn builder() -> Self::Builder {
        ListBuilder::new(T::builder()).with_field(item::<T>())
    }
    fn data_type() -> DataType {
        DataType::List(Arc::new(item::<T>()))
    }
    fn append(&self, b: &mut Self::Builder) -> Result<(), ArrowError> {
        for v in self {
            v.append(b.values())?;
        }
        b.append(true);
        Ok(())
    }
    fn append_null(b: &mut Self::Builder) {
        b.append_null();
    }
}

fn item<T: Column>() -> Field {
    Field::new("item", T::data_type(), T::NULLABLE)
}

/// Text columns: how each type appends itself to a `StringBuilder`.
macro_rules! utf8 {
    ($($t:ty => |$value:ident, $b:ident| $append:expr;)*) => {$(
        impl Column for $t {
            type Builder = StringBuilder;
            fn builder() -> StringBuilder {
                StringBuilder::new()
            }
            fn data_type() -> DataType {
                DataType::Utf8
            }
            fn append(&self, builder: &mut StringBuilder) -> Result<(), ArrowError> {
                let ($value, $b) = (self, builder);
                $append
            }
            fn append_null(b: &mut StringBuilder) {
                b.append_null();
            }
        }
    )*};
}

/// Types written as their `Display` text (ids, enums' stored names).
macro_rules! as_text {
    ($($t:ty),* $(,)?) => {
        utf8!($($t => |value, b| {
            write!(b, "{value}").map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
            b.append_value("");
            Ok(())
        };)*);
    };
}

// Text as it is, with no formatting per value.
utf8!(String => |value, b| {
    b.append_value(value);
    Ok(())
};);

as_text!(
    sfa_core::CompanyId,
    sfa_core::PersonId,
    sfa_core::UserId,
    sfa_core::InteractionId,
    sfa_core::TaskId,
    sfa_core::DealId,
    sfa_core::InteractionKind,
    sfa_core::InteractionStatus,
    sfa_core::TaskKind,
    sfa_core::TaskStatus,
);

/// Plain values with a primitive builder.
macro_rules! primitive {
    ($($t:ty => $builder:ty, $dt:expr;)*) => {$(
        impl Column for $t {
            type Builder = $builder;
            fn builder() -> $builder {
                <$builder>::new()
            }
            fn data_type() -> DataType {
                $dt
            }
            fn append(&self, b: &mut $builder) -> Result<(), ArrowError> {
                b.append_value(*self);
                Ok(())
            }
            fn append_null(b: &mut $builder) {
                b.append_null();
            }
        }
    )*};
}

primitive! {
    bool => BooleanBuilder, DataType::Boolean;
    i64 => Int64Builder, DataType::Int64;
    i32 => Int32Builder, DataType::Int32;
}

impl Column for Decimal {
    type Builder = Decimal128Builder;
    fn builder() -> Decimal128Builder {
        money()
    }
    fn data_type() -> DataType {
        MONEY
    }
    fn append(&self, b: &mut Decimal128Builder) -> Result<(), ArrowError> {
        b.append_value(units(*self)?);
        Ok(())
    }
    fn append_null(b: &mut Decimal128Builder) {
        b.append_null();
    }
}

impl Column for NaiveDate {
    type Builder = Date32Builder;
    fn builder() -> Date32Builder {
        Date32Builder::new()
    }
    fn data_type() -> DataType {
        DataType::Date32
    }
    fn append(&self, b: &mut Date32Builder) -> Result<(), ArrowError> {
        b.append_value(day(*self));
        Ok(())
    }
    fn append_null(b: &mut Date32Builder) {
        b.append_null();
    }
}

impl Column for sfa_core::Timestamp {
    type Builder = TimestampMillisecondBuilder;
    fn builder() -> TimestampMillisecondBuilder {
        super::instant()
    }
    fn data_type() -> DataType {
        DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
    }
    fn append(&self, b: &mut TimestampMillisecondBuilder) -> Result<(), ArrowError> {
        b.append_value(self.timestamp_millis());
        Ok(())
    }
    fn append_null(b: &mut TimestampMillisecondBuilder) {
        b.append_null();
    }
}

/// The column of one field of `records`.
pub(crate) fn column<R, T: Column>(
    name: &str,
    records: &[R],
    get: impl Fn(&R) -> &T,
) -> Result<(Field, ArrayRef), ArrowError> {
    let mut b = T::builder();
    for r in records {
        get(r).append(&mut b)?;
    }
    Ok((Field::new(name, T::data_type(), T::NULLABLE), b.finish()))
}

/// The column of a ratio field (`Option<Decimal>`), as `float64`.
pub(crate) fn ratio<R>(
    name: &str,
    records: &[R],
    get: impl Fn(&R) -> &Option<Decimal>,
) -> Result<(Field, ArrayRef), ArrowError> {
    let mut b = Float64Builder::new();
    for r in records {
        b.append_option(get(r).map(|d| f64::try_from(d).unwrap_or(f64::NAN)));
    }
    Ok((
        Field::new(name, DataType::Float64, true),
        Arc::new(b.finish()),
    ))
}

/// The column of a weighted money field (an amount times a whole percentage over 100:
/// six places), as `decimal128(38, 6)`.
pub(crate) fn weighted<R>(
    name: &str,
    records: &[R],
    get: impl Fn(&R) -> &Decimal,
) -> Result<(Field, ArrayRef), ArrowError> {
    let mut b = Decimal128Builder::new().with_data_type(super::WEIGHTED);
    for r in records {
        b.append_value(super::units_at(*get(r), 6)?);
    }
    Ok((
        Field::new(name, super::WEIGHTED, false),
        Arc::new(b.finish()),
    ))
}

/// `fn $name(records: &[$record]) -> Result<RecordBatch, ArrowError>`: one column per
/// listed field, in order; `field: via` builds that field's column with `via` (e.g.
/// [`ratio`]) instead of its type's [`Column`].
macro_rules! record_batch {
    ($name:ident, $record:ty { $($field:ident $(: $via:ident)?),* $(,)? }) => {
        pub(crate) fn $name(
            records: &[$record],
        ) -> Result<arrow_array::RecordBatch, arrow_schema::ArrowError> {
            let (fields, columns): (Vec<arrow_schema::Field>, Vec<arrow_array::ArrayRef>) = [
                $($crate::arrow::columns::record_batch!(@column records, $record, $field $(: $via)?)),*
            ]
            .into_iter()
            .collect::<Result<Vec<_>, arrow_schema::ArrowError>>()?
            .into_iter()
            .unzip();
            arrow_array::RecordBatch::try_new(
                std::sync::Arc::new(arrow_schema::Schema::new(fields)),
                columns,
            )
        }
    };
    (@column $records:ident, $record:ty, $field:ident) => {
        $crate::arrow::columns::column(stringify!($field), $records, |r: &$record| &r.$field)
    };
    (@column $records:ident, $record:ty, $field:ident : $via:ident) => {
        $crate::arrow::columns::$via(stringify!($field), $records, |r: &$record| &r.$field)
    };
}

pub(crate) use record_batch;
