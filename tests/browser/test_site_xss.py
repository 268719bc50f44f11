"""Acceptance 2: a published page full of script attempts runs none of them in Chromium.

The browser context bypasses the Content-Security-Policy on purpose: the sanitiser alone must
neutralise ``<script>``, ``on*=`` handlers, ``javascript:`` links and ``<iframe>`` (the CSP is
a second line of defence). The shared payload list (/work/shared/data/xss) is published too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.campaigns.service import create_site
from app.extensions import db
from tests.factories import tx

PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "data" / "xss" / "payloadbox-xss.txt"
OWN = """---
title: Page piégée
---

Texte normal avant.

<script>window.__xss = "script";</script>
<img src="/absent.png" alt="x" onerror="window.__xss = 'onerror'">
<p onmouseover="window.__xss = 'mouseover'" id="survol">Survolez-moi</p>
[Cliquez ici](javascript:window.__xss='javascript-md')
<a id="lien-js" href="javascript:window.__xss='javascript-a'">Lien piégé</a>
<a id="lien-js2" href="  jav&#x09;ascript:window.__xss='javascript-obf'">Lien piégé 2</a>
<iframe src="javascript:parent.__xss='iframe'"></iframe>
<iframe srcdoc="<script>parent.__xss='srcdoc'</script>"></iframe>
<svg onload="window.__xss='svg'"><script>window.__xss='svg-script'</script></svg>
<object data="javascript:window.__xss='object'"></object>
<form action="javascript:window.__xss='form'"><button id="envoyer">Envoyer</button></form>
<div style="background:url(javascript:window.__xss='style')">style</div>

::: hero titre="<script>window.__xss=1</script>" bouton="Go" lien="javascript:window.__xss=2"
:::

Texte normal après.
"""
CHUNK = 700


def _payload_pages() -> list[str]:
    if not PAYLOADS.exists():
        return []
    lines = [line for line in PAYLOADS.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    return [f"---\ntitle: Charges {i}\n---\n\n" + "\n\n".join(lines[i:i + CHUNK])
            for i in range(0, len(lines), CHUNK)]


@pytest.fixture
def xss_site(app, tmp_path) -> int:
    root = tmp_path / "xss"
    (root / "pages").mkdir(parents=True)
    (root / "site.toml").write_text('title = "Essai XSS"\n', encoding="utf-8")
    (root / "pages" / "piege.md").write_text(OWN, encoding="utf-8")
    pages = _payload_pages()
    for number, text in enumerate(pages):
        (root / "pages" / f"charges-{number}.md").write_text(text, encoding="utf-8")
    tx(create_site, "xss", "Essai XSS", ["127.0.0.1"], content_dir=str(root), is_default=True)
    db.session.commit()
    return len(pages)


DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) bad.push(el.tagName + ' ' + attr.name);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && attr.name !== 'content')
        bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    if (!s.src.endsWith('/_theme/site.js')) bad.push('script ' + s.outerHTML.slice(0, 80));
  }
  const tags = ['iframe', 'object', 'embed', 'svg', 'form', 'style', 'base'];
  for (const tag of tags)
    for (const el of document.querySelectorAll('main ' + tag)) bad.push(tag);
  return bad;
}"""


def _visit(context: Any, url: str) -> tuple[list[str], Any, list[str]]:
    dialogs: list[str] = []
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.route("**/*", lambda route: route.abort() if route.request.resource_type in {
        "image", "media", "font"} else route.continue_())
    tab.goto(url)
    tab.wait_for_timeout(300)
    return dialogs, tab, tab.evaluate(DOM_CHECK)


def test_published_xss_page_runs_no_script(browser, live_server, xss_site) -> None:
    context = browser.new_context(bypass_csp=True, java_script_enabled=True)
    try:
        dialogs, tab, bad = _visit(context, f"{live_server.url}/piege/")
        assert "Texte normal avant." in tab.content() and "Texte normal après." in tab.content()
        tab.get_by_text("Survolez-moi").hover()
        for link in ("Cliquez ici", "Lien piégé", "Lien piégé 2"):
            found = tab.get_by_text(link, exact=True)
            if found.count():
                found.first.click()
                tab.wait_for_timeout(100)
        assert tab.evaluate("window.__xss === undefined"), tab.evaluate("window.__xss")
        assert bad == [] and dialogs == []
        assert tab.locator("iframe").count() == 0
        for number in range(xss_site):
            dialogs, tab, bad = _visit(context, f"{live_server.url}/charges-{number}/")
            assert tab.evaluate("window.__xss === undefined")
            assert dialogs == [], f"charges-{number}: {dialogs[:5]}"
            assert bad == [], f"charges-{number}: {bad[:10]}"
            tab.close()
    finally:
        context.close()
