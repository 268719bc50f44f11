from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.publishing.typography import (
    NBSP,
    NNBSP,
    french_text,
    french_typography,
    smart_french_typography,
    smart_punctuation,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bonjour !", f"Bonjour{NNBSP}!"),
        ("Bonjour!", f"Bonjour{NNBSP}!"),
        ("Vraiment ?!", f"Vraiment{NNBSP}?!"),
        ("Oui ; non", f"Oui{NNBSP}; non"),
        ("Note : ceci", f"Note{NBSP}: ceci"),
        ("Note: ceci", f"Note{NBSP}: ceci"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),
        ("« Quoi ? »", f"«{NBSP}Quoi{NNBSP}?{NBSP}»"),
        ("Il  est 10:30", "Il  est 10:30"),
        ("1 000 adhérents", "1 000 adhérents"),
        ("https://site.fr/page?x=1&y=2", "https://site.fr/page?x=1&y=2"),
        ("mailto:contact@liste.fr", "mailto:contact@liste.fr"),
        ("ratio 16:9", "ratio 16:9"),
        (f"Déjà{NNBSP}!", f"Déjà{NNBSP}!"),
        (f"Mauvais{NBSP}!", f"Mauvais{NNBSP}!"),
    ],
)
def test_french_text(text: str, expected: str) -> None:
    assert french_text(text) == expected


def test_only_text_nodes_are_touched() -> None:
    html = (
        '<p title="a ! b : c">Salut ! <a href="/x?y=1" title="x: y">lien : ici</a></p>'
        "<pre><code>if a ? b : c;</code></pre><code>x ! y</code><kbd>Ctrl : C</kbd>"
        "<p>Fin : <em>oui</em> !</p>"
    )
    assert french_typography(html) == (
        f'<p title="a ! b : c">Salut{NNBSP}! <a href="/x?y=1" title="x: y">lien{NBSP}: ici</a>'
        "</p><pre><code>if a ? b : c;</code></pre><code>x ! y</code><kbd>Ctrl : C</kbd>"
        f"<p>Fin{NBSP}: <em>oui</em>{NNBSP}!</p>"
    )


def test_attribute_with_angle_bracket_is_not_text() -> None:
    html = '<a title="a > b ? c">Quoi ?</a>'
    assert french_typography(html) == f'<a title="a > b ? c">Quoi{NNBSP}?</a>'


def test_entities_are_understood_and_escaping_kept() -> None:
    assert french_typography("<p>A &amp; B ! &lt;x&gt; ?</p>") == (
        f"<p>A &amp; B{NNBSP}! &lt;x&gt;{NNBSP}?</p>"
    )
    assert french_typography("<p>&laquo;&nbsp;ok&nbsp;&raquo;</p>") == (
        "<p>&laquo;&nbsp;ok&nbsp;&raquo;</p>"
    )


def test_unchanged_text_keeps_its_exact_source() -> None:
    html = "<p>Rien &eacute; changer</p>"
    assert french_typography(html) == html


_PIECES = [*"ab1 :;!?«»<>&/\"'=\u00a0\u202f", "<code>", "</code>", "<pre>", "</pre>"]


@given(st.lists(st.sampled_from(_PIECES)).map("".join))
def test_idempotent(text: str) -> None:
    once = french_typography(text)
    assert french_typography(once) == once


_SMART_PIECES = [*_PIECES, "--", "---", "...", "<<", ">>", "&lt;", "&amp;", "<p>", "</p>",
                 '<a href="x?a=1&amp;b=2">', "</a>", "<!-- c -->", "<kbd>", "</kbd>"]


@given(st.lists(st.sampled_from(_SMART_PIECES)).map("".join))
def test_one_walk_equals_smart_then_french(text: str) -> None:
    # The renderer does both in one walk over the text nodes: same bytes as two walks.
    assert smart_french_typography(text) == french_typography(smart_punctuation(text))
