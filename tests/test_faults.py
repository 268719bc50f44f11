"""Faults in production: a process killed while it writes a page, the database gone during a
webhook, Stripe unreachable when a donor opens Checkout, a full disk during a write or a
backup. Each leaves the old state or the new one, never half of it, and says so in French."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, exc, func, select

from app.donations.models import Donation
from app.extensions import db
from app.fileutil import atomic_write_text
from tests.factories import DONATION_FORM, new_donation
from tests.support.app import build_app, inside
from tests.support.paths import ROOT
from tests.support.webhooks import completed, entries, event_count, pay, post

WRITER = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from app.fileutil import atomic_write_text
path = Path(sys.argv[1])
n = 0
print("ready", flush=True)
while True:
    n += 1
    atomic_write_text(path, f"---\\ntitle: version {{n}}\\n---\\n" + ("x" * 400_000) + "\\nfin\\n")
"""


def _complete(text: str) -> bool:
    return text.startswith("---\ntitle: version ") and text.endswith("x\nfin\n") and len(
        text) > 400_000


def test_a_page_save_killed_midway_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    page = tmp_path / "pages" / "programme.md"
    atomic_write_text(page, "---\ntitle: version 0\n---\n" + "x" * 400_000 + "\nfin\n")
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)), encoding="utf-8")
    seen = set()
    for delay in (0.05, 0.11, 0.23, 0.37, 0.5):
        writer = subprocess.Popen([sys.executable, str(script), str(page)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(writer.pid, signal.SIGKILL)  # no cleanup, no flush: as a power cut to it
        writer.wait(timeout=10)
        writer.stdout.close()
        text = page.read_text(encoding="utf-8")
        assert _complete(text), f"torn file after a kill at {delay} s: {len(text)} bytes"
        seen.add(text.split("\n", 2)[1])
    # What a kill leaves besides is a hidden temporary file, which no page loader reads.
    visible = [p.name for p in page.parent.iterdir() if not p.name.startswith(".")]
    assert visible == ["programme.md"]
    from app.core.publishing.pages import load_pages

    pages, errors = load_pages(page.parent)
    assert [p.slug for p in pages] == ["programme"] and not errors
    assert len(seen) >= 2  # the writer did get to replace the file between kills


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "index.md"
    atomic_write_text(page, "ancienne version\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError) as raised:
        atomic_write_text(page, "nouvelle version " * 10_000)
    assert raised.value.errno == errno.ENOSPC
    assert page.read_text(encoding="utf-8") == "ancienne version\n"
    assert [p.name for p in tmp_path.iterdir()] == ["index.md"]


def test_a_full_disk_during_a_backup_says_so_and_leaves_nothing(
        app: Flask, demo_site: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the archive is being written (not at the final rename)."""
    import tarfile

    from app import backup as backup_module

    out = tmp_path / "sauvegardes" / "estrade.tar"
    out.parent.mkdir()
    real_open = tarfile.bltn_open  # type: ignore[attr-defined]

    class Filling:
        def __init__(self, handle: Any) -> None:
            self.handle, self.written = handle, 0

        def write(self, data: bytes) -> int:
            self.written += len(data)
            if self.written > 64 * 1024:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.handle, name)

    def opening(name: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(name, mode, *args, **kwargs)
        return Filling(handle) if Path(name).parent == out.parent and "w" in mode else handle

    monkeypatch.setattr(tarfile, "bltn_open", opening)
    with pytest.raises(backup_module.BackupError) as raised:
        backup_module.backup(app, out)
    assert "Disque plein" in str(raised.value) and "Rien n'a été écrit" in str(raised.value)
    assert list(out.parent.iterdir()) == []  # no archive, no partial file


def test_static_sync_on_a_full_disk_says_so_and_keeps_the_old_files(
        app: Flask, runner: Any, demo_site: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    app.config.update(ESTRADE_CONTENT_DIR=str(content), ESTRADE_STATIC_ROOT=str(tmp_path / "s"))
    assert runner.invoke(args=["static", "sync"]).exit_code == 0
    home = tmp_path / "s" / "127.0.0.1" / "index.html"
    before = home.read_bytes()
    (content / "demo" / "pages" / "index.md").write_text("---\ntitle: Nouvel accueil\n---\nOui.\n")
    real_replace = os.replace

    def full(source: Any, target: Any) -> None:
        if str(target).endswith(".html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", full)
    result = runner.invoke(args=["static", "sync"])
    assert result.exit_code == 1 and "espace disque" in result.output
    assert home.read_bytes() == before
    assert not [p for p in home.parent.rglob(".*.html.*")]  # no temporary left behind


# -- the webhook with the database gone, Stripe unreachable from /don ----------------------


@pytest.fixture
def stripe_app(database_url: str, tmp_path: Path, stripe_config: dict[str, Any],
               stripe_gateway: Any) -> Iterator[Flask]:
    with inside(build_app(database_url, tmp_path, stripe_gateway, **stripe_config)) as built:
        yield built


def test_database_gone_during_a_webhook_gives_5xx_and_the_retry_books_once(
        stripe_app: Flask, stripe_gateway: Any, signed_event: Any) -> None:
    client = stripe_app.test_client()
    donation = new_donation(4000)
    intent = pay(stripe_gateway, donation)
    delivery = completed(signed_event, donation, intent)

    def gone(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            raise exc.OperationalError(statement, {}, Exception("server closed the connection"))

    event.listen(db.engine, "before_cursor_execute", gone)
    try:
        assert post(client, delivery) == 500  # Stripe will deliver it again
    finally:
        event.remove(db.engine, "before_cursor_execute", gone)
    db.session.rollback()
    assert entries() == [] and event_count() == 0
    assert post(client, delivery) == 200  # the database is back: Stripe's retry
    assert post(client, delivery) == 200  # and a late duplicate
    assert len(entries("donation")) == 1 and event_count() == 1


def test_stripe_unreachable_at_checkout_says_so_in_french_and_holds_nothing(
        database_url: str, tmp_path: Path, in_window: Any) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    config = {"STRIPE_SECRET_KEY": "sk_test_unreachable", "STRIPE_WEBHOOK_SECRET": "whsec_x",
              "STRIPE_API_BASE": f"http://127.0.0.1:{closed}", "ESTRADE_DEMO_PAYMENTS": False}
    with inside(build_app(database_url, tmp_path, None, **config)) as built:
        client = built.test_client()
        response = client.post("/don", data=DONATION_FORM, base_url="http://127.0.0.1:5000")
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        assert "Le service de paiement ne répond pas" in page
        assert "aucun paiement n&#39;a été effectué" in page or "aucun paiement n'a été" in page
        db.session.rollback()
        rows = list(db.session.scalars(select(Donation)))
        assert [d.status for d in rows] == ["failed"]
        assert rows[0].checkout_session_id is None  # nothing opened at Stripe
        # A failed gift holds no cap room: the donor may try again at once.
        held = db.session.scalar(select(func.count()).select_from(Donation).where(
            Donation.status.in_(("pending", "processing", "active"))))
        assert held == 0
