"""The rulebook declares every rule id the product cites, once, and links every rule of the core.

``app/core/finance/rulebook.py`` is the one list of rules Estrade deals with; ``docs/rules.md``
is generated from it (``tests/test_docs.py`` checks that).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from app.core.finance import eligibility, rules
from app.core.finance.decision import Decision
from app.core.finance.rulebook import (
    APPLIED,
    NOT_DECLARED,
    RULE_IDS,
    STATUSES,
    Rule,
    all_rules,
    rule,
)
from tests.support.paths import ROOT

#: A rule id as the code and the law reference write them: DON-2, DON-SMALL, ELEC-MUN-P…
CITED_ID = re.compile(
    r"\b(?:MAND|DON|LOAN|CAP|RMB|ACC|PEN|TAX|PARTY|WEB|GDPR|REP|ELEC)-(?:\d+|[A-Z]+(?:-[A-Z]+)*)\b")
#: The product (docs/rules.md is generated from the rulebook, so it is not a source).
PRODUCT = ("app", "themes", "content", "docs", "README.md")
GENERATED = (ROOT / "docs" / "rules.md",)
RULEBOOK = ROOT / "app" / "core" / "finance" / "rulebook.py"
LAW_REFERENCE = ROOT.parent / "shared" / "docs" / "law-fr.md"


def product_files(root: Path, tops: Iterable[str]) -> list[Path]:
    """Every file under ``tops`` of ``root`` (folders walked), bytecode caches left out."""
    found: list[Path] = []
    for top in tops:
        path = root / top
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*")
                            if p.is_file() and "__pycache__" not in p.parts)
    return found


def cited_ids(paths: Iterable[Path], root: Path = ROOT) -> dict[str, str]:
    """Rule id -> ``"file:line"`` (from ``root``) of its first citation in the text files
    among ``paths``."""
    found: dict[str, str] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # compiled catalogues, images: their sources are scanned
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in CITED_ID.finditer(line):
                found.setdefault(match.group(), f"{path.relative_to(root)}:{number}")
    return found


def linked(fn: object) -> list[Rule]:
    return [declared for declared in all_rules() if fn in declared.code]


def check_functions() -> list[tuple[str, object]]:
    return [(name, fn) for name, fn in inspect.getmembers(rules, inspect.isfunction)
            if name.startswith("check_")
            and fn.__module__ in (rules.__name__, eligibility.__name__)]


# --------------------------------------------------------------------------- declarations


def test_every_id_is_declared_once() -> None:
    ids = [declared.id for declared in all_rules()]
    assert len(ids) == len(set(ids)) == len(RULE_IDS)
    assert not RULE_IDS & set(NOT_DECLARED)
    assert rule("DON-2").title and rule("DON-2").status in STATUSES
    with pytest.raises(KeyError):
        rule("DON-99")


def test_declarations_say_what_is_missing() -> None:
    for declared in all_rules():
        assert declared.articles and declared.title and declared.does, declared.id
        assert (declared.status == APPLIED) == (not declared.missing), declared.id
    with pytest.raises(ValueError, match="missing"):
        Rule("DON-4", "CE L52-8 al. 3", "t", "d", "partielle")
    with pytest.raises(ValueError, match="status"):
        Rule("DON-4", "CE L52-8 al. 3", "t", "d", "faite")  # type: ignore[arg-type]


def test_every_id_cited_in_the_product_is_declared() -> None:
    """Comments, docstrings, messages, templates, catalogues and docs: an id the product cites
    is one the rulebook declares (only the rulebook itself names the ids it sets aside)."""
    files = [p for p in product_files(ROOT, PRODUCT) if p not in GENERATED and p != RULEBOOK]
    cited = cited_ids(files)
    assert {"DON-2", "MAND-1", "DON-16", "PARTY-1", "GDPR-1"} <= set(cited)
    undeclared = {rule_id: where for rule_id, where in cited.items() if rule_id not in RULE_IDS}
    assert undeclared == {}, "cited but not in app/core/finance/rulebook.py"
    in_rulebook = cited_ids([RULEBOOK])
    assert set(in_rulebook) - RULE_IDS - set(NOT_DECLARED) == set()


def test_the_citation_scanner_can_fail(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "x.py").write_text("# DON-2 and DON-SMALL\nx = 'ELEC-MUN-P, DON-99'\n")
    (tmp_path / "app" / "__pycache__").mkdir()
    (tmp_path / "app" / "__pycache__" / "x.pyc").write_text("DON-77")
    (tmp_path / "app" / "x.mo").write_bytes(b"\xff\xfe DON-88")
    (tmp_path / "README.md").write_text("PREP-1, DON-, don-3\n")
    found = cited_ids(product_files(tmp_path, ("app", "README.md", "absent")), tmp_path)
    assert found == {"DON-2": "app/x.py:1", "DON-SMALL": "app/x.py:1",
                     "ELEC-MUN-P": "app/x.py:2", "DON-99": "app/x.py:2"}


@pytest.mark.skipif(not LAW_REFERENCE.exists(), reason="no law reference beside the repository")
def test_the_rulebook_covers_the_law_reference() -> None:
    """Every id of the reference the rules were written from is declared or set aside."""
    reference = set(CITED_ID.findall(LAW_REFERENCE.read_text(encoding="utf-8")))
    assert reference - RULE_IDS - set(NOT_DECLARED) == set()
    assert RULE_IDS - reference == set()


# --------------------------------------------------------------------------- links to the code


def test_every_check_function_is_linked_to_a_rule() -> None:
    names = [name for name, _ in check_functions()]
    assert {"check_cap", "check_cash", "check_window", "check_mandataire"} <= set(names)
    unlinked = [name for name, fn in check_functions() if not linked(fn)]
    assert unlinked == [], "rules.py/eligibility.py functions no rulebook entry points to"


def test_linked_code_cites_its_rule() -> None:
    for declared in all_rules():
        for fn in declared.code:
            module = sys.modules[fn.__module__]
            docs = (inspect.getdoc(fn) or "") + (module.__doc__ or "")
            assert declared.id in docs, f"{fn.__module__}.{fn.__name__} does not cite {declared.id}"


def test_examples_trigger_their_rule() -> None:
    with_examples = [declared for declared in all_rules() if declared.examples]
    assert {"MAND-1", "DON-2", "DON-4", "DON-5", "PARTY-1"} <= {d.id for d in with_examples}
    for declared in with_examples:
        for example in declared.examples:
            outcome = example.run()
            assert example.situation, declared.id
            if isinstance(outcome, Decision):
                assert declared.id in outcome.rules, (declared.id, example.situation)
            else:
                assert isinstance(outcome, str) and outcome.strip(), declared.id


def test_every_rule_the_core_checks_has_an_example() -> None:
    """A rule a ``check_*`` function raises under its own id shows its real message."""
    missing = []
    for declared in all_rules():
        checks = [fn for fn in declared.code if fn.__name__.startswith("check_")]
        raised_here = any(f'"{declared.id}"' in inspect.getsource(fn) for fn in checks)
        if raised_here and not declared.examples:
            missing.append(declared.id)
    assert missing == []
