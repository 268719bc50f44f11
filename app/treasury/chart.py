"""Geometry of the dashboard's chart (receipts by week, stacked by channel), drawn as SVG by
the template: server-side, no script, with a title, a description and a table beside it."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.finance.money import format_cents
from app.core.finance.vocabulary import PAYMENT_METHODS
from app.treasury.meters import Figures

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 78, 10, 12, 42
#: One colour per channel, each at least 3:1 against white (WCAG 1.4.11).
COLOURS = {"carte": "#1f4fbf", "cheque": "#1b6e3a", "virement": "#8a4b00",
           "prelevement": "#6b2fa0", "especes": "#a4161a", "quete": "#005f73",
           "nature": "#4a4a4a"}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # what a screen reader or a tooltip says


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    legend: list[tuple[str, str]]  # (label, colour)
    baseline: float
    left: int
    description: str


def _ceiling(cents: int) -> int:
    """A round top for the axis: 1, 2 or 5 times a power of ten euros."""
    step = 100
    while True:
        for factor in (1, 2, 5):
            if step * factor >= cents:
                return step * factor
        step *= 10


def chart(numbers: Figures) -> Chart | None:
    weeks = numbers.weeks
    if not weeks:
        return None
    top = _ceiling(max(w.total for w in weeks) or 100)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(weeks)
    bars, x_ticks = [], []
    every = max(1, len(weeks) // 8)
    for n, week in enumerate(weeks):
        y = float(TOP + plot_h)
        for method in numbers.methods:
            cents = week.by_method.get(method, 0)
            if cents <= 0:
                continue
            height = plot_h * cents / top
            y -= height
            bars.append(Bar(LEFT + n * slot + slot * 0.15, y, slot * 0.7, height,
                            COLOURS.get(method, "#333333"),
                            f"Semaine du {week.start:%d/%m/%Y} — "
                            f"{PAYMENT_METHODS.get(method, method)} : {format_cents(cents)}"))
        if n % every == 0:
            x_ticks.append(Tick(LEFT + n * slot + slot / 2, f"{week.start:%d/%m}"))
    y_ticks = [Tick(TOP + plot_h - plot_h * k / 4, format_cents(top * k // 4))
               for k in range(5)]
    best = max(weeks, key=lambda w: w.total)
    description = (f"Recettes de {len(weeks)} semaine(s), du {weeks[0].start:%d/%m/%Y} au "
                   f"{weeks[-1].start:%d/%m/%Y}, par mode de paiement ; la meilleure semaine, "
                   f"celle du {best.start:%d/%m/%Y}, a rapporté {format_cents(best.total)}. "
                   "Le tableau qui suit donne chaque montant.")
    legend = [(PAYMENT_METHODS.get(m, m), COLOURS.get(m, "#333333")) for m in numbers.methods]
    return Chart(WIDTH, HEIGHT, bars, y_ticks, x_ticks, legend, float(TOP + plot_h), LEFT,
                 description)
