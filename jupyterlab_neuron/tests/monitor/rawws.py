"""A bare WebSocket client on a plain socket, for clients that misbehave on purpose
(send a flood of pings, never read): the usual clients always read their socket."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
from dataclasses import dataclass


def client_frame(text: str) -> bytes:
    """One masked text frame, as a browser sends it (payload under 126 bytes)."""
    payload = text.encode()
    assert len(payload) < 126
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return struct.pack("!BB", 0x81, 0x80 | len(payload)) + mask + masked


PING = client_frame("ping")


@dataclass
class Frame:
    opcode: int
    payload: bytes


class RawWebSocket:
    """One connection: :meth:`send_raw` writes bytes, :meth:`read_frame` reads a frame."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def connect(
        cls, port: int, path: str, token: str, *, receive_buffer: int | None = None
    ) -> RawWebSocket:
        """Open ``ws://127.0.0.1:port{path}`` with token authentication.

        ``receive_buffer`` shrinks the socket's receive buffer (set before
        connecting) so that a client that does not read backs the server up soon.
        """
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        reader, writer = await asyncio.open_connection(sock=sock)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\n"
                "Upgrade: websocket\r\n"
                "Connection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n"
                f"Authorization: token {token}\r\n"
                "\r\n"
            ).encode()
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            writer.close()
            raise ConnectionError(f"upgrade refused: {status.decode(errors='replace')}")
        return cls(reader, writer)

    async def send_raw(self, data: bytes) -> bool:
        """Write ``data``; ``False`` once the server has closed the connection."""
        if self.writer.is_closing():
            return False
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (ConnectionError, OSError):
            return False
        return True

    async def read_frame(self) -> Frame | None:
        """The next frame from the server, ``None`` at the end of the stream."""
        try:
            first, second = await self.reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self.reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
            payload = await self.reader.readexactly(length)
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            return None
        return Frame(first & 0x0F, payload)

    def abort(self) -> None:
        """Drop the connection at once (a reset, no closing handshake)."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()

    def close(self) -> None:
        """Close the socket without a closing handshake."""
        self.writer.close()
