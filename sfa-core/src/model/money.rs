//! Money, quantities and percentages: exact decimals (`rust_decimal`), never floats.
//! Amounts are stored as their decimal text (`1234.5`).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::Reason;

/// The most decimal places an amount, price or quantity may have.
pub const MAX_DECIMAL_PLACES: u32 = 4;

/// Amounts and prices must be below this (one quadrillion).
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);

/// Quantities must be below this (one billion).
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// An amount or price: not negative, at most [`MAX_DECIMAL_PLACES`] places, below
/// [`MAX_AMOUNT`]. Trailing zeros are dropped (`100.50` -> `100.5`).
pub(crate) fn check_amount(value: Decimal) -> Result<Decimal, Reason> {
    if value.is_sign_negative() && !value.is_zero() {
        return Err(Reason::Negative);
    }
    bounded(value, MAX_AMOUNT)
}

/// A quantity: more than zero, at most [`MAX_DECIMAL_PLACES`] places, below
/// [`MAX_QUANTITY`].
pub(crate) fn check_quantity(value: Decimal) -> Result<Decimal, Reason> {
    if value <= Decimal::ZERO {
        return Err(Reason::NotPositive);
    }
    bounded(value, MAX_QUANTITY)
}

fn bounded(value: Decimal, max: Decimal) -> Result<Decimal, Reason> {
    let value = value.normalize();
    if value.scale() > MAX_DECIMAL_PLACES {
        Err(Reason::TooPrecise {
            max_places: MAX_DECIMAL_PLACES,
        })
    } else if value.abs() >= max {
        Err(Reason::OutOfRange)
    } else {
        Ok(value)
    }
}

/// A line item's amount: quantity x unit price, rounded half away from zero (四捨五入)
/// to [`MAX_DECIMAL_PLACES`] places (1.5 x 0.0001 = 0.00015 is 0.0002), refused with
/// [`Reason::OutOfRange`] when it reaches [`MAX_AMOUNT`].
pub(crate) fn line_amount(quantity: Decimal, unit_price: Decimal) -> Result<Decimal, Reason> {
    let exact = quantity.checked_mul(unit_price).ok_or(Reason::OutOfRange)?;
    let rounded = exact
        .round_dp_with_strategy(MAX_DECIMAL_PLACES, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if rounded.abs() >= MAX_AMOUNT {
        return Err(Reason::OutOfRange);
    }
    Ok(rounded)
}

/// The exact sum of amounts, refused with [`Reason::OutOfRange`] when it reaches
/// [`MAX_AMOUNT`] (so a stored total is always a valid amount).
pub(crate) fn sum_amounts(amounts: impl IntoIterator<Item = Decimal>) -> Result<Decimal, Reason> {
    let mut total = Decimal::ZERO;
    for amount in amounts {
        total = total.checked_add(amount).ok_or(Reason::OutOfRange)?;
        if total.abs() >= MAX_AMOUNT {
            return Err(Reason::OutOfRange);
        }
    }
    Ok(total.normalize())
}

/// A percentage: a whole number from 0 to 100.
pub(crate) fn check_percentage(value: i32) -> Result<i32, Reason> {
    if (0..=100).contains(&value) {
        Ok(value)
    } else {
        Err(Reason::OutOfRange)
    }
}

/// Parses decimal text as written in a CSV file (`1,234.5`, `１２３４`, `¥1,200`).
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, Reason> {
    let folded = crate::normalize::fold_width(text.trim());
    let cleaned: String = folded
        .chars()
        .filter(|c| !matches!(c, ',' | '¥' | '￥' | '円' | ' '))
        .collect();
    cleaned
        .parse::<Decimal>()
        .map_err(|_| Reason::InvalidNumber)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn limits_are_what_they_say() {
        assert_eq!(MAX_AMOUNT, d("1000000000000000"));
        assert_eq!(MAX_QUANTITY, d("1000000000"));
    }

    #[test]
    fn amounts_are_exact_and_bounded() {
        assert_eq!(check_amount(d("100.50")), Ok(d("100.5")));
        assert_eq!(check_amount(d("0")), Ok(d("0")));
        assert_eq!(check_amount(d("-1")), Err(Reason::Negative));
        assert_eq!(
            check_amount(d("0.00001")),
            Err(Reason::TooPrecise { max_places: 4 })
        );
        assert_eq!(check_amount(d("0.10000")), Ok(d("0.1")));
        assert_eq!(check_amount(d("1e15")), Err(Reason::OutOfRange));
        assert_eq!(
            check_amount(d("999999999999999.9999")).map(|v| v.scale()),
            Ok(4)
        );
    }

    #[test]
    fn line_amounts_round_half_away_from_zero_and_stay_in_range() {
        assert_eq!(line_amount(d("1.5"), d("0.0001")), Ok(d("0.0002")));
        assert_eq!(line_amount(d("1.5"), d("0.0003")), Ok(d("0.0005")));
        assert_eq!(line_amount(d("0.3333"), d("0.0003")), Ok(d("0.0001")));
        assert_eq!(line_amount(d("3"), d("0.1")), Ok(d("0.3")));
        assert_eq!(
            line_amount(d("1"), d("999999999999999.9999")).map(|v| v.scale()),
            Ok(4)
        );
        assert_eq!(
            line_amount(d("999999999"), d("999999999999999")),
            Err(Reason::OutOfRange)
        );
        assert_eq!(
            line_amount(d("2"), d("500000000000000")),
            Err(Reason::OutOfRange)
        );
    }

    #[test]
    fn sums_refuse_to_leave_the_amount_range() {
        assert_eq!(sum_amounts([d("0.1"), d("0.2")]), Ok(d("0.3")));
        assert_eq!(
            sum_amounts([d("900000000000000"), d("900000000000000")]),
            Err(Reason::OutOfRange)
        );
        assert_eq!(sum_amounts([]), Ok(d("0")));
    }

    #[test]
    fn quantities_must_be_positive() {
        assert_eq!(check_quantity(d("0")), Err(Reason::NotPositive));
        assert_eq!(check_quantity(d("-2")), Err(Reason::NotPositive));
        assert_eq!(check_quantity(d("2.5")), Ok(d("2.5")));
    }

    #[test]
    fn percentages_are_0_to_100() {
        assert_eq!(check_percentage(0), Ok(0));
        assert_eq!(check_percentage(100), Ok(100));
        assert_eq!(check_percentage(101), Err(Reason::OutOfRange));
        assert_eq!(check_percentage(-1), Err(Reason::OutOfRange));
    }

    #[test]
    fn csv_numbers_as_people_write_them() {
        assert_eq!(parse_decimal("1,234.5"), Ok(d("1234.5")));
        assert_eq!(parse_decimal("￥１，２００"), Ok(d("1200")));
        assert_eq!(parse_decimal("1200円"), Ok(d("1200")));
        assert_eq!(parse_decimal("abc"), Err(Reason::InvalidNumber));
    }
}
