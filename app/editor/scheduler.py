"""Scheduled pages go live within a minute with no extra daemon: each server process (the
development server, every gunicorn worker) runs one light thread, started by its first
request, that publishes what is due every ESTRADE_PUBLISH_CHECK_SECONDS. The write lock of
:func:`app.dbutil.transaction` (and the page row's lock on PostgreSQL) makes the publication
happen once, whichever process gets there first. ``estrade pages publish-due`` does the same
from cron.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask

from app.dbutil import transaction
from app.extensions import db

logger = logging.getLogger(__name__)
_started: dict[int, int] = {}  # id(app) → pid of the process whose thread runs
_lock = threading.Lock()


def run_due(app: Flask) -> list[str]:
    """Publish what is due now, in one transaction; a line per page handled."""
    from app.editor.actions import publish_due

    with app.app_context():
        try:
            with transaction():
                return [f"{page.path} : {what}" for page, what in publish_due()]
        finally:
            db.session.remove()


def _loop(app: Flask, seconds: int) -> None:
    while True:
        time.sleep(seconds)
        try:
            for line in run_due(app):
                logger.info("publication programmée — %s", line)
        except Exception:  # never kill the thread: the next round tries again
            logger.exception("publication programmée impossible")


def init_app(app: Flask) -> None:
    seconds = int(app.config["ESTRADE_PUBLISH_CHECK_SECONDS"])
    if seconds <= 0 or app.testing:
        return

    @app.before_request
    def start_publisher() -> None:
        key, pid = id(app), os.getpid()
        if _started.get(key) == pid:  # a forked worker starts its own
            return
        with _lock:
            if _started.get(key) == pid:
                return
            _started[key] = pid
            threading.Thread(target=_loop, args=(app, seconds), daemon=True,
                             name="estrade-publisher").start()
