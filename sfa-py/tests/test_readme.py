"""The README's Python example runs as written on a new database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def python_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using it from Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the README's Python section holds a python block"
    return match.group(1)


def test_the_readme_python_example_runs_on_a_new_database(tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {}
    exec(compile(python_example(), "README.md", "exec"), scope)  # noqa: S102 - our own README
    frame = scope["frame"]
    assert len(frame) == 1  # type: ignore[arg-type]
    row = frame.iloc[0]  # type: ignore[attr-defined]
    assert (row["month"], str(row["pipeline"])) == ("2027-01", "1200000")
