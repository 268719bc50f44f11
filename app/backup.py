"""``estrade backup`` and ``estrade restore``: the database, the content and media, checked.

An archive is a plain tar holding ``estrade-backup.json`` (format, date, whether it is
encrypted, the payload's SHA-256) and the payload: a ``.tar.gz`` of ``manifest.json`` (every
file's SHA-256, the database kind, each campaign's chain head: entries, balance, last digest),
the database snapshot (SQLite's online backup API, so a running app loses nothing; or
``pg_dump --format=custom``) and the content folder. With a passphrase the payload is
encrypted with age (an x25519 key made for this archive, itself encrypted with the passphrase
by age's scrypt recipient: ``age`` can open it too). Donor data reveal political opinions
(GDPR art. 9): encrypt any archive that leaves the server.

Restoring refuses an archive whose checksums or database kind do not match, and checks the
restored ledger (``ledger verify``) against the chain heads the archive recorded.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

FORMAT = 1
HEADER = "estrade-backup.json"
PAYLOAD = "payload.tar.gz"
INVOICES = "justificatifs"  # app.ledger.invoices keeps expense invoices there
KEY = "key.age"
Echo = Callable[[str], None]


class BackupError(Exception):
    """A French explanation; nothing was written (or restored)."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    files: int
    bytes: int
    encrypted: bool
    heads: list[dict[str, Any]]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"Base de données « {backend} » : seuls SQLite et PostgreSQL sont "
                          "sauvegardés.")
    return backend


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def chain_heads() -> list[dict[str, Any]]:
    """Each campaign's ledger head: entries, balance and the last entry's digest."""
    from sqlalchemy import select

    from app.extensions import db
    from app.ledger.models import LedgerEntry
    from app.ledger.verify import verify_all

    heads = []
    for check in verify_all():
        last = db.session.scalar(select(LedgerEntry.hash).where(
            LedgerEntry.campaign_id == check.campaign_id).order_by(LedgerEntry.seq.desc())
            .limit(1))
        heads.append({"site": check.site_slug, "entries": check.entries,
                      "balance_cents": check.balance_cents, "head": last or "",
                      "intact": check.problem is None})
    return heads


def _snapshot_database(url: str, target: Path) -> None:
    if _database_kind(url) == "sqlite":
        source_path = make_url(url).database
        if not source_path or source_path == ":memory:":
            raise BackupError("Base SQLite en mémoire : rien à sauvegarder.")
        with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)  # consistent even while the app writes (WAL included)
        return
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                             f"--file={target}", _libpq_url(url)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump a échoué : {result.stderr.strip()}")


def _add_tree(tar: tarfile.TarFile, root: Path, prefix: str, files: dict[str, str]) -> None:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = f"{prefix}/{path.relative_to(root).as_posix()}"
            files[name] = _sha256(path)
            tar.add(path, arcname=name, recursive=False)


@contextmanager
def _writing(out: Path) -> Iterator[Path]:
    """A temporary file beside ``out``, renamed into place at the end: a full disk or an error
    leaves nothing half written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, 0o600)
        os.replace(temp, out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise BackupError(f"Disque plein : la sauvegarde n'a pas pu être écrite dans "
                              f"{out.parent}. Rien n'a été écrit ; libérez de la place ou "
                              "choisissez un autre dossier (--out).") from None
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def backup(app: Flask, out: Path, *, passphrase: str | None = None,
           echo: Echo = lambda _line: None) -> BackupReport:
    """Write a backup archive of ``app``'s database and content to ``out``."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    kind = _database_kind(url)
    content = Path(app.config["ESTRADE_CONTENT_DIR"])
    with tempfile.TemporaryDirectory(prefix="estrade-backup-") as work:
        folder = Path(work)
        database = folder / ("estrade.sqlite" if kind == "sqlite" else "estrade.pgdump")
        echo(f"[1/3] Base de données ({kind})…")
        _snapshot_database(url, database)
        heads = chain_heads()
        echo(f"[2/3] Contenu et médias ({content})…")
        payload = folder / PAYLOAD
        files: dict[str, str] = {}
        with tarfile.open(payload, "w:gz") as tar:
            files[f"database/{database.name}"] = _sha256(database)
            tar.add(database, arcname=f"database/{database.name}")
            _add_tree(tar, content, "content", files)
            # Expense invoices: their digests are chained in the ledger (verify needs them).
            _add_tree(tar, Path(app.instance_path) / INVOICES, INVOICES, files)
            manifest = {"format": FORMAT, "database": kind, "files": files, "heads": heads,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds")}
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        echo("[3/3] Archive" + (" chiffrée" if passphrase else "") + "…")
        members = [payload]
        if passphrase:
            members = _encrypt(payload, passphrase, folder)
        header = {"format": FORMAT, "encrypted": bool(passphrase),
                  "created_at": manifest["created_at"],
                  "payload_sha256": _sha256(members[-1])}
        with _writing(out) as temp, tarfile.open(temp, "w") as outer:
            data = json.dumps(header, indent=1).encode()
            info = tarfile.TarInfo(HEADER)
            info.size = len(data)
            outer.addfile(info, io.BytesIO(data))
            for member in members:
                outer.add(member, arcname=member.name)
    return BackupReport(out, len(files), out.stat().st_size, bool(passphrase), heads)


def _encrypt(payload: Path, passphrase: str, folder: Path) -> list[Path]:
    import pyrage

    identity = pyrage.x25519.Identity.generate()
    encrypted = folder / f"{PAYLOAD}.age"
    pyrage.encrypt_file(str(payload), str(encrypted), [identity.to_public()])
    key = folder / KEY
    key.write_bytes(pyrage.passphrase.encrypt(str(identity).encode(), passphrase))
    return [key, encrypted]


def _open(archive: Path, passphrase: str | None, folder: Path) -> dict[str, Any]:
    """Check and unpack ``archive`` into ``folder``; return its manifest."""
    try:
        with tarfile.open(archive, "r") as outer:
            header = json.loads(outer.extractfile(HEADER).read())  # type: ignore[union-attr]
            names = outer.getnames()
            outer.extractall(folder, filter="data")
    except (tarfile.TarError, KeyError, ValueError, AttributeError, OSError) as exc:
        raise BackupError(f"Archive illisible ou endommagée ({exc}) : rien n'a été "
                          "restauré.") from None
    if header.get("format") != FORMAT:
        raise BackupError(f"Format d'archive {header.get('format')} inconnu de cette version.")
    payload = folder / (f"{PAYLOAD}.age" if header.get("encrypted") else PAYLOAD)
    if payload.name not in names or _sha256(payload) != header.get("payload_sha256"):
        raise BackupError("Archive endommagée : son contenu ne correspond pas à son empreinte "
                          "(SHA-256). Rien n'a été restauré.")
    if header.get("encrypted"):
        payload = _decrypt(folder, payload, passphrase)
    inner = folder / "payload"
    with tarfile.open(payload, "r:gz") as tar:
        tar.extractall(inner, filter="data")
    manifest = json.loads((inner / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        path = inner / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"Archive endommagée : « {name} » ne correspond pas au "
                              "manifeste. Rien n'a été restauré.")
    manifest["root"] = str(inner)
    return manifest


def _decrypt(folder: Path, payload: Path, passphrase: str | None) -> Path:
    import pyrage

    if not passphrase:
        raise BackupError("Archive chiffrée : indiquez sa phrase de passe "
                          "(--passphrase-file ou ESTRADE_BACKUP_PASSPHRASE).")
    try:
        identity = pyrage.x25519.Identity.from_str(
            pyrage.passphrase.decrypt((folder / KEY).read_bytes(), passphrase).decode())
        plain = folder / PAYLOAD
        pyrage.decrypt_file(str(payload), str(plain), [identity])
    except (pyrage.DecryptError, pyrage.IdentityError, OSError):
        raise BackupError("Phrase de passe incorrecte, ou archive endommagée : rien n'a été "
                          "restauré.") from None
    return plain


def restore(app: Flask, archive: Path, *, passphrase: str | None = None,
            echo: Echo = lambda _line: None) -> list[dict[str, Any]]:
    """Replace ``app``'s database and content with the archive's; returns the verified heads.

    Stop the app first: a restore replaces what it serves."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    kind = _database_kind(url)
    content = Path(app.config["ESTRADE_CONTENT_DIR"])
    with tempfile.TemporaryDirectory(prefix="estrade-restore-") as work:
        echo("[1/3] Vérification de l'archive…")
        manifest = _open(archive, passphrase, Path(work))
        if manifest["database"] != kind:
            raise BackupError(f"Cette archive contient une base {manifest['database']}, mais "
                              f"l'installation utilise {kind} : rien n'a été restauré.")
        root = Path(manifest["root"])
        echo("[2/3] Base de données…")
        from app.extensions import db

        db.session.remove()
        db.engine.dispose()
        if kind == "sqlite":
            target = Path(str(make_url(url).database))
            shutil.copyfile(root / "database" / "estrade.sqlite", target.with_suffix(".restoring"))
            for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)
            os.replace(target.with_suffix(".restoring"), target)
        else:
            result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                                     "--no-privileges", "--single-transaction",
                                     f"--dbname={_libpq_url(url)}",
                                     str(root / "database" / "estrade.pgdump")],
                                    capture_output=True, text=True)
            if result.returncode != 0:
                raise BackupError(f"pg_restore a échoué : {result.stderr.strip()}")
        echo(f"[3/3] Contenu et médias ({content})…")
        _swap_folder(root / "content", content)
        if (root / INVOICES).is_dir():  # archives made before invoices existed have none
            _swap_folder(root / INVOICES, Path(app.instance_path) / INVOICES)
    heads = chain_heads()
    expected = {(h["site"], h["entries"], h["head"]) for h in manifest["heads"]}
    found = {(h["site"], h["entries"], h["head"]) for h in heads}
    if expected != found or not all(h["intact"] for h in heads):
        raise BackupError("Registre restauré différent de celui de l'archive, ou altéré : "
                          "lancez « estrade ledger verify » et ne servez pas ce site avant "
                          "d'avoir compris pourquoi.")
    return heads


def _swap_folder(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``; the old folder is kept beside it until the end."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(new if new.is_dir() else Path(tempfile.mkdtemp()), staged)
    old = target.with_name(f".{target.name}.before-restore")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- commands


def _passphrase(file: Path | None, ask: bool) -> str | None:
    if file is not None:
        return file.read_text(encoding="utf-8").strip() or None
    if os.environ.get("ESTRADE_BACKUP_PASSPHRASE"):
        return os.environ["ESTRADE_BACKUP_PASSPHRASE"]
    if ask:
        return str(click.prompt("Phrase de passe", hide_input=True,
                                confirmation_prompt=True))
    return None


@click.command("backup")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Fichier de l'archive (écrit en entier, ou pas du tout).")
@click.option("--encrypt", is_flag=True, help="Chiffrer l'archive (phrase de passe demandée, "
              "ou --passphrase-file, ou ESTRADE_BACKUP_PASSPHRASE).")
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Fichier contenant la phrase de passe.")
@with_appcontext
def backup_command(out: Path, encrypt: bool, passphrase_file: Path | None) -> None:
    """Sauvegarde la base, le contenu et les médias dans une archive vérifiable."""
    from app.clitools import fail

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    secret = _passphrase(passphrase_file, encrypt) if encrypt or passphrase_file else None
    try:
        report = backup(app, out, passphrase=secret, echo=click.echo)
    except BackupError as exc:
        fail(str(exc))
    click.echo(f"Sauvegarde écrite : {report.path} ({report.files} fichiers, "
               f"{report.bytes / 1e6:.1f} Mo{', chiffrée' if report.encrypted else ''}).")
    for head in report.heads:
        click.echo(f"    {head['site']} : {head['entries']} écritures, dernière empreinte "
                   f"{head['head'][:16] or '-'}")
    if not report.encrypted:
        click.echo("Attention : archive non chiffrée (données de donateurs) ; --encrypt pour "
                   "toute copie hors du serveur.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=None, help="Fichier contenant la phrase de passe.")
@click.option("--yes", is_flag=True, help="Ne pas demander confirmation.")
@with_appcontext
def restore_command(archive: Path, passphrase_file: Path | None, yes: bool) -> None:
    """Remplace la base et le contenu par ceux d'une archive (arrêtez le site avant)."""
    from app.clitools import fail

    if not yes:
        click.confirm("La base et le contenu actuels seront remplacés. Continuer ?", abort=True)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        heads = restore(app, archive, passphrase=_passphrase(passphrase_file, False),
                        echo=click.echo)
    except BackupError as exc:
        fail(str(exc))
    click.echo("Restauration terminée ; registre vérifié :")
    for head in heads:
        click.echo(f"    {head['site']} : {head['entries']} écritures, intègre")


def register(cli: click.Group) -> None:
    cli.add_command(backup_command)
    cli.add_command(restore_command)
