"""Errors of the compile-cache core.

Each error carries a message key and values instead of a finished sentence, so
the same error reads in Japanese or English depending on who asked (REST
client, CLI). Handlers map the classes to HTTP statuses with
:data:`HTTP_STATUS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neuron_kernel_helpers.i18n import DEFAULT_LANG, Lang

from ..untrusted import echo
from .messages import MESSAGES


@dataclass(frozen=True)
class Localized:
    """A message key with its values, translated when it is shown."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang) -> str:
        """The text in ``lang``; nested translatable values are translated too."""
        return MESSAGES(self.key, lang, **localize_values(self.values, lang))


def localize_values(values: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """``values`` with every translatable value replaced by its text in ``lang``."""
    return {
        name: (value.message(lang) or "") if hasattr(value, "message") else value
        for name, value in values.items()
    }


class CacheError(Exception):
    """Base class: a message key of :data:`~.messages.MESSAGES` plus its values."""

    def __init__(self, key: str, **values: Any) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message(DEFAULT_LANG))

    def message(self, lang: Lang) -> str:
        """The error as a sentence in ``lang``."""
        return MESSAGES(self.key, lang, **localize_values(self.values, lang))


class InvalidRequestError(CacheError):
    """The request is well-formed but cannot be carried out as asked (HTTP 422)."""


class BadRequestError(CacheError):
    """A parameter has the wrong type or an impossible value (HTTP 400)."""

    def __init__(self, key: str, **values: Any) -> None:
        if "name" in values:  # field names come from the client
            values["name"] = echo(values["name"])
        super().__init__(key, **values)


class UnknownIdError(CacheError):
    """An id (root, version, entry) is not in the latest scan (HTTP 404); the
    message quotes only the beginning of the id the client sent."""

    def __init__(self, key: str, **values: Any) -> None:
        if "id" in values:
            values["id"] = echo(values["id"])
        super().__init__(key, **values)


class CacheConflictError(CacheError):
    """The cache is not in the state the request expects (HTTP 409): it changed
    since the dry run, or the root cannot be modified."""


#: HTTP status of each error class, used by the handlers.
HTTP_STATUS: dict[type[CacheError], int] = {
    BadRequestError: 400,
    UnknownIdError: 404,
    CacheConflictError: 409,
    InvalidRequestError: 422,
}


def http_status(error: CacheError) -> int:
    """The HTTP status that fits ``error``."""
    for cls in type(error).__mro__:
        if cls in HTTP_STATUS:
            return HTTP_STATUS[cls]
    return 500
