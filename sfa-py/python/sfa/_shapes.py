"""The shapes of `sfa` that are not the core's records one to one (those are generated
in `_records.py`): pages that fetch the next page, import reports, master ids and
records of any master kind, and what a business card becomes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Optional, TypeVar, Union

from . import _records as _r
from ._codec import _refuse, encode

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    """One page of a list; pass `next_cursor` to `PageRequest(cursor=...)` for the next.
    Iterating a page gives its items; `all()` gives every item from this page on,
    fetching the following pages as it goes."""

    items: list[T]
    next_cursor: Optional[str]
    _next: Optional[Callable[[str], Page[T]]] = field(default=None, repr=False, compare=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def all(self) -> Iterator[T]:
        """Every item of this page and the pages after it, one page fetched at a time."""
        page: Page[T] = self
        while True:
            yield from page.items
            if page.next_cursor is None or page._next is None:
                return
            page = page._next(page.next_cursor)


@dataclass
class SkippedRow:
    """A CSV row an import skipped, by line (1 = header)."""

    line: int
    message: str


@dataclass
class ImportReport:
    """What a CSV import did (`imported` counts deals for deal imports)."""

    imported: int
    blank_rows: int
    skipped: list[SkippedRow]


MasterRecord = Union[_r.Campaign, _r.Stage, _r.Confidence, _r.ProductCategory, _r.Product]


@dataclass(frozen=True)
class MasterId:
    """The id of any master record: its kind and id."""

    kind: _r.MasterKind
    id: str

    def _json(self) -> dict[str, str]:
        # The core tags a master id with its kind's variant name (`ProductCategory`).
        try:
            kind = _r.MasterKind(self.kind)
        except ValueError:
            raise _refuse("kind", "is not a kind of master record", "not_allowed") from None
        tag = "".join(part.capitalize() for part in kind.value.split("_"))
        return {tag: self.id}


@dataclass
class TranscribeInput:
    """What a business card becomes: an existing company / person (their id) or a new
    one (an input). A new person's `company_id` is filled in with the company."""

    company: Union[str, _r.CompanyInput]
    person: Union[str, _r.PersonInput]

    def _json(self) -> dict[str, Any]:
        def choice(value: Any) -> dict[str, Any]:
            return {"Existing": value} if isinstance(value, str) else {"New": encode(value)}

        return {"company": choice(self.company), "person": choice(self.person)}


@dataclass
class Transcription:
    """What a transcription produced, with duplicate hints for a new person."""

    card: _r.BusinessCard
    company: _r.Company
    person: _r.Person
    duplicates: list[_r.DuplicateHint]
