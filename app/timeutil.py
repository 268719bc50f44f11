"""Time helpers: naive UTC datetimes in the database, Europe/Paris for people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def paris_today() -> date:
    """Today in France: the legal dates (collection window, filing day) are French days."""
    return datetime.now(PARIS).date()
