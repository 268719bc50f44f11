"""Who else has a page open: each editing screen says so every 20 seconds; a person not seen
for a minute has left. Not an action (it changes nothing anyone reads as content), so no
audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.dbutil import transaction
from app.editor.models import EditorPresence
from app.extensions import db
from app.timeutil import utcnow

GONE_AFTER = dt.timedelta(seconds=60)


def here(page_id: int, user: Any) -> None:
    """``user`` has the page open now (its own transaction: the screen's ping owns it)."""
    try:
        with transaction():
            row = db.session.scalar(select(EditorPresence).where(
                EditorPresence.page_id == page_id, EditorPresence.user_id == user.id))
            if row is None:
                db.session.add(EditorPresence(page_id=page_id, user_id=user.id,
                                              seen_at=utcnow()))
            else:
                row.seen_at = utcnow()
    except IntegrityError:  # the same person's other tab got there first
        db.session.rollback()


def others(page_id: int, user: Any) -> list[str]:
    """E-mail addresses of the other people with the page open."""
    since = utcnow() - GONE_AFTER
    rows = db.session.scalars(select(EditorPresence).where(
        EditorPresence.page_id == page_id, EditorPresence.user_id != user.id,
        EditorPresence.seen_at >= since))
    return sorted(row.user.email for row in rows if row.user is not None)
