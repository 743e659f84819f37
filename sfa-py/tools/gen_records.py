"""Generates sfa-py/python/sfa/_records.py: one dataclass per sfa-core record, read from
the Rust sources, so the Python types stay in step with the core.

    python3 sfa-py/tools/gen_records.py          # rewrite the file
    python3 sfa-py/tools/gen_records.py --check  # exit 1 if it is out of date
"""

import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
from core_records import ROOT, sources, stored_enums, structs, write_or_check  # noqa: E402

OUT = ROOT / "sfa-py" / "python" / "sfa" / "_records.py"

# The records, in dependency order (a record appears after those it contains).
RECORDS = [
    "UserInput", "User", "CompanyInput", "Company", "PersonInput", "Person",
    "CompanyLinks", "ContactLinks", "PageRequest", "SearchRequest", "SearchHit",
    "InteractionInput", "Interaction", "ReportInput", "TaskInput", "Task", "Notification",
    "AgendaRequest", "AgendaTask", "Agenda", "CampaignInput", "Campaign", "StageInput",
    "Stage", "ConfidenceInput", "Confidence", "ProductCategoryInput", "ProductCategory",
    "ProductInput", "Product", "DealLineInput", "DealLine", "DealInput", "Deal",
    "ForecastRequest", "ForecastRow", "ProductRow", "CategoryRow", "CampaignRow",
    "CalibrationRow", "RangeRequest", "ForecastRange", "TeamInput", "Team", "BoardRequest",
    "MemberBoard", "TeamBoard", "BusinessCard", "DuplicateHint", "CardPhone", "CardDraft",
    "ImportOptions", "ExportOptions", "RecordProblem", "IndexCheck", "SyncStatus",
    "SyncReport",
]

# Records a caller builds: every field gets a default.
INPUTS = {n for n in RECORDS if n.endswith(("Input", "Request", "Options"))}

# Defaults that differ from the type's zero (the core's Default impls).
DEFAULTS = {
    ("PageRequest", "limit"): "50",
    ("SearchRequest", "limit"): "20",
    ("SearchRequest", "scope"): '"All"',
    ("RangeRequest", "trials"): "10_000",
    ("RangeRequest", "seed"): "1",
    ("ImportOptions", "encoding"): '"Auto"',
    ("UserInput", "role"): '"member"',
    ("UserInput", "active"): "True",
    ("ExportOptions", "encoding"): '"Auto"',
}

# Input fields with no default: a value standing in for them would give a silent,
# wrong answer (a forecast of January 1970). Each must come before the fields that
# have defaults (dataclasses; the generator checks).
REQUIRED = {
    ("ForecastRequest", "first_month"),
    ("ForecastRequest", "last_month"),
    ("RangeRequest", "first_month"),
    ("RangeRequest", "last_month"),
}

# Records with an `input()` (the core's editable fields of a record), and its type.
INPUT_OF = {
    "Company": "CompanyInput",
    "Person": "PersonInput",
    "Deal": "DealInput",
    "Task": "TaskInput",
    "Interaction": "InteractionInput",
}

PLAIN_ENUMS = {
    "SearchScope": ["Companies", "Persons", "All"],
    "HitKind": ["Company", "Person"],
    "CsvEncoding": ["Auto", "Utf8", "Utf8WithBom", "ShiftJis"],
    "Role": ["admin", "member"],
    "PhoneLabel": ["tel", "fax", "mobile", "other"],
    "Dimension": ["owner", "team", "stage", "product", "campaign"],
}

def py_type(rust, enums):
    rust = rust.strip()
    m = re.fullmatch(r"Option<(.+)>", rust)
    if m:
        return f"Optional[{py_type(m.group(1), enums)}]"
    m = re.fullmatch(r"Vec<(.+)>", rust)
    if m:
        return f"list[{py_type(m.group(1), enums)}]"
    m = re.fullmatch(r"\((.+), (.+)\)", rust)
    if m:
        return f"tuple[{py_type(m.group(1), enums)}, {py_type(m.group(2), enums)}]"
    if rust in ("String", "&'static str"):
        return "str"
    if rust == "bool":
        return "bool"
    if rust in ("i64", "i32", "u64", "u32", "usize", "u8"):
        return "int"
    if rust in ("f32", "f64"):
        return "float"
    if rust == "Decimal":
        return "Decimal"
    if rust == "NaiveDate":
        return "date"
    if rust in ("Timestamp", "DateTime<Utc>"):
        return "datetime"
    if rust.endswith("Id"):
        return "str"
    if rust in enums or rust in PLAIN_ENUMS:
        return rust
    if rust in RECORDS:
        return rust
    return "Any"


def default(record, field, ty, rust, enums):
    if (record, field) in DEFAULTS:
        return DEFAULTS[(record, field)]
    if ty.startswith("Optional["):
        return "None"
    if ty.startswith("list["):
        return "field(default_factory=list)"
    base = {"str": '""', "bool": "False", "int": "0", "float": "0.0",
            "Decimal": 'field(default_factory=lambda: Decimal("0"))',
            "date": "field(default_factory=lambda: date(1970, 1, 1))",
            "datetime": "field(default_factory=lambda: datetime(1970, 1, 1, tzinfo=timezone.utc))"}
    if rust.strip().endswith("Id") and ty == "str":
        return "NIL_ID"
    if ty in base:
        return base[ty]
    if rust in enums:
        return f'"{enums[rust][1]}"'
    if rust in PLAIN_ENUMS:
        return f'"{PLAIN_ENUMS[rust][0]}"'
    return "None"


def main():
    texts = sources()
    enums = stored_enums(texts)
    found = structs(texts)
    lines = [
        '"""The records of sfa, as dataclasses. GENERATED by sfa-py/tools/gen_records.py',
        'from the Rust sources of sfa-core: do not edit; run the tool instead."""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass, field",
        "from datetime import date, datetime, timezone",
        "from decimal import Decimal",
        "from typing import Any, Literal, Optional",
        "",
        '#: The id an input leaves unset (the library answers "is required").',
        'NIL_ID = "00000000-0000-0000-0000-000000000000"',
        "",
    ]
    for name, values in sorted({**{k: [s for _, s, _ in v[0]] for k, v in enums.items()}, **PLAIN_ENUMS}.items()):
        choices = ", ".join(f'"{v}"' for v in values)
        lines.append(f"{name} = Literal[{choices}]")
    lines.append("")
    for record in RECORDS:
        if record not in found:
            sys.exit(f"record {record} not found in sfa-core")
        lines += ["", "@dataclass"]
        lines.append(f"class {record}:")
        defaulted = False
        for fname, rust in found[record]:
            ty = py_type(rust, enums)
            if record in INPUTS and (record, fname) not in REQUIRED:
                lines.append(f"    {fname}: {ty} = {default(record, fname, ty, rust, enums)}")
                defaulted = True
            else:
                if defaulted:
                    sys.exit(f"{record}.{fname} is required but follows a field with a default")
                lines.append(f"    {fname}: {ty}")
        if record in INPUT_OF:
            target = INPUT_OF[record]
            lines += [
                "",
                f"    def input(self) -> {target}:",
                '        """The editable fields, as the core gives them: change some and send them',
                '        back with the update (fields you leave alone stay as they are)."""',
                "        from ._codec import input_of",
                "",
                f"        return input_of(self, {target})",
            ]
        lines.append("")
    text = "\n".join(lines).rstrip() + "\n"
    write_or_check(OUT, text, "sfa-py/tools/gen_records.py", len(RECORDS))

if __name__ == "__main__":
    main()
