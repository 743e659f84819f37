"""Writes the docstrings of the `sfa.Session` methods written by hand (in __init__.py:
those that move bytes, take a callback or take more than the core) from the doc
comments of the core's `Session` calls (sfa-core/src/workflow/), so Python documents
what the core does in the core's own words: one source of truth for every binding.
The methods generated one to one (gen_session.py) get theirs from the same functions.

    python3 sfa-py/tools/gen_docs.py          # rewrite the docstrings in __init__.py
    python3 sfa-py/tools/gen_docs.py --check  # exit 1 if one is out of date

A method of `Session` that the core has too gets the core's comment, its Rust names
made Python's (`[`Error::InUse`]` -> `InUseError`, a constant -> its value,
`Sfa::x` -> `Sfa.x`), and, where the Python call differs from Rust's, the note in
`PYTHON` below. The other methods (the Arrow exports, links) keep the docstrings
written for them; every public method must have one.
"""

import ast
import pathlib
import re
import sys
import textwrap

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "scripts"))
from core_records import ROOT, constant_text, integer_constants, session_docs, sources, write_or_check  # noqa: E402

PACKAGE = ROOT / "sfa-py" / "python" / "sfa"
OUT = PACKAGE / "__init__.py"
WIDTH = 88  # of a docstring's text, after its indent

# What Python's call does differently from Rust's: changes to the core's comment (a
# pattern that must match, its replacement) and a note said after it.
_BYTES = ([(r"[;.] [Rr]eturns how many[^.]*\.", ".")], "From Python the answer is the CSV file, as `bytes`.")
_PROGRESS = (
    "`progress(read, size)`, when given, is called as the rows are stored with the bytes of "
    "`data` read so far (at most once per hundredth of it, and once at the end, before the "
    "commit); an exception it raises stops the import, which then stores nothing, and is "
    "raised here. It must not call this database."
)
PYTHON = {
    "export_companies_csv": _BYTES,
    "export_persons_csv": _BYTES,
    "export_deals_csv": _BYTES,
    "export_masters_csv": _BYTES,
    "export_users_csv": _BYTES,
    "search": ([], "From Python, `request` may also be the text alone."),
    **{
        f"import_{kind}_csv": ([], _PROGRESS)
        for kind in ("companies", "persons", "deals", "masters", "users")
    },
    "product_summary": ([(r"`from` and `to`", "`first_day` and `last_day`")], None),
}

# Core error variants whose Python class is not the variant's name + "Error".
ERROR_CLASSES = {"Import": "CsvImportError"}


def python_errors():
    text = (PACKAGE / "errors.py").read_text(encoding="utf-8")
    return set(re.findall(r"^class (\w+Error)\(", text, re.M))


def pythonic(name, doc, constants, errors):
    """The core's comment with its Rust names made Python's; fails on a name it does not
    know, so that a new kind of reference is decided here rather than printed raw."""

    def error(variant):
        cls = ERROR_CLASSES.get(variant, variant + "Error")
        if cls not in errors:
            sys.exit(f"gen_docs: {name}: no Python error class for Error::{variant}")
        return f"`{cls}`"

    def link(m):
        ref = m.group(1).removeprefix("crate::")
        if ref.startswith("Error::"):
            return error(ref.removeprefix("Error::"))
        if ref in constants:
            return constant_text(ref, constants)
        if ref.startswith("Session::"):
            return f"`{ref.removeprefix('Session::')}`"
        if "::" in ref:
            return f"`{ref.replace('::', '.')}`"
        return f"`{ref}`"

    doc = re.sub(r"\[`([^`]+)`\](?:\([^)]*\))?", link, doc)
    # Bare variant names of the core's `Error` in backticks.
    variants = {e.removesuffix("Error") for e in errors} | set(ERROR_CLASSES)
    doc = re.sub(r"`(\w+)`", lambda m: error(m.group(1)) if m.group(1) in variants else m.group(0), doc)
    return doc


def wrapped(doc):
    """Paragraphs re-wrapped to WIDTH."""
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(p, WIDTH, break_long_words=False, break_on_hyphens=False) for p in paragraphs)


def docstring_lines(text, indent):
    """The docstring statement's lines for `text` at `indent`."""
    lines = text.split("\n")
    if len(lines) == 1 and len(lines[0]) + 6 <= WIDTH + 3:
        return [f'{indent}"""{lines[0]}"""']
    body = [f"{indent}{line}" if line else "" for line in lines]
    body[0] = f'{indent}"""{lines[0]}'
    return body + [f'{indent}"""']


def main():
    texts = sources()
    core = session_docs(texts)
    constants = integer_constants(texts)
    errors = python_errors()
    unknown = set(PYTHON) - set(core)
    if unknown:
        sys.exit(f"gen_docs: PYTHON notes for calls the core does not have: {sorted(unknown)}")

    source = OUT.read_text(encoding="utf-8")
    lines = source.split("\n")
    session = next(c for c in ast.parse(source).body if isinstance(c, ast.ClassDef) and c.name == "Session")
    edits = []  # (first line index, end line index exclusive, new lines), from the bottom up
    written = 0
    for f in session.body:
        if not isinstance(f, ast.FunctionDef) or f.name.startswith("_"):
            continue
        first = f.body[0]
        has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
        if f.name not in core:
            if not has_doc:
                sys.exit(f"gen_docs: Session.{f.name} has no docstring and the core has no such call to take one from")
            continue
        core_doc, core_params = core[f.name]
        doc = pythonic(f.name, core_doc, constants, errors)
        changes, note = PYTHON.get(f.name, ([], None))
        for pattern, replacement in changes:
            doc, n = re.subn(pattern, replacement, doc)
            if n == 0:
                sys.exit(f"gen_docs: {f.name}: the core's comment no longer has {pattern!r}")
        params = {a.arg for a in f.args.args + f.args.kwonlyargs}
        stale = [p for p in re.findall(r"`(\w+)`", doc) if p in core_params and p not in params]
        if stale:
            sys.exit(f"gen_docs: {f.name}: the comment names Rust parameters Python calls otherwise: {stale}")
        text = wrapped(doc) + (f"\n\n{wrapped(note)}" if note else "")
        indent = " " * first.col_offset
        new = docstring_lines(text, indent)
        if has_doc:
            edits.append((first.lineno - 1, first.end_lineno, new))
        else:
            edits.append((first.lineno - 1, first.lineno - 1, new))
        written += 1
    for start, end, new in sorted(edits, reverse=True):
        lines[start:end] = new
    write_or_check(OUT, "\n".join(lines), "python3 sfa-py/tools/gen_docs.py", written, "docstrings")


if __name__ == "__main__":
    main()
