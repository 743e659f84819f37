"""An independent check of the `forecast` example: recomputes the weighted forecast of a
deals CSV with Python's decimal module and compares it with the example's JSON lines.

    python3 tests/forecast_check.py DEALS.csv OUTPUT.jsonl --from 2026-11 --to 2027-06 \
        --by owner,product --confidence A=80 --stage 提案=40 ...

Standard library only. Exits 1 and prints the differences when they disagree.
"""

import argparse
import csv
import decimal
import json
import sys
from collections import defaultdict

D = decimal.Decimal
decimal.getcontext().prec = 60
NONE = "(none)"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("deals")
    p.add_argument("output")
    p.add_argument("--from", dest="first", required=True)
    p.add_argument("--to", dest="last", required=True)
    p.add_argument("--by", default="")
    p.add_argument("--confidence", action="append", default=[])
    p.add_argument("--stage", action="append", default=[])
    a = p.parse_args()
    level_pct = {k: int(v) for k, v in (x.rsplit("=", 1) for x in a.confidence)}
    stage_pct = {k: int(v) for k, v in (x.rsplit("=", 1) for x in a.stage)}
    dims = [d for d in a.by.split(",") if d]

    # One deal per id, its lines from every row.
    deals = {}
    order = []
    with open(a.deals, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            deal = deals.get(row["id"])
            if deal is None:
                deal = {**row, "lines": []}
                deals[row["id"]] = deal
                order.append(row["id"])
            if row["product_code"]:
                deal["lines"].append((row["product_code"], D(row["line_amount"])))

    groups = defaultdict(lambda: {"deal_count": 0, "won_count": 0, "pipeline": D(0),
                                  "weighted": D(0), "won": D(0)})
    for deal in (deals[i] for i in order):
        if deal["status"] == "open":
            date, won = deal["expected_close_on"], False
        elif deal["status"] == "won":
            date, won = deal["closed_on"], True
        else:
            continue
        month = date[:7]
        if not date or month < a.first or month > a.last:
            continue
        amount = D(deal["amount"]) if deal["amount"] else D(0)
        pct = None
        if deal["confidence"]:
            pct = level_pct.get(deal["confidence"])
        elif deal["stage"]:
            pct = stage_pct.get(deal["stage"])
        # The combinations of dimension values, with the money each carries.
        combos = [((), None)]
        for dim in dims:
            if dim == "product":
                values = [(code, share) for code, share in deal["lines"]] or [(NONE, None)]
            else:
                column = {"owner": "owner_email", "stage": "stage", "campaign": "campaign"}[dim]
                values = [(deal[column] or NONE, None)]
            combos = [(key + (v,), s if s is not None else share)
                      for key, share in combos for v, s in values]
        for key, share in combos:
            money = amount if share is None else share
            g = groups[(month,) + key]
            if won:
                g["won_count"] += 1
                g["won"] += money
            else:
                g["deal_count"] += 1
                g["pipeline"] += money
                if pct is not None:
                    g["weighted"] += money * D(pct) / D(100)

    got = {}
    with open(a.output, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            key = (r["month"],) + tuple(r[d] for d in dims)
            got[key] = r
    problems = []
    if set(got) != set(groups):
        problems.append(f"groups differ: only ours {sorted(set(groups) - set(got))}, "
                        f"only the example's {sorted(set(got) - set(groups))}")
    for key, g in groups.items():
        r = got.get(key)
        if r is None:
            continue
        for field in ("deal_count", "won_count"):
            if r[field] != g[field]:
                problems.append(f"{key} {field}: {r[field]} != {g[field]}")
        for field in ("pipeline", "weighted", "won"):
            if D(r[field]) != g[field]:
                problems.append(f"{key} {field}: {r[field]} != {g[field]}")
        if D(r["expected"]) != g["won"] + g["weighted"]:
            problems.append(f"{key} expected: {r['expected']}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"forecast check: {len(groups)} groups by month{''.join(',' + d for d in dims)} agree exactly")


if __name__ == "__main__":
    main()
