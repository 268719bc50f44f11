"""Time helpers: naive UTC datetimes in the database, Europe/Paris for people."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
