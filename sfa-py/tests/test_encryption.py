"""Encryption at rest from Python (the test wheel is built with the `encryption` feature)."""

from __future__ import annotations

import pathlib

import pytest

import sfa


def test_an_encrypted_database_opens_only_with_its_key(tmp_path: pathlib.Path) -> None:
    path = str(tmp_path / "ledger.sqlite")
    db = sfa.Sfa.open(path, key="端末の鍵")
    boss = db.create_first_admin(sfa.UserInput(name="部長 一郎", email="bucho@example.jp"))
    db.session(boss.id).add_company(sfa.CompanyInput(name="株式会社秘密製作所"))
    with pytest.raises(sfa.WrongKeyError):
        sfa.Sfa.open(path, key="違う鍵")
    with pytest.raises(sfa.DatabaseError):
        sfa.Sfa.open(path)
    with pytest.raises(sfa.ValidationError) as e:
        sfa.Sfa.open(path, key="")
    assert e.value.field == "key"
    db.change_key("新しい鍵")
    del db
    again = sfa.Sfa.open(path, key="新しい鍵")
    names = [c.name for c in again.session(boss.id).list_companies().items]
    assert names == ["株式会社秘密製作所"]
    for file in tmp_path.iterdir():
        if file.is_file():
            assert "株式会社秘密製作所".encode() not in file.read_bytes()
