"""Test-only speed-ups that change no behaviour.

Every test builds its own app, and werkzeug compiles a Python URL builder for each of the
app's rules (about 130) by generating and compiling source: three quarters of
``create_app``'s time. The builder's code depends only on the rule's text, its parsed trace,
its defaults and ``append_unknown``, so the suite keeps one compiled builder per such key and
hands the same function to every app (werkzeug binds it to each rule). Production builds one
app per process and is not touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_CACHE: dict[tuple[Any, ...], Callable[..., Any]] = {}


def share_url_builders() -> None:
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared", False):
        return

    def compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., Any]:
        try:
            key = (self.rule, tuple(self._trace), append_unknown,
                   tuple(sorted((self.defaults or {}).items())),
                   tuple((name, type(conv)) for name, conv in sorted(self._converters.items())))
            hash(key)
        except TypeError:  # an unhashable default: compile as werkzeug does
            return original(self, append_unknown)  # type: ignore[no-any-return]
        found = _CACHE.get(key)
        if found is None:
            found = _CACHE[key] = original(self, append_unknown)
        return found

    compile_builder.shared = True  # type: ignore[attr-defined]
    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
