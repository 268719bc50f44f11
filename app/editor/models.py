"""Pages as the editor knows them, and every version of them.

``content/<site>/pages/*.md`` holds exactly what is live; everything else is here. An
:class:`EditorPage` is one file of a site (its path under ``pages/``, fixed at creation); its
:class:`PageRevision` rows are every version saved, autosaved, published, restored or found
changed on disk, each with its author, time, note and the revision it was based on.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.timeutil import utcnow

#: What made a revision.
REVISION_SOURCES = {
    "save": "Enregistrement",
    "autosave": "Enregistrement automatique",
    "publish": "Publication",
    "restore": "Restauration",
    "disk": "Fichier modifié sur le serveur",
    "create": "Création",
    "conflict": "Version en conflit (non retenue)",
}


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EditorPage(Model):
    __tablename__ = "editor_pages"
    __table_args__ = (UniqueConstraint("site_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    #: The file under ``pages/`` (POSIX, e.g. ``programme/ecologie.md``).
    path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The newest revision: what the editor opens, what a save must be based on.
    head_id: Mapped[int | None] = mapped_column(ForeignKey("page_revisions.id",
                                                           use_alter=True))
    #: The revision the file holds (None: not live, no file).
    published_id: Mapped[int | None] = mapped_column(ForeignKey("page_revisions.id",
                                                                use_alter=True))
    #: sha256 of the file as the editor last wrote or read it: another digest on disk means
    #: someone changed the file by hand (picked up as a new revision).
    disk_digest: Mapped[str | None] = mapped_column(String(64))
    #: A scheduled publication (naive UTC) of ``scheduled_id``.
    scheduled_at: Mapped[datetime | None] = mapped_column(index=True)
    scheduled_id: Mapped[int | None] = mapped_column(ForeignKey("page_revisions.id",
                                                                use_alter=True))
    scheduled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    head: Mapped[PageRevision | None] = relationship(foreign_keys=[head_id], post_update=True)
    published: Mapped[PageRevision | None] = relationship(foreign_keys=[published_id],
                                                          post_update=True)
    scheduled: Mapped[PageRevision | None] = relationship(foreign_keys=[scheduled_id],
                                                          post_update=True)


class PageRevision(Model):
    __tablename__ = "page_revisions"
    __table_args__ = (Index("ix_page_revisions_page_created", "page_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("editor_pages.id"))
    #: The whole file: front matter, then Markdown.
    text: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(16), default="save")
    #: The revision the author started from (no foreign key: superseded autosaves go).
    base_id: Mapped[int | None]

    author = relationship("User", foreign_keys=[author_id])

    @property
    def source_label(self) -> str:
        return REVISION_SOURCES.get(self.source, self.source)


class EditorPresence(Model):
    """Who has a page open now (the editing screen pings every 20 seconds), so the conflict
    screen and the editor can say who else is editing."""

    __tablename__ = "editor_presence"
    __table_args__ = (UniqueConstraint("page_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("editor_pages.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", foreign_keys=[user_id])
