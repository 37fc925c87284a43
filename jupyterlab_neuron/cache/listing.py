"""Filtering, sorting and paging the entries of a scan (for the table view and the CLI).

Sorted orders are computed once per snapshot and sort key, so paging through
10,000 entries or changing a filter does not sort again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Literal

from .errors import BadRequestError
from .scanner import ENTRY_STATES, CacheEntry, CacheSnapshot

SortKey = Literal["last_used", "bytes", "created", "module", "version", "state"]
SORT_KEYS: tuple[SortKey, ...] = ("last_used", "bytes", "created", "module", "version", "state")
SortOrder = Literal["asc", "desc"]

#: Largest page the API hands out.
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100

_STATE_RANK = {state: rank for rank, state in enumerate(ENTRY_STATES)}


@dataclass(frozen=True)
class EntryQuery:
    """Which entries, in what order, which page.

    ``versions`` holds version ids or folder names; ``text`` matches a part of
    the entry id, module or version name (case-insensitive).
    """

    roots: tuple[str, ...] = ()
    versions: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    text: str = ""
    in_use: bool | None = None
    protected: bool | None = None
    sort: SortKey = "last_used"
    order: SortOrder = "desc"
    offset: int = 0
    limit: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> EntryQuery:
        """Parse query-string parameters (each a list of values; commas also split).

        Raises :class:`BadRequestError` for unknown states, sort keys or bad numbers.
        """

        def values(name: str) -> tuple[str, ...]:
            found: list[str] = []
            for raw in params.get(name, ()):
                found.extend(part.strip() for part in raw.split(",") if part.strip())
            return tuple(dict.fromkeys(found))

        def single(name: str, default: str) -> str:
            given = params.get(name)
            return given[-1].strip() if given else default

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = single(name, str(default))
            try:
                value = int(raw)
            except ValueError as error:
                raise BadRequestError(
                    "error.bad_value", name=name, detail=f"{raw!r} is not a whole number"
                ) from error
            if not low <= value <= high:
                raise BadRequestError(
                    "error.bad_value", name=name, detail=f"expected {low} to {high}"
                )
            return value

        def flag(name: str) -> bool | None:
            raw = single(name, "")
            if raw == "":
                return None
            if raw.lower() in ("1", "true", "yes"):
                return True
            if raw.lower() in ("0", "false", "no"):
                return False
            raise BadRequestError("error.bad_value", name=name, detail="true or false expected")

        states = values("state")
        unknown = [state for state in states if state not in ENTRY_STATES]
        if unknown:
            raise BadRequestError(
                "error.bad_value",
                name="state",
                detail=f"{', '.join(unknown)}; use {', '.join(ENTRY_STATES)}",
            )
        sort = single("sort", "last_used")
        if sort not in SORT_KEYS:
            raise BadRequestError(
                "error.bad_value", name="sort", detail=f"use one of {', '.join(SORT_KEYS)}"
            )
        order = single("order", "desc")
        if order not in ("asc", "desc"):
            raise BadRequestError("error.bad_value", name="order", detail="use asc or desc")
        return cls(
            roots=values("root"),
            versions=values("version"),
            states=states,
            text=single("q", ""),
            in_use=flag("in_use"),
            protected=flag("protected"),
            sort=sort,  # type: ignore[arg-type]
            order=order,  # type: ignore[arg-type]
            offset=number("offset", 0, 0, 10**9),
            limit=number("limit", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
        )

    def matches(self, entry: CacheEntry) -> bool:
        """Whether ``entry`` passes every filter."""
        if self.roots and entry.root_id not in self.roots:
            return False
        if (
            self.versions
            and entry.version not in self.versions
            and (entry.id.split(":", 1)[0] not in self.versions)
        ):
            return False
        if self.states and entry.state not in self.states:
            return False
        if self.in_use is not None and entry.in_use != self.in_use:
            return False
        if self.protected is not None and bool(entry.protected) != self.protected:
            return False
        if self.text:
            needle = self.text.lower()
            if (
                needle not in entry.module.lower()
                and needle not in entry.version.lower()
                and (needle not in entry.id.lower())
            ):
                return False
        return True

    @property
    def filtered(self) -> bool:
        """Whether any filter is set."""
        return bool(
            self.roots
            or self.versions
            or self.states
            or self.text
            or self.in_use is not None
            or self.protected is not None
        )


class EntryIndex:
    """Sorted views of one snapshot's entries, built on first use."""

    def __init__(self, snapshot: CacheSnapshot) -> None:
        self.snapshot = snapshot
        self._sorted: dict[tuple[str, str], list[CacheEntry]] = {}

    def sorted_by(self, key: SortKey, order: SortOrder) -> list[CacheEntry]:
        """Every entry in the given order; ties are broken by id, always ascending."""
        cached = self._sorted.get((key, order))
        if cached is not None:
            return cached
        # Python's sort keeps equal items in input order, also with reverse=True,
        # so sorting by id first makes ties come out by ascending id.
        by_id = sorted(self.snapshot.entries, key=attrgetter("id"))
        if key == "state":
            ordered = sorted(
                by_id, key=lambda entry: _STATE_RANK[entry.state], reverse=order == "desc"
            )
        else:
            ordered = sorted(by_id, key=attrgetter(key), reverse=order == "desc")
        self._sorted[(key, order)] = ordered
        return ordered

    def query(self, query: EntryQuery) -> tuple[int, list[CacheEntry]]:
        """``(total matching, the requested page)``."""
        ordered = self.sorted_by(query.sort, query.order)
        if not query.filtered:
            return len(ordered), ordered[query.offset : query.offset + query.limit]
        matching = [entry for entry in ordered if query.matches(entry)]
        return len(matching), matching[query.offset : query.offset + query.limit]

    def page(self, query: EntryQuery) -> dict[str, Any]:
        """JSON form of one page (``CacheEntryPage`` in openapi.yaml)."""
        total, items = self.query(query)
        return {
            "revision": self.snapshot.revision,
            "scanned_at": round(self.snapshot.scanned_at, 3),
            "total": total,
            "offset": query.offset,
            "limit": query.limit,
            "sort": query.sort,
            "order": query.order,
            "items": [entry.to_dict() for entry in items],
        }
