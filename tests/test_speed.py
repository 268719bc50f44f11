"""The suite's speed-ups (tests/support/speed.py) change nothing: every rule of an app made
with them parses and builds URLs exactly as werkzeug's own code does."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.support.speed import ORIGINALS


def _parsed(rule: Any) -> tuple[Any, ...]:
    return (list(rule._parts), list(rule._trace), sorted(rule.arguments),
            sorted((name, type(conv), conv.regex, conv.map is rule.map)
                   for name, conv in rule._converters.items()))


def test_shared_rule_parsing_is_werkzeugs_parsing(app: Flask) -> None:
    assert {"compile", "compile_builder"} <= set(ORIGINALS)
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    for rule in rules:
        shared = _parsed(rule)
        ORIGINALS["compile"](rule)  # werkzeug's compile, in place
        assert _parsed(rule) == shared, rule.rule


def test_shared_url_builders_build_what_werkzeug_builds(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        values: dict[str, Any] = {
            name: 7 if type(conv).__name__ == "IntegerConverter" else "x-y"
            for name, conv in rule._converters.items()}
        own = ORIGINALS["compile_builder"](rule, False).__get__(rule, None)
        assert rule._build(**values) == own(**values), rule.rule
