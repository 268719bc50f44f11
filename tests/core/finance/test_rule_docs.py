"""Every rule cites its article and its law-fr.md id (issue: compliance core, item 6)."""

from __future__ import annotations

import inspect
import re

from app.core.finance import eligibility, rules

LAW_ID = re.compile(r"\b(?:DON|MAND|PARTY|CAP|RMB|TAX)-(?:\d+|SMALL)\b")
ARTICLE = re.compile(r"\b(?:L\.? ?\d{2,3}-\d+(?:-\d+)?|R\.? ?\d{2}-\d+(?:-\d+)?|art\.|loi)",
                     re.IGNORECASE)


def rule_functions() -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in inspect.getmembers(rules, inspect.isfunction)
            if name.startswith("check_")
            and fn.__module__ in (rules.__name__, eligibility.__name__)]


def test_there_are_rules() -> None:
    names = {name for name, _ in rule_functions()}
    assert {"check_cap", "check_cash", "check_window", "check_mandataire",
            "check_eligibility", "check_legal_person"} <= names


def test_every_rule_cites_article_and_id() -> None:
    for name, fn in rule_functions():
        doc = inspect.getdoc(fn) or ""
        assert LAW_ID.search(doc), f"{name}: no law-fr.md id in its docstring"
        assert ARTICLE.search(doc), f"{name}: no article in its docstring"
