"""Two versions of a page side by side: a readable line diff for the history, and a merge
that keeps every line of both (the conflict screen's starting point, so no sentence is lost)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    tag: str  # "same", "removed", "added"
    text: str


def diff(old: str, new: str) -> list[Line]:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    found: list[Line] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found.extend(Line("same", t) for t in old_lines[i1:i2])
            continue
        found.extend(Line("removed", t) for t in old_lines[i1:i2])
        found.extend(Line("added", t) for t in new_lines[j1:j2])
    return found


def merge_keeping_both(theirs: str, mine: str) -> str:
    """Lines both versions share once; where they differ, theirs then mine."""
    a, b = theirs.splitlines(), mine.splitlines()
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            merged.extend(a[i1:i2])
        else:
            merged.extend(a[i1:i2])
            merged.extend(b[j1:j2])
    return "\n".join(merged) + "\n"
