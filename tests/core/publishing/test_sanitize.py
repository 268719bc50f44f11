from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.core.publishing.markdown import render_markdown
from app.core.publishing.sanitize import is_safe_media_path, is_safe_url, sanitize_html

PAYLOADS = Path("/work/shared/data/xss/payloadbox-xss.txt")

FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "style", "link", "meta", "base", "form", "input", "button", "textarea", "select",
    "option", "template", "video", "audio", "source", "marquee", "isindex", "noscript",
}  # fmt: skip
FORBIDDEN_ATTRIBUTES = {"srcdoc", "style", "formaction", "action", "target", "xlink:href"}
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "background", "poster", "data"}
BAD_SCHEME = re.compile(r"^(?:javascript|vbscript|data|livescript|mocha):", re.IGNORECASE)


class Inspector(HTMLParser):
    """Collect every dangerous construct of an HTML output."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in FORBIDDEN_ATTRIBUTES:
                self.problems.append(f"{tag}[{name}]")
            squashed = re.sub(r"[\x00-\x20]", "", value or "")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(squashed):
                self.problems.append(f"{tag}[{name}={value!r}]")

    handle_startendtag = handle_starttag


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    if "<script" in html.lower():
        inspector.problems.append("<script")
    return inspector.problems


def payloads() -> list[str]:
    if not PAYLOADS.exists():  # pragma: no cover - the list ships with the shared data
        pytest.skip(f"{PAYLOADS} absent")
    return [line for line in PAYLOADS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_xss_payload_list_line_by_line() -> None:
    failures = {}
    for line in payloads():
        problems = problems_in(render_markdown(line).html)
        if problems:
            failures[line] = problems
    assert failures == {}


def test_xss_payloads_in_markdown_contexts_and_blocks() -> None:
    lines = payloads()[::3]  # every line is tested alone above; a third of them in context
    failures = {}
    for start in range(0, len(lines), 40):
        chunk = lines[start : start + 40]
        contexts = "\n\n".join(
            f"> Texte {p} [{p}]({p} \"{p}\") ![{p}]({p})\n\n## {p}" for p in chunk
        )
        blocks = "\n".join(
            f"::: hero titre='{p}' bouton=\"{p}\" lien=\"{p}\"\n{p}\n:::\n"
            f"::: faq\n- question: \"{p}\"\n  reponse: \"{p}\"\n:::" for p in chunk
        )
        for text in (contexts, blocks):
            rendered = render_markdown(text)
            for html in (rendered.html, rendered.toc):
                if problems := problems_in(html):
                    failures[start] = problems
    assert failures == {}


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p{}</style>ok", "ok"),
        ('<iframe src="https://x.example" srcdoc="<b>"></iframe>ok', "ok"),
        ('<p onclick="x" style="color:red" id="a">t</p>', "<p>t</p>"),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', "<a>x</a>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<a>x</a>"),
        ('<a href="vbscript:msgbox(1)">x</a>', "<a>x</a>"),
        ('<a href="https://ex.fr" target="_blank" title="t">x</a>',
         '<a href="https://ex.fr" title="t">x</a>'),
        ('<a href="mailto:a@b.fr">m</a><a href="tel:+33100">t</a><a href="/don#x">d</a>',
         '<a href="mailto:a@b.fr">m</a><a href="tel:+33100">t</a><a href="/don#x">d</a>'),
        ('<a href="ftp://x">f</a>', "<a>f</a>"),
        ('<img src="media/a.jpg" alt="A" width="10" height="5" loading="lazy" onerror="x">',
         '<img src="media/a.jpg" alt="A" width="10" height="5" loading="lazy">'),
        ('<img src="x" loading="evil">', '<img src="x">'),
        ('<form action="/x"><input name="a"><button>b</button></form>t', "t"),
        ('<div class="encart"><span class="rouge">x</span></div>',
         '<div class="encart"><span class="rouge">x</span></div>'),
        ('<figure><img src="a.jpg" alt=""><figcaption>L</figcaption></figure>',
         '<figure><img src="a.jpg" alt=""><figcaption>L</figcaption></figure>'),
        ("<object data='x'></object><embed src='x'><svg><script>1</script></svg>t", "t"),
        ("<!-- secret -->t", "t"),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>t', "t"),
        ('<base href="https://evil/"><meta http-equiv="refresh" content="0">t', "t"),
    ],
)
def test_allowlist(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("/don", True), ("programme/ecologie", True), ("#faq", True), ("?p=2", True),
        ("https://exemple.fr/a", True), ("http://exemple.fr", True), ("mailto:a@b.fr", True),
        ("tel:+33123456789", True), ("javascript:alert(1)", False), (" javascript:x", False),
        ("java\tscript:x", False), ("JAVASCRIPT:x", False), ("data:text/html,x", False),
        ("vbscript:x", False), ("https:evil", False), ("ftp://x", False), ("", False),
        ("\\\\evil\\share", False),
    ],
)
def test_is_safe_url(url: str, ok: bool) -> None:
    assert is_safe_url(url) is ok


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("media/photo.jpg", True), ("/media/programme.pdf", True), ("photo.jpg", True),
        ("../photo.jpg", False), ("media/../../etc/passwd", False), ("./a.jpg", False),
        ("javascript:alert(1)", False), ("https://cdn.example/a.jpg", False),
        ("//evil.example/a.jpg", False), ("data:image/png;base64,xx", False),
        ("c:/windows/a.jpg", False), ("media\\a.jpg", False), (" media/a.jpg", False),
        ('media/a.jpg" onerror="x', False), ("", False),
    ],
)
def test_is_safe_media_path(path: str, ok: bool) -> None:
    assert is_safe_media_path(path) is ok
