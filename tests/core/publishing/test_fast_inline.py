"""The fast inline pass gives exactly what Python-Markdown's own inline processor gives."""

from __future__ import annotations

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.publishing import fast_inline
from app.core.publishing.markdown import _converter, _extensions

SAMPLES = [
    "Du *texte*, du **gras**, du ***les deux*** et du _souligné_ ; `code` et \\*échappé\\*.",
    "Un [lien](https://example.org \"titre\"), une ![image](media/a.jpg) et <https://a.fr>.",
    "Une note[^1] et une autre[^n].\n\n[^1]: La note.\n[^n]: L'*autre* note.",
    "*[HTML]: HyperText Markup Language\n\nDu HTML et encore du HTML.",
    "Terme\n:   Définition *mise en valeur*.\n\n| a | b |\n|:--|--:|\n| **1** | `2` |",
    "Ligne avec deux espaces  \nà la fin, &amp; une entité, un <span>élément</span> <b>gras</b>.",
    "* a * b ** c __ d _ e_ f*g*h __i__ [x][ref]\n\n[ref]: /programme/ \"Programme\"",
    "## Titre {: #ancre .classe }\n\n<div markdown=\"1\">*dans* du HTML</div>\n\n"
    "```\n*pas* `ici`\n```",
]


def _stock(text: str) -> str:
    return markdown.Markdown(extensions=_extensions(True), output_format="html").convert(text)


def test_the_fast_processor_is_installed() -> None:
    converter = _converter(True)
    assert isinstance(converter.treeprocessors["inline"], fast_inline.FastInlineProcessor)
    names = [p.__class__.__name__ for p in converter.treeprocessors]
    assert names.index("FastInlineProcessor") < names.index("PrettifyTreeprocessor")


def test_same_output_as_python_markdown() -> None:
    for text in SAMPLES:
        assert _converter(True).convert(text) == _stock(text), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["*", "**", "_", "`", "[", "]", "(", ")", "!", "<", ">", "&",
                                 "\\", "  \n", "\n\n", "mot", " ", "[^1]", "https://a.fr",
                                 "<b>", "</b>", "{: .c }", "é", ":", "#"]), max_size=40))
def test_same_output_on_odd_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert _converter(True).convert(text) == _stock(text)
