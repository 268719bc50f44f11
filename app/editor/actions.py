"""Every change to a page, for the views, the CLI and the scheduler alike: each checks the
permission, writes its revision and its audit row, and runs inside the caller's
:func:`app.dbutil.transaction` (it never commits).

Publishing writes ``content/<site>/pages/<path>`` atomically (temp file + rename) and tells the
live site at once. Electoral silence (WEB-1) and results (WEB-2) are checked here, so the
editor's button, a direct POST, ``estrade pages publish`` and scheduled publications obey the
same rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from app import audit
from app.campaigns.models import Site
from app.core.publishing import silence
from app.dbutil import require_transaction
from app.editor import pagefile
from app.editor.models import EditorPage, PageRevision, text_digest
from app.extensions import db
from app.fileutil import atomic_write_text
from app.timeutil import utcnow
from app.website.repository import forget


class EditorError(Exception):
    """A refusal with a French message for staff."""


class Conflict(EditorError):
    """The save was based on ``base_id`` but ``head`` was saved since (HTTP 409)."""

    def __init__(self, page: EditorPage, base_id: int | None) -> None:
        self.page, self.base_id = page, base_id
        super().__init__("Quelqu’un a enregistré cette page depuis que vous l’avez ouverte : "
                         "rien n’a été écrasé, comparez les deux versions.")


class Held(EditorError):
    """Publishing refused by electoral law (``hold.rule``: WEB-1 or WEB-2)."""

    def __init__(self, hold: silence.Hold) -> None:
        self.hold = hold
        super().__init__(f"{hold.rule} — {hold.message}")


def pages_root(site: Site) -> Path:
    return Path(current_app.config["ESTRADE_CONTENT_DIR"]) / site.content_dir / "pages"


def _require(user: Any, site_id: int, capability: str = "content") -> None:
    """``user`` None: the operator (CLI) or the scheduler, who act for the installation."""
    if user is not None and not user.can(capability, site_id):
        raise EditorError("Vous n’avez pas le droit de modifier les pages de ce site.")


def silence_windows(site: Site) -> list[silence.SilenceWindow]:
    campaign = site.campaign
    if campaign is None:
        return []
    election = campaign.election
    return silence.windows([election.round1, election.round2], election.timezone,
                           election.polls_close)


def hold_for(site: Site, text: str | None, now: dt.datetime | None = None,
             path: str = "") -> silence.Hold | None:
    """Why publishing ``text`` (None: unpublishing) on ``site`` is refused now (WEB-1/WEB-2)."""
    kind = "page"
    if text is not None:
        page, _ = pagefile.read(path or "page.md", text, pages_root(site))
        kind = page.kind if page is not None else "page"
    return silence.publication_hold(silence_windows(site), now or utcnow(), kind)


# ------------------------------------------------------------------------------ revisions

def _add_revision(page: EditorPage, text: str, user: Any, source: str, note: str = "",
                  base_id: int | None = None, *, as_head: bool = True) -> PageRevision:
    revision = PageRevision(page_id=page.id, text=text, digest=text_digest(text),
                            author_id=getattr(user, "id", None), source=source,
                            note=note[:500], base_id=base_id, created_at=utcnow())
    db.session.add(revision)
    db.session.flush()
    if as_head:
        page.head_id = revision.id
        page.head = revision
    return revision


def keep_refused(page: EditorPage, text: str, base_id: int | None, user: Any) -> PageRevision:
    """A save refused by a conflict is kept as a revision that is not the head, so the
    conflict screen (and the history) still have every sentence of it."""
    require_transaction(db.session)
    _require(user, page.site_id)
    revision = _add_revision(page, text, user, "conflict", "Version en conflit", base_id,
                             as_head=False)
    audit.record("page.conflict", page, user=user, revision=revision.id, base=base_id,
                 head=page.head_id)
    return revision


def create_page(site: Site, path: str, text: str, user: Any, note: str = "") -> EditorPage:
    require_transaction(db.session)
    _require(user, site.id)
    if db.session.scalar(select(EditorPage).where(EditorPage.site_id == site.id,
                                                  EditorPage.path == path)):
        raise EditorError(f"Une page existe déjà dans le fichier {path}.")
    page = EditorPage(site_id=site.id, path=path, created_at=utcnow())
    db.session.add(page)
    db.session.flush()
    _add_revision(page, text, user, "create", note)
    audit.record("page.create", page, user=user, site=site.slug, path=path)
    return page


def save(page: EditorPage, text: str, base_id: int | None, user: Any, *,
         autosave: bool = False, note: str = "") -> PageRevision:
    """A new revision based on ``base_id``; :class:`Conflict` if the head moved since. The
    same text as the head writes nothing (the head is returned). An autosave replaces the
    author's previous autosave when that is the head (history stays readable)."""
    require_transaction(db.session)
    _require(user, page.site_id)
    page = lock(page)
    head = page.head
    # The author's own autosave, made from the same base while this save was on its way (a
    # click on « Enregistrer » racing the timer), is not someone else's change.
    # Only autosaves are ever deleted (replaced by their author's next one), so a base that
    # is gone was this author's own autosave, replaced meanwhile.
    own_autosave = (head is not None and head.source == "autosave"
                    and head.author_id == getattr(user, "id", None)
                    and (head.base_id == base_id or (
                        base_id is not None and db.session.get(PageRevision, base_id) is None)))
    if head is not None and head.id != base_id and not own_autosave:
        raise Conflict(page, base_id)
    if own_autosave and head is not None:
        base_id = head.id
    if head is not None and head.text == text:
        return head
    if (autosave and head is not None and head.source == "autosave"
            and head.author_id == getattr(user, "id", None)
            and head.id not in (page.published_id, page.scheduled_id)):
        # The row is replaced by one with a new id, so a save based on it from elsewhere
        # conflicts instead of being silently overwritten.
        base = head.base_id
        revision = _add_revision(page, text, user, "autosave", note, base)
        db.session.delete(head)
        return revision
    revision = _add_revision(page, text, user, "autosave" if autosave else "save", note,
                             base_id)
    if not autosave:
        audit.record("page.save", page, user=user, revision=revision.id, note=note)
    return revision


def restore(page: EditorPage, revision: PageRevision, user: Any) -> PageRevision:
    """Restoring makes a new revision holding the old text (the history only grows)."""
    require_transaction(db.session)
    _require(user, page.site_id)
    if revision.page_id != page.id:
        raise EditorError("Cette version n’appartient pas à cette page.")
    page = lock(page)
    new = _add_revision(page, revision.text, user, "restore",
                        f"Version n° {revision.id} restaurée", page.head_id)
    audit.record("page.restore", page, user=user, revision=new.id, restored=revision.id)
    return new


def lock(page: EditorPage) -> EditorPage:
    """The page's row under the write lock (PostgreSQL row lock; SQLite holds the database's),
    read again so that what was decided before is decided on fresh data."""
    db.session.flush()
    locked = db.session.scalar(select(EditorPage).where(EditorPage.id == page.id)
                               .with_for_update().execution_options(populate_existing=True))
    assert locked is not None
    return locked


# ------------------------------------------------------------------------------ the files

def sync_page(site: Site, page: EditorPage) -> PageRevision | None:
    """A file changed (or removed) by hand since the editor last wrote it becomes a new
    revision (or the page is no longer live); returns the revision picked up, if any."""
    file = pages_root(site) / page.path
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        if page.published_id is not None:
            page.published_id, page.disk_digest = None, None
            audit.record("page.removed_on_disk", page, user=None, path=page.path)
        return None
    digest = text_digest(text)
    if digest == page.disk_digest:
        return None
    page.disk_digest = digest
    if page.head is not None and page.head.digest == digest:
        revision = page.head
    else:
        revision = _add_revision(page, text, None, "disk",
                                 "Fichier modifié directement sur le serveur", page.head_id)
        audit.record("page.changed_on_disk", page, user=None, revision=revision.id,
                     path=page.path)
    page.published_id = revision.id
    return revision


def sync_site(site: Site) -> list[EditorPage]:
    """Every page of the site: files nobody told the editor about become pages (their text
    the first revision), changed files new revisions. Needs a transaction."""
    require_transaction(db.session)
    known = {p.path: p for p in db.session.scalars(
        select(EditorPage).where(EditorPage.site_id == site.id))}
    root = pages_root(site)
    if root.is_dir():
        from app.core.publishing.pages import page_files

        for relative, _full in page_files(root):
            if relative not in known:
                page = EditorPage(site_id=site.id, path=relative, created_at=utcnow())
                db.session.add(page)
                db.session.flush()
                known[relative] = page
    for page in known.values():
        sync_page(site, page)
    return sorted(known.values(), key=lambda p: p.path)


# ------------------------------------------------------------------------------ publishing

def _live_changed(site: Site, page: EditorPage, what: str, address: str | None = None) -> None:
    """The live site shows the change at once; with publish-to-static (ESTRADE_STATIC_ROOT)
    the page's file and what it touches are rewritten (``address`` None: a full sync, which
    also removes the files of pages taken off the site)."""
    from app.website import PUBLIC_PAGES, static_root
    from app.website.live import live_renderers

    forget(pages_root(site).parent)
    live_renderers(current_app).forget_recent()
    if (kept := current_app.extensions.get(PUBLIC_PAGES)) is not None:
        kept.clear()  # this worker's answers kept before Flask (fastpath.py)
    report = static_root.publish(site, None if address is None else [address])
    current_app.logger.info("site %s : %s %s (racine statique : %s)", site.slug, what,
                            page.path, report.folder or "non configurée")


def publish(page: EditorPage, user: Any, revision: PageRevision | None = None, *,
            now: dt.datetime | None = None, scheduled: bool = False) -> PageRevision:
    """Write ``revision`` (default: the head) as the live file. Refused during electoral
    silence (WEB-1) and, for results, before the polls close (WEB-2)."""
    require_transaction(db.session)
    _require(user, page.site_id)
    page = lock(page)
    site = db.session.get(Site, page.site_id)
    assert site is not None
    picked = sync_page(site, page)
    if picked is not None and revision is not None and revision.id != picked.id:
        raise Conflict(page, revision.id)  # the file was changed by hand meanwhile
    revision = revision or page.head
    if revision is None or revision.page_id != page.id:
        raise EditorError("Rien à publier : la page n’a pas de version enregistrée.")
    hold = hold_for(site, revision.text, now, page.path)
    if hold is not None:
        raise Held(hold)
    parsed, problem = pagefile.read(page.path, revision.text, pages_root(site))
    if parsed is None:
        raise EditorError(f"La page ne peut pas être publiée : {problem}")
    text = pagefile.published_text(revision.text)
    if text != revision.text:
        revision = _add_revision(page, text, user, "publish", "Publication", page.head_id)
    atomic_write_text(pages_root(site) / page.path, text)
    page.published_id, page.disk_digest = revision.id, text_digest(text)
    page.scheduled_at = page.scheduled_id = page.scheduled_by_id = None
    audit.record("page.publish", page, user=user, revision=revision.id, path=page.path,
                 scheduled=scheduled)
    _live_changed(site, page, "publiée", f"/{parsed.slug}/" if parsed.slug else "/")
    return revision


def unpublish(page: EditorPage, user: Any, *, now: dt.datetime | None = None) -> None:
    """Take the page off the site: its file goes (its revisions stay)."""
    require_transaction(db.session)
    _require(user, page.site_id)
    page = lock(page)
    site = db.session.get(Site, page.site_id)
    assert site is not None
    hold = hold_for(site, None, now)
    if hold is not None:
        raise Held(hold)
    sync_page(site, page)
    (pages_root(site) / page.path).unlink(missing_ok=True)
    page.published_id, page.disk_digest = None, None
    audit.record("page.unpublish", page, user=user, path=page.path)
    _live_changed(site, page, "retirée")


def schedule(page: EditorPage, revision: PageRevision, at: dt.datetime, user: Any) -> None:
    """Publish ``revision`` at ``at`` (naive UTC). A time inside a silence window waits for
    its end (publish_due checks the rule when it comes)."""
    require_transaction(db.session)
    _require(user, page.site_id)
    page = lock(page)
    if revision.page_id != page.id:
        raise EditorError("Cette version n’appartient pas à cette page.")
    page.scheduled_at, page.scheduled_id = at, revision.id
    page.scheduled_by_id = getattr(user, "id", None)
    audit.record("page.schedule", page, user=user, revision=revision.id, at=at.isoformat())


def unschedule(page: EditorPage, user: Any) -> None:
    require_transaction(db.session)
    _require(user, page.site_id)
    page = lock(page)
    page.scheduled_at = page.scheduled_id = page.scheduled_by_id = None
    audit.record("page.unschedule", page, user=user)


def publish_due(now: dt.datetime | None = None) -> list[tuple[EditorPage, str]]:
    """Publish every scheduled page whose time has come, except those held by electoral
    silence (they wait for its end); returns (page, what happened)."""
    require_transaction(db.session)
    now = now or utcnow()
    done: list[tuple[EditorPage, str]] = []
    due = db.session.scalars(select(EditorPage).where(EditorPage.scheduled_at <= now)
                             .order_by(EditorPage.scheduled_at).with_for_update())
    for page in list(due):
        revision = page.scheduled
        if revision is None:
            continue
        try:
            publish(page, None, revision, now=now, scheduled=True)
            done.append((page, "publiée"))
        except Held as held:
            done.append((page, f"en attente ({held.hold.rule})"))
        except EditorError as exc:
            done.append((page, f"refusée : {exc}"))
    return done
