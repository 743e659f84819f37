"""The exceptions sfa raises. Every one is an `SfaError`; messages never carry customer
data (names, e-mails, phone numbers)."""

from __future__ import annotations

from typing import Any, Optional


class SfaError(Exception):
    """Any failure of an sfa call; nothing was written."""

    def __init__(self, message: str, details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details or {}


class ValidationError(SfaError):
    """Input was refused. `field` names the first refused field, `code` its reason as a
    stable code (`required`, `too_long`, `invalid_email`, ...: translate by it), and
    `fields` every refused field as a dict with `field`, `code`, `limit` (characters,
    decimal places or bytes for `too_long`, `too_precise`, `too_big`; else None) and
    `reason` (English words)."""

    @property
    def entity(self) -> Optional[str]:
        return self.details.get("entity")

    @property
    def field(self) -> Optional[str]:
        return self.details.get("field")

    @property
    def code(self) -> Optional[str]:
        fields = self.fields
        return str(fields[0]["code"]) if fields else None

    @property
    def fields(self) -> list[dict[str, Any]]:
        return list(self.details.get("fields") or [])

    @property
    def row(self) -> Optional[int]:
        """The 0-based row of the frame at fault (`sfa.forecast(frame, ...)`); else None."""
        row = self.details.get("row")
        return int(row) if row is not None else None


class _AboutARecord(SfaError):
    """An error about one record: `entity` is its kind, `id` its id."""

    @property
    def entity(self) -> Optional[str]:
        return self.details.get("entity")

    @property
    def id(self) -> Optional[str]:
        return self.details.get("id")


class NotFoundError(_AboutARecord):
    """The record does not exist: `entity` is its kind, `id` the id asked for."""


class ConflictError(_AboutARecord):
    """The record changed since it was read (`expected` / `actual` versions of the
    record `entity` / `id`)."""

    @property
    def expected(self) -> Optional[int]:
        return self.details.get("expected")

    @property
    def actual(self) -> Optional[int]:
        return self.details.get("actual")


class PermissionDeniedError(SfaError):
    """The acting user may not do this; `reason` says why (no customer data)."""

    @property
    def reason(self) -> Optional[str]:
        return self.details.get("reason")


class InUseError(_AboutARecord):
    """A master record in use cannot be deleted; retire it instead (`entity` / `id`)."""


class CsvImportError(ValidationError):
    """A CSV import failed at a line (`line`); nothing was imported."""

    @property
    def line(self) -> Optional[int]:
        return self.details.get("line")


class DatabaseError(SfaError):
    """The file is not an sfa database, is from a newer version, or storage failed."""


class BusyError(DatabaseError):
    """Another handle held the database for a write too long; nothing was written: try
    again."""


class ClosedError(DatabaseError):
    """The database was closed (`Sfa.close()`, or the end of its `with` block)."""


class UnavailableError(DatabaseError):
    """The database server cannot be reached (down, or the connection was lost)."""


class DamagedError(DatabaseError):
    """The database file is damaged: reads work, writes are refused; restore a backup."""


class WrongKeyError(DatabaseError):
    """The key does not open this encrypted database: ask for it again."""


class SyncServerError(SfaError):
    """The sync server refused a request: `status` is its HTTP status (401: the token
    is not valid; 403: the user may not sync; 413: a message too large)."""

    @property
    def status(self) -> Optional[int]:
        status = self.details.get("status")
        return int(status) if status is not None else None


class InvalidArgumentError(SfaError, ValueError):
    """A call got an argument of the wrong shape (a bug in the calling code): `field`
    names it, inside a record too (`input.company_id` for a malformed id)."""

    @property
    def field(self) -> Optional[str]:
        return self.details.get("field")


class InternalError(SfaError):
    """A bug inside the library; the call did nothing."""


_KINDS: dict[str, type[SfaError]] = {
    "validation": ValidationError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "permission_denied": PermissionDeniedError,
    "in_use": InUseError,
    "import": CsvImportError,
    "schema_too_new": DatabaseError,
    "not_a_database": DatabaseError,
    "damaged": DamagedError,
    "busy": BusyError,
    "timeout": BusyError,
    "unavailable": UnavailableError,
    "closed": ClosedError,
    "wrong_key": WrongKeyError,
    "key_change_busy": DatabaseError,
    "encryption_unavailable": DatabaseError,
    "storage": DatabaseError,
    "io": DatabaseError,
    "search": DatabaseError,
    "unrepresentable": ValidationError,
    "invalid_argument": InvalidArgumentError,
    "internal": InternalError,
}


def raise_for(error: dict[str, Any]) -> None:
    """Raises the exception an error envelope describes."""
    cls = _KINDS.get(str(error.get("kind")), SfaError)
    raise cls(str(error.get("message", "")), error)
