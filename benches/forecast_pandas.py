"""The pandas side of `cargo bench --bench forecast`: the same monthly forecast by owner,
computed four ways, with timings and the exact result printed as JSON on stdout.

    python forecast_pandas.py DIR FIRST_MONTH LAST_MONTH

DIR holds deals.csv, stages.csv, confidences.csv (written by the Rust benchmark) and
team.sqlite (the same deals in the library's database). Months are YYYY-MM.

1. float64 groupby on a frame loaded beforehand (the usual analyst's way);
2. exact decimal.Decimal arithmetic on a frame loaded beforehand (object columns);
3. read_csv + float64 groupby, end to end;
4. read_sql (sqlite3) + float64 groupby, end to end;
5. when polars is installed: read_csv + the same forecast in polars, end to end, with
   float64 money and with exact Decimal(38, 4) money;
6. when duckdb is installed: read_csv + the same forecast in DuckDB SQL with exact
   DECIMAL(38, 4) money, end to end;
7. when the `sfa` package is installed: the library's own forecast called from Python
   (open the database, forecast by month x owner), end to end, for the overhead of the
   bindings over the Rust figure, and every deal exported as Arrow record batches into
   a polars DataFrame;
8. when `sfa` and polars are installed: read_csv in polars (exact Decimal(38, 4) money,
   dates, the probability joined in) and the library's forecast of that frame
   (`sfa.forecast(frame, ...)`, Arrow in), end to end.

The rule is the library's: an open deal counts in the month of its expected close date
with probability = its confidence level's percentage, else its stage's default, else
none (pipeline only); a won deal counts as won in the month it closed.
"""

import decimal
import json
import sqlite3
import sys
import time

import pandas as pd

decimal.getcontext().prec = 60
D = decimal.Decimal
HUNDRED = D(100)


def load_csv(d):
    deals = pd.read_csv(
        f"{d}/deals.csv",
        dtype={"owner": str, "status": str, "amount": str, "expected_close_on": str,
               "closed_on": str, "stage": str, "confidence": str},
        keep_default_na=False,
    )
    stages = pd.read_csv(f"{d}/stages.csv", dtype={"stage": str}, keep_default_na=False)
    levels = pd.read_csv(f"{d}/confidences.csv", dtype={"confidence": str}, keep_default_na=False)
    return deals, stages, levels


def load_sql(d):
    con = sqlite3.connect(f"{d}/team.sqlite")
    deals = pd.read_sql_query(
        "SELECT owner_id AS owner, status, amount, expected_close_on, closed_on, "
        "stage_id AS stage, confidence_id AS confidence FROM deals", con)
    stages = pd.read_sql_query(
        "SELECT id AS stage, default_percentage AS stage_pct FROM stages", con)
    levels = pd.read_sql_query(
        "SELECT id AS confidence, percentage AS confidence_pct FROM confidences", con)
    con.close()
    return deals, stages, levels


def prepare(deals, stages, levels):
    """Probabilities and months, the same for both arithmetics."""
    m = deals.merge(levels, how="left", on="confidence").merge(stages, how="left", on="stage")
    m["pct"] = pd.to_numeric(m["confidence_pct"], errors="coerce").fillna(
        pd.to_numeric(m["stage_pct"], errors="coerce"))
    m["open_month"] = m["expected_close_on"].fillna("").astype(str).str[:7]
    m["won_month"] = m["closed_on"].fillna("").astype(str).str[:7]
    return m


def forecast_float(m, first, last):
    amount = pd.to_numeric(m["amount"], errors="coerce").fillna(0.0)
    is_open = (m["status"] == "open") & (m["open_month"] >= first) & (m["open_month"] <= last)
    is_won = (m["status"] == "won") & (m["won_month"] >= first) & (m["won_month"] <= last)
    o = pd.DataFrame({"month": m["open_month"][is_open], "owner": m["owner"][is_open],
                      "pipeline": amount[is_open],
                      "weighted": (amount * m["pct"].fillna(0) / 100.0)[is_open]})
    w = pd.DataFrame({"month": m["won_month"][is_won], "owner": m["owner"][is_won],
                      "won": amount[is_won]})
    og = o.groupby(["month", "owner"]).agg(deal_count=("pipeline", "size"),
                                           pipeline=("pipeline", "sum"),
                                           weighted=("weighted", "sum"))
    wg = w.groupby(["month", "owner"]).agg(won_count=("won", "size"), won=("won", "sum"))
    out = og.join(wg, how="outer").fillna(0)
    out["expected"] = out["won"] + out["weighted"]
    return out


def forecast_decimal(m, first, last):
    is_open = (m["status"] == "open") & (m["open_month"] >= first) & (m["open_month"] <= last)
    is_won = (m["status"] == "won") & (m["won_month"] >= first) & (m["won_month"] <= last)
    amount = m["amount"].map(lambda s: D(s) if s not in ("", None) else D(0))
    pct = m["pct"].map(lambda p: None if p != p else D(int(p)))
    weighted = [a * p / HUNDRED if p is not None else D(0) for a, p in zip(amount, pct)]
    o = pd.DataFrame({"month": m["open_month"][is_open], "owner": m["owner"][is_open],
                      "pipeline": amount[is_open],
                      "weighted": pd.Series(weighted, index=m.index, dtype=object)[is_open]})
    w = pd.DataFrame({"month": m["won_month"][is_won], "owner": m["owner"][is_won],
                      "won": amount[is_won]})
    og = o.groupby(["month", "owner"]).agg(deal_count=("pipeline", "size"),
                                           pipeline=("pipeline", "sum"),
                                           weighted=("weighted", "sum"))
    wg = w.groupby(["month", "owner"]).agg(won_count=("won", "size"), won=("won", "sum"))
    return og, wg


def polars_csv(d):
    """The three CSV files in polars, every deal column as text (parsed by the caller)."""
    import polars as pl

    text = {c: pl.Utf8 for c in ("owner", "status", "amount", "expected_close_on",
                                 "closed_on", "stage", "confidence")}
    deals = pl.read_csv(f"{d}/deals.csv", schema_overrides=text)
    stages = pl.read_csv(f"{d}/stages.csv", schema_overrides={"stage": pl.Utf8})
    levels = pl.read_csv(f"{d}/confidences.csv", schema_overrides={"confidence": pl.Utf8})
    return deals, stages, levels


def polars_end_to_end(d, first, last, exact):
    """read_csv + join + filter + group in polars; money Float64 or Decimal(38, 4)."""
    import polars as pl

    money = pl.Decimal(38, 4) if exact else pl.Float64
    deals, stages, levels = polars_csv(d)
    m = (deals.join(levels, on="confidence", how="left").join(stages, on="stage", how="left")
         .with_columns(
             amount=pl.col("amount").cast(money).fill_null(0),
             pct=pl.coalesce("confidence_pct", "stage_pct"),
             open_month=pl.col("expected_close_on").str.slice(0, 7),
             won_month=pl.col("closed_on").str.slice(0, 7)))
    o = (m.filter((pl.col("status") == "open") & pl.col("open_month").is_between(pl.lit(first), pl.lit(last)))
         .group_by("open_month", "owner")
         .agg(deal_count=pl.len(), pipeline=pl.col("amount").sum(),
              weighted=(pl.col("amount") * pl.col("pct").fill_null(0).cast(money)).sum())
         .with_columns(pl.col("weighted") / 100))
    w = (m.filter((pl.col("status") == "won") & pl.col("won_month").is_between(pl.lit(first), pl.lit(last)))
         .group_by("won_month", "owner")
         .agg(won_count=pl.len(), won=pl.col("amount").sum()))
    return o.height + w.height


def sfa_frame_end_to_end(d, first, last):
    """read_csv in polars, then the library's exact forecast of the frame (Arrow in)."""
    import datetime as dt

    import polars as pl
    import sfa

    deals, stages, levels = polars_csv(d)
    frame = (deals.join(levels, on="confidence", how="left").join(stages, on="stage", how="left")
             .select(owner_id="owner", status="status",
                     amount=pl.col("amount").cast(pl.Decimal(38, 4)),
                     expected_close_on=pl.col("expected_close_on").str.to_date("%Y-%m-%d"),
                     closed_on=pl.col("closed_on").str.to_date("%Y-%m-%d"),
                     probability=pl.coalesce("confidence_pct", "stage_pct")))
    y1, m1 = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    return sfa.forecast(frame, sfa.ForecastRequest(
        first_month=dt.date(y1, m1, 1), last_month=dt.date(y2, m2, 1), group_by=["owner"]))


def duckdb_end_to_end(d, first, last):
    """read_csv + the forecast in DuckDB SQL, exact DECIMAL(38, 4) money."""
    import duckdb

    con = duckdb.connect()
    rows = con.execute(f"""
        WITH m AS (
          SELECT owner, status, CAST(COALESCE(NULLIF(amount, ''), '0') AS DECIMAL(38, 4)) AS amount,
                 substr(expected_close_on, 1, 7) AS open_month,
                 substr(closed_on, 1, 7) AS won_month,
                 COALESCE(c.confidence_pct, s.stage_pct) AS pct
          FROM read_csv('{d}/deals.csv', all_varchar = true) d
          LEFT JOIN read_csv('{d}/confidences.csv', all_varchar = true) c USING (confidence)
          LEFT JOIN read_csv('{d}/stages.csv', all_varchar = true) s USING (stage))
        SELECT open_month, owner, count(*), sum(amount),
               sum(amount * CAST(COALESCE(NULLIF(pct, ''), '0') AS INTEGER) / 100)
        FROM m WHERE status = 'open' AND open_month BETWEEN '{first}' AND '{last}'
        GROUP BY ALL
        UNION ALL
        SELECT won_month, owner, count(*), sum(amount), 0
        FROM m WHERE status = 'won' AND won_month BETWEEN '{first}' AND '{last}'
        GROUP BY ALL""").fetchall()
    return len(rows)


def optional_runs(f, *args):
    """Median of three runs of `f`, or None when its package is not installed."""
    try:
        runs = [timed(lambda: f(*args)) for _ in range(3)]
    except ImportError:
        return None
    return sorted(t for _, t in runs)[1]


def text(d):
    return format(d.normalize(), "f")


def same(rows, exact):
    """True when the library's rows equal the exact pandas groups, digit for digit."""
    if len(rows) != len(exact):
        return False
    for r in rows:
        g = exact.get(f"{r.month}|{r.owner}")
        if g is None or (r.deal_count, r.won_count) != (g["deal_count"], g["won_count"]):
            return False
        if (r.pipeline, r.weighted, r.won) != (D(g["pipeline"]), D(g["weighted"]), D(g["won"])):
            return False
    return True


def timed(f):
    start = time.perf_counter()
    value = f()
    return value, time.perf_counter() - start


def main():
    d, first, last = sys.argv[1], sys.argv[2], sys.argv[3]
    deals, stages, levels = load_csv(d)
    m = prepare(deals, stages, levels)

    _, float_s = timed(lambda: forecast_float(prepare(deals, stages, levels), first, last))
    (og, wg), decimal_s = timed(lambda: forecast_decimal(prepare(deals, stages, levels), first, last))
    _, csv_s = timed(lambda: forecast_float(prepare(*load_csv(d)), first, last))
    _, sql_s = timed(lambda: forecast_float(prepare(*load_sql(d)), first, last))

    polars_float_s = optional_runs(polars_end_to_end, d, first, last, False)
    polars_exact_s = optional_runs(polars_end_to_end, d, first, last, True)
    duckdb_s = optional_runs(duckdb_end_to_end, d, first, last)

    sfa_s = None
    sfa_rows = None
    arrow_s = None
    frame_s = None
    frame_rows = None
    try:
        import datetime as dt

        import sfa
    except ImportError:
        sfa = None
    if sfa is not None:
        def library():
            db = sfa.Sfa.open(f"{d}/team.sqlite")
            me = db.session_by_email("bench@example.jp")
            y1, m1 = map(int, first.split("-"))
            y2, m2 = map(int, last.split("-"))
            return me.forecast(sfa.ForecastRequest(
                first_month=dt.date(y1, m1, 1), last_month=dt.date(y2, m2, 1), group_by=["owner"]))
        runs = [timed(library) for _ in range(3)]
        sfa_rows = runs[0][0]
        sfa_s = sorted(t for _, t in runs)[1]

        def deals_as_arrow():
            db = sfa.Sfa.open(f"{d}/team.sqlite")
            stream = db.session_by_email("bench@example.jp").deals_arrow()
            try:
                import polars as pl

                return pl.DataFrame(stream).height
            except ImportError:
                return len(stream)
        arrow_rows, arrow_s = timed(deals_as_arrow)
        try:
            frame_runs = [timed(lambda: sfa_frame_end_to_end(d, first, last)) for _ in range(3)]
            frame_rows = frame_runs[0][0]
            frame_s = sorted(t for _, t in frame_runs)[1]
        except ImportError:
            pass

    exact = {}
    for (month, owner), r in og.iterrows():
        exact[f"{month}|{owner}"] = {
            "deal_count": int(r["deal_count"]), "pipeline": text(r["pipeline"]),
            "weighted": text(r["weighted"]), "won_count": 0, "won": "0"}
    for (month, owner), r in wg.iterrows():
        row = exact.setdefault(f"{month}|{owner}", {
            "deal_count": 0, "pipeline": "0", "weighted": "0"})
        row["won_count"] = int(r["won_count"])
        row["won"] = text(r["won"])
    print(json.dumps({
        "pandas": pd.__version__,
        "rows": len(deals),
        "float_preloaded_s": float_s,
        "decimal_preloaded_s": decimal_s,
        "read_csv_end_to_end_s": csv_s,
        "read_sql_end_to_end_s": sql_s,
        "polars_read_csv_float_end_to_end_s": polars_float_s,
        "polars_read_csv_decimal_end_to_end_s": polars_exact_s,
        "duckdb_read_csv_decimal_end_to_end_s": duckdb_s,
        "sfa_python_end_to_end_s": sfa_s,
        "sfa_deals_arrow_s": arrow_s,
        "sfa_python_rows_equal_exact": None if sfa_rows is None else same(sfa_rows, exact),
        "sfa_frame_end_to_end_s": frame_s,
        "sfa_frame_rows_equal_exact": None if frame_rows is None else same(frame_rows, exact),
        "exact": exact,
    }))


if __name__ == "__main__":
    main()
