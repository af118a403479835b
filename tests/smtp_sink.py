"""A local SMTP server (aiosmtpd) that counts what it accepted, per notification key."""

import re
import threading
from collections import Counter
from collections.abc import Callable

from aiosmtpd.controller import Controller

# The header is ASCII and short: a search is enough, and cheaper than parsing the message.
KEY_HEADER = re.compile(rb"^X-Notification-Key: ([^\r\n]+)", re.MULTILINE)


class CountingHandler:
    """Accepts every message and counts it by its X-Notification-Key header.

    `on_message(n)` runs before the n-th message is acknowledged; if it returns False the
    message is refused with a 451 (not delivered, as SMTP has it) and not counted.
    """

    def __init__(self, on_message: Callable[[int], bool] | None = None):
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.on_message = on_message
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):
        match = KEY_HEADER.search(envelope.content)
        key = match.group(1).decode() if match else ""
        with self.lock:
            self.seen += 1
            number = self.seen
        if self.on_message is not None and self.on_message(number) is False:
            return "451 Requested action aborted: try again later"
        with self.lock:
            self.keys[key] += 1
        return "250 Message accepted for delivery"

    @property
    def accepted(self) -> int:
        with self.lock:
            return sum(self.keys.values())

    def duplicates(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.keys.values() if n > 1)


def start_sink(handler: CountingHandler, port: int = 0) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port or _free_port())
    controller.start()
    return controller


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
