"""Backup → wipe → restore gives back identical pages, media, users and ledger (SQLite and
PostgreSQL); a damaged, mismatching or wrongly unlocked archive restores nothing."""

from __future__ import annotations

import shutil
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import User
from app.backup import BackupError, backup, restore
from app.config import PROJECT_ROOT
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from app.ledger.models import LedgerEntry
from app.ledger.verify import verify_all
from tests.factories import create_user, identity, tx


@pytest.fixture
def own_content(app, tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content" / "demo", content / "demo")
    app.config["ESTRADE_CONTENT_DIR"] = str(content)
    return content


def _state(client, content: Path) -> dict[str, object]:
    pages = {url: client.get(url).get_data(as_text=True)
             for url in ("/", "/programme/", "/equipe/")}
    media = {p.name: p.read_bytes() for p in (content / "demo" / "media").iterdir()}
    users = sorted((u.email, u.password_hash) for u in db.session.scalars(select(User)))
    ledger = [(e.seq, e.kind, e.amount_cents, e.hash) for e in db.session.scalars(
        select(LedgerEntry).order_by(LedgerEntry.campaign_id, LedgerEntry.seq))]
    return {"pages": pages, "media": media, "users": users, "ledger": ledger}


def _wipe(content: Path) -> None:
    db.session.rollback()  # end this session's read snapshot before another connection writes
    shutil.rmtree(content)
    content.mkdir()
    dialect = db.engine.dialect.name
    with db.engine.begin() as connection:
        if dialect == "sqlite":
            connection.execute(text("DROP TRIGGER IF EXISTS ledger_entries_no_delete"))
            connection.execute(text("DROP TRIGGER IF EXISTS ledger_entries_no_update"))
        else:
            connection.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
        connection.execute(text("DELETE FROM ledger_entries"))
        connection.execute(text("DELETE FROM memberships"))
        connection.execute(text("DELETE FROM audit_log"))
        connection.execute(text("DELETE FROM users"))
    db.session.rollback()


@pytest.mark.parametrize("passphrase", [None, "une phrase de passe assez longue"])
def test_backup_wipe_restore_gives_everything_back(app, client, demo_site, own_content,
                                                   tmp_path, passphrase) -> None:
    create_user("tresoriere@example.org", "treasurer")
    tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=15_000,
                              on=date(2026, 11, 15), method="cheque", identity=identity()))
    before = _state(client, own_content)
    archive = tmp_path / "sauvegardes" / "estrade.tar"
    report = backup(app, archive, passphrase=passphrase)
    assert report.encrypted is bool(passphrase) and report.heads[0]["entries"] == 1
    with tarfile.open(archive) as outer:
        names = set(outer.getnames())
        if passphrase:  # only age-encrypted data: the payload, and its key under the passphrase
            assert names == {"estrade-backup.json", "key.age", "payload.tar.gz.age"}
            payload = outer.extractfile("payload.tar.gz.age")
            assert payload is not None and payload.read(21) == b"age-encryption.org/v1"
        else:
            assert names == {"estrade-backup.json", "payload.tar.gz"}
    if passphrase:
        with pytest.raises(BackupError, match="Phrase de passe"):
            restore(app, archive, passphrase="une autre phrase")
    _wipe(own_content)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    heads = restore(app, archive, passphrase=passphrase)
    assert [h["entries"] for h in heads] == [1]
    db.session.rollback()
    assert _state(client, own_content) == before
    assert all(check.problem is None for check in verify_all())


def test_a_damaged_archive_restores_nothing(app, demo_site, own_content, tmp_path) -> None:
    archive = tmp_path / "estrade.tar"
    backup(app, archive)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "abimee.tar"
    damaged.write_bytes(bytes(data))
    page = (own_content / "demo" / "pages" / "index.md").read_text(encoding="utf-8")
    with pytest.raises(BackupError, match=r"endommagée|illisible"):
        restore(app, damaged)
    assert (own_content / "demo" / "pages" / "index.md").read_text(encoding="utf-8") == page


def test_an_archive_of_another_database_kind_is_refused(app, demo_site, own_content,
                                                        tmp_path) -> None:
    archive = tmp_path / "estrade.tar"
    backup(app, archive)
    with tarfile.open(archive) as outer:
        assert "estrade-backup.json" in outer.getnames()
    kind = db.engine.dialect.name
    other = "postgresql+psycopg://postgres@127.0.0.1/none" if kind == "sqlite" else \
        f"sqlite:///{tmp_path / 'autre.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = other
    try:
        with pytest.raises(BackupError, match="contient une base"):
            restore(app, archive)
    finally:
        app.config["SQLALCHEMY_DATABASE_URI"] = str(db.engine.url.render_as_string(
            hide_password=False))


def test_a_full_disk_leaves_no_half_written_archive(app, demo_site, own_content, tmp_path,
                                                    monkeypatch) -> None:
    import errno
    import os

    real_replace = os.replace

    def full(src, dst):  # type: ignore[no-untyped-def]
        if str(dst).endswith("plein.tar"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr("app.backup.os.replace", full)
    with pytest.raises(BackupError, match="Disque plein"):
        backup(app, tmp_path / "plein.tar")
    assert not any(p.name.startswith((".plein", "plein")) for p in tmp_path.iterdir())


def test_expense_invoices_are_backed_up_and_restored(app, runner, users, demo_site,
                                                     own_content, tmp_path) -> None:
    """An expense's invoice is chained by its digest: a restore without it would not verify."""
    invoice = tmp_path / "facture.pdf"
    invoice.write_bytes(b"%PDF-1.4\n%%EOF\n")
    booked = runner.invoke(args=["treasury", "expense", "--amount", "80", "--on", "2026-11-10",
                                 "--nature", "impression", "--supplier", "Imprimerie",
                                 "--invoice", str(invoice), "--site", "demo",
                                 "--by", "treasurer@example.org"])
    assert booked.exit_code == 0, booked.output
    stored = list((Path(app.instance_path) / "justificatifs").rglob("*.pdf"))
    assert len(stored) == 1
    archive = tmp_path / "estrade.tar"
    backup(app, archive)
    shutil.rmtree(Path(app.instance_path) / "justificatifs")
    db.session.rollback()
    assert any(check.problem is not None for check in verify_all())  # the file is missing
    restore(app, archive)
    db.session.rollback()
    assert stored[0].read_bytes() == invoice.read_bytes()
    assert all(check.problem is None for check in verify_all())
