"""Calendar helpers for the fund-collection window (CE L52-4 al. 2 — MAND-2, docs/rules.md)."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["COLLECTION_MONTHS", "collection_end", "filing_deadline", "first_day_months_before",
           "format_date", "legal_window_start"]

#: MAND-2: months before the first day of the election month (présidentielle: one year).
COLLECTION_MONTHS: dict[str, int] = {"presidentielle": 12}
_DEFAULT_MONTHS = 6


def first_day_months_before(day: date, months: int) -> date:
    """First day of the month ``months`` months before the month of ``day``.

    >>> first_day_months_before(date(2026, 3, 15), 6)
    datetime.date(2025, 9, 1)
    """
    index = day.year * 12 + (day.month - 1) - months
    return date(index // 12, index % 12 + 1, 1)


def legal_window_start(election_kind: str, round1: date) -> date:
    """MAND-2: first day of the month six (présidentielle: twelve) months before the election month.

    Municipales 15 March 2026 → 1 September 2025.
    """
    return first_day_months_before(round1, COLLECTION_MONTHS.get(election_kind, _DEFAULT_MONTHS))


def format_date(day: date) -> str:
    """French short date: ``01/09/2025``."""
    return day.strftime("%d/%m/%Y")


def filing_deadline(round1: date) -> date:
    """ACC-2 (CE L52-12 II): the account is filed before 18:00 on the tenth Friday after the
    first round. Municipales of Sunday 15 March 2026 → Friday 22 May 2026."""
    first_friday = round1 + timedelta(days=(4 - round1.weekday()) % 7 or 7)
    return first_friday + timedelta(weeks=9)


def collection_end(filing_date: date | None, round1: date, mode: str) -> date | None:
    """MAND-2 / DON-15: the last day money may be collected: the filing date when set (in
    candidate mode never past the legal filing deadline, ACC-2: an account filed later is
    late), else that deadline in candidate mode; ``None`` when the law sets no end."""
    if mode != "candidat":
        return filing_date
    deadline = filing_deadline(round1)
    return deadline if filing_date is None else min(filing_date, deadline)
