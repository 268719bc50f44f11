"""Electoral silence (docs/rules.md WEB-1, WEB-2): when public pages may not change.

WEB-1: from 00:00 on the eve of each round (local time of the election: Europe/Paris, or an
overseas zone) until the polls close (20:00 unless the election says otherwise), publishing,
unpublishing and scheduled publications of public pages are held. WEB-2: results may not be
published before the polls of the last round held close. Pure: the dates come from the
campaign's election, the clock from the caller.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/Paris"
DEFAULT_POLLS_CLOSE = dt.time(20, 0)
RESULTS_KIND = "resultats"


@dataclass(frozen=True)
class SilenceWindow:
    """One round's silence, as aware datetimes in the election's zone."""

    round_day: dt.date
    starts: dt.datetime
    ends: dt.datetime  # the polls close

    def contains(self, moment: dt.datetime) -> bool:
        return self.starts <= moment < self.ends

    @property
    def until_label(self) -> str:
        """« dimanche 14 mars 2027 à 20:00 » (French, for the banner)."""
        return f"{french_day(self.ends.date())} à {self.ends:%H:%M}"


@dataclass(frozen=True)
class Hold:
    """Why a publication is refused now: the rule id and a French message."""

    rule: str
    message: str
    until: dt.datetime


DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def french_day(day: dt.date) -> str:
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_close(value: str | None) -> dt.time:
    """``"20:00"`` → 20:00; empty or unreadable → the default closing time."""
    try:
        return dt.time.fromisoformat(value) if value else DEFAULT_POLLS_CLOSE
    except ValueError:
        return DEFAULT_POLLS_CLOSE


def windows(rounds: list[dt.date | None], timezone: str | None = None,
            polls_close: str | None = None) -> list[SilenceWindow]:
    """WEB-1: the silence of each round, from 00:00 on the eve to the polls' closing."""
    zone = ZoneInfo(timezone or DEFAULT_TIMEZONE)
    close = parse_close(polls_close)
    found = []
    for day in sorted(d for d in rounds if d is not None):
        eve = day - dt.timedelta(days=1)
        found.append(SilenceWindow(day, dt.datetime.combine(eve, dt.time(0, 0), zone),
                                   dt.datetime.combine(day, close, zone)))
    return found


def _aware(moment: dt.datetime) -> dt.datetime:
    """Naive datetimes are UTC (as the database keeps them)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def active_window(found: list[SilenceWindow], now: dt.datetime) -> SilenceWindow | None:
    moment = _aware(now)
    return next((w for w in found if w.contains(moment)), None)


def publication_hold(found: list[SilenceWindow], now: dt.datetime,
                     kind: str = "page") -> Hold | None:
    """Why publishing (or unpublishing) a page of ``kind`` at ``now`` is refused, or None."""
    moment = _aware(now)
    window = active_window(found, moment)
    if window is not None:
        return Hold("WEB-1", "Silence électoral : aucune page publique ne peut être publiée, "
                    "retirée ou modifiée depuis le samedi 0 h jusqu’à la fermeture des bureaux "
                    f"de vote, le {window.until_label} (article L49 du code électoral). Les "
                    "brouillons et l’aperçu restent disponibles.", window.ends)
    if kind == RESULTS_KIND:
        # WEB-2: no results before the polls of a round close; before the first round there
        # are no results to give either.
        past = [w for w in found if w.ends <= moment]
        upcoming = [w for w in found if w.ends > moment]
        if not past and upcoming:
            first = upcoming[0]
            return Hold("WEB-2", "Une page de résultats ne peut pas être publiée avant la "
                        f"fermeture des bureaux de vote, le {first.until_label} (article L52-2 "
                        "du code électoral).", first.ends)
    return None
