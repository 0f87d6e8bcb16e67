"""The frames that a server process and its compute processes exchange over a Unix socket.

A frame is a 13-byte header (kind, a 32-bit number, a 64-bit length) and then ``length`` bytes.
The compute process uses blocking sockets; the server uses non-blocking ones on its event loop
(``loop.sock_*`` take the socket per call, so any loop can, one at a time).
"""

from __future__ import annotations

import asyncio
import socket
import struct

HEADER = struct.Struct("!BiQ")

# Server → compute process
SETUP = ord("S")  # pickled (Settings, role)
CALL = ord("C")  # pickled (task name, arguments)
TRAIN = ord("T")  # pickled TrainRequest
# Compute process → server
READY = ord("r")  # started, limits set
RESULT = ord("R")  # number: HTTP status; payload: the JSON answer
EVENT = ord("E")  # a training stream's event (Server-Sent Events text)
END = ord("D")  # the training run ended (its done event was the last EVENT)
RETIRE = ord("X")  # the previous answer was the last: this process exits (memory went to the OS)


def send_frame(sock: socket.socket, kind: int, number: int = 0, payload: bytes = b"") -> None:
    header = HEADER.pack(kind, number, len(payload))
    if len(payload) < 65536:
        sock.sendall(header + payload)
    else:  # no copy of a large answer
        sock.sendall(header)
        sock.sendall(payload)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    if size == 0:
        return b""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:], size - got)
        if n == 0:
            raise EOFError("the other end closed the socket")
        got += n
    return bytes(buffer)


def read_frame(sock: socket.socket) -> tuple[int, int, bytes]:
    """``(kind, number, payload)``; raises EOFError when the other end is gone."""
    kind, number, length = HEADER.unpack(_read_exactly(sock, HEADER.size))
    return kind, number, _read_exactly(sock, length)


async def _read_exactly_async(sock: socket.socket, size: int) -> bytes:
    if size == 0:
        return b""
    loop = asyncio.get_running_loop()
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise EOFError("the other end closed the socket")
        got += n
    return bytes(buffer)


async def read_frame_async(sock: socket.socket) -> tuple[int, int, bytes]:
    """:func:`read_frame` on the running event loop (``sock`` must be non-blocking)."""
    kind, number, length = HEADER.unpack(await _read_exactly_async(sock, HEADER.size))
    return kind, number, await _read_exactly_async(sock, length)


async def send_frame_async(sock: socket.socket, kind: int, number: int = 0, payload: bytes = b"") -> None:
    """:func:`send_frame` on the running event loop (``sock`` must be non-blocking)."""
    loop = asyncio.get_running_loop()
    await loop.sock_sendall(sock, HEADER.pack(kind, number, len(payload)) + payload)
