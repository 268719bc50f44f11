"""The sandbox theme templates render in: plain data in, nothing else reachable.

A theme is somebody else's files (a designer's, a download), so its templates are treated as
hostile. They receive only plain data (strings, numbers, dates, lists, mappings, ``Markup``):
:func:`page_data` and :func:`plain` turn the app's objects into that, so no ``Path``, database
row or module is ever in reach. On top of Jinja's immutable sandbox, :class:`ThemeSandbox`
refuses any attribute holding a file, path, module, class or function, and calls only the
read-only methods of plain values (``item.get(…)``, ``text.lstrip('/')``,
``date.strftime(…)``) and Jinja's own helpers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import types
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from app.core.publishing.pages import Page

#: Methods a template may call, by the type of the value they belong to.
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset({"lstrip", "rstrip", "strip", "upper", "lower", "title", "capitalize",
                    "startswith", "endswith", "replace", "split", "join", "count", "find",
                    "isdigit", "zfill"}),
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
    dt.date: frozenset({"isoformat", "strftime", "weekday", "isoweekday"}),
    dt.datetime: frozenset({"isoformat", "strftime", "date", "weekday", "isoweekday"}),
}
#: Never reachable from a template, whatever holds them.
FORBIDDEN_TYPES: tuple[type, ...] = (PurePath, types.ModuleType, io.IOBase, type,
                                     types.FunctionType, types.CodeType, types.FrameType)


def _methods_for(owner: Any) -> frozenset[str]:
    if isinstance(owner, Markup):
        return SAFE_METHODS[str]
    for kind, names in SAFE_METHODS.items():
        if type(owner) is kind or (kind in (dt.date, dt.datetime) and isinstance(owner, kind)):
            return names
    return frozenset()


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, narrowed to plain data (see the module docstring)."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr.startswith("_") or isinstance(obj, FORBIDDEN_TYPES):
            return False
        if isinstance(value, FORBIDDEN_TYPES):
            return False
        if callable(value) and not self.is_safe_callable(value):
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        module = getattr(type(obj), "__module__", "") or ""
        if module.startswith("jinja2.") or module == "markupsafe":
            return True  # macros, super(), loop.cycle, cycler, joiner, namespace
        if isinstance(obj, types.FunctionType) and (obj.__module__ or "").startswith("jinja2."):
            return True  # Jinja's globals: range (its safe_range), lipsum, dict
        owner = getattr(obj, "__self__", None)
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)) and owner is not None:
            if (type(owner).__module__ or "").startswith("jinja2."):
                return True  # loop.cycle, loop.changed, a namespace's or cycler's methods
            return getattr(obj, "__name__", "") in _methods_for(owner)
        return obj is dict  # Jinja's dict() global


def plain(value: Any) -> Any:
    """``value`` as plain data: data classes become mappings, nested; a page becomes
    :func:`page_data`; anything else passes as it is (strings, numbers, dates, Markup…)."""
    if isinstance(value, Page):
        return page_data(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, PurePath):
        raise TypeError("a path must never reach a theme template")
    if value is None or isinstance(value, str | int | float | bool | Decimal | dt.date
                                   | dt.time):
        return value
    raise TypeError(f"{type(value).__name__} is not plain data for a theme template")


def page_data(page: Page) -> dict[str, Any]:
    """What a template knows of a page: its front matter and address, never its file."""
    return {"slug": page.slug, "title": page.title, "description": page.description,
            "date": page.date, "kind": page.kind, "menu_order": page.menu_order,
            "image": page.image, "status": page.status, "meta": plain(page.meta),
            "url": f"/{page.slug}/" if page.slug else "/"}
