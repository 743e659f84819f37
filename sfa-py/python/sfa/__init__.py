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

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Optional, Protocol, Union

from . import _records as _r
from ._codec import answer, arg, decode, unwrap
from ._records import *  # noqa: F401,F403 - the record classes are the public API
from ._session import SessionCalls
from ._shapes import ImportReport, MasterId, MasterRecord, Page, SkippedRow, TranscribeInput, Transcription
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
)

#: A progress callback, `progress(done, total)`; what an exception it raises does is
#: said by each call that takes one.
Progress = Callable[[int, int], object]


def parse_card_text(text: str) -> _r.CardDraft:
    """Reads a business card's OCR text into a draft person to review."""
    result: _r.CardDraft = answer(_parse_card_text(text))
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
        unwrap(envelope)
        assert native is not None
        return Sfa(native)

    @staticmethod
    def open_in_memory() -> Sfa:
        """A private in-memory database, for tests and previews."""
        envelope, native = Native.open_in_memory()
        unwrap(envelope)
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
        unwrap(envelope)
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

    def change_key(self, new_key: str) -> None:
        """Re-encrypts an encrypted database with `new_key` (needs the only open handle)."""
        answer(self._native.change_key(arg(new_key, "new_key")))

    def has_users(self) -> bool:
        """True once the first admin exists."""
        return bool(answer(self._native.has_users()))

    def create_first_admin(self, input: _r.UserInput) -> _r.User:
        """Creates the first user, an active admin, in an empty database."""
        result: _r.User = answer(self._native.create_first_admin(arg(input, "input")))
        return result

    def session(self, user_id: str) -> Session:
        """Acts as the user (checked on every call)."""
        session = Session(self._native, user_id)
        session.me()
        return session

    def session_by_email(self, email: str) -> Session:
        """Acts as the user with this e-mail address."""
        return Session(self._native, str(answer(self._native.user_by_email(arg(email, "email")))))

    def rebuild_search_index(self, progress: Optional[Progress] = None) -> int:
        """Indexes every company and person again; returns how many. `progress(done,
        total)` is called as it goes (at most every 0.1 s, and at the end); an exception
        it raises is raised once the work is done."""
        return int(answer(self._native.index(True, progress)))

    def catch_up_search_index(self, progress: Optional[Progress] = None) -> int:
        """Applies the search-index changes not applied yet (after a large import, to
        make the next search instant); returns how many. `progress` as for
        `rebuild_search_index`."""
        return int(answer(self._native.index(False, progress)))

    def pending_search_changes(self) -> int:
        """How many record changes the search index has not applied yet."""
        return int(answer(self._native.pending_search_changes()))

    def check_search_index(self) -> _r.IndexCheck:
        """Compares the search index, caught up first, with the database: every company
        and person must have exactly its document (`missing`, `extra`, `stale` list the
        differences) and the index's files must be whole (`damaged`)."""
        result: _r.IndexCheck = answer(self._native.check_search_index())
        return result

    def enable_sync(self) -> str:
        """Makes this database a sync client (a device of the team server) and returns
        its client id; later calls return the same id. Only an empty database becomes
        a client (records made before would never reach the server): sync first, then
        work. `sync()` does this itself."""
        return str(answer(self._native.sync_enable()))

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

        result: _r.SyncReport = answer(self._native.sync_run(transport))
        return result

    def sync_status(self) -> _r.SyncStatus:
        """Where this device stands: calls waiting to be pushed, rejections, the last
        push and pull."""
        result: _r.SyncStatus = answer(self._native.sync_status())
        return result

    def sync_rejections(self) -> list[dict[str, Any]]:
        """The calls the server refused, oldest first, as the core's JSON form: each
        has `mutation_id`, `call` (the call as made: `call.call.call` names it),
        `refusal` (`code`: conflict, not_found, permission_denied, validation, in_use,
        depends_on_refused or failed; `message`; `fields`) and `server_records` (the
        server's records; this database's copies were restored to them)."""
        return list(answer(self._native.sync_rejections()))

    def dismiss_sync_rejection(self, mutation_id: str) -> bool:
        """Forgets a rejection once dealt with; False if there was none."""
        return bool(answer(self._native.sync_dismiss_rejection(arg(mutation_id, "mutation_id"))))

    def check_stored_records(self) -> list[_r.RecordProblem]:
        """Every stored record that today's rules refuse (written by an older version
        or outside the library): analytics leave them out; fix or archive them."""
        problems: list[_r.RecordProblem] = answer(self._native.check_stored_records())
        return problems


class Session(SessionCalls):
    """Acting as one user: every call is made, and recorded, as them.

    The calls that are the core's one to one come from `SessionCalls` (generated from
    the core's signatures and doc comments); those written here move bytes, take a
    callback, answer Arrow batches or take more than the core does."""

    def __init__(self, native: Native, user_id: str) -> None:
        self._native = native.session(user_id)
        self.user_id = user_id

    def __repr__(self) -> str:
        return f"Session(user_id={self.user_id!r})"

    def company_links(self, id: str) -> _r.CompanyLinks:
        """The company's homepage URL and `tel:` URI, for a screen's buttons: from its
        stored (already normalised) values, `None` where it has none."""
        result: _r.CompanyLinks = answer(self._native.company_links(arg(id, "id")))
        return result

    def person_links(self, id: str) -> _r.ContactLinks:
        """The person's `mailto:` and `tel:` URIs (office and mobile), for a screen's
        buttons: from the stored (already normalised) values, `None` where it has none."""
        result: _r.ContactLinks = answer(self._native.person_links(arg(id, "id")))
        return result

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
        hits: list[_r.SearchHit] = answer(self._native.search(arg(request, "request")))
        return hits

    # --- CSV ---
    def _import(
        self, kind: str, data: bytes, options: Optional[_r.ImportOptions], progress: Optional[Progress]
    ) -> ImportReport:
        options = options or _r.ImportOptions()
        report: ImportReport = answer(self._native.import_csv(kind, bytes(data), arg(options, "options"), progress))
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
        return self._import("companies", data, options, progress)

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
        return self._import("persons", data, options, progress)

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
        return self._import("deals", data, options, progress)

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
        return self._import("masters", data, options, progress)

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
        return self._import("users", data, options, progress)

    def _export(self, kind: str, options: Optional[_r.ExportOptions]) -> bytes:
        envelope, data = self._native.export_csv(kind, arg(options or _r.ExportOptions(), "options"))
        unwrap(envelope)
        return bytes(data or b"")

    def export_companies_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes companies as CSV (the columns of the import, plus the read-only audit columns).

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._export("companies", options)

    def export_persons_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes persons as CSV with their company's id and name.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._export("persons", options)

    def export_deals_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every deal as CSV, one row per line item (one row for a deal without lines), with
        masters by name and the owner by e-mail.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._export("deals", options)

    def export_masters_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every master record as CSV, in the order a restore needs: categories, products,
        stages (in process order), confidence levels, campaigns; retired ones included.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._export("masters", options)

    def export_users_csv(self, options: Optional[_r.ExportOptions] = None) -> bytes:
        """Writes every user as CSV (id, name, e-mail, role, active). Admins only: e-mail addresses
        are personal data.

        From Python the answer is the CSV file, as `bytes`.
        """
        return self._export("users", options)

    # --- Arrow, for polars, pandas and DuckDB ---
    @staticmethod
    def _arrow(reply: tuple[str, Optional[ArrowStream]]) -> ArrowStream:
        envelope, stream = reply
        unwrap(envelope)
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
        return self._arrow(self._native.deals_arrow())

    def companies_arrow(self) -> ArrowStream:
        """Every company (archived ones too, `archived` says which) as Arrow record
        batches, a column per field of `Company`: ids and text `utf8`, instants
        `timestamp[ms, UTC]`."""
        return self._arrow(self._native.companies_arrow())

    def persons_arrow(self) -> ArrowStream:
        """Every person (archived ones too) as Arrow record batches, a column per field
        of `Person`, the company's name in `company_name` beside `company_id`."""
        return self._arrow(self._native.persons_arrow())

    def interactions_arrow(self) -> ArrowStream:
        """Every interaction (planned, done and cancelled) as Arrow record batches, a
        column per field of `Interaction` (participants and persons as lists of ids,
        `kind` and `status` as their names), the company's name in `company_name`."""
        return self._arrow(self._native.interactions_arrow())

    def tasks_arrow(self) -> ArrowStream:
        """Every task (open and completed, everyone's) as Arrow record batches, a column
        per field of `Task` (`due_date` a `date32`), the assignee's name in
        `assignee_name` beside `assignee_id`."""
        return self._arrow(self._native.tasks_arrow())

    def product_summary_arrow(self, first_day: date, last_day: date) -> ArrowStream:
        """`product_summary(first_day, last_day)` as Arrow record batches; money
        `decimal128(38, 4)`."""
        return self._arrow(self._native.product_summary_arrow(arg(first_day, "first_day"), arg(last_day, "last_day")))

    def category_summary_arrow(self, first_day: date, last_day: date) -> ArrowStream:
        """`category_summary(first_day, last_day)` as Arrow record batches."""
        return self._arrow(self._native.category_summary_arrow(arg(first_day, "first_day"), arg(last_day, "last_day")))

    def campaign_roi_arrow(self, period: Optional[tuple[date, date]] = None) -> ArrowStream:
        """`campaign_roi(period)` as Arrow record batches; money `decimal128(38, 4)`,
        `roi` a `float64` ratio (null when the cost is zero)."""
        return self._arrow(self._native.campaign_roi_arrow(arg(period, "period")))

    def calibration_arrow(self) -> ArrowStream:
        """`calibration()` as Arrow record batches; `observed_percentage` a `float64`."""
        return self._arrow(self._native.calibration_arrow())

    def forecast_range_arrow(self, request: _r.RangeRequest) -> ArrowStream:
        """`forecast_range(request)` as one Arrow row; `mean` (an expected value, six
        places) `decimal128(38, 6)`, the other money `decimal128(38, 4)`."""
        return self._arrow(self._native.forecast_range_arrow(arg(request, "request")))

    def forecast_arrow(self, request: _r.ForecastRequest) -> ArrowStream:
        """`forecast(request)` as Arrow record batches: `month` a `date32` (the month's
        first day), the dimension columns, counts, and exact money (`pipeline` and
        `won` `decimal128(38, 4)`, `weighted` and `expected` `decimal128(38, 6)`)."""
        return self._arrow(self._native.forecast_arrow(arg(request, "request")))

    def upload_card(self, image: bytes, media_type: str, transcriber: Optional[str] = None) -> _r.BusinessCard:
        """Uploads a card image (from the camera or the gallery). JPEG, PNG and HEIC are accepted
        by their magic bytes, up to 10,485,760 bytes; the declared media type must agree. The
        transcriber is the uploader unless another active user is named.
        """
        card: _r.BusinessCard = answer(
            self._native.upload_card(bytes(image), arg(media_type, "media_type"), arg(transcriber, "transcriber"))
        )
        return card

    def card_image(self, id: str) -> bytes:
        """A card's image, exactly as uploaded."""
        envelope, data = self._native.card_image(arg(id, "id"))
        unwrap(envelope)
        return bytes(data or b"")


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
    by_owner = None
    if teams is not None:
        by_owner = {str(owner): [str(t) for t in labels] for owner, labels in teams.items()}
    envelope, stream = _native_forecast_frame(deals, arg(request, "request"), arg(by_owner, "teams"), as_arrow)
    return unwrap(envelope), stream


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
