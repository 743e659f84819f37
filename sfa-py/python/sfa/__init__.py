"""sfa: an embeddable sales-force-automation core for Japanese sales teams, from Python.

    import sfa
    db = sfa.Sfa.open("ledger.sqlite")           # or sfa.Sfa.open_in_memory()
    admin = db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.co.jp"))
    me = db.session(admin.id)
    company = me.add_company(sfa.CompanyInput(name="株式会社山田製作所"))

Records are dataclasses (`sfa.Company`, `sfa.Deal`, ...): money is `decimal.Decimal`,
dates `datetime.date`, instants timezone-aware `datetime.datetime` (UTC), ids `str`,
enums string literals. Failures raise `sfa.SfaError` subclasses. Long calls release
the GIL, so threads can search and forecast at once.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, Optional, TypeVar, Union

from . import _records as _r
from ._codec import decode, encode
from ._records import *  # noqa: F401,F403 - the record classes are the public API
from ._sfa import ArrowStream, Native, __version__
from ._sfa import parse_card_text as _parse_card_text
from .errors import (
    BusyError,
    ConflictError,
    CsvImportError,
    DamagedError,
    DatabaseError,
    InternalError,
    InUseError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    SfaError,
    SyncServerError,
    UnavailableError,
    ClosedError,
    ValidationError,
    WrongKeyError,
    raise_for,
)

T = TypeVar("T")


def _unwrap(envelope: str) -> Any:
    reply = json.loads(envelope)
    if "error" in reply:
        raise_for(reply["error"])
    return reply.get("ok")


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


MasterKind = Literal["Campaign", "Stage", "Confidence", "ProductCategory", "Product"]
MasterRecord = Union[_r.Campaign, _r.Stage, _r.Confidence, _r.ProductCategory, _r.Product]
_MASTER_CLASSES: dict[str, type] = {
    "Campaign": _r.Campaign,
    "Stage": _r.Stage,
    "Confidence": _r.Confidence,
    "ProductCategory": _r.ProductCategory,
    "Product": _r.Product,
}


@dataclass(frozen=True)
class MasterId:
    """The id of any master record: its kind and id."""

    kind: MasterKind
    id: str

    def _json(self) -> dict[str, str]:
        return {self.kind: self.id}


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


def _master(value: dict[str, Any]) -> MasterRecord:
    ((kind, record),) = value.items()
    result: MasterRecord = decode(_MASTER_CLASSES[kind], record)
    return result


def parse_card_text(text: str) -> _r.CardDraft:
    """Reads a business card's OCR text into a draft person to review."""
    result: _r.CardDraft = decode(_r.CardDraft, _unwrap(_parse_card_text(text)))
    return result


class Sfa:
    """An open sfa database. Safe to share between threads."""

    def __init__(self, native: Native) -> None:
        self._native = native

    @staticmethod
    def open(path: str, key: Optional[str] = None) -> Sfa:
        """Opens (creating when missing) the database file, with its search index beside it.

        With `key`, the file is encrypted at rest (SQLCipher) and so are the search index's
        files; a wrong key raises WrongKeyError, and a library built without the
        `encryption` feature raises DatabaseError.
        """
        if key is not None:
            envelope, native = Native.open_encrypted(str(path), key)
        else:
            envelope, native = Native.open(str(path))
        _unwrap(envelope)
        assert native is not None
        return Sfa(native)

    @staticmethod
    def open_in_memory() -> Sfa:
        """A private in-memory database, for tests and previews."""
        envelope, native = Native.open_in_memory()
        _unwrap(envelope)
        assert native is not None
        return Sfa(native)

    @staticmethod
    def open_postgres(url: str, tenant: str) -> Sfa:
        """Opens a team's tenant on PostgreSQL: the schema `tenant` (lowercase letters,
        digits and `_`, created and migrated when missing) of the database at `url`, a
        libpq connection string such as "host=/run/postgresql dbname=sfa user=sfa".

        The search index lives in this process's memory, built from the tenant's data
        now and caught up from its change log before every search, so writes made by
        other processes and machines are found. A server that cannot be reached raises
        UnavailableError; a bad tenant name raises ValidationError.
        """
        envelope, native = Native.open_postgres(url, tenant)
        _unwrap(envelope)
        assert native is not None
        return Sfa(native)

    def close(self) -> None:
        """Closes the database: every later call, from this handle or its sessions,
        raises ClosedError; calls in flight finish first. Returns once the search
        index's background work is done, so the files can be copied or deleted (unless
        another handle has them open). Closing twice does nothing."""
        self._native.close()

    def __enter__(self) -> Sfa:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _db(self, method: str, **args: Any) -> Any:
        return _unwrap(self._native.database(method, json.dumps(encode(args))))

    def change_key(self, new_key: str) -> None:
        """Re-encrypts an encrypted database with `new_key` (needs the only open handle)."""
        self._db("change_key", new_key=new_key)

    def has_users(self) -> bool:
        """True once the first admin exists."""
        return bool(self._db("has_users"))

    def create_first_admin(self, input: _r.UserInput) -> _r.User:
        """Creates the first user, an active admin, in an empty database."""
        result: _r.User = decode(_r.User, self._db("create_first_admin", input=input))
        return result

    def session(self, user_id: str) -> Session:
        """Acts as the user (checked on every call)."""
        session = Session(self._native, user_id)
        session.me()
        return session

    def session_by_email(self, email: str) -> Session:
        """Acts as the user with this e-mail address."""
        return Session(self._native, str(self._db("user_by_email", email=email)))

    def rebuild_search_index(self, progress: Optional[Callable[[int, int], object]] = None) -> int:
        """Indexes every company and person again; returns how many. `progress(done,
        total)` is called as it goes (at most every 0.1 s, and at the end); an exception
        it raises is raised once the work is done."""
        if progress is None:
            return int(self._db("rebuild_search_index"))
        return int(_unwrap(self._native.index_with_progress(True, progress)))

    def catch_up_search_index(self, progress: Optional[Callable[[int, int], object]] = None) -> int:
        """Applies the search-index changes not applied yet (after a large import, to
        make the next search instant); returns how many. `progress` as for
        `rebuild_search_index`."""
        if progress is None:
            return int(self._db("catch_up_search_index"))
        return int(_unwrap(self._native.index_with_progress(False, progress)))

    def pending_search_changes(self) -> int:
        """How many record changes the search index has not applied yet."""
        return int(self._db("pending_search_changes"))

    def check_search_index(self) -> _r.IndexCheck:
        """Compares the search index, caught up first, with the database: every company
        and person must have exactly its document (`missing`, `extra`, `stale` list the
        differences) and the index's files must be whole (`damaged`)."""
        result: _r.IndexCheck = decode(_r.IndexCheck, self._db("check_search_index"))
        return result

    def enable_sync(self) -> str:
        """Makes this database a sync client (a device of the team server) and returns
        its client id; later calls return the same id. Only an empty database becomes
        a client (records made before would never reach the server): sync first, then
        work. `sync()` does this itself."""
        return str(self._db("sync_enable"))

    def sync(self, server_url: str, token: str, *, timeout: float = 60.0) -> _r.SyncReport:
        """Syncs with the team server (`sfa-server`) at `server_url` as the user the
        bearer `token` stands for: pushes every call made here since the last sync, then
        pulls what changed on the server until up to date. Returns what moved; calls the
        server refused are listed by `sync_rejections()`. Raises `SyncServerError` when
        the server refuses a request (a bad token: 401) and `UnavailableError` when it
        cannot be reached; what was applied before stays applied, and syncing again
        goes on from there."""
        self.enable_sync()
        base = server_url.rstrip("/")

        def transport(kind: str, body: bytes) -> bytes:
            request = urllib.request.Request(
                f"{base}/v1/sync/{kind}",
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    answer: bytes = response.read()
                    return answer
            except urllib.error.HTTPError as e:
                if e.code == 503:
                    raise UnavailableError("the sync server is busy or its database is down; try again") from None
                try:
                    message = str(json.loads(e.read()).get("message", ""))
                except ValueError:
                    message = ""
                raise SyncServerError(
                    f"the sync server refused the {kind} ({e.code}): {message}".rstrip(": "),
                    {"status": e.code},
                ) from None
            except (urllib.error.URLError, OSError) as e:
                raise UnavailableError(f"the sync server cannot be reached: {e}") from None

        result: _r.SyncReport = decode(_r.SyncReport, _unwrap(self._native.sync_run(transport)))
        return result

    def sync_status(self) -> _r.SyncStatus:
        """Where this device stands: calls waiting to be pushed, rejections, the last
        push and pull."""
        result: _r.SyncStatus = decode(_r.SyncStatus, self._db("sync_status"))
        return result

    def sync_rejections(self) -> list[dict[str, Any]]:
        """The calls the server refused, oldest first, as the core's JSON form: each
        has `mutation_id`, `call` (the call as made: `call.call.call` names it),
        `refusal` (`code`: conflict, not_found, permission_denied, validation, in_use,
        depends_on_refused or failed; `message`; `fields`) and `server_records` (the
        server's records; this database's copies were restored to them)."""
        return list(self._db("sync_rejections"))

    def dismiss_sync_rejection(self, mutation_id: str) -> bool:
        """Forgets a rejection once dealt with; False if there was none."""
        return bool(self._db("sync_dismiss_rejection", mutation_id=mutation_id))

    def check_stored_records(self) -> list[_r.RecordProblem]:
        """Every stored record that today's rules refuse (written by an older version
        or outside the library): analytics leave them out; fix or archive them."""
        return [decode(_r.RecordProblem, v) for v in self._db("check_stored_records")]


class Session:
    """Acting as one user: every call is made, and recorded, as them."""

    def __init__(self, native: Native, user_id: str) -> None:
        self._native = native
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"Session(user_id={self.user_id!r})"

    def _call(self, method: str, **args: Any) -> Any:
        payload = {k: (v._json() if hasattr(v, "_json") else encode(v, k)) for k, v in args.items()}
        return _unwrap(self._native.call(self.user_id, method, json.dumps(payload)))

    def _one(self, tp: type[T], method: str, **args: Any) -> T:
        result: T = decode(tp, self._call(method, **args))
        return result

    def _many(self, tp: type[T], method: str, **args: Any) -> list[T]:
        return [decode(tp, v) for v in self._call(method, **args)]

    def _page(self, tp: type[T], method: str, **args: Any) -> Page[T]:
        raw = self._call(method, **args)

        def following(cursor: str) -> Page[T]:
            return self._page(tp, method, **{**args, "page": dataclasses.replace(args["page"], cursor=cursor)})

        return Page([decode(tp, v) for v in raw["items"]], raw.get("next_cursor"), following)

    # --- users ---
    def me(self) -> _r.User:
        return self._one(_r.User, "me")

    def add_user(self, input: _r.UserInput) -> _r.User:
        return self._one(_r.User, "add_user", input=input)

    def update_user(self, id: str, version: int, input: _r.UserInput) -> _r.User:
        return self._one(_r.User, "update_user", id=id, version=version, input=input)

    def get_user(self, id: str) -> _r.User:
        return self._one(_r.User, "get_user", id=id)

    def list_users(self) -> list[_r.User]:
        return self._many(_r.User, "list_users")

    # --- customer ledger ---
    def add_company(self, input: _r.CompanyInput) -> _r.Company:
        return self._one(_r.Company, "add_company", input=input)

    def add_companies(self, inputs: list[_r.CompanyInput]) -> list[_r.Company]:
        return self._many(_r.Company, "add_companies", inputs=inputs)

    def get_company(self, id: str) -> _r.Company:
        return self._one(_r.Company, "get_company", id=id)

    def update_company(self, id: str, version: int, input: _r.CompanyInput) -> _r.Company:
        return self._one(_r.Company, "update_company", id=id, version=version, input=input)

    def archive_company(self, id: str, version: int) -> _r.Company:
        return self._one(_r.Company, "archive_company", id=id, version=version)

    def restore_company(self, id: str, version: int) -> _r.Company:
        return self._one(_r.Company, "restore_company", id=id, version=version)

    def list_companies(self, page: Optional[_r.PageRequest] = None) -> Page[_r.Company]:
        return self._page(_r.Company, "list_companies", page=page or _r.PageRequest())

    def company_persons(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Person]:
        return self._page(_r.Person, "company_persons", id=id, page=page or _r.PageRequest())

    def company_links(self, id: str) -> _r.CompanyLinks:
        return self._one(_r.CompanyLinks, "company_links", id=id)

    def add_person(self, input: _r.PersonInput) -> _r.Person:
        return self._one(_r.Person, "add_person", input=input)

    def get_person(self, id: str) -> _r.Person:
        return self._one(_r.Person, "get_person", id=id)

    def update_person(self, id: str, version: int, input: _r.PersonInput) -> _r.Person:
        return self._one(_r.Person, "update_person", id=id, version=version, input=input)

    def archive_person(self, id: str, version: int) -> _r.Person:
        return self._one(_r.Person, "archive_person", id=id, version=version)

    def restore_person(self, id: str, version: int) -> _r.Person:
        return self._one(_r.Person, "restore_person", id=id, version=version)

    def list_persons(self, page: Optional[_r.PageRequest] = None) -> Page[_r.Person]:
        return self._page(_r.Person, "list_persons", page=page or _r.PageRequest())

    def person_links(self, id: str) -> _r.ContactLinks:
        return self._one(_r.ContactLinks, "person_links", id=id)

    def search(self, request: Union[str, _r.SearchRequest]) -> list[_r.SearchHit]:
        """Fuzzy search (曖昧検索) over companies and persons."""
        if isinstance(request, str):
            request = _r.SearchRequest(text=request)
        return self._many(_r.SearchHit, "search", request=request)

    # --- CSV ---
    def _import(self, method: str, data: bytes, options: Optional[_r.ImportOptions]) -> ImportReport:
        args = json.dumps({"options": encode(options or _r.ImportOptions())})
        raw = _unwrap(self._native.call_with_bytes(self.user_id, method, bytes(data), args))
        return ImportReport(raw["imported"], raw["blank_rows"], [SkippedRow(**s) for s in raw["skipped"]])

    def import_companies_csv(self, data: bytes, options: Optional[_r.ImportOptions] = None) -> ImportReport:
        return self._import("import_companies_csv", data, options)

    def import_persons_csv(self, data: bytes, options: Optional[_r.ImportOptions] = None) -> ImportReport:
        return self._import("import_persons_csv", data, options)

    def import_deals_csv(self, data: bytes, options: Optional[_r.ImportOptions] = None) -> ImportReport:
        return self._import("import_deals_csv", data, options)

    def import_masters_csv(self, data: bytes, options: Optional[_r.ImportOptions] = None) -> ImportReport:
        """Master data from one file, in file order (admins only)."""
        return self._import("import_masters_csv", data, options)

    def import_users_csv(self, data: bytes, options: Optional[_r.ImportOptions] = None) -> ImportReport:
        """Users with their ids (admins only); a row whose e-mail is a user's is that user."""
        return self._import("import_users_csv", data, options)

    def _bytes(self, method: str, **args: Any) -> bytes:
        envelope, data = self._native.call_for_bytes(self.user_id, method, json.dumps(encode(args)))
        _unwrap(envelope)
        return bytes(data or b"")

    def export_companies_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        return self._bytes("export_companies_csv", options=options or _r.ExportOptions())

    def export_persons_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        return self._bytes("export_persons_csv", options=options or _r.ExportOptions())

    def export_deals_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        return self._bytes("export_deals_csv", options=options or _r.ExportOptions())

    def export_masters_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Every master record, in the order a restore needs."""
        return self._bytes("export_masters_csv", options=options or _r.ExportOptions())

    def export_users_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Every user (admins only)."""
        return self._bytes("export_users_csv", options=options or _r.ExportOptions())

    # --- interactions ---
    def plan_interaction(self, input: _r.InteractionInput) -> _r.Interaction:
        return self._one(_r.Interaction, "plan_interaction", input=input)

    def log_interaction(self, input: _r.InteractionInput, report: _r.ReportInput) -> _r.Interaction:
        return self._one(_r.Interaction, "log_interaction", input=input, report=report)

    def report_interaction(self, id: str, version: int, report: _r.ReportInput) -> _r.Interaction:
        return self._one(_r.Interaction, "report_interaction", id=id, version=version, report=report)

    def update_interaction(self, id: str, version: int, input: _r.InteractionInput) -> _r.Interaction:
        return self._one(_r.Interaction, "update_interaction", id=id, version=version, input=input)

    def reschedule_interaction(self, id: str, version: int, starts_at: datetime, ends_at: datetime) -> _r.Interaction:
        return self._one(
            _r.Interaction, "reschedule_interaction", id=id, version=version, starts_at=starts_at, ends_at=ends_at
        )

    def cancel_interaction(self, id: str, version: int, reason: Optional[str] = None) -> _r.Interaction:
        return self._one(_r.Interaction, "cancel_interaction", id=id, version=version, reason=reason)

    def get_interaction(self, id: str) -> _r.Interaction:
        return self._one(_r.Interaction, "get_interaction", id=id)

    def interaction_tasks(self, id: str) -> list[_r.Task]:
        return self._many(_r.Task, "interaction_tasks", id=id)

    def company_interactions(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Interaction]:
        return self._page(_r.Interaction, "company_interactions", id=id, page=page or _r.PageRequest())

    def person_interactions(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Interaction]:
        return self._page(_r.Interaction, "person_interactions", id=id, page=page or _r.PageRequest())

    # --- tasks and notifications ---
    def add_task(self, input: _r.TaskInput) -> _r.Task:
        return self._one(_r.Task, "add_task", input=input)

    def get_task(self, id: str) -> _r.Task:
        return self._one(_r.Task, "get_task", id=id)

    def update_task(self, id: str, version: int, input: _r.TaskInput) -> _r.Task:
        return self._one(_r.Task, "update_task", id=id, version=version, input=input)

    def complete_task(self, id: str, version: int) -> _r.Task:
        return self._one(_r.Task, "complete_task", id=id, version=version)

    def reopen_task(self, id: str, version: int) -> _r.Task:
        return self._one(_r.Task, "reopen_task", id=id, version=version)

    def due_notifications(self, now: datetime) -> list[_r.Notification]:
        return self._many(_r.Notification, "due_notifications", now=now)

    def mark_delivered(self, ids: list[str]) -> int:
        return int(self._call("mark_delivered", ids=ids))

    # --- agenda ---
    def agenda(self, request: Optional[_r.AgendaRequest] = None) -> _r.Agenda:
        return self._one(_r.Agenda, "agenda", request=request or _r.AgendaRequest())

    def export_agenda_ical(self, request: Optional[_r.AgendaRequest] = None) -> str:
        return str(self._call("export_agenda_ical", request=request or _r.AgendaRequest()))

    def export_interactions_ical(self, ids: list[str]) -> str:
        return str(self._call("export_interactions_ical", ids=ids))

    # --- master data ---
    def add_campaign(self, input: _r.CampaignInput) -> _r.Campaign:
        return self._one(_r.Campaign, "add_campaign", input=input)

    def update_campaign(self, id: str, version: int, input: _r.CampaignInput) -> _r.Campaign:
        return self._one(_r.Campaign, "update_campaign", id=id, version=version, input=input)

    def get_campaign(self, id: str) -> _r.Campaign:
        return self._one(_r.Campaign, "get_campaign", id=id)

    def list_campaigns(self, include_retired: bool = False) -> list[_r.Campaign]:
        return self._many(_r.Campaign, "list_campaigns", include_retired=include_retired)

    def add_stage(self, input: _r.StageInput) -> _r.Stage:
        return self._one(_r.Stage, "add_stage", input=input)

    def update_stage(self, id: str, version: int, input: _r.StageInput) -> _r.Stage:
        return self._one(_r.Stage, "update_stage", id=id, version=version, input=input)

    def reorder_stages(self, ids: list[str]) -> list[_r.Stage]:
        return self._many(_r.Stage, "reorder_stages", ids=ids)

    def get_stage(self, id: str) -> _r.Stage:
        return self._one(_r.Stage, "get_stage", id=id)

    def list_stages(self, include_retired: bool = False) -> list[_r.Stage]:
        return self._many(_r.Stage, "list_stages", include_retired=include_retired)

    def add_confidence(self, input: _r.ConfidenceInput) -> _r.Confidence:
        return self._one(_r.Confidence, "add_confidence", input=input)

    def update_confidence(self, id: str, version: int, input: _r.ConfidenceInput) -> _r.Confidence:
        return self._one(_r.Confidence, "update_confidence", id=id, version=version, input=input)

    def get_confidence(self, id: str) -> _r.Confidence:
        return self._one(_r.Confidence, "get_confidence", id=id)

    def list_confidences(self, include_retired: bool = False) -> list[_r.Confidence]:
        return self._many(_r.Confidence, "list_confidences", include_retired=include_retired)

    def add_product_category(self, input: _r.ProductCategoryInput) -> _r.ProductCategory:
        return self._one(_r.ProductCategory, "add_product_category", input=input)

    def update_product_category(self, id: str, version: int, input: _r.ProductCategoryInput) -> _r.ProductCategory:
        return self._one(_r.ProductCategory, "update_product_category", id=id, version=version, input=input)

    def get_product_category(self, id: str) -> _r.ProductCategory:
        return self._one(_r.ProductCategory, "get_product_category", id=id)

    def list_product_categories(self, include_retired: bool = False) -> list[_r.ProductCategory]:
        return self._many(_r.ProductCategory, "list_product_categories", include_retired=include_retired)

    def add_product(self, input: _r.ProductInput) -> _r.Product:
        return self._one(_r.Product, "add_product", input=input)

    def update_product(self, id: str, version: int, input: _r.ProductInput) -> _r.Product:
        return self._one(_r.Product, "update_product", id=id, version=version, input=input)

    def get_product(self, id: str) -> _r.Product:
        return self._one(_r.Product, "get_product", id=id)

    def list_products(self, include_retired: bool = False) -> list[_r.Product]:
        return self._many(_r.Product, "list_products", include_retired=include_retired)

    def retire_master(self, id: MasterId, version: int) -> MasterRecord:
        return _master(self._call("retire_master", id=id, version=version))

    def restore_master(self, id: MasterId, version: int) -> MasterRecord:
        return _master(self._call("restore_master", id=id, version=version))

    def delete_master(self, id: MasterId) -> None:
        self._call("delete_master", id=id)

    # --- deals ---
    def add_deal(self, input: _r.DealInput) -> _r.Deal:
        return self._one(_r.Deal, "add_deal", input=input)

    def get_deal(self, id: str) -> _r.Deal:
        return self._one(_r.Deal, "get_deal", id=id)

    def update_deal(self, id: str, version: int, input: _r.DealInput) -> _r.Deal:
        return self._one(_r.Deal, "update_deal", id=id, version=version, input=input)

    def win_deal(self, id: str, version: int, closed_on: Optional[date] = None) -> _r.Deal:
        return self._one(_r.Deal, "win_deal", id=id, version=version, closed_on=closed_on)

    def lose_deal(
        self, id: str, version: int, closed_on: Optional[date] = None, reason: Optional[str] = None
    ) -> _r.Deal:
        return self._one(_r.Deal, "lose_deal", id=id, version=version, closed_on=closed_on, reason=reason)

    def reopen_deal(self, id: str, version: int) -> _r.Deal:
        return self._one(_r.Deal, "reopen_deal", id=id, version=version)

    def open_deals(self, owner: Optional[str] = None, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        return self._page(_r.Deal, "open_deals", owner=owner, page=page or _r.PageRequest())

    def company_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        return self._page(_r.Deal, "company_deals", id=id, page=page or _r.PageRequest())

    def product_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        return self._page(_r.Deal, "product_deals", id=id, page=page or _r.PageRequest())

    def campaign_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        return self._page(_r.Deal, "campaign_deals", id=id, page=page or _r.PageRequest())

    # --- forecasts and analytics ---
    def forecast(self, request: _r.ForecastRequest) -> list[_r.ForecastRow]:
        """The weighted forecast by month (and the requested dimensions), exact."""
        return self._many(_r.ForecastRow, "forecast", request=request)

    def product_summary(self, first_day: date, last_day: date) -> list[_r.ProductRow]:
        return self._many(_r.ProductRow, "product_summary", first_day=first_day, last_day=last_day)

    def category_summary(self, first_day: date, last_day: date) -> list[_r.CategoryRow]:
        return self._many(_r.CategoryRow, "category_summary", first_day=first_day, last_day=last_day)

    def campaign_roi(self, period: Optional[tuple[date, date]] = None) -> list[_r.CampaignRow]:
        return self._many(_r.CampaignRow, "campaign_roi", period=period)

    def calibration(self) -> list[_r.CalibrationRow]:
        return self._many(_r.CalibrationRow, "calibration")

    def forecast_range(self, request: _r.RangeRequest) -> _r.ForecastRange:
        return self._one(_r.ForecastRange, "forecast_range", request=request)

    # --- Arrow, for polars, pandas and DuckDB ---
    def _arrow(self, method: str, **args: Any) -> ArrowStream:
        payload = {k: (v._json() if hasattr(v, "_json") else encode(v, k)) for k, v in args.items()}
        envelope, stream = self._native.call_for_arrow(self.user_id, method, json.dumps(payload))
        _unwrap(envelope)
        assert stream is not None
        return stream

    def deals_arrow(self) -> ArrowStream:
        """Every deal (open and closed) as Arrow record batches, one row per deal, its
        line items in a `lines` list column, the names of the company, owner, stage,
        confidence level, campaign and products beside their ids. Money is
        `decimal128(38, 4)`, dates `date32`, instants `timestamp[ms, UTC]`.

            pl.DataFrame(me.deals_arrow())       # polars
            pa.table(me.deals_arrow())           # pyarrow, then .to_pandas()
            duckdb.sql("FROM deals").df()        # with deals = me.deals_arrow()
        """
        return self._arrow("deals")

    def forecast_arrow(self, request: _r.ForecastRequest) -> ArrowStream:
        """`forecast(request)` as Arrow record batches: `month` a `date32` (the month's
        first day), the dimension columns, counts, and exact money (`pipeline` and
        `won` `decimal128(38, 4)`, `weighted` and `expected` `decimal128(38, 6)`)."""
        return self._arrow("forecast", request=request)

    # --- teams ---
    def add_team(self, input: _r.TeamInput) -> _r.Team:
        return self._one(_r.Team, "add_team", input=input)

    def update_team(self, id: str, version: int, input: _r.TeamInput) -> _r.Team:
        return self._one(_r.Team, "update_team", id=id, version=version, input=input)

    def get_team(self, id: str) -> _r.Team:
        return self._one(_r.Team, "get_team", id=id)

    def list_teams(self) -> list[_r.Team]:
        return self._many(_r.Team, "list_teams")

    def my_teams(self) -> list[_r.Team]:
        return self._many(_r.Team, "my_teams")

    def team_board(self, request: _r.BoardRequest) -> _r.TeamBoard:
        return self._one(_r.TeamBoard, "team_board", request=request)

    # --- business cards ---
    def upload_card(self, image: bytes, media_type: str, transcriber: Optional[str] = None) -> _r.BusinessCard:
        args = json.dumps({"media_type": media_type, "transcriber": transcriber})
        raw = _unwrap(self._native.call_with_bytes(self.user_id, "upload_card", bytes(image), args))
        result: _r.BusinessCard = decode(_r.BusinessCard, raw)
        return result

    def card_image(self, id: str) -> bytes:
        return self._bytes("card_image", id=id)

    def get_card(self, id: str) -> _r.BusinessCard:
        return self._one(_r.BusinessCard, "get_card", id=id)

    def delegate_card(self, id: str, version: int, to: str) -> _r.BusinessCard:
        return self._one(_r.BusinessCard, "delegate_card", id=id, version=version, to=to)

    def card_queue(self, page: Optional[_r.PageRequest] = None) -> Page[_r.BusinessCard]:
        return self._page(_r.BusinessCard, "card_queue", page=page or _r.PageRequest())

    def person_duplicates(self, input: _r.PersonInput) -> list[_r.DuplicateHint]:
        return self._many(_r.DuplicateHint, "person_duplicates", input=input)

    def transcribe_card(self, id: str, version: int, input: TranscribeInput) -> Transcription:
        raw = self._call("transcribe_card", id=id, version=version, input=input)
        return Transcription(
            decode(_r.BusinessCard, raw["card"]),
            decode(_r.Company, raw["company"]),
            decode(_r.Person, raw["person"]),
            [decode(_r.DuplicateHint, d) for d in raw["duplicates"]],
        )

    def discard_card(self, id: str, version: int, reason: str) -> _r.BusinessCard:
        return self._one(_r.BusinessCard, "discard_card", id=id, version=version, reason=reason)


def to_frame(rows: list[Any]) -> Any:
    """Forecast or analytics rows as a pandas DataFrame (pandas is optional).

    Money columns hold `decimal.Decimal` objects (dtype `object`): exact, and pandas
    sums them exactly; convert with `.astype(float)` only for plotting."""
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("to_frame needs pandas: pip install pandas") from e
    return pd.DataFrame([encode_keep_decimals(r) for r in rows])


def encode_keep_decimals(record: Any) -> dict[str, Any]:
    """A record's fields as a dict, values kept as their Python types."""
    from dataclasses import fields

    return {f.name: getattr(record, f.name) for f in fields(record)}


__all__ = [
    "ArrowStream",
    "BusyError",
    "ConflictError",
    "CsvImportError",
    "DamagedError",
    "DatabaseError",
    "WrongKeyError",
    "ImportReport",
    "InternalError",
    "InUseError",
    "InvalidArgumentError",
    "MasterId",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "Session",
    "Sfa",
    "SfaError",
    "SyncServerError",
    "SkippedRow",
    "TranscribeInput",
    "Transcription",
    "UnavailableError",
    "ClosedError",
    "ValidationError",
    "parse_card_text",
    "to_frame",
    "__version__",
]
