"""The editor over HTTP: pages list, saving, conflicts, publishing, restores, tenancy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.audit import AuditEntry
from app.editor.models import EditorPage, PageRevision
from app.extensions import db
from tests.factories import create_user, tx


def page_id(path: str) -> int:
    found = db.session.scalar(select(EditorPage.id).where(EditorPage.path == path))
    assert found is not None, path
    return found


def head(path: str) -> int:
    db.session.expire_all()
    page = db.session.get(EditorPage, page_id(path))
    assert page is not None and page.head_id is not None
    return page.head_id


def revisions() -> int:
    return db.session.scalar(select(func.count()).select_from(PageRevision)) or 0


def edit_form(client: Any, path: str) -> dict[str, str]:
    html = client.get(f"/admin/pages/{page_id(path)}/").get_data(as_text=True)
    fields = {name: value for name, value in re.findall(
        r'<input id="(\w+)" name="\w+" value="([^"]*)"', html)}
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', html, re.S)
    assert body is not None
    import html as htmllib

    return {"title": htmllib.unescape(fields["title"]), "slug": fields["slug"],
            "body": htmllib.unescape(body.group(1)), "base": str(head(path))}


def test_the_list_shows_every_page_as_a_tree_with_its_status(editor_login) -> None:
    html = editor_login.get("/admin/pages/").get_data(as_text=True)
    assert "Nouvelle page" in html
    for title in ("Accueil", "Programme", "L&#39;équipe"):
        assert title in html
    assert html.index("<code>/programme/</code>") < html.index("<code>/programme/ecole/</code>")
    assert "Publiée" in html
    filtered = editor_login.get("/admin/pages/?q=ecole").get_data(as_text=True)
    assert "/programme/ecole/" in filtered and "<code>/equipe/</code>" not in filtered


def test_only_members_with_content_see_the_pages(client, auth, users, tmp_path) -> None:
    from app.campaigns.service import create_site

    (tmp_path / "content" / "rival" / "pages").mkdir(parents=True)
    (tmp_path / "content" / "rival" / "pages" / "index.md").write_text(
        "---\ntitle: Rivale\n---\nTexte rival.\n", encoding="utf-8")
    rival = tx(create_site, "rival", "Liste rivale")
    create_user("rival@example.org", "editor", sites=[rival])
    auth.login("rival@example.org")
    assert "Rivale" in client.get("/admin/pages/").get_data(as_text=True)
    auth.logout()
    auth.login("editor@example.org")
    listing = client.get("/admin/pages/").get_data(as_text=True)
    assert "Rivale" not in listing  # the demo editor is not a member of the rival site
    rival_page = db.session.scalar(
        select(EditorPage.id).where(EditorPage.site_id == rival.id))
    assert client.get(f"/admin/pages/{rival_page}/").status_code == 404
    assert client.post(f"/admin/pages/{rival_page}/publier").status_code == 404
    assert client.get("/admin/pages/rival/nouvelle").status_code == 404
    auth.logout()
    auth.login("treasurer@example.org")
    assert client.get("/admin/pages/").status_code == 403


def test_saving_keeps_a_revision_and_an_unchanged_save_writes_nothing(
        editor_login, content_copy: Path) -> None:
    form = edit_form(editor_login, "equipe.md")
    file = content_copy / "equipe.md"
    before, mtime = file.read_text(encoding="utf-8"), file.stat().st_mtime_ns
    count = revisions()
    response = editor_login.post(f"/admin/pages/{page_id('equipe.md')}/enregistrer", data=form,
                                 headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["revision"] == int(form["base"])
    assert revisions() == count
    form["body"] += "\nUne phrase ajoutée.\n"
    response = editor_login.post(f"/admin/pages/{page_id('equipe.md')}/enregistrer", data=form,
                                 headers={"Accept": "application/json"})
    assert response.status_code == 200 and revisions() == count + 1
    saved = db.session.get(PageRevision, response.json["revision"])
    assert saved is not None and "Une phrase ajoutée." in saved.text
    assert saved.text.split("\n---\n")[0] == before.split("\n---\n")[0]  # front matter kept
    assert file.read_text(encoding="utf-8") == before and file.stat().st_mtime_ns == mtime
    listing = editor_login.get("/admin/pages/?statut=modifiee").get_data(as_text=True)
    assert "/equipe/" in listing


def test_a_save_based_on_an_old_revision_gets_the_conflict_screen(editor_login) -> None:
    client = editor_login
    first = edit_form(client, "equipe.md")
    second = dict(first)
    first["body"] += "\nPhrase de la première personne.\n"
    second["body"] += "\nPhrase de la seconde personne.\n"
    url = f"/admin/pages/{page_id('equipe.md')}/enregistrer"
    assert client.post(url, data=first).status_code == 302
    refused = client.post(url, data=second, headers={"Accept": "application/json"})
    assert refused.status_code == 409
    screen = client.get(refused.json["conflict"]).get_data(as_text=True)
    assert "Phrase de la première personne." in screen
    assert "Phrase de la seconde personne." in screen
    merged = re.search(r'<textarea id="merged"[^>]*>(.*?)</textarea>', screen, re.S)
    assert merged is not None
    import html as htmllib

    text = htmllib.unescape(merged.group(1))
    assert "Phrase de la première personne." in text and "Phrase de la seconde personne." in text
    done = client.post(refused.json["conflict"], data={"choice": "merge", "merged": text,
                                                       "base": str(head("equipe.md"))})
    assert done.status_code == 303
    final = db.session.get(PageRevision, head("equipe.md"))
    assert final is not None
    assert "première personne" in final.text and "seconde personne" in final.text


def test_publishing_writes_the_file_and_the_live_site_shows_it_at_once(
        app, editor_login, content_copy: Path) -> None:
    app.config["ESTRADE_CONTENT_RECHECK_SECONDS"] = 3600  # only the editor's refresh helps
    assert "Une phrase publiée" not in editor_login.get("/equipe/").get_data(as_text=True)
    form = edit_form(editor_login, "equipe.md")
    form["body"] += "\nUne phrase publiée.\n"
    pid = page_id("equipe.md")
    editor_login.post(f"/admin/pages/{pid}/enregistrer", data=form)
    preview = editor_login.get(f"/admin/pages/{pid}/apercu")
    assert "Une phrase publiée" in preview.get_data(as_text=True)
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    response = editor_login.post(f"/admin/pages/{pid}/publier", data={"base": head("equipe.md")})
    assert response.status_code == 303
    assert "Une phrase publiée." in (content_copy / "equipe.md").read_text(encoding="utf-8")
    assert not list(content_copy.glob(".equipe.md.*"))  # the temporary file was renamed
    public = editor_login.get("/equipe/").get_data(as_text=True)
    assert "Une phrase publiée" in public
    # What the preview showed is what the public page shows.
    assert editor_login.get(f"/admin/pages/{pid}/apercu").get_data(as_text=True) == public
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"page.save", "page.publish"} <= actions


def test_a_hand_edited_file_becomes_a_new_revision(editor_login, content_copy: Path) -> None:
    editor_login.get("/admin/pages/")
    count = revisions()
    file = content_copy / "equipe.md"
    file.write_text(file.read_text(encoding="utf-8") + "\nAjout à la main.\n", encoding="utf-8")
    editor_login.get("/admin/pages/")
    assert revisions() == count + 1
    latest = db.session.get(PageRevision, head("equipe.md"))
    assert latest is not None and latest.source == "disk" and "Ajout à la main." in latest.text
    assert "page.changed_on_disk" in set(db.session.scalars(select(AuditEntry.action)))


def test_restoring_an_old_revision_and_publishing_brings_it_back(editor_login) -> None:
    pid = page_id("equipe.md")
    original = head("equipe.md")
    form = edit_form(editor_login, "equipe.md")
    form["body"] = "Tout est remplacé.\n"
    editor_login.post(f"/admin/pages/{pid}/enregistrer", data=form)
    editor_login.post(f"/admin/pages/{pid}/publier")
    assert "Tout est remplacé" in editor_login.get("/equipe/").get_data(as_text=True)
    old = db.session.get(PageRevision, original)
    assert old is not None
    history = editor_login.get(f"/admin/pages/{pid}/historique?version={head('equipe.md')}")
    assert "+ Tout est remplacé." in history.get_data(as_text=True)
    assert editor_login.post(f"/admin/pages/{pid}/restaurer/{original}").status_code == 303
    assert db.session.get(PageRevision, head("equipe.md")).text == old.text  # type: ignore[union-attr]
    editor_login.post(f"/admin/pages/{pid}/publier")
    public = editor_login.get("/equipe/").get_data(as_text=True)
    assert "Tout est remplacé" not in public and "Claire Morel" in public


def test_a_new_page_starts_from_its_kind_and_its_address_is_checked(editor_login) -> None:
    response = editor_login.post("/admin/pages/demo/nouvelle",
                                 data={"kind": "programme", "title": "Nos propositions"})
    assert response.status_code == 302
    pid = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = db.session.get(EditorPage, pid)
    assert page is not None and page.path == "programme/nos-propositions.md"
    assert page.published_id is None and "## Nos propositions" in page.head.text  # type: ignore[union-attr]
    form = edit_form(editor_login, page.path)
    form["slug"] = "don"
    refused = editor_login.post(f"/admin/pages/{pid}/enregistrer", data=form,
                                headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "réservée" in refused.json["problems"][0]
    form["slug"] = "equipe"
    refused = editor_login.post(f"/admin/pages/{pid}/enregistrer", data=form,
                                headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "equipe.md" in refused.json["problems"][0]
    assert "Brouillon" in editor_login.get("/admin/pages/?q=propositions").get_data(as_text=True)
    assert editor_login.get("/programme/nos-propositions/").status_code == 404


def test_the_editor_and_the_conflict_screen_say_who_else_has_the_page_open(
        editor_login) -> None:
    from app.editor import presence

    # Two test clients would share the test's application context (and its signed-in user):
    # the other person's screen is its ping.
    other = create_user("seconde@example.org", "editor")
    pid = page_id("equipe.md")
    presence.here(pid, other)
    html = editor_login.get(f"/admin/pages/{pid}/").get_data(as_text=True)
    assert "Également ouverte en ce moment par : seconde@example.org" in html
    answer = editor_login.post(f"/admin/pages/{pid}/presence").json
    assert answer == {"others": ["seconde@example.org"]}

    assert presence.others(pid, other) == ["editor@example.org"]


def test_publishing_rewrites_the_page_in_the_static_root(
        app, editor_login, content_copy: Path, tmp_path: Path) -> None:
    root = tmp_path / "static"
    app.config["ESTRADE_STATIC_ROOT"] = str(root)
    form = edit_form(editor_login, "equipe.md")
    form["body"] += "\nVisible par nginx aussitôt.\n"
    pid = page_id("equipe.md")
    editor_login.post(f"/admin/pages/{pid}/enregistrer", data=form)
    editor_login.post(f"/admin/pages/{pid}/publier", data={"base": head("equipe.md")})
    served = root / "127.0.0.1" / "equipe" / "index.html"
    assert "Visible par nginx aussitôt." in served.read_text(encoding="utf-8")
    assert served.read_bytes() == editor_login.get("/equipe/").data  # the app's own bytes


def test_a_merge_on_the_conflict_screen_gets_the_same_address_checks(editor_login) -> None:
    """The merged text cannot give the page another page's address (attacker review)."""
    client = editor_login
    first = edit_form(client, "equipe.md")
    second = dict(first)
    first["body"] += "\nUne phrase.\n"
    second["body"] += "\nUne autre.\n"
    url = f"/admin/pages/{page_id('equipe.md')}/enregistrer"
    assert client.post(url, data=first).status_code == 302
    refused = client.post(url, data=second, headers={"Accept": "application/json"})
    taken = "---\ntitle: Usurpée\nslug: faire-un-don\n---\n\nTexte.\n"
    before = head("equipe.md")
    answer = client.post(refused.json["conflict"], data={"choice": "merge", "merged": taken,
                                                         "base": str(before)})
    assert answer.status_code == 303 and "/conflit/" in answer.headers["Location"]
    assert head("equipe.md") == before  # nothing saved
