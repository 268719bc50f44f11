#!/usr/bin/env python3
"""Writes docs/rules.md from the rulebook (app/core/finance/rulebook.py).

    .venv/bin/python scripts/rules_doc.py           # rewrite docs/rules.md
    .venv/bin/python scripts/rules_doc.py --check   # exit 1 if docs/rules.md is out of date

The examples' messages are produced by running the real rules, never copied.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core.finance.decision import Decision  # noqa: E402
from app.core.finance.rulebook import (  # noqa: E402
    APPLIED,
    GROUPS,
    NOT_DECLARED,
    NOT_YET,
    PARTIAL,
    Example,
    Rule,
    all_rules,
)

OUT = ROOT / "docs" / "rules.md"
COMMAND = "python scripts/rules_doc.py"
SEVERITY = {"refused": "Refus", "warning": "Avertissement"}

HEADER = f"""# Les règles du financement électoral dans Estrade

<!-- Fichier généré par « {COMMAND} » depuis app/core/finance/rulebook.py :
     ne pas le modifier à la main. -->

Cette page dit, règle par règle, ce qu'Estrade fait des règles du financement des campagnes
électorales (code électoral, CGI, loi n° 88-227, RGPD) : ce qu'il refuse, ce dont il avertit, ce
qu'il reporte dans les exports et ce qu'il affiche. Les messages d'Estrade, les alertes du tableau
de bord et les exports citent ces identifiants (DON-2, MAND-1…). Les exemples montrent le message
exact que reçoit le trésorier : ils sont produits par les règles elles-mêmes quand cette page est
générée. « Dans le code » nomme les fonctions de `app/core/finance/` qui appliquent la règle.

Estrade aide le mandataire financier ; il ne le remplace pas. Une règle « partielle » ou « pas
encore » appliquée reste à vérifier à la main, et les textes sont à relire sur Légifrance avant
chaque élection.

| statut | sens |
|---|---|
| {APPLIED} | Estrade fait ce que la règle demande au logiciel. |
| {PARTIAL} | Estrade en fait une partie ; « Ce qui manque » dit le reste. |
| {NOT_YET} | Estrade ne fait rien, ou presque : c'est au trésorier ou à l'équipe d'y veiller. |
"""


def qualified(fn: Callable[..., object]) -> str:
    """``rules.check_cap``: the module of ``app/core/finance/`` and the function."""
    return f"`{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}`"


def example_lines(example: Example) -> list[str]:
    outcome = example.run()
    lines = [f"- **Exemple** — {example.situation} :"]
    if isinstance(outcome, Decision):
        for reason in outcome.reasons:
            lines.append(f"  > **{SEVERITY[reason.severity]} ({reason.rule})** : {reason.message}")
    else:
        lines.append(f"  > {outcome}")
    return lines


def rule_section(rule: Rule) -> list[str]:
    lines = [f"### {rule.id} — {rule.title}", "", f"- **Article** : {rule.articles}",
             f"- **Ce que fait Estrade** : {rule.does}", f"- **Statut** : {rule.status}"]
    if rule.missing:
        lines.append(f"- **Ce qui manque** : {rule.missing}")
    if rule.code:
        lines.append("- **Dans le code** : " + ", ".join(qualified(fn) for fn in rule.code))
    for example in rule.examples:
        lines += example_lines(example)
    return [*lines, ""]


def render() -> str:
    lines = [HEADER, "## Sommaire", "", "| règle | titre | statut |", "|---|---|---|"]
    lines += [f"| {rule.id} | {rule.title} | {rule.status} |" for rule in all_rules()]
    lines.append("")
    for number, group in enumerate(GROUPS, start=1):
        lines += [f"## {number}. {group.title}", ""]
        for rule in group.rules:
            lines += rule_section(rule)
    lines += ["## Hors du champ d'Estrade", ""]
    lines += [f"- **{rule_id}** : {why}." for rule_id, why in NOT_DECLARED.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="ne rien écrire ; échouer si docs/rules.md n'est pas à jour")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"docs/rules.md n'est pas à jour : lancez « {COMMAND} ».", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"docs/rules.md : {len(all_rules())} règles.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
