"""Reads sfa-core's records and enums from its Rust sources, for the generators that
keep the bindings in step with the core (sfa-py/tools/gen_records.py,
sfa-ffi/tools/gen_records.py), and the signatures and doc comments of its `Session`
calls (sfa-py/tools/gen_session.py, sfa-py/tools/gen_docs.py)."""

import math
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORE = ROOT / "sfa-core" / "src"

# The fields every master record gets from `master_record!` (sfa-core/src/model/masters.rs).
MASTER_TAIL = [
    ("retired", "bool"), ("created_at", "Timestamp"), ("created_by", "UserId"),
    ("updated_at", "Timestamp"), ("updated_by", "UserId"), ("version", "i64"),
]
MASTER_TAIL_DOCS = {
    "retired": "Retired masters are hidden from pickers and refused on new deals.",
    "created_at": "When it was created.",
    "created_by": "Who created it.",
    "updated_at": "When it last changed.",
    "updated_by": "Who changed it last.",
    "version": "Incremented on every change; send it back with a change.",
}


def sources():
    return {p: p.read_text(encoding="utf-8") for p in sorted(CORE.rglob("*.rs"))}


def _doc(block):
    """The first line of the `///` comments at the end of `block`."""
    lines = [l.strip() for l in block.rstrip().split("\n")]
    docs = []
    for line in reversed(lines):
        if line.startswith("///"):
            docs.append(line[3:].strip())
        elif line.startswith("#[") or not line:
            continue
        else:
            break
    docs.reverse()
    return " ".join(docs)


def stored_enums(texts):
    """name -> ([(variant, stored text, doc)], default stored text, doc)."""
    enums = {}
    for text in texts.values():
        for m in re.finditer(r"stored_enum!\s*\{(.*?)\n\s*(\w+)\s*\{(.*?)\n\s*\}\s*\n\}", text, re.S):
            doc, name, body = _doc(m.group(1)), m.group(2), m.group(3)
            variants = [(v, s, _doc(body[:vm.start()]))
                        for vm in re.finditer(r'^\s*(\w+)\s*=\s*"([^"]+)"', body, re.M)
                        for v, s in [vm.groups()]]
            default = re.search(r'#\[default\]\s*\n\s*\w+\s*=\s*"([^"]+)"', body)
            enums[name] = (variants, default.group(1) if default else variants[0][1], doc)
    return enums


def plain_enums(texts, names):
    """name -> ([(variant, payload type or None, doc)], doc) for `pub enum` items."""
    found = {}
    for text in texts.values():
        for m in re.finditer(r"pub enum (\w+) \{(.*?)\n\}", text, re.S):
            name, body = m.group(1), m.group(2)
            if name not in names or name in found:
                continue
            variants = [(vm.group(1), vm.group(2), _doc(body[:vm.start()]))
                        for vm in re.finditer(r"^\s*(\w+)(?:\((\w+)\))?,", body, re.M)]
            found[name] = (variants, _doc(text[:m.start()]))
    return found


def structs(texts, with_docs=False):
    """name -> [(field, type)] (or [(field, type, doc)] and the struct's doc)."""
    found = {}
    for text in texts.values():
        for m in re.finditer(r"pub struct (\w+)(?:<T>)? \{(.*?)\n\}", text, re.S):
            name, body = m.group(1), m.group(2)
            fields = [(fm.group(1), fm.group(2), _doc(body[:fm.start()]))
                      for fm in re.finditer(r"^\s*pub (\w+): ([^,\n]+),", body, re.M)]
            master = text.rfind("master_record!", 0, m.start()) > text.rfind("}\n}", 0, m.start())
            if master and "master_record!" in text[max(0, m.start() - 200):m.start()]:
                fields = fields + [(f, t, MASTER_TAIL_DOCS[f]) for f, t in MASTER_TAIL]
            doc = _doc(text[:m.start()])
            if with_docs:
                found.setdefault(name, (fields, doc))
            else:
                found.setdefault(name, [(f, t) for f, t, _ in fields])
    return found


def session_docs(texts):
    """name -> (the whole `///` comment, its line breaks kept; the parameter names) of
    every `pub fn` of an `impl Session` block."""
    found = {}
    for text in texts.values():
        for block in re.finditer(r"^impl Session \{\n(.*?)^\}", text, re.S | re.M):
            body = block.group(1)
            for m in re.finditer(r"^    pub fn (\w+)(?:<[^>]*>)?\(\s*&self,?([^{]*)\{", body, re.M):
                params = re.findall(r"(?<![:\w])(\w+):(?!:)", m.group(2))
                lines = []
                for line in reversed(body[:m.start()].rstrip("\n").split("\n")):
                    line = line.strip()
                    if line.startswith("///"):
                        lines.append(line[4:] if line.startswith("/// ") else line[3:])
                    elif not line.startswith("#["):
                        break
                found[m.group(1)] = ("\n".join(reversed(lines)), params)
    return found


def _split_top(text, sep=","):
    """`text` split at `sep` outside brackets (`<>`, `()`, `[]`)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "<([":
            depth += 1
        elif c in ">)]" and not (c == ">" and text[i - 1] == "-"):
            depth -= 1
        elif c == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def session_calls(texts):
    """name -> (the whole `///` comment, [(parameter, Rust type)], the return type
    inside `Result<...>`) of every `pub fn` taking `&self` in an `impl Session` block,
    in source order (files sorted by path)."""
    docs = session_docs(texts)
    found = {}
    for text in texts.values():
        for block in re.finditer(r"^impl Session \{\n(.*?)^\}", text, re.S | re.M):
            body = block.group(1)
            for m in re.finditer(r"^    pub fn (\w+)(?:<[^>]*>)?\(\s*&self\b", body, re.M):
                depth, i = 1, m.end()
                while depth:
                    depth += {"(": 1, ")": -1}.get(body[i], 0)
                    i += 1
                ret = re.match(r"\s*->\s*([^{]+?)\s*(?:where[^{]*)?\{", body[i:])
                params = [tuple(p.split(":", 1)) for p in _split_top(" ".join(body[m.end():i - 1].split()))]
                inner = re.fullmatch(r"Result<(.*)>", " ".join(ret.group(1).split())) if ret else None
                found[m.group(1)] = (docs[m.group(1)][0], [(n.strip(), t.strip()) for n, t in params],
                                     inner.group(1) if inner else None)
    return found


# Units of constants, by the end of their names.
UNITS = {"_BYTES": "bytes", "_SECONDS": "seconds"}


def constant_text(name, constants):
    """A constant as a reader of the bindings' docs sees it: its value, with its unit."""
    unit = next((u for end, u in UNITS.items() if name.endswith(end)), None)
    return f"{constants[name]:,}" + (f" {unit}" if unit else "")


def integer_constants(texts):
    """name -> value of every `pub const NAME: <integer type> = <integer expression>;`."""
    found = {}
    pattern = r"^pub const (\w+): (?:[iu](?:8|16|32|64|size)) = ([0-9_ *+]+);"
    for text in texts.values():
        for m in re.finditer(pattern, text, re.M):
            terms = m.group(2).replace("_", "").split("+")
            found[m.group(1)] = sum(math.prod(int(f) for f in t.split("*")) for t in terms)
    return found


def write_or_check(out, text, tool, count, what="records"):
    """Writes the generated `text` to `out`, or with `--check` on the command line
    exits 1 when `out` differs from it."""
    import sys

    relative = out.relative_to(ROOT)
    if "--check" in sys.argv:
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            sys.exit(f"{relative} is out of date: run {tool}")
        print(f"{relative} is up to date")
        return
    out.write_text(text, encoding="utf-8")
    print(f"wrote {relative} ({count} {what})")
