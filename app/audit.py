"""Audit log: who did what, when, to which object. Rows are only ever added."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import ForeignKey, String, Text
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

    @property
    def details_dict(self) -> dict[str, Any]:
        return json.loads(self.details or "{}")


def record(action: str, obj: Any = None, *, user: Any = None, object_type: str | None = None,
           object_id: Any = None, **details: Any) -> AuditEntry:
    """Add an audit row to the current session; the caller's commit makes it durable.

    ``user`` defaults to the logged-in user when there is a request context.
    """
    if user is None and has_request_context():
        from flask_login import current_user

        user = current_user if current_user.is_authenticated else None
    entry = AuditEntry(
        user_id=getattr(user, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "-"),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "")) or None,
        details=json.dumps(details, ensure_ascii=False, default=str, sort_keys=True),
    )
    db.session.add(entry)
    return entry
