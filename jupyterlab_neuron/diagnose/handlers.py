"""REST face of the error diagnosis: thin handlers over :mod:`.matcher`.

Routes (under ``<base_url>/jupyterlab-neuron/``; contract in docs/diagnose-api.md):

- ``POST diagnose`` with ``{"text": "...", "lang": "ja" | "en"}`` -> the diagnosis;
- ``GET diagnose/catalogue[?lang=ja|en]`` -> every entry, the action labels and
  the fallback shown for unknown errors.
"""

from __future__ import annotations

from typing import Any

import anyio
from jupyter_server.auth.decorator import authorized
from tornado import web

from neuron_kernel_helpers.i18n import LANGUAGES, Lang, Messages

from ..context import ExtensionContext, Route
from ..http import NeuronAPIHandler
from ..untrusted import echo
from .matcher import MAX_TEXT_BYTES, ErrorCatalogue, default_catalogue

#: JSON escapes (\\u001b, \\u3042...) can make a body several times longer than
#: its text; bodies beyond this many times the text limit are refused unread.
_BODY_TO_TEXT_RATIO = 8

MESSAGES = Messages(
    {
        "not_an_object": {
            "ja": (
                'リクエストの本文は、"text"（と省略可能な "lang"）を持つ'
                " JSON オブジェクトにしてください。"
            ),
            "en": 'The request body must be a JSON object with "text" (and optionally "lang").',
        },
        "text_not_string": {
            "ja": '"text" には診断するエラーの全文を文字列で指定してください。',
            "en": '"text" must be a string holding the error output to diagnose.',
        },
        "bad_lang": {
            "ja": '言語 {lang} には対応していません。"ja" か "en" を指定してください。',
            "en": 'Unsupported language {lang}: use "ja" or "en".',
        },
        "too_large": {
            "ja": (
                "エラーのテキストが大きすぎます（{size} バイト、上限は {limit} バイト）。"
                "大きなログは、ターミナルで `jupyter neuron diagnose <ファイル>` を"
                "使って診断してください。"
            ),
            "en": (
                "The error text is too large ({size} bytes; the limit is {limit} bytes). "
                "Diagnose large logs in a terminal with `jupyter neuron diagnose <file>`."
            ),
        },
    }
)


class _DiagnoseHandlerBase(NeuronAPIHandler):
    """Holds the catalogue and resolves the response language."""

    catalogue: ErrorCatalogue

    def initialize(self, catalogue: ErrorCatalogue, max_text_bytes: int = MAX_TEXT_BYTES) -> None:
        """Receive the catalogue (and the text size limit) from the route table."""
        self.catalogue = catalogue
        self.max_text_bytes = max_text_bytes
        self.max_body_bytes = max_text_bytes * _BODY_TO_TEXT_RATIO

    def body_too_large_message(self, size: int) -> str:
        """413 for the body: it says how to diagnose a big log instead."""
        return MESSAGES("too_large", self.lang, size=size, limit=self.max_text_bytes)

    def _requested_lang(self, value: Any) -> Lang:
        """``value`` when it is a supported language, the Accept-Language one when absent."""
        if value is None or value == "":
            return self.lang
        if value not in LANGUAGES:
            raise web.HTTPError(400, MESSAGES("bad_lang", self.lang, lang=echo(repr(value))))
        return value


class DiagnoseHandler(_DiagnoseHandlerBase):
    """``POST diagnose``: match an error text against the catalogue."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Diagnose ``{"text", "lang"?}``; 400 on bad input, 413 when the text is too large."""
        body = await self.read_json()  # 413 beyond max_body_bytes, unread
        if not isinstance(body, dict):
            raise web.HTTPError(400, MESSAGES("not_an_object", self.lang))
        lang = self._requested_lang(body.get("lang"))
        text = body.get("text")
        if not isinstance(text, str):
            raise web.HTTPError(400, MESSAGES("text_not_string", lang))
        size = len(text.encode("utf-8", errors="surrogatepass"))
        if size > self.max_text_bytes:
            raise web.HTTPError(
                413, MESSAGES("too_large", lang, size=size, limit=self.max_text_bytes)
            )
        # Up to a megabyte of regular-expression work: keep it off the event loop.
        result = await anyio.to_thread.run_sync(self.catalogue.diagnose, text, lang)
        self.write_json(result)


class CatalogueHandler(_DiagnoseHandlerBase):
    """``GET diagnose/catalogue``: the whole catalogue in one language."""

    @web.authenticated
    @authorized
    def get(self) -> None:
        """Every entry, the action labels and the fallback, in ``?lang=`` or Accept-Language."""
        lang = self._requested_lang(self.get_query_argument("lang", None))
        self.write_json(self.catalogue.describe(lang))


def setup(context: ExtensionContext) -> list[Route]:
    """Store the catalogue as ``context.diagnose`` and return the routes."""
    catalogue = default_catalogue()
    context.diagnose = catalogue
    kwargs = {"catalogue": catalogue}
    return [
        ("diagnose", DiagnoseHandler, kwargs),
        ("diagnose/catalogue", CatalogueHandler, kwargs),
    ]
