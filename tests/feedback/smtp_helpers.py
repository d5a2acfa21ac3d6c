"""A real SMTP server on loopback (aiosmtpd) that records what it accepted, optionally slowly."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from email import message_from_bytes
from email.message import Message

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler keeping every accepted message; ``delay`` seconds per DATA widen races."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        """Accept the message (after the delay) and keep it."""
        if self.delay:
            time.sleep(self.delay)  # blocks the server loop on purpose: senders queue up
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> Counter:
        """How many times each Message-ID arrived."""
        with self._lock:
            return Counter(m["Message-ID"] for m in self.messages)

    def recipients(self) -> list[str]:
        """The To header of each accepted message, in arrival order."""
        with self._lock:
            return [m["To"] for m in self.messages]


class SmtpServer:
    """An aiosmtpd controller on 127.0.0.1 with a Recorder."""

    def __init__(self, delay: float = 0.0) -> None:
        self.recorder = Recorder(delay)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=free_port())
        self.port = self.controller.port

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.controller.stop()
