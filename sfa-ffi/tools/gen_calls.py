"""Generates sfa-ffi/src/session_calls.rs: the `Session` methods Kotlin and Swift call
that are the core's `Session` calls one to one, from the core's own signatures and doc
comments (sfa-core/src/workflow/), so that no copy of the API or of its documentation
is kept by hand. (The `suspend` / `async` face, `AsyncSession`, is written beside
the bindings by sfa-ffi-bindgen from the library's metadata.)

    python3 sfa-ffi/tools/gen_calls.py          # rewrite the file
    python3 sfa-ffi/tools/gen_calls.py --check  # exit 1 if it is out of date

Arguments cross owned (`&CompanyInput` becomes `CompanyInput`, `&[StageId]`
`Vec<StageId>`, `&str` `String`); a page comes back as its record's page type
(`CompanyPage`), a count as `i64` (Kotlin's `Long`). The calls that move a stream of
bytes with progress, take a tuple or are for Rust only are written by hand
(`BY_HAND`, `NOT_BOUND`).
"""

import pathlib
import re
import subprocess
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
from core_records import CORE, ROOT, constant_text, integer_constants, session_calls, sources, write_or_check  # noqa: E402

OUT = ROOT / "sfa-ffi" / "src" / "session_calls.rs"

# Calls written by hand in sfa-ffi, and where.
BY_HAND = {
    "campaign_roi": "sales.rs: its period is two optional dates (uniffi has no tuples)",
    **{f"import_{k}_csv": "csv.rs: the file as bytes, with progress"
       for k in ("companies", "persons", "deals", "masters", "users")},
    **{f"export_{k}_csv": "csv.rs: the file as bytes"
       for k in ("companies", "persons", "deals", "masters", "users")},
}
# Calls of the core that Kotlin and Swift do not have, and why.
NOT_BOUND = {
    "user_id": "a session is made for a user id the app holds",
    "add_master": "the typed add_campaign, add_stage, ... cover it",
    "forecast_dataset": "the forecast and analytics calls answer from it",
    "import_csv_with_progress": "the import_*_csv calls take progress",
    **{f"walk_{k}": "a callback per record is for Rust's exports"
       for k in ("companies", "persons", "interactions", "tasks", "deals")},
}
# Types by their place in the core, when not at its root.
FORECAST = {m for p in (CORE / "forecast").glob("*.rs")
            for m in re.findall(r"^pub (?:struct|enum) (\w+)", p.read_text(encoding="utf-8"), re.M)}
PLAIN = {"i64", "u8", "bool", "String", "()"}
# Page types (sfa-ffi/src/pages.rs) not named after their record.
PAGES = {"BusinessCard": "CardPage"}


def qualified(name):
    if name in PLAIN:
        return name
    if name == "NaiveDate":
        return "chrono::NaiveDate"
    if name in FORECAST:
        return f"sfa_core::forecast::{name}"
    return f"sfa_core::{name}"


def ffi_type(t):
    """The owned type a Kotlin or Swift caller passes for the core's parameter type."""
    if t == "&str":
        return "String"
    if t == "Option<&str>":
        return "Option<String>"
    if m := re.fullmatch(r"&\[(.*)\]", t):
        return f"Vec<{qualified(m.group(1))}>"
    t = t.removeprefix("&")
    if m := re.fullmatch(r"Option<(\w+)>", t):
        return f"Option<{qualified(m.group(1))}>"
    if re.fullmatch(r"\w+", t):
        return qualified(t)
    sys.exit(f"gen_calls: no FFI type for the core's {t}: bind the call by hand")


def passed(name, t):
    if t == "Option<&str>":
        return f"{name}.as_deref()"
    if t.startswith("&"):
        return f"&{name}"
    return name


def returned(ret, call):
    """(the FFI return type, the expression answering it)."""
    if m := re.fullmatch(r"Page<(\w+)>", ret):
        page = PAGES.get(m.group(1), f"{m.group(1)}Page")
        return f"crate::pages::{page}", f"{call}?.into()"
    if ret == "u64":
        return "i64", f"crate::count({call}?)"
    if m := re.fullmatch(r"Vec<(\w+)>", ret):
        return f"Vec<{qualified(m.group(1))}>", f"{call}?"
    if re.fullmatch(r"\w+|\(\)", ret):
        return qualified(ret), f"{call}?"
    sys.exit(f"gen_calls: no FFI type for the core's answer {ret}: bind the call by hand")


def ffi_doc(name, doc, constants):
    """The core's comment with its links made plain text a Kotlin or Swift reader can
    follow (`[`Error::InUse`]` -> `InUse`, a constant -> its value)."""

    def link(m):
        ref = m.group(1).removeprefix("crate::")
        if ref.startswith("Error::"):
            return f"`{ref.removeprefix('Error::')}`"
        if ref in constants:
            return constant_text(ref, constants)
        if ref.startswith("Session::"):
            return f"`{ref.removeprefix('Session::')}`"
        return f"`{ref}`"

    doc = re.sub(r"\[`([^`]+)`\](?:\([^)]*\))?", link, doc)
    if "[`" in doc:
        sys.exit(f"gen_calls: {name}: a link in the core's comment was not made plain")
    return [f"    /// {line}".rstrip() for line in doc.split("\n")]


def method(name, doc, params, ret, constants):
    args = [f"{n}: {ffi_type(t)}" for n, t in params]
    call = f"self.inner.{name}({', '.join(passed(n, t) for n, t in params)})"
    answer, body = returned(ret, call)
    head = [f"    pub fn {name}(&self{''.join(', ' + a for a in args)}) -> Result<{answer}, SfaError> {{"]
    if len(head[0]) > 100:  # as rustfmt lays it out
        head = [f"    pub fn {name}(", "        &self,"] + [f"        {a}," for a in args]
        head.append(f"    ) -> Result<{answer}, SfaError> {{")
    return ffi_doc(name, doc, constants) + head + [f"        Ok({body})", "    }"]


HEAD = """//! The workflow calls of `Session` that are the core's `Session` calls one to one,
//! with the core's own documentation.
//!
//! Generated by sfa-ffi/tools/gen_calls.py from sfa-core's signatures and doc comments:
//! do not edit; change the core, or the generator, and run it again. The calls bound by
//! hand are in `csv.rs` (files as bytes) and `analytics.rs` (`campaign_roi`).

use crate::{Session, SfaError};

#[uniffi::export]
impl Session {
"""


def main():
    texts = sources()
    calls = session_calls(texts)
    constants = integer_constants(texts)
    unknown = (set(BY_HAND) | set(NOT_BOUND)) - set(calls)
    if unknown:
        sys.exit(f"gen_calls: names calls the core does not have: {sorted(unknown)}")
    out, count = [HEAD], 0
    for name, (doc, params, ret) in calls.items():
        if name in BY_HAND or name in NOT_BOUND:
            continue
        out.append(("\n" if count else "") + "\n".join(method(name, doc, params, ret, constants)) + "\n")
        count += 1
    out.append("}\n")
    # Laid out as `cargo fmt` lays out the file, so that the check agrees with it.
    text = subprocess.run(
        ["rustfmt", "--edition", "2024"], input="".join(out), capture_output=True, text=True, check=True
    ).stdout
    write_or_check(OUT, text, "python3 sfa-ffi/tools/gen_calls.py", count, "calls")


if __name__ == "__main__":
    main()
