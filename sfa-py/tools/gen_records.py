"""Generates sfa-py/python/sfa/_records.py: one dataclass per sfa-core record, read from
the Rust sources, so the Python types stay in step with the core; and, from the same
reading, the Rust that builds those dataclasses directly (sfa-py/src/objects/records.rs)
and the Arrow batches of records (sfa-py/src/arrow/records.rs).

    python3 sfa-py/tools/gen_records.py          # rewrite the file
    python3 sfa-py/tools/gen_records.py --check  # exit 1 if it is out of date
"""

import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
from core_records import ROOT, plain_enums, sources, stored_enums, structs, write_or_check  # noqa: E402

OUT = ROOT / "sfa-py" / "python" / "sfa" / "_records.py"
ARROW_OUT = ROOT / "sfa-py" / "src" / "arrow" / "records.rs"
OBJECTS_OUT = ROOT / "sfa-py" / "src" / "objects" / "records.rs"

# Records built as their dataclasses directly in Rust (sfa-py/src/objects/), with no
# JSON text between the core and Python: the answers of the everyday calls.
# Records not at the root of sfa_core (besides those in ARROW).
PATHS = {
    "ForecastRow": "sfa_core::forecast::ForecastRow",
    "SyncStatus": "sfa_core::sync::SyncStatus",
    "SyncReport": "sfa_core::sync::SyncReport",
}

OBJECTS = [
    "User", "Company", "Person", "Interaction", "Task", "Campaign", "Stage", "Confidence",
    "ProductCategory", "Product", "DealLine", "Deal", "Team", "CompanyLinks", "ContactLinks",
    "SearchHit", "Notification", "AgendaTask", "Agenda", "ForecastRow", "ProductRow",
    "CategoryRow", "CampaignRow", "CalibrationRow", "ForecastRange", "MemberBoard",
    "TeamBoard", "BusinessCard", "DuplicateHint", "RecordProblem", "IndexCheck",
    "SyncStatus", "SyncReport", "CardPhone", "CardDraft",
]

# Records analysts get as Arrow record batches (besides deals and forecast rows, which
# carry names and scales of their own in sfa-py/src/arrow/mod.rs): the function's
# name and the record's Rust path.
ARROW = {
    "Company": ("company_batch", "sfa_core::Company"),
    "Person": ("person_batch", "sfa_core::Person"),
    "Interaction": ("interaction_batch", "sfa_core::Interaction"),
    "Task": ("task_batch", "sfa_core::Task"),
    "ProductRow": ("product_row_batch", "sfa_core::forecast::ProductRow"),
    "CategoryRow": ("category_row_batch", "sfa_core::forecast::CategoryRow"),
    "CampaignRow": ("campaign_row_batch", "sfa_core::forecast::CampaignRow"),
    "CalibrationRow": ("calibration_row_batch", "sfa_core::forecast::CalibrationRow"),
    "ForecastRange": ("forecast_range_batch", "sfa_core::forecast::ForecastRange"),
}

# Fields whose column is not their type's (see sfa-py/src/arrow/columns.rs): ratios,
# not money, as float64; weighted money (six places) as decimal128(38, 6).
COLUMN_VIA = {
    ("CampaignRow", "roi"): "ratio",
    ("CalibrationRow", "observed_percentage"): "ratio",
    ("ForecastRange", "mean"): "weighted",
}

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
    ("SearchRequest", "scope"): "SearchScope.ALL",
    ("RangeRequest", "trials"): "10_000",
    ("RangeRequest", "seed"): "1",
    ("ImportOptions", "encoding"): "CsvEncoding.AUTO",
    ("UserInput", "role"): "Role.MEMBER",
    ("UserInput", "active"): "True",
    ("ExportOptions", "encoding"): "CsvEncoding.AUTO",
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

# Plain Rust enums (not `stored_enum!`) the records use; the core serializes each in
# snake_case, so their Python values are their variants' names in snake_case.
PLAIN_ENUMS = ["SearchScope", "HitKind", "CsvEncoding", "Role", "PhoneLabel", "Dimension", "MasterKind"]


def snake(name):
    """`Utf8WithBom` -> `utf8_with_bom`, as serde's `rename_all = "snake_case"`."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def enum_classes(texts):
    """name -> (doc, [(member, value, doc)]) for every enum the records use."""
    classes = {}
    for name, (variants, _, doc) in stored_enums(texts).items():
        classes[name] = (doc, [(snake(v).upper(), text, d) for v, text, d in variants])
    for name, (variants, doc) in plain_enums(texts, set(PLAIN_ENUMS)).items():
        classes[name] = (doc, [(snake(v).upper(), snake(v), d) for v, _, d in variants])
    missing = set(PLAIN_ENUMS) - set(classes)
    if missing:
        sys.exit(f"enums not found in sfa-core: {sorted(missing)}")
    return classes

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
        return f"{rust}.{snake(next(v for v, t, _ in enums[rust][0] if t == enums[rust][1])).upper()}"
    if rust in PLAIN_ENUMS:
        sys.exit(f"{record}.{field}: give it a default in DEFAULTS")
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
        "from enum import Enum",
        "from typing import Any, Optional",
        "",
        '#: The id an input leaves unset (the library answers "is required").',
        'NIL_ID = "00000000-0000-0000-0000-000000000000"',
        "",
        "",
        "class _Choice(str, Enum):",
        '    """One of a fixed set of lower-case names. A member is a `str` equal to its name',
        '    (`Role.ADMIN == "admin"`), so plain strings work wherever a member does."""',
        "",
        "    def __str__(self) -> str:",
        "        return str(self.value)",
        "",
        "    def __format__(self, spec: str) -> str:",
        "        return format(str(self.value), spec)",
        "",
    ]
    for name, (doc, members) in sorted(enum_classes(texts).items()):
        lines += ["", f"class {name}(_Choice):"]
        if doc:
            lines.append(f'    """{doc}"""')
            lines.append("")
        for member, value, mdoc in members:
            lines.append(f'    {member} = "{value}"')
            if mdoc:
                lines.append(f'    """{mdoc}"""')
        lines.append("")
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
    write_or_check(ARROW_OUT, arrow_records(found), "sfa-py/tools/gen_records.py", len(ARROW))
    write_or_check(
        OBJECTS_OUT, object_records(found, enum_classes(texts)), "sfa-py/tools/gen_records.py",
        len(OBJECTS),
    )


def arrow_records(found):
    """sfa-py/src/arrow/records.rs: one `record_batch!` per record in ARROW, its fields
    in the core's order (the column types follow from the Rust field types)."""
    out = [
        "//! GENERATED by sfa-py/tools/gen_records.py from the Rust sources of sfa-core: do",
        "//! not edit; run the tool instead. One function per record: records to an Arrow",
        "//! record batch, a column per field (types in [`super::columns`]).",
        "",
        "use super::columns::record_batch;",
    ]
    for record, (function, path) in ARROW.items():
        fields = [
            f"{name}: {COLUMN_VIA[(record, name)]}" if (record, name) in COLUMN_VIA else name
            for name, _ in found[record]
        ]
        # Laid out as rustfmt lays it out, so `cargo fmt` leaves the file as generated.
        out += ["", "record_batch!(", f"    {function},", f"    {path} {{"]
        out += [f"        {f}," for f in fields]
        out += ["    }", ");"]
    return "\n".join(out) + "\n"

def object_records(found, enums):
    """sfa-py/src/objects/records.rs: one `py_record!` per record in OBJECTS (its fields
    in the core's order, which is its dataclass's) and one `py_enum!` per enum they use."""
    used = set()
    for record in OBJECTS:
        for _, rust in found[record]:
            used.update(re.findall(r"\w+", rust))
    out = [
        "//! GENERATED by sfa-py/tools/gen_records.py from the Rust sources of sfa-core: do",
        "//! not edit; run the tool instead. Records and enums as the dataclasses and Enum",
        "//! classes of `sfa._records`, generated beside them.",
        "",
        "use super::{py_enum, py_record};",
        "",
    ]
    out += [f"py_enum!(sfa_core::{name}, {name});" for name in sorted(used & set(enums))]
    for record in OBJECTS:
        path = ARROW[record][1] if record in ARROW else PATHS.get(record, f"sfa_core::{record}")
        names = [name for name, _ in found[record]]
        one_line = f"py_record!({path}, {record} {{ {', '.join(names)} }});"
        # Laid out as rustfmt lays it out (a struct literal of at most 18 characters
        # stays on one line), so `cargo fmt` leaves the file as generated.
        if len(", ".join(names)) <= 18 and len(one_line) <= 100:
            out += ["", one_line]
            continue
        out += ["", "py_record!(", f"    {path},", f"    {record} {{"]
        out += [f"        {name}," for name in names]
        out += ["    }", ");"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
