"""sfa: an embeddable sales-force-automation core for Japanese sales teams, from Python.

    import sfa
    db = sfa.Sfa.open("ledger.sqlite")           # or sfa.Sfa.open_in_memory()
    admin = db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.co.jp"))
    me = db.session(admin.id)
    company = me.add_company(sfa.CompanyInput(name="株式会社山田製作所"))

Records are dataclasses (`sfa.Company`, `sfa.Deal`, ...): money is `decimal.Decimal`,
dates `datetime.date`, instants timezone-aware `datetime.datetime` (UTC), ids `str`,
enums `str` Enum classes with lower-case values (`sfa.DealStatus.WON == "won"`). Failures raise `sfa.SfaError` subclasses. Long calls release
the GIL, so threads can search and forecast at once.
"""

from __future__ import annotations

import dataclasses
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Optional, Protocol, TypeVar, Union

from . import _records as _r
from ._codec import _refuse, decode, encode
from ._records import *  # noqa: F401,F403 - the record classes are the public API
from ._sfa import ArrowStream, Native, __version__
from ._sfa import forecast_frame as _native_forecast_frame
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

#: A progress callback, `progress(done, total)`; what an exception it raises does is
#: said by each call that takes one.
Progress = Callable[[int, int], object]


def _answer(reply: Union[str, tuple[Any]]) -> Any:
    """A session call's native reply: `(the answer,)`, built by the native module, or an
    envelope, whose error this raises."""
    if isinstance(reply, tuple):
        return reply[0]
    return _unwrap(reply)


def _payload(args: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments as the native module reads them: JSON-able values (records
    through their generated `_json`, other values through `encode`, which names the
    argument in its errors)."""
    return {k: (v._json() if hasattr(type(v), "_json") else encode(v, k)) for k, v in args.items()}


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


def parse_card_text(text: str) -> _r.CardDraft:
    """Reads a business card's OCR text into a draft person to review."""
    result: _r.CardDraft = _answer(_parse_card_text(text))
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

        While it is open, do not open the same file with Python's `sqlite3` in this
        process (use another process, or close this first): two copies of SQLite in one
        process share its file locks, and the second rebuilds the WAL index under the
        first (a bus error, or a corrupt file).
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
        return _answer(self._native.database(method, _payload(args)))

    def change_key(self, new_key: str) -> None:
        """Re-encrypts an encrypted database with `new_key` (needs the only open handle)."""
        self._db("change_key", new_key=new_key)

    def has_users(self) -> bool:
        """True once the first admin exists."""
        return bool(self._db("has_users"))

    def create_first_admin(self, input: _r.UserInput) -> _r.User:
        """Creates the first user, an active admin, in an empty database."""
        result: _r.User = self._db("create_first_admin", input=input)
        return result

    def session(self, user_id: str) -> Session:
        """Acts as the user (checked on every call)."""
        session = Session(self._native, user_id)
        session.me()
        return session

    def session_by_email(self, email: str) -> Session:
        """Acts as the user with this e-mail address."""
        return Session(self._native, str(self._db("user_by_email", email=email)))

    def rebuild_search_index(self, progress: Optional[Progress] = None) -> int:
        """Indexes every company and person again; returns how many. `progress(done,
        total)` is called as it goes (at most every 0.1 s, and at the end); an exception
        it raises is raised once the work is done."""
        return int(_answer(self._native.index(True, progress)))

    def catch_up_search_index(self, progress: Optional[Progress] = None) -> int:
        """Applies the search-index changes not applied yet (after a large import, to
        make the next search instant); returns how many. `progress` as for
        `rebuild_search_index`."""
        return int(_answer(self._native.index(False, progress)))

    def pending_search_changes(self) -> int:
        """How many record changes the search index has not applied yet."""
        return int(self._db("pending_search_changes"))

    def check_search_index(self) -> _r.IndexCheck:
        """Compares the search index, caught up first, with the database: every company
        and person must have exactly its document (`missing`, `extra`, `stale` list the
        differences) and the index's files must be whole (`damaged`)."""
        result: _r.IndexCheck = self._db("check_search_index")
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

        result: _r.SyncReport = _answer(self._native.sync_run(transport))
        return result

    def sync_status(self) -> _r.SyncStatus:
        """Where this device stands: calls waiting to be pushed, rejections, the last
        push and pull."""
        result: _r.SyncStatus = self._db("sync_status")
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
        problems: list[_r.RecordProblem] = self._db("check_stored_records")
        return problems


class Session:
    """Acting as one user: every call is made, and recorded, as them."""

    def __init__(self, native: Native, user_id: str) -> None:
        self._native = native
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"Session(user_id={self.user_id!r})"

    def _call(self, method: str, **args: Any) -> Any:
        """The answer's Python objects, built by the native module; an error raises."""
        return _answer(self._native.call(self.user_id, method, _payload(args)))

    def _one(self, tp: type[T], method: str, **args: Any) -> T:
        """A call answering one `tp` (for the type checker; the native module built it)."""
        result: T = self._call(method, **args)
        return result

    def _many(self, tp: type[T], method: str, **args: Any) -> list[T]:
        result: list[T] = self._call(method, **args)
        return result

    def _page(self, tp: type[T], method: str, **args: Any) -> Page[T]:
        items, cursor = self._call(method, **args)

        def following(cursor: str) -> Page[T]:
            return self._page(tp, method, **{**args, "page": dataclasses.replace(args["page"], cursor=cursor)})

        return Page(items, cursor, following)

    # --- users ---
    def me(self) -> _r.User:
        """The acting user's record, as stored now."""
        return self._one(_r.User, "me")

    def add_user(self, input: _r.UserInput) -> _r.User:
        """Adds a user. Admins only."""
        return self._one(_r.User, "add_user", input=input)

    def update_user(self, id: str, version: int, input: _r.UserInput) -> _r.User:
        """Changes a user, if it is still at `version`. Admins may change anything; a member may
        change their own name and e-mail but not their role or active flag. An admin cannot
        remove the last active admin.
        """
        return self._one(_r.User, "update_user", id=id, version=version, input=input)

    def get_user(self, id: str) -> _r.User:
        """A user by id."""
        return self._one(_r.User, "get_user", id=id)

    def list_users(self) -> list[_r.User]:
        """Every user (active and inactive), by name."""
        return self._many(_r.User, "list_users")

    # --- customer ledger ---
    def add_company(self, input: _r.CompanyInput) -> _r.Company:
        """Adds a company."""
        return self._one(_r.Company, "add_company", input=input)

    def add_companies(self, inputs: list[_r.CompanyInput]) -> list[_r.Company]:
        """Adds several companies in one transaction: all are stored or, if any is invalid, none
        (the error names the first invalid one's fields).
        """
        return self._many(_r.Company, "add_companies", inputs=inputs)

    def get_company(self, id: str) -> _r.Company:
        """A company by id (archived ones too)."""
        return self._one(_r.Company, "get_company", id=id)

    def update_company(self, id: str, version: int, input: _r.CompanyInput) -> _r.Company:
        """Replaces a company's fields, if it is still at `version` (else `ConflictError`)."""
        return self._one(_r.Company, "update_company", id=id, version=version, input=input)

    def archive_company(self, id: str, version: int) -> _r.Company:
        """Archives a company: hidden from lists, kept with everything that refers to it."""
        return self._one(_r.Company, "archive_company", id=id, version=version)

    def restore_company(self, id: str, version: int) -> _r.Company:
        """Brings an archived company back."""
        return self._one(_r.Company, "restore_company", id=id, version=version)

    def list_companies(self, page: Optional[_r.PageRequest] = None) -> Page[_r.Company]:
        """One page of companies in あいうえお order (reading, else name)."""
        return self._page(_r.Company, "list_companies", page=page or _r.PageRequest())

    def company_persons(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Person]:
        """One page of a company's persons (related records: company -> persons)."""
        return self._page(_r.Person, "company_persons", id=id, page=page or _r.PageRequest())

    def company_links(self, id: str) -> _r.CompanyLinks:
        """The company's homepage URL and `tel:` URI, for a screen's buttons: from its
        stored (already normalised) values, `None` where it has none."""
        return self._one(_r.CompanyLinks, "company_links", id=id)

    def add_person(self, input: _r.PersonInput) -> _r.Person:
        """Adds a person to an existing, non-archived company."""
        return self._one(_r.Person, "add_person", input=input)

    def get_person(self, id: str) -> _r.Person:
        """A person by id (archived ones too)."""
        return self._one(_r.Person, "get_person", id=id)

    def update_person(self, id: str, version: int, input: _r.PersonInput) -> _r.Person:
        """Replaces a person's fields, if it is still at `version` (else `ConflictError`). Moving
        the person to another company requires that company to be active.
        """
        return self._one(_r.Person, "update_person", id=id, version=version, input=input)

    def archive_person(self, id: str, version: int) -> _r.Person:
        """Archives a person: hidden from lists, kept with their history."""
        return self._one(_r.Person, "archive_person", id=id, version=version)

    def restore_person(self, id: str, version: int) -> _r.Person:
        """Brings an archived person back."""
        return self._one(_r.Person, "restore_person", id=id, version=version)

    def list_persons(self, page: Optional[_r.PageRequest] = None) -> Page[_r.Person]:
        """One page of all persons in あいうえお order."""
        return self._page(_r.Person, "list_persons", page=page or _r.PageRequest())

    def person_links(self, id: str) -> _r.ContactLinks:
        """The person's `mailto:` and `tel:` URIs (office and mobile), for a screen's
        buttons: from the stored (already normalised) values, `None` where it has none."""
        return self._one(_r.ContactLinks, "person_links", id=id)

    def search(self, request: Union[str, _r.SearchRequest]) -> list[_r.SearchHit]:
        """Searches companies and persons (曖昧検索); see `SearchRequest`.

        Writes log their changes in the database, in their own transaction; the index applies
        them in the background after everyday writes, and a search first applies whatever it has
        not (a bulk write of more than 256 changes waits for it), so it always sees every
        committed write. After a large import, call `Sfa.catch_up_search_index` (with progress)
        to pay that cost up front.

        An index that fails to read (a damaged file) is checked and, when damaged, rebuilt from
        the database before the search is answered.

        From Python, `request` may also be the text alone.
        """
        if isinstance(request, str):
            request = _r.SearchRequest(text=request)
        return self._many(_r.SearchHit, "search", request=request)

    # --- CSV ---
    def _with_bytes(self, method: str, data: bytes, progress: Optional[Progress] = None, **args: Any) -> Any:
        """A call that sends bytes; its answer built by the native module."""
        return _answer(self._native.call_with_bytes(self.user_id, method, bytes(data), _payload(args), progress))

    def _import(
        self, method: str, data: bytes, options: Optional[_r.ImportOptions], progress: Optional[Progress]
    ) -> ImportReport:
        report: ImportReport = self._with_bytes(
            method, data, progress, options=options or _r.ImportOptions()
        )
        return report

    def import_companies_csv(
        self, data: bytes, options: Optional[_r.ImportOptions] = None, progress: Optional[Progress] = None
    ) -> ImportReport:
        """Imports companies. All rows are stored in one transaction: a bad row fails the whole
        import with `CsvImportError` (its line and reason) and nothing is stored, unless
        `options.skip_bad_rows` is set: then bad rows are skipped and listed in the report.

        `progress(read, size)`, when given, is called as the rows are stored with the bytes of
        `data` read so far (at most once per hundredth of it, and once at the end, before the
        commit); an exception it raises stops the import, which then stores nothing, and is
        raised here. It must not call this database.
        """
        return self._import("import_companies_csv", data, options, progress)

    def import_persons_csv(
        self, data: bytes, options: Optional[_r.ImportOptions] = None, progress: Optional[Progress] = None
    ) -> ImportReport:
        """Imports persons. Each row names its company by `company_id` (any existing company,
        archived ones included, so that exports restore whole) or, when that is blank, by
        `company_name` (the exact name of one non-archived company).

        `progress(read, size)`, when given, is called as the rows are stored with the bytes of
        `data` read so far (at most once per hundredth of it, and once at the end, before the
        commit); an exception it raises stops the import, which then stores nothing, and is
        raised here. It must not call this database.
        """
        return self._import("import_persons_csv", data, options, progress)

    def import_deals_csv(
        self, data: bytes, options: Optional[_r.ImportOptions] = None, progress: Optional[Progress] = None
    ) -> ImportReport:
        """Imports deals, one row per line item. All deals are imported in one transaction; a bad
        deal fails the whole import with `CsvImportError` (its line and reason) unless
        `options.skip_bad_rows` is set: then the bad deal (all its rows) is skipped and listed.
        `imported` counts deals, not rows.

        `progress(read, size)`, when given, is called as the rows are stored with the bytes of
        `data` read so far (at most once per hundredth of it, and once at the end, before the
        commit); an exception it raises stops the import, which then stores nothing, and is
        raised here. It must not call this database.
        """
        return self._import("import_deals_csv", data, options, progress)

    def import_masters_csv(
        self, data: bytes, options: Optional[_r.ImportOptions] = None, progress: Optional[Progress] = None
    ) -> ImportReport:
        """Imports master data (categories, products, stages, confidence levels, campaigns) from
        one file, in file order. Admins only.

        `progress(read, size)`, when given, is called as the rows are stored with the bytes of
        `data` read so far (at most once per hundredth of it, and once at the end, before the
        commit); an exception it raises stops the import, which then stores nothing, and is
        raised here. It must not call this database.
        """
        return self._import("import_masters_csv", data, options, progress)

    def import_users_csv(
        self, data: bytes, options: Optional[_r.ImportOptions] = None, progress: Optional[Progress] = None
    ) -> ImportReport:
        """Imports users (admins only), keeping their ids. A row whose e-mail is already a user's
        is recognised as that user and not created again (nor changed), so that a restore into a
        new database, where the importing admin exists already, goes through; a new user whose
        id another user has is refused.

        `progress(read, size)`, when given, is called as the rows are stored with the bytes of
        `data` read so far (at most once per hundredth of it, and once at the end, before the
        commit); an exception it raises stops the import, which then stores nothing, and is
        raised here. It must not call this database.
        """
        return self._import("import_users_csv", data, options, progress)

    def _bytes(self, method: str, **args: Any) -> bytes:
        envelope, data = self._native.call_for_bytes(self.user_id, method, _payload(args))
        _unwrap(envelope)
        return bytes(data or b"")

    def export_companies_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes companies as CSV (the columns of the import, plus the read-only audit columns).

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._bytes("export_companies_csv", options=options or _r.ExportOptions())

    def export_persons_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes persons as CSV with their company's id and name.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._bytes("export_persons_csv", options=options or _r.ExportOptions())

    def export_deals_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every deal as CSV, one row per line item (one row for a deal without lines), with
        masters by name and the owner by e-mail.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._bytes("export_deals_csv", options=options or _r.ExportOptions())

    def export_masters_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every master record as CSV, in the order a restore needs: categories, products,
        stages (in process order), confidence levels, campaigns; retired ones included.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._bytes("export_masters_csv", options=options or _r.ExportOptions())

    def export_users_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every user as CSV (id, name, e-mail, role, active). Admins only: e-mail addresses
        are personal data.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._bytes("export_users_csv", options=options or _r.ExportOptions())

    # --- interactions ---
    def plan_interaction(self, input: _r.InteractionInput) -> _r.Interaction:
        """Registers a planned interaction (予定登録). It must not be over already (report it with
        `log_interaction` instead); the company must be active, the participants active users
        and the persons met existing, non-archived persons.
        """
        return self._one(_r.Interaction, "plan_interaction", input=input)

    def log_interaction(self, input: _r.InteractionInput, report: _r.ReportInput) -> _r.Interaction:
        """Records an interaction that already happened, with its result, in one call (a call or
        e-mail that was never planned). With `report_to`, that user gets a confirmation-request
        task and a notification in the same transaction.
        """
        return self._one(_r.Interaction, "log_interaction", input=input, report=report)

    def report_interaction(self, id: str, version: int, report: _r.ReportInput) -> _r.Interaction:
        """Records the result of a planned interaction (結果登録): outcome, actual times (the planned
        ones when not given). With `report_to`, that user gets a confirmation-request task and a
        notification in the same transaction. Participants, the creator and admins may report;
        the interaction must be planned and must have started.
        """
        return self._one(_r.Interaction, "report_interaction", id=id, version=version, report=report)

    def update_interaction(self, id: str, version: int, input: _r.InteractionInput) -> _r.Interaction:
        """Replaces an interaction's fields (not its result), if it is still at `version`.
        Cancelled interactions are history and cannot be changed.
        """
        return self._one(_r.Interaction, "update_interaction", id=id, version=version, input=input)

    def reschedule_interaction(self, id: str, version: int, starts_at: datetime, ends_at: datetime) -> _r.Interaction:
        """Moves a planned interaction to new times (not into the past)."""
        return self._one(
            _r.Interaction, "reschedule_interaction", id=id, version=version, starts_at=starts_at, ends_at=ends_at
        )

    def cancel_interaction(self, id: str, version: int, reason: Optional[str] = None) -> _r.Interaction:
        """Calls off a planned interaction. It stays in the history, marked cancelled, with the
        reason when one is given.
        """
        return self._one(_r.Interaction, "cancel_interaction", id=id, version=version, reason=reason)

    def get_interaction(self, id: str) -> _r.Interaction:
        """An interaction by id."""
        return self._one(_r.Interaction, "get_interaction", id=id)

    def interaction_tasks(self, id: str) -> list[_r.Task]:
        """The tasks that follow up an interaction (e.g. its confirmation request)."""
        return self._many(_r.Task, "interaction_tasks", id=id)

    def company_interactions(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Interaction]:
        """One page of a company's interactions, newest first (cancelled ones included, marked so).
        """
        return self._page(_r.Interaction, "company_interactions", id=id, page=page or _r.PageRequest())

    def person_interactions(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Interaction]:
        """One page of a person's contact history: the interactions they took part in, newest first
        (related records: person -> interactions).
        """
        return self._page(_r.Interaction, "person_interactions", id=id, page=page or _r.PageRequest())

    # --- tasks and notifications ---
    def add_task(self, input: _r.TaskInput) -> _r.Task:
        """Adds a task. Without an assignee it is the acting user's own; with another user it is a
        request, and they are notified. A `remind_at` queues a reminder for the assignee (at
        once, when it has passed already).
        """
        return self._one(_r.Task, "add_task", input=input)

    def get_task(self, id: str) -> _r.Task:
        """A task by id."""
        return self._one(_r.Task, "get_task", id=id)

    def update_task(self, id: str, version: int, input: _r.TaskInput) -> _r.Task:
        """Replaces a task's fields, if it is still at `version`. The assignee, the requester
        (creator) and admins may; a new assignee other than the acting user is notified. A
        completed task takes no new `remind_at`.
        """
        return self._one(_r.Task, "update_task", id=id, version=version, input=input)

    def complete_task(self, id: str, version: int) -> _r.Task:
        """Marks a task done; its pending reminder is withdrawn."""
        return self._one(_r.Task, "complete_task", id=id, version=version)

    def reopen_task(self, id: str, version: int) -> _r.Task:
        """Opens a completed task again; its reminder is queued again if `remind_at` is still
        ahead.
        """
        return self._one(_r.Task, "reopen_task", id=id, version=version)

    def due_notifications(self, now: datetime) -> list[_r.Notification]:
        """The acting user's notifications due at `now` that are neither delivered nor reserved by
        another poll, oldest first; they are reserved for this caller for 60 seconds. Mark them
        delivered once shown.
        """
        return self._many(_r.Notification, "due_notifications", now=now)

    def mark_delivered(self, ids: list[str]) -> int:
        """Marks the acting user's notifications delivered; returns how many were newly marked.
        Idempotent: marking one again changes nothing. An id that is not one of the user's
        notifications fails the whole call (`NotFoundError`), marking none; more than 1,000 ids
        is a validation error.
        """
        return int(self._call("mark_delivered", ids=ids))

    # --- agenda ---
    def agenda(self, request: Optional[_r.AgendaRequest] = None) -> _r.Agenda:
        """A user's agenda (the acting user's by default): the planned interactions they take part
        in that overlap the local days, and their open tasks due by the last day or undated,
        with overdue ones (due before today at the offset) flagged.
        """
        return self._one(_r.Agenda, "agenda", request=request or _r.AgendaRequest())

    def export_agenda_ical(self, request: Optional[_r.AgendaRequest] = None) -> str:
        """The agenda as an iCalendar file (RFC 5545): its interactions as events and its tasks as
        to-dos. Re-exporting updates the entries in a calendar rather than duplicating them
        (stable UIDs).
        """
        return str(self._call("export_agenda_ical", request=request or _r.AgendaRequest()))

    def export_interactions_ical(self, ids: list[str]) -> str:
        """Chosen interactions (any status; cancelled ones as cancelled events) as an iCalendar
        file (RFC 5545), in the order given.
        """
        return str(self._call("export_interactions_ical", ids=ids))

    # --- master data ---
    def add_campaign(self, input: _r.CampaignInput) -> _r.Campaign:
        """Adds a campaign. Admins only."""
        return self._one(_r.Campaign, "add_campaign", input=input)

    def update_campaign(self, id: str, version: int, input: _r.CampaignInput) -> _r.Campaign:
        """Replaces a campaign's fields, if it is still at `version`. Admins only."""
        return self._one(_r.Campaign, "update_campaign", id=id, version=version, input=input)

    def get_campaign(self, id: str) -> _r.Campaign:
        """A campaign by id."""
        return self._one(_r.Campaign, "get_campaign", id=id)

    def list_campaigns(self, include_retired: bool = False) -> list[_r.Campaign]:
        """Campaigns by first day then name; retired ones only when asked."""
        return self._many(_r.Campaign, "list_campaigns", include_retired=include_retired)

    def add_stage(self, input: _r.StageInput) -> _r.Stage:
        """Adds a stage at the end of the process. Admins only."""
        return self._one(_r.Stage, "add_stage", input=input)

    def update_stage(self, id: str, version: int, input: _r.StageInput) -> _r.Stage:
        """Replaces a stage's fields (not its position), if it is still at `version`. Admins only.
        """
        return self._one(_r.Stage, "update_stage", id=id, version=version, input=input)

    def reorder_stages(self, ids: list[str]) -> list[_r.Stage]:
        """Puts the stages in the given order: `ids` must list every stage (retired ones too)
        exactly once. Returns the stages in their new order. Admins only.
        """
        return self._many(_r.Stage, "reorder_stages", ids=ids)

    def get_stage(self, id: str) -> _r.Stage:
        """A stage by id."""
        return self._one(_r.Stage, "get_stage", id=id)

    def list_stages(self, include_retired: bool = False) -> list[_r.Stage]:
        """Stages in process order; retired ones only when asked."""
        return self._many(_r.Stage, "list_stages", include_retired=include_retired)

    def add_confidence(self, input: _r.ConfidenceInput) -> _r.Confidence:
        """Adds a confidence level. Admins only."""
        return self._one(_r.Confidence, "add_confidence", input=input)

    def update_confidence(self, id: str, version: int, input: _r.ConfidenceInput) -> _r.Confidence:
        """Replaces a confidence level's fields, if it is still at `version`. Admins only."""
        return self._one(_r.Confidence, "update_confidence", id=id, version=version, input=input)

    def get_confidence(self, id: str) -> _r.Confidence:
        """A confidence level by id."""
        return self._one(_r.Confidence, "get_confidence", id=id)

    def list_confidences(self, include_retired: bool = False) -> list[_r.Confidence]:
        """Confidence levels, highest percentage first; retired ones only when asked."""
        return self._many(_r.Confidence, "list_confidences", include_retired=include_retired)

    def add_product_category(self, input: _r.ProductCategoryInput) -> _r.ProductCategory:
        """Adds a product category. Admins only."""
        return self._one(_r.ProductCategory, "add_product_category", input=input)

    def update_product_category(self, id: str, version: int, input: _r.ProductCategoryInput) -> _r.ProductCategory:
        """Renames a product category, if it is still at `version`. Admins only."""
        return self._one(_r.ProductCategory, "update_product_category", id=id, version=version, input=input)

    def get_product_category(self, id: str) -> _r.ProductCategory:
        """A product category by id."""
        return self._one(_r.ProductCategory, "get_product_category", id=id)

    def list_product_categories(self, include_retired: bool = False) -> list[_r.ProductCategory]:
        """Product categories by name; retired ones only when asked."""
        return self._many(_r.ProductCategory, "list_product_categories", include_retired=include_retired)

    def add_product(self, input: _r.ProductInput) -> _r.Product:
        """Adds a product to an active category. Admins only."""
        return self._one(_r.Product, "add_product", input=input)

    def update_product(self, id: str, version: int, input: _r.ProductInput) -> _r.Product:
        """Replaces a product's fields, if it is still at `version`. Admins only. Lines already on
        deals keep the price they were entered with.
        """
        return self._one(_r.Product, "update_product", id=id, version=version, input=input)

    def get_product(self, id: str) -> _r.Product:
        """A product by id."""
        return self._one(_r.Product, "get_product", id=id)

    def list_products(self, include_retired: bool = False) -> list[_r.Product]:
        """Products by code; retired ones only when asked."""
        return self._many(_r.Product, "list_products", include_retired=include_retired)

    def retire_master(self, id: MasterId, version: int) -> MasterRecord:
        """Retires a master record: hidden from pickers and refused on new deals, kept for the
        records that refer to it. Admins only.
        """
        record: MasterRecord = self._call("retire_master", id=id, version=version)
        return record

    def restore_master(self, id: MasterId, version: int) -> MasterRecord:
        """Brings a retired master record back. Admins only."""
        record: MasterRecord = self._call("restore_master", id=id, version=version)
        return record

    def delete_master(self, id: MasterId) -> None:
        """Deletes a master record that nothing refers to; one in use is `InUseError` (retire it
        instead). Admins only.
        """
        self._call("delete_master", id=id)

    # --- deals ---
    def add_deal(self, input: _r.DealInput) -> _r.Deal:
        """Opens a deal. The owner is the acting user unless another active user is named; the
        company must be active; stage, confidence, campaign and products must exist and not be
        retired. With line items the amount is their exact sum.
        """
        return self._one(_r.Deal, "add_deal", input=input)

    def get_deal(self, id: str) -> _r.Deal:
        """A deal by id."""
        return self._one(_r.Deal, "get_deal", id=id)

    def update_deal(self, id: str, version: int, input: _r.DealInput) -> _r.Deal:
        """Replaces a deal's fields, if it is still at `version`. The owner, the creator and admins
        may. A closed deal's amount and lines are frozen until it is reopened.
        """
        return self._one(_r.Deal, "update_deal", id=id, version=version, input=input)

    def win_deal(self, id: str, version: int, closed_on: Optional[date] = None) -> _r.Deal:
        """Closes a deal as won (受注) on `closed_on` (today in Japan when not given)."""
        return self._one(_r.Deal, "win_deal", id=id, version=version, closed_on=closed_on)

    def lose_deal(
        self, id: str, version: int, closed_on: Optional[date] = None, reason: Optional[str] = None
    ) -> _r.Deal:
        """Closes a deal as lost (失注) on `closed_on` (today in Japan when not given), with the
        reason when one is given.
        """
        return self._one(_r.Deal, "lose_deal", id=id, version=version, closed_on=closed_on, reason=reason)

    def reopen_deal(self, id: str, version: int) -> _r.Deal:
        """Opens a won or lost deal again, so it can be changed. The owner and admins may."""
        return self._one(_r.Deal, "reopen_deal", id=id, version=version)

    def open_deals(self, owner: Optional[str] = None, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        """One page of a user's open deals (the acting user's when `owner` is `None`), by expected
        close date (undated last).
        """
        return self._page(_r.Deal, "open_deals", owner=owner, page=page or _r.PageRequest())

    def company_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        """One page of a company's deals, open and closed (related records: company -> deals), by
        close date.
        """
        return self._page(_r.Deal, "company_deals", id=id, page=page or _r.PageRequest())

    def product_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        """One page of the open deals with a line for the product."""
        return self._page(_r.Deal, "product_deals", id=id, page=page or _r.PageRequest())

    def campaign_deals(self, id: str, page: Optional[_r.PageRequest] = None) -> Page[_r.Deal]:
        """One page of the deals sourced from a campaign, open and closed."""
        return self._page(_r.Deal, "campaign_deals", id=id, page=page or _r.PageRequest())

    # --- forecasts and analytics ---
    def forecast(self, request: _r.ForecastRequest) -> list[_r.ForecastRow]:
        """The weighted forecast by month (and the requested dimensions) of every deal."""
        return self._many(_r.ForecastRow, "forecast", request=request)

    def product_summary(self, first_day: date, last_day: date) -> list[_r.ProductRow]:
        """Won totals (closed between `first_day` and `last_day`), active deals and pipeline per
        product.
        """
        return self._many(_r.ProductRow, "product_summary", first_day=first_day, last_day=last_day)

    def category_summary(self, first_day: date, last_day: date) -> list[_r.CategoryRow]:
        """The same per product category."""
        return self._many(_r.CategoryRow, "category_summary", first_day=first_day, last_day=last_day)

    def campaign_roi(self, period: Optional[tuple[date, date]] = None) -> list[_r.CampaignRow]:
        """Cost, won amount, ROI, pipeline and counts per campaign (won and lost within the period
        when one is given).
        """
        return self._many(_r.CampaignRow, "campaign_roi", period=period)

    def calibration(self) -> list[_r.CalibrationRow]:
        """Each confidence level's stated percentage beside the observed win rate."""
        return self._many(_r.CalibrationRow, "calibration")

    def forecast_range(self, request: _r.RangeRequest) -> _r.ForecastRange:
        """P10 / P50 / P90 of a period's revenue (seeded Monte Carlo)."""
        return self._one(_r.ForecastRange, "forecast_range", request=request)

    # --- Arrow, for polars, pandas and DuckDB ---
    def _arrow(self, method: str, **args: Any) -> ArrowStream:
        envelope, stream = self._native.call_for_arrow(self.user_id, method, _payload(args))
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

    def companies_arrow(self) -> ArrowStream:
        """Every company (archived ones too, `archived` says which) as Arrow record
        batches, a column per field of `Company`: ids and text `utf8`, instants
        `timestamp[ms, UTC]`."""
        return self._arrow("companies")

    def persons_arrow(self) -> ArrowStream:
        """Every person (archived ones too) as Arrow record batches, a column per field
        of `Person`, the company's name in `company_name` beside `company_id`."""
        return self._arrow("persons")

    def interactions_arrow(self) -> ArrowStream:
        """Every interaction (planned, done and cancelled) as Arrow record batches, a
        column per field of `Interaction` (participants and persons as lists of ids,
        `kind` and `status` as their names), the company's name in `company_name`."""
        return self._arrow("interactions")

    def tasks_arrow(self) -> ArrowStream:
        """Every task (open and completed, everyone's) as Arrow record batches, a column
        per field of `Task` (`due_date` a `date32`), the assignee's name in
        `assignee_name` beside `assignee_id`."""
        return self._arrow("tasks")

    def product_summary_arrow(self, first_day: date, last_day: date) -> ArrowStream:
        """`product_summary(first_day, last_day)` as Arrow record batches; money
        `decimal128(38, 4)`."""
        return self._arrow("product_summary", first_day=first_day, last_day=last_day)

    def category_summary_arrow(self, first_day: date, last_day: date) -> ArrowStream:
        """`category_summary(first_day, last_day)` as Arrow record batches."""
        return self._arrow("category_summary", first_day=first_day, last_day=last_day)

    def campaign_roi_arrow(self, period: Optional[tuple[date, date]] = None) -> ArrowStream:
        """`campaign_roi(period)` as Arrow record batches; money `decimal128(38, 4)`,
        `roi` a `float64` ratio (null when the cost is zero)."""
        return self._arrow("campaign_roi", period=period)

    def calibration_arrow(self) -> ArrowStream:
        """`calibration()` as Arrow record batches; `observed_percentage` a `float64`."""
        return self._arrow("calibration")

    def forecast_range_arrow(self, request: _r.RangeRequest) -> ArrowStream:
        """`forecast_range(request)` as one Arrow row; `mean` (an expected value, six
        places) `decimal128(38, 6)`, the other money `decimal128(38, 4)`."""
        return self._arrow("forecast_range", request=request)

    def forecast_arrow(self, request: _r.ForecastRequest) -> ArrowStream:
        """`forecast(request)` as Arrow record batches: `month` a `date32` (the month's
        first day), the dimension columns, counts, and exact money (`pipeline` and
        `won` `decimal128(38, 4)`, `weighted` and `expected` `decimal128(38, 6)`)."""
        return self._arrow("forecast", request=request)

    # --- teams ---
    def add_team(self, input: _r.TeamInput) -> _r.Team:
        """Creates a team. Admins only; members must be active users."""
        return self._one(_r.Team, "add_team", input=input)

    def update_team(self, id: str, version: int, input: _r.TeamInput) -> _r.Team:
        """Renames a team or changes its members, if it is still at `version`. Admins only."""
        return self._one(_r.Team, "update_team", id=id, version=version, input=input)

    def get_team(self, id: str) -> _r.Team:
        """A team by id."""
        return self._one(_r.Team, "get_team", id=id)

    def list_teams(self) -> list[_r.Team]:
        """Every team, by name."""
        return self._many(_r.Team, "list_teams")

    def my_teams(self) -> list[_r.Team]:
        """The teams the acting user is in, by name."""
        return self._many(_r.Team, "my_teams")

    def team_board(self, request: _r.BoardRequest) -> _r.TeamBoard:
        """One of the acting user's teams at a glance: per member, open deals (count, pipeline,
        weighted), interactions in the window around now (upcoming planned ones and recent
        ones), and open and overdue tasks. Members only; anyone else gets
        `PermissionDeniedError`.
        """
        return self._one(_r.TeamBoard, "team_board", request=request)

    # --- business cards ---
    def upload_card(self, image: bytes, media_type: str, transcriber: Optional[str] = None) -> _r.BusinessCard:
        """Uploads a card image (from the camera or the gallery). JPEG, PNG and HEIC are accepted
        by their magic bytes, up to 10,485,760 bytes; the declared media type must agree. The
        transcriber is the uploader unless another active user is named.
        """
        card: _r.BusinessCard = self._with_bytes(
            "upload_card", image, media_type=media_type, transcriber=transcriber
        )
        return card

    def card_image(self, id: str) -> bytes:
        """A card's image, exactly as uploaded."""
        return self._bytes("card_image", id=id)

    def get_card(self, id: str) -> _r.BusinessCard:
        """A card by id."""
        return self._one(_r.BusinessCard, "get_card", id=id)

    def delegate_card(self, id: str, version: int, to: str) -> _r.BusinessCard:
        """Hands a pending card to another transcriber (e.g. office staff). The uploader, the
        current transcriber and admins may.
        """
        return self._one(_r.BusinessCard, "delegate_card", id=id, version=version, to=to)

    def card_queue(self, page: Optional[_r.PageRequest] = None) -> Page[_r.BusinessCard]:
        """One page of the acting user's pending cards to type in, oldest first."""
        return self._page(_r.BusinessCard, "card_queue", page=page or _r.PageRequest())

    def person_duplicates(self, input: _r.PersonInput) -> list[_r.DuplicateHint]:
        """Existing persons who may be the person being entered: the same e-mail, the same office
        or mobile phone, or the same name at the same company.
        """
        return self._many(_r.DuplicateHint, "person_duplicates", input=input)

    def transcribe_card(self, id: str, version: int, input: TranscribeInput) -> Transcription:
        """Types a card in (the transcriber or an admin): creates the person, and the company when
        new, or links existing ones, in one transaction; the card records what it became.
        Returns the duplicate hints for a newly created person.
        """
        result: Transcription = self._call("transcribe_card", id=id, version=version, input=input)
        return result

    def discard_card(self, id: str, version: int, reason: str) -> _r.BusinessCard:
        """Discards a pending card with a reason (required); the card and its image stay."""
        return self._one(_r.BusinessCard, "discard_card", id=id, version=version, reason=reason)


class ArrowStreamExportable(Protocol):
    """Anything that exports Arrow record batches through the Arrow PyCapsule interface:
    a polars or pandas DataFrame, a pyarrow Table or RecordBatchReader, a DuckDB
    relation, an `ArrowStream`."""

    def __arrow_c_stream__(self, requested_schema: Optional[object] = None) -> object: ...


def _forecast_frame(
    deals: ArrowStreamExportable,
    request: _r.ForecastRequest,
    teams: Optional[Mapping[str, list[str]]],
    as_arrow: bool,
) -> tuple[Any, Optional[ArrowStream]]:
    args: dict[str, Any] = {"request": request}
    if teams is not None:
        args["teams"] = {str(owner): [str(t) for t in labels] for owner, labels in teams.items()}
    envelope, stream = _native_forecast_frame(deals, _payload(args), as_arrow)
    return _unwrap(envelope), stream


def forecast(
    deals: ArrowStreamExportable,
    request: _r.ForecastRequest,
    *,
    teams: Optional[Mapping[str, list[str]]] = None,
) -> list[_r.ForecastRow]:
    """The library's exact weighted forecast of a frame of deals that lives in no
    database: a polars or pandas DataFrame, a pyarrow Table, a DuckDB relation, or
    `Session.deals_arrow()` itself (its columns are the ones read).

    Columns: `owner_id`, `status` (`open`, `won`, `lost`), `amount` (Decimal or integer
    dtype: a float column is refused, it is not exact), `expected_close_on` and
    `closed_on` (date dtype), `probability` (whole percent, 0-100, or null), and when
    grouped by them `stage_id`, `campaign_id`, `lines` (a list of structs with
    `product_id` and `amount`). `teams` maps each owner to their team labels (needed to
    group by team). Labels in the rows are the frame's values. A bad value raises
    `ValidationError` naming the column (`field`) and the 0-based `row`.

        sfa.forecast(pl.DataFrame(me.deals_arrow()), request)   # == me.forecast(request)
    """
    rows, _ = _forecast_frame(deals, request, teams, False)
    return [decode(_r.ForecastRow, v) for v in rows]


def forecast_arrow(
    deals: ArrowStreamExportable,
    request: _r.ForecastRequest,
    *,
    teams: Optional[Mapping[str, list[str]]] = None,
) -> ArrowStream:
    """`forecast(deals, request)` as Arrow record batches, in the columns of
    `Session.forecast_arrow`."""
    _, stream = _forecast_frame(deals, request, teams, True)
    assert stream is not None
    return stream


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
    "ArrowStreamExportable",
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
    "Progress",
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
    "forecast",
    "forecast_arrow",
    "parse_card_text",
    "to_frame",
    "__version__",
]
