"""French typography for rendered HTML: non-breaking spaces where French requires them.

Only text nodes are touched; tags, attribute values and the content of ``code``, ``pre``,
``kbd``, ``samp``, ``script``, ``style`` and ``textarea`` are left as they are. The
transformation is idempotent: ``french_typography(french_typography(x)) == french_typography(x)``.

Rules:
- narrow no-break space (U+202F) before ``;``, ``!`` and ``?``;
- no-break space (U+00A0) before ``:`` and inside « guillemets »;
- an existing space is replaced; a space is inserted after a word only when the punctuation
  ends the word (followed by a space, a closing guillemet or the end of the text), so URLs,
  times (``10:30``), ratios and ``?x=1`` stay intact;
- numbers like ``1 000`` are left untouched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

NBSP = "\u00a0"
NNBSP = "\u202f"

_SKIP_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
_SPACES = "[ \u00a0\u202f\u2009\t]"

# A tag (attribute values may contain ">"), a comment, a doctype or CDATA; split() gives
# text, token, tag name (None but for a tag), text, token, tag name, ..., text.
_TOKEN = re.compile(
    r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>"
    r"|</?([A-Za-z][A-Za-z0-9-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)",
    re.DOTALL,
)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Existing space(s) before the punctuation become the right no-break space.
    (re.compile(_SPACES + r"+([;!?])"), NNBSP + r"\1"),
    (re.compile(_SPACES + r"+(:)"), NBSP + r"\1"),
    # Punctuation glued to a word and ending it: insert the space.
    (re.compile(r"(?<=[^\W_])([;!?]+)(?=[\s»)]|$)"), NNBSP + r"\1"),
    (re.compile(r"(?<=[^\W_])(:)(?=[\s»]|$)"), NBSP + r"\1"),
    # Guillemets.
    (re.compile(r"«\s*"), "«" + NBSP),
    (re.compile(r"\s*»"), NBSP + "»"),
)


def french_text(text: str) -> str:
    """Apply the French spacing rules to plain text (no HTML)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


_FRENCH_SIGNS = re.compile("[;!?:«»]")
_SMART_SIGNS = re.compile("[\"'.&-]")


def _fix_text_node(raw: str) -> str:
    if not _FRENCH_SIGNS.search(raw):
        return raw
    text = html.unescape(raw)
    fixed = french_text(text)
    if fixed == text:
        return raw
    return html.escape(fixed, quote=False)


_SMART: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"<<\s*"), "« "),
    (re.compile(r"\s*>>"), " »"),
    (re.compile(r'"([^"\n]+)"'), r"« \1 »"),
    (re.compile(r"(?<!-)---(?!-)"), "\u2014"),
    (re.compile(r"(?<!-)--(?!-)"), "\u2013"),
    (re.compile(r"\.\.\."), "\u2026"),
    (re.compile(r"'"), "\u2019"),
)


def smart_text(text: str) -> str:
    """Typographic punctuation for plain text: « guillemets », – and —, …, apostrophe ’.

    A fast replacement for Python-Markdown's ``smarty`` extension, which cost more than the
    rest of the Markdown conversion (bench/README.md)."""
    for pattern, replacement in _SMART:
        text = pattern.sub(replacement, text)
    return text


def _smart_node(raw: str) -> str:
    if not _SMART_SIGNS.search(raw):
        return raw
    text = html.unescape(raw)
    fixed = smart_text(text)
    return raw if fixed == text else html.escape(fixed, quote=False)


def smart_punctuation(fragment: str) -> str:
    """Apply :func:`smart_text` to the text nodes of an HTML fragment (not in code)."""
    return _walk(fragment, _smart_node, _SMART_SIGNS)


def french_typography(fragment: str) -> str:
    """Apply :func:`french_text` to the text nodes of an HTML fragment."""
    return _walk(fragment, _fix_text_node, _FRENCH_SIGNS)


def _smart_then_french(raw: str) -> str:
    return _fix_text_node(_smart_node(raw))


_ANY_SIGN = re.compile("[;!?:«»\"'.&-]")


def smart_french_typography(fragment: str) -> str:
    """``french_typography(smart_punctuation(fragment))`` in one walk over the fragment: the
    text nodes are the same for both (neither adds a tag: what they write is escaped)."""
    return _walk(fragment, _smart_then_french, _ANY_SIGN)


def _walk(fragment: str, fix: Callable[[str], str], signs: re.Pattern[str]) -> str:
    """``fix`` applied to each text node outside the skipped tags that holds one of ``signs``
    (``fix`` leaves any other node as it is): the fragment is cut in one ``split``, and the
    loop only looks at tag names."""
    parts = _TOKEN.split(fragment)
    text = parts[0]
    out = [fix(text) if signs.search(text) else text]
    skip_depth = 0
    for index in range(1, len(parts), 3):
        token, name = parts[index], parts[index + 1]
        out.append(token)
        if name is not None and name.lower() in _SKIP_TAGS and not token.endswith("/>"):
            skip_depth = max(0, skip_depth - 1) if token.startswith("</") else skip_depth + 1
        text = parts[index + 2]
        out.append(fix(text) if not skip_depth and signs.search(text) else text)
    return "".join(out)
