"""The one base class of every jupyterlab-neuron HTTP handler.

Handlers stay thin: they parse the request, call a core service and write
JSON. Errors always reach the client as ``{"message": ...}`` (tornado's
``HTTPError`` is turned into that shape by ``APIHandler.write_error``).
"""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.base.handlers import APIHandler
from tornado import web

from neuron_kernel_helpers.i18n import Lang, lang_from_accept_language

#: The authorization resource name checked by ``@authorized`` on every verb.
AUTH_RESOURCE = "neuron"


class NeuronAPIHandler(APIHandler):
    """Base handler: JSON helpers, the client's language, the auth resource."""

    auth_resource = AUTH_RESOURCE

    @property
    def lang(self) -> Lang:
        """The UI language the client asked for (``Accept-Language``)."""
        return lang_from_accept_language(self.request.headers.get("Accept-Language"))

    def write_json(self, payload: Any, status: int = 200) -> None:
        """Write ``payload`` as JSON with the given status."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=UTF-8")
        self.finish(json.dumps(payload))

    def read_json(self) -> Any:
        """The request body as JSON, or a 400 error with a clear message."""
        body = self.request.body or b"{}"
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise web.HTTPError(400, f"The request body is not valid JSON: {error}") from error
