from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.publishing.blocks import Block
from app.core.publishing.markdown import Rendered, render_markdown


def test_markdown_extensions_and_toc() -> None:
    rendered = render_markdown(
        "## Écologie urbaine\n\nDu texte[^1].\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n"
        "Image\n{: .large }\n\n[^1]: Une note.\n"
    )
    assert isinstance(rendered, Rendered)
    assert '<h2 id="ecologie-urbaine">Écologie urbaine</h2>' in rendered.html
    assert '<th class="align-left">a</th>' in rendered.html  # align= is obsolete HTML
    assert '<p class="large">Image</p>' in rendered.html
    assert 'title="Retour à la note 1 dans le texte"' in rendered.html
    assert '<a href="#ecologie-urbaine">Écologie urbaine</a>' in rendered.toc
    assert rendered.toc_tokens[0]["id"] == "ecologie-urbaine"
    assert rendered.blocks == [] and rendered.warnings == []


def test_smarty_is_french() -> None:
    html = unescape(render_markdown('Il a dit "oui" -- l\'équipe... "bien" --- fin').html)
    assert html == "<p>Il a dit «\u00a0oui\u00a0» – l’équipe… «\u00a0bien\u00a0» — fin</p>"


def test_typography_in_text_not_in_code() -> None:
    html = render_markdown("Vraiment ? Oui: `a ? b: c`\n\n    x = y ? 1 : 2\n").html
    assert "Vraiment\u202f? Oui\u00a0: <code>a ? b: c</code>" in html
    assert "<pre><code>x = y ? 1 : 2" in html


def test_blocks_go_through_the_block_renderer_unsanitised() -> None:
    seen: list[Block] = []

    def renderer(block: Block) -> str:
        seen.append(block)
        return f'<iframe title="trusted theme output" data-n="{len(seen)}"></iframe>'

    rendered = render_markdown(
        "Avant\n\n::: don montants=20\n:::\n::: citation\nTexte\n:::\nAprès", renderer
    )
    assert [b.name for b in seen] == ["don", "citation"]
    assert rendered.blocks == seen
    assert rendered.html == (
        '<p>Avant</p>\n<iframe title="trusted theme output" data-n="1"></iframe>\n'
        '<iframe title="trusted theme output" data-n="2"></iframe>\n<p>Après</p>'
    )


def test_failing_block_renderer_does_not_break_the_page() -> None:
    def renderer(block: Block) -> str:
        raise KeyError("oops")

    rendered = render_markdown("Texte\n\n::: don\n:::\n", renderer)
    assert rendered.warnings == ["ligne 3 : bloc « don » impossible à afficher (KeyError)"]
    assert "block-don" in rendered.html and "<p>Texte</p>" in rendered.html


def test_placeholders_cannot_be_forged() -> None:
    text = "zzblock0123456789abcdefn0zz\n\n::: don\n:::"
    html = render_markdown(text).html
    assert "<p>zzblock0123456789abcdefn0zz</p>" in html


def test_fallback_renderer_escapes_params() -> None:
    html = render_markdown(
        '::: hero titre="<b>Gras</b> & co" bouton="\\"><script>x</script>" lien="/a?b=1&c=2"\n'
        ":::\n"
        '::: citation auteur="<img src=x onerror=alert(1)>"\n> cité\n:::'
    ).html
    assert "<h2>&lt;b&gt;Gras&lt;/b&gt; &amp; co</h2>" in html
    assert 'href="/a?b=1&amp;c=2"' in html
    assert "<script" not in html and "<img" not in html
    assert "<figcaption>&lt;img src=x onerror=alert(1)&gt;</figcaption>" in html


def test_block_markdown_is_sanitised() -> None:
    rendered = render_markdown(
        '::: appel titre=T\n<script>alert(1)</script>[x](javascript:alert(1))\n:::'
    )
    assert rendered.blocks[0].data["html"] == "<p><a>x</a></p>"


def test_first_line_offsets_warnings() -> None:
    assert render_markdown("\n::: nope\n:::", first_line=7).warnings[0].startswith("ligne 8 :")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


_ALPHABET = st.sampled_from(
    [*"ab :;!?«»\"'<>/=&#`~*_[](){}-\n\t é", "<script>", "</script>", ":::", "::: ", "don",
     "hero", "faq", "```", "javascript:", "<img src=x onerror=", "- ", "titre=", '"', "\n:::\n",
     "<svg onload=", "&#x3C;script"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join) | st.text(max_size=200))
def test_render_markdown_never_raises_nor_emits_script(text: str) -> None:
    rendered = render_markdown(text)
    assert "<script" not in rendered.html.lower()
    parser = _Tags()
    parser.feed(rendered.html)
    assert "script" not in parser.tags and "svg" not in parser.tags
    assert all(isinstance(w, str) for w in rendered.warnings)
