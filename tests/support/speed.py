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


class SharedTemplateCache:
    """Jinja bytecode shared by the suite's apps: each test's app has a new Jinja environment
    that would compile the staff templates again (about 40 % of a typical HTTP test's time).
    Jinja checks each entry against the template's source checksum; every app of the suite
    configures its environment alike (create_app), so their compiled code is the same."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.entries: dict[str, bytes] = {}

            def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                found = self.entries.get(bucket.key)
                if found is not None:
                    bucket.bytecode_from_string(found)

            def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
                self.entries[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()

    def attach(self, app: Any) -> None:
        app.jinja_env.bytecode_cache = self.cache


TEMPLATES = SharedTemplateCache()
