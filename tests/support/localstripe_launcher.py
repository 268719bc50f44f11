"""Run localstripe for the test suite: ``python -m tests.support.localstripe_launcher --port N``.

localstripe is GPL-3.0-or-later, so it is only ever imported in this separate process, never
by the application. Compared with the stock ``localstripe`` command this launcher:

* binds 127.0.0.1 only (the stock command listens on every interface);
* never reads or writes ``/tmp/localstripe.pickle`` (parallel runs would share state);
* shortens the hard-coded 1 s sleep before each webhook delivery to
  ``LOCALSTRIPE_WEBHOOK_DELAY`` seconds (default 0.2), patched only inside
  ``localstripe.webhooks``.

``--port 0`` picks a free port. Once listening, the launcher prints ``LISTENING <port>`` on
stdout (one line, nothing else is ever written there).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from typing import Any

DEFAULT_WEBHOOK_DELAY = 0.2


def webhook_delay() -> float:
    return float(os.environ.get("LOCALSTRIPE_WEBHOOK_DELAY", DEFAULT_WEBHOOK_DELAY))


class _AsyncioWithShortSleep:
    """Stands in for the ``asyncio`` module inside ``localstripe.webhooks`` only."""

    def __init__(self, delay: float) -> None:
        self._delay = delay

    async def sleep(self, _seconds: float, result: Any = None) -> Any:
        return await asyncio.sleep(self._delay, result)

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)


def patch_localstripe(delay: float) -> Any:
    """Disable disk persistence and shorten the webhook delay; return the aiohttp app."""
    from localstripe import resources, webhooks

    def _no_op(self: Any) -> None:
        return None

    resources.Store.dump_to_disk = _no_op  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = _no_op  # type: ignore[method-assign]
    webhooks.asyncio = _AsyncioWithShortSleep(delay)  # type: ignore[assignment]

    from localstripe.server import app

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: any free port)")
    args = parser.parse_args(argv)

    from aiohttp import web

    app = patch_localstripe(webhook_delay())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]

    async def _announce(_app: Any) -> None:
        sys.stdout.write(f"LISTENING {port}\n")
        sys.stdout.flush()

    app.on_startup.append(_announce)
    web.run_app(app, sock=sock, access_log=None, print=None)


if __name__ == "__main__":
    main()
