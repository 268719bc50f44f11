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
from pathlib import Path
from typing import Any

_CACHE: dict[tuple[Any, ...], Callable[..., Any]] = {}


def share_url_builders() -> None:
    from werkzeug.routing.rules import Rule

    original = getattr(Rule, "_compile_builder", None)
    if original is None or getattr(original, "shared", False):
        return
    ORIGINALS["compile_builder"] = original

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


ORIGINALS: dict[str, Callable[..., Any]] = {}  # werkzeug's own, for tests/test_speed.py
_PARSED: dict[tuple[Any, ...], tuple[list[Any], list[Any], dict[str, Any], frozenset[str]]] = {}


def share_rule_parsing() -> None:
    """The other half of ``Rule.compile``: parsing the rule's text into its parts, trace and
    converters (about 10 % of the quick loop's CPU, every app parsing the same ~130 rules).
    The parse depends only on the rule's text, the host or subdomain part, ``merge_slashes``
    and the map's converter classes; each rule gets its own copies of the converters, bound to
    its own map, as werkzeug would make them."""
    import copy

    from werkzeug.routing.rules import Rule

    original = Rule.compile
    if getattr(original, "shared", False):
        return
    ORIGINALS["compile"] = original

    def compile(self: Rule) -> None:
        assert self.map is not None, "rule not bound"
        domain = (self.host if self.map.host_matching else self.subdomain) or ""
        converters = self.map.__dict__.get("_shared_converters_key")
        if converters is None:  # once per map, not once per rule
            converters = tuple(sorted((name, id(cls)) for name, cls in
                                      self.map.converters.items()))
            self.map.__dict__["_shared_converters_key"] = converters
        key = (self.rule, domain, self.map.host_matching, self.merge_slashes, converters)
        found = _PARSED.get(key)
        if found is None:
            arguments = set(self.arguments)
            original(self)
            _PARSED[key] = (list(self._parts), list(self._trace), dict(self._converters),
                            frozenset(self.arguments - arguments))
            return
        parts, trace, converters, names = found
        self._parts, self._trace = list(parts), list(trace)
        self._converters = {}
        for name, converter in converters.items():
            mine = copy.copy(converter)
            mine.map = self.map
            self._converters[name] = mine
        self.arguments.update(names)
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    compile.shared = True  # type: ignore[attr-defined]
    Rule.compile = compile  # type: ignore[method-assign]


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


class DemoImageVariants:
    """The demo's resized images, made once per test process and linked into each test's
    image cache (``instance/cache/images/demo``): making them is WebP and JPEG encoding, and
    every test that fetches a demo page's pictures made them again (about 9 s of the quick
    loop's CPU). The app still checks each cached file against its source's time, so a test
    that changes a picture gets it made anew, and writes replace files (never through a link)."""

    def __init__(self) -> None:
        self._made: Path | None = None

    def _make(self) -> Path:
        import tempfile

        from app.website.images import ImageStore
        from tests.support.paths import ROOT

        media = ROOT / "content" / "demo" / "media"
        folder = Path(tempfile.mkdtemp(prefix="estrade-demo-variants-"))
        store = ImageStore(media, folder)
        for source in sorted(media.iterdir()):
            if source.is_file() and store.size(source.name) is not None:
                for url in store.variant_urls(source.name):
                    width, _, rel = url.removeprefix("/media/_img/").partition("/")
                    store.variant(int(width), rel)
        return folder

    def seed(self, instance_path: str) -> None:
        import os
        import shutil

        if self._made is None:
            self._made = self._make()
        target = Path(instance_path) / "cache" / "images" / "demo"
        for made in self._made.rglob("*"):
            if made.is_file() and not made.name.startswith("."):
                copy = target / made.relative_to(self._made)
                if copy.exists():  # a second app on the same instance folder
                    continue
                copy.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(made, copy)
                except OSError:  # another file system
                    shutil.copy2(made, copy)


DEMO_IMAGES = DemoImageVariants()
