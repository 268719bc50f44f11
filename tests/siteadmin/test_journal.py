"""« Journal »: a site admin sees their site's rows only, the installation admin every row;
filters (person, action, dates), pages, and a streamed CSV with a BOM whose cells never run
as formulas."""

from __future__ import annotations

import datetime as dt
import json

from app import audit
from app.audit import AuditEntry
from app.extensions import db
from tests.factories import demo_site, rival_site

JOURNAL = "/admin/sites/demo/journal"


def _row(action: str, site_id: int | None, user_id: int | None = None,
         at: dt.datetime | None = None, **details: object) -> None:
    db.session.add(AuditEntry(action=action, object_type="Site", object_id=str(site_id),
                              site_id=site_id, user_id=user_id,
                              at=at or dt.datetime(2026, 11, 20, 9, 0),
                              details=json.dumps(details, ensure_ascii=False)))
    db.session.commit()


def test_a_site_admin_sees_only_their_sites_rows(client, auth, people, content) -> None:
    rival = rival_site(content)
    _row("test.demo", demo_site().id, note="visible")
    _row("test.rival", rival.id, note="secret rival")
    _row("test.installation", None, note="installation")
    auth.login("chef@example.org")
    html = client.get(JOURNAL).get_data(as_text=True)
    assert "test.demo" in html and "visible" in html
    assert "test.rival" not in html and "secret rival" not in html
    assert "test.installation" not in html
    csv = client.get(JOURNAL + ".csv").get_data(as_text=True)
    assert "test.demo" in csv and "test.rival" not in csv and "test.installation" not in csv
    assert client.get("/admin/sites/rivale/journal").status_code == 404
    assert client.get("/admin/sites/journal").status_code == 403
    client.post("/admin/logout")
    auth.login("admin@example.org")
    every = client.get("/admin/sites/journal").get_data(as_text=True)
    assert {"test.demo", "test.rival", "test.installation"} <= set(
        word for word in ("test.demo", "test.rival", "test.installation") if word in every)


def test_rows_name_their_site(people, content) -> None:
    from tests.factories import tx

    site = demo_site()
    entry = tx(audit.record, "page.create", site=site.slug, path="x.md")
    assert entry.site_id == site.id
    campaign_row = tx(audit.record, "receipts.issue", site.campaign)
    assert campaign_row.site_id == site.id
    assert tx(audit.record, "user.create", people["editor"]).site_id is None


def test_filters_and_pages(client, auth, people) -> None:
    site_id = demo_site().id
    chef = people["site_admin"].id
    for day in range(1, 61):
        _row("test.many", site_id, chef, dt.datetime(2026, 10, 1, 12) + dt.timedelta(days=day))
    _row("test.other", site_id, people["admin"].id, dt.datetime(2026, 11, 10, 12))
    auth.login("chef@example.org")
    first = client.get(JOURNAL + "?action=test.many").get_data(as_text=True)
    assert "Page 1 sur 2" in first and first.count("<code>test.many") == 50
    assert "2026-11-30" not in first and "30/11/2026" in first  # newest first
    second = client.get(JOURNAL + "?action=test.many&page=2").get_data(as_text=True)
    assert second.count("<code>test.many") == 10 and "02/10/2026" in second
    by_action = client.get(JOURNAL + "?action=test.other").get_data(as_text=True)
    assert by_action.count("<code>test.") == 1
    by_person = client.get(f"{JOURNAL}?qui={people['admin'].id}&action=test.other")
    assert "admin@example.org" in by_person.get_data(as_text=True)
    days = client.get(JOURNAL + "?action=test.many&du=2026-11-01&au=2026-11-05")
    assert days.get_data(as_text=True).count("<code>test.many</code>") == 5
    assert "1 ligne" in client.get(JOURNAL + "?action=test.other").get_data(as_text=True)


def test_the_csv_has_a_bom_and_no_formula(client, auth, people) -> None:
    _row("test.csv", demo_site().id, people["site_admin"].id, note="=HYPERLINK(\"x\")")
    _row("=cmd|' /C calc'!A0", demo_site().id)
    auth.login("chef@example.org")
    response = client.get(JOURNAL + ".csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffDate (heure de Paris);Personne;Action")
    assert "'=cmd" in text and "\n=cmd" not in text and ";=cmd" not in text
    assert "note : =HYPERLINK" in text  # inside a cell that starts otherwise
    assert "chef@example.org" in text


def test_details_read_as_before_and_after(client, auth, people) -> None:
    _row("site.settings", demo_site().id, people["site_admin"].id,
         changes={"title": ["Ancien", "Nouveau"]})
    auth.login("chef@example.org")
    html = client.get(JOURNAL).get_data(as_text=True)
    assert "title : Ancien → Nouveau" in html
