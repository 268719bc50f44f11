"""Electoral silence (WEB-1) and results (WEB-2): the button, a direct POST, the CLI and the
scheduler all refuse; a scheduled publication due inside the window waits for its end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.publishing import silence
from app.editor import actions
from app.editor.models import EditorPage
from app.extensions import db
from tests.factories import tx

# The demo election: rounds on Sunday 14 and 21 March 2027 (Europe/Paris, UTC+1).
EVE = dt.datetime(2027, 3, 13, 9, 0)  # Saturday 10:00 in Paris: silence
AFTER = dt.datetime(2027, 3, 14, 19, 30)  # Sunday 20:30 in Paris: the polls have closed
BEFORE = dt.datetime(2027, 3, 12, 21, 0)  # Friday 22:00 in Paris: no silence yet


def test_windows_run_from_the_eve_to_the_polls_closing() -> None:
    found = silence.windows([dt.date(2027, 3, 14), dt.date(2027, 3, 21)])
    assert found[0].starts.isoformat() == "2027-03-13T00:00:00+01:00"
    assert found[0].ends.isoformat() == "2027-03-14T20:00:00+01:00"
    assert silence.publication_hold(found, dt.datetime(2027, 3, 12, 22, 59)) is None
    assert silence.publication_hold(found, dt.datetime(2027, 3, 12, 23, 0)).rule == "WEB-1"  # type: ignore[union-attr]
    assert silence.publication_hold(found, dt.datetime(2027, 3, 14, 19, 0)) is None
    assert silence.publication_hold(found, dt.datetime(2027, 3, 14, 18, 59)) is not None
    overseas = silence.windows([dt.date(2027, 3, 14)], "America/Martinique", "19:00")
    assert overseas[0].ends.isoformat() == "2027-03-14T19:00:00-04:00"
    hold = silence.publication_hold(found, BEFORE, "resultats")
    assert hold is not None and hold.rule == "WEB-2"
    assert silence.publication_hold(found, AFTER, "resultats") is None


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, dt.datetime]:
    now = {"at": EVE}
    monkeypatch.setattr(actions, "utcnow", lambda: now["at"])
    return now


def pid(path: str) -> int:
    found = db.session.scalar(select(EditorPage.id).where(EditorPage.path == path))
    assert found is not None
    return found


def test_silence_disables_the_button_and_refuses_post_and_cli(
        editor_login, runner, clock, content_copy: Path) -> None:
    page = pid("equipe.md")
    html = editor_login.get(f"/admin/pages/{page}/").get_data(as_text=True)
    assert "WEB-1" in html and "Silence électoral" in html
    assert 'id="publish" disabled' in html
    before = (content_copy / "equipe.md").read_text(encoding="utf-8")
    response = editor_login.post(f"/admin/pages/{page}/publier",
                                 headers={"Accept": "application/json"})
    assert response.status_code == 403 and "WEB-1" in response.json["error"]
    assert editor_login.post(f"/admin/pages/{page}/retirer").status_code == 303
    assert (content_copy / "equipe.md").read_text(encoding="utf-8") == before
    result = runner.invoke(args=["pages", "publish", "--site", "demo", "equipe.md"])
    assert result.exit_code == 1 and "WEB-1" in result.output
    # Drafts and the preview still work.
    assert editor_login.get(f"/admin/pages/{page}/apercu").status_code == 200
    clock["at"] = AFTER
    result = runner.invoke(args=["pages", "publish", "--site", "demo", "equipe.md"])
    assert result.exit_code == 0, result.output


def test_a_publication_due_inside_the_window_waits_for_its_end(
        editor_login, runner, clock, content_copy: Path) -> None:
    page = db.session.get(EditorPage, pid("equipe.md"))
    assert page is not None and page.head is not None
    text = page.head.text + "\nProgrammée pendant le silence.\n"
    with_new = tx(actions.save, page, text, page.head_id, None)
    tx(actions.schedule, page, with_new, EVE - dt.timedelta(minutes=5), None)
    result = runner.invoke(args=["pages", "publish-due"])
    assert "en attente (WEB-1)" in result.output
    assert "Programmée pendant" not in (content_copy / "equipe.md").read_text(encoding="utf-8")
    clock["at"] = AFTER
    result = runner.invoke(args=["pages", "publish-due"])
    assert "equipe.md : publiée" in result.output
    assert "Programmée pendant" in (content_copy / "equipe.md").read_text(encoding="utf-8")
    assert "Programmée pendant" in editor_login.get("/equipe/").get_data(as_text=True)


def test_results_wait_for_the_polls_to_close(editor_login, clock) -> None:
    clock["at"] = BEFORE
    created = editor_login.post("/admin/pages/demo/nouvelle",
                                data={"kind": "resultats", "title": "Résultats"})
    page = int(created.headers["Location"].rstrip("/").split("/")[-1])
    response = editor_login.post(f"/admin/pages/{page}/publier",
                                 headers={"Accept": "application/json"})
    assert response.status_code == 403 and "WEB-2" in response.json["error"]
    clock["at"] = AFTER
    response = editor_login.post(f"/admin/pages/{page}/publier",
                                 headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert "Notre liste" in editor_login.get("/resultats/").get_data(as_text=True)
