"""Audit log: who did what, when, to which object. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Model, db
from app.timeutil import utcnow


class AuditEntry(Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")
    #: The site the row is about (the per-site « Journal »); None: installation-wide.
    site_id: Mapped[int | None] = mapped_column(index=True)

    @property
    def details_dict(self) -> dict[str, Any]:
        return json.loads(self.details or "{}")


def _scalar(sql: str, value: Any) -> int | None:
    with db.session.no_autoflush:
        found = db.session.execute(text(sql), {"v": value}).scalar()
    return int(found) if found is not None else None


def site_of(obj: Any, object_type: str, object_id: Any, details: dict[str, Any]) -> int | None:
    """The site an audit row is about: the object itself (a site), its ``site_id``, its
    campaign's site, or the ``site`` (slug) / ``campaign_id`` of its details. Read by table
    name: the audit log imports no domain package."""
    if object_type == "Site":
        value = getattr(obj, "id", None) if obj is not None else object_id
        return int(value) if value not in (None, "", "-") else None
    site_id = getattr(obj, "site_id", None)
    if isinstance(site_id, int):
        return site_id
    campaign_id = getattr(obj, "campaign_id", None) or details.get("campaign_id")
    if object_type == "Campaign":
        campaign_id = getattr(obj, "id", None) or object_id
    if isinstance(campaign_id, int | str) and str(campaign_id).isdigit():
        return _scalar("SELECT site_id FROM campaigns WHERE id = :v", int(campaign_id))
    slug = details.get("site")
    if isinstance(slug, str) and slug:
        return _scalar("SELECT id FROM sites WHERE slug = :v", slug)
    return None


def record(action: str, obj: Any = None, *, user: Any = None, object_type: str | None = None,
           object_id: Any = None, site_id: int | None = None, **details: Any) -> AuditEntry:
    """Add an audit row to the current session; the caller's commit makes it durable.

    ``user`` defaults to the logged-in user when there is a request context; ``site_id``
    defaults to what :func:`site_of` finds.
    """
    if user is None and has_request_context():
        from flask_login import current_user

        user = current_user if current_user.is_authenticated else None
    kind = object_type or (type(obj).__name__ if obj is not None else "-")
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        action=action,
        site_id=site_id if site_id is not None else site_of(obj, kind, object_id, details),
        object_type=kind,
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
    )
    db.session.add(entry)
    return entry
