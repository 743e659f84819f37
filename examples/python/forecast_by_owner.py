"""Open the database the Rust demo wrote and print the forecast by month and owner as a
pandas DataFrame, with owners' names and exact Decimal money.

    cargo run --example demo                       # writes target/sfa-demo.sqlite
    python examples/python/forecast_by_owner.py target/sfa-demo.sqlite

Needs the `sfa` package (`maturin build -m sfa-py/Cargo.toml`, then pip install the
wheel) and pandas.
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import sfa


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "target/sfa-demo.sqlite"
    db = sfa.Sfa.open(path)
    me = db.session_by_email("admin@demo.example.jp")
    names = {u.id: u.name for u in me.list_users()}
    today = date.today()
    first = today.replace(day=1)
    last = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
    rows = me.forecast(sfa.ForecastRequest(first_month=first, last_month=last, group_by=[sfa.Dimension.OWNER]))
    frame = sfa.to_frame(rows)
    frame["owner"] = frame["owner"].map(names)
    frame = frame[["month", "owner", "deal_count", "pipeline", "weighted", "won", "expected"]]
    print(f"Forecast {first:%Y-%m} to {last:%Y-%m} from {path} (exact Decimal amounts):")
    print(frame.to_string(index=False))
    total = frame["expected"].sum()
    print(f"expected revenue over the period: ¥{total.quantize(Decimal(1), ROUND_HALF_UP):,} (exact: {total})")


if __name__ == "__main__":
    main()
