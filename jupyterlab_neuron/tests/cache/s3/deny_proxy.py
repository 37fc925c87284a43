"""A loopback S3 proxy that denies deleting some keys, as a bucket policy would.

Every request is passed to the real S3 server unchanged, except DeleteObjects:
keys containing ``denied`` get ``AccessDenied`` in the reply, the others are
deleted on the real server. A real HTTP server, so the code under test meets
S3's per-key errors exactly as it would from AWS.
"""

from __future__ import annotations

import http.client
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
_HOP = {"connection", "transfer-encoding", "keep-alive", "content-length"}


class DenyProxy:
    """Start with :meth:`start`; ``url`` is its endpoint; ``denied_calls`` counts refusals."""

    def __init__(self, upstream: str, backend: Any, bucket: str) -> None:
        self.upstream = urlsplit(upstream)
        self.backend = backend  # a boto3 client on the real server
        self.bucket = bucket
        self.denied: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _forward(self) -> None:
                body = self._body()
                if self.command == "POST" and "delete" in self.path.split("?", 1)[-1]:
                    self._delete(body)
                    return
                connection = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=60
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
                connection.request(self.command, self.path, body=body, headers=headers)
                reply = connection.getresponse()
                data = reply.read()
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in _HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            def _delete(self, body: bytes) -> None:
                keys = [node.text or "" for node in ET.fromstring(body).iter(f"{_NS}Key")]
                allowed = [key for key in keys if "denied" not in key]
                refused = [key for key in keys if "denied" in key]
                if allowed:
                    proxy.backend.delete_objects(
                        Bucket=proxy.bucket,
                        Delete={"Objects": [{"Key": key} for key in allowed], "Quiet": True},
                    )
                proxy.denied.extend(refused)
                parts = [
                    '<?xml version="1.0" encoding="UTF-8"?>',
                    f'<DeleteResult xmlns="{_NS[1:-1]}">',
                ]
                parts += [f"<Deleted><Key>{escape(key)}</Key></Deleted>" for key in allowed]
                parts += [
                    f"<Error><Key>{escape(key)}</Key><Code>AccessDenied</Code>"
                    "<Message>Access Denied</Message></Error>"
                    for key in refused
                ]
                parts.append("</DeleteResult>")
                data = "".join(parts).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> DenyProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
