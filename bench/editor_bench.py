"""``make bench-editor``: the page editor's figures (acceptance item 7 of issue 10).

* the bundle: ``app/static/vendor/estrade-editor.js``, raw and gzip -9 bytes;
* save time: ``POST /admin/pages/<id>/enregistrer`` of the demo's team page with one more
  sentence each time (median of N, through Flask's test client: the server's own cost);
* keystroke → preview: in headless Chromium against a live server, the time from a key typed
  in the visual editor to the preview frame showing the typed text (debounce of
  150 ms included; the preview's body is replaced in place), median of N.

Runs on a private copy of the demo content and its own SQLite database, and writes
``bench/results/editor.json``.

    .venv/bin/python bench/editor_bench.py [--runs 15]
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUNDLE = ROOT / "app" / "static" / "vendor" / "estrade-editor.js"
RESULTS = ROOT / "bench" / "results" / "editor.json"
PASSWORD = "bench-password-editeur"


def make_app(work: Path) -> Any:
    from app import create_app
    from app.accounts.models import Membership, User
    from app.campaigns.demo import seed_demo
    from app.campaigns.models import Site
    from app.extensions import db
    from app.schema import upgrade_database

    content = work / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    instance = work / "instance"
    instance.mkdir()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'estrade.sqlite'}",
                      "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-" + "x" * 40,
                      "ESTRADE_CONTENT_DIR": str(content), "WTF_CSRF_ENABLED": False,
                      "ESTRADE_PUBLISH_CHECK_SECONDS": 0})
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with app.app_context():
        upgrade_database(app)
        seed_demo(app)
        site = db.session.scalar(db.select(Site).where(Site.slug == "demo"))
        user = User(email="redaction@example.org")
        user.set_password(PASSWORD)
        user.memberships.append(Membership(site_id=site.id, role="editor"))
        db.session.add(user)
        db.session.commit()
        db.session.remove()
    return app


PAGE = "equipe.md"  # a typical page: text, a team block, no large picture


def home_id(app: Any) -> int:
    from app.editor.models import EditorPage
    from app.extensions import db

    with app.app_context():
        found = db.session.scalar(db.select(EditorPage.id).where(EditorPage.path == PAGE))
        db.session.remove()
    return int(found)


def save_times(app: Any, runs: int) -> list[float]:
    import re

    client = app.test_client()
    client.post("/admin/login", data={"email": "redaction@example.org", "password": PASSWORD})
    client.get("/admin/pages/")
    pid = home_id(app)
    html = client.get(f"/admin/pages/{pid}/").get_data(as_text=True)
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', html, re.S)
    base = re.search(r'name="base" id="base" value="(\d+)"', html)
    assert body and base
    import html as htmllib

    text, revision = htmllib.unescape(body.group(1)), base.group(1)
    times = []
    for n in range(runs):
        text += f"\nPhrase ajoutée n° {n}.\n"
        started = time.perf_counter()
        answer = client.post(f"/admin/pages/{pid}/enregistrer",
                             headers={"Accept": "application/json"},
                             data={"title": "L'équipe", "body": text, "base": revision})
        times.append(time.perf_counter() - started)
        revision = str(answer.json["revision"])
    return times


def preview_times(app: Any, runs: int) -> list[float]:
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pid = home_id(app)
    times = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(locale="fr-FR")
            page.goto(f"{base}/admin/login")
            page.get_by_label("Adresse e-mail").fill("redaction@example.org")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(f"{base}/admin/")
            page.goto(f"{base}/admin/pages/{pid}/")
            page.wait_for_selector("form[data-mode=visual]")
            page.get_by_role("textbox", name="Texte de la page").click()
            page.keyboard.press("Control+End")
            for n in range(runs):
                marker = f"Z{n}Q"
                page.evaluate("""(m) => { window.__seen = null;
                  const tick = () => {
                    const doc = document.getElementById('preview').contentDocument
                    if (doc && doc.body && doc.body.textContent.includes(m)) {
                      window.__seen = performance.now()
                    } else { requestAnimationFrame(tick) }
                  }
                  requestAnimationFrame(tick) }""", marker)
                started = page.evaluate("() => performance.now()")
                page.keyboard.type(marker)
                page.wait_for_function("() => window.__seen !== null", timeout=10_000)
                times.append((page.evaluate("() => window.__seen") - started) / 1000)
                page.wait_for_timeout(300)
            browser.close()
    finally:
        server.shutdown()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    raw = BUNDLE.read_bytes()
    figures: dict[str, Any] = {"bundle_bytes": len(raw),
                               "bundle_gzip_bytes": len(gzip.compress(raw, 9))}
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(Path(folder))
        saves = save_times(app, args.runs)
        figures["save_ms_median"] = round(statistics.median(saves) * 1000, 1)
        try:
            previews = preview_times(app, args.runs)
            figures["keystroke_to_preview_ms_median"] = round(statistics.median(previews) * 1000, 1)
            figures["keystroke_to_preview_ms_max"] = round(max(previews) * 1000, 1)
        except Exception as exc:  # no Chromium here: the other figures still count
            figures["keystroke_to_preview_ms_median"] = None
            figures["preview_error"] = str(exc)[:200]
    figures["runs"] = args.runs
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
