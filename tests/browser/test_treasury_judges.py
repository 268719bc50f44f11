"""The treasurer's pages pass the outside judges (Nu HTML checker, axe-core, links) at desktop
and phone widths (acceptance 6): saved as the treasurer sees them, with data on every part
(chart, meters, alerts, look-alike donors, the account), every page and file they link to
saved beside them (the judges cannot log in, so they judge a folder)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from app.ledger.entries import record_entry
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import identity, tx
from tests.support.judges import run_check_site
from tests.support.paths import ROOT

pytestmark = pytest.mark.judges


def _save(out: Path, url: str, data: bytes, html: bool) -> None:
    target = out / url.lstrip("/")
    if html:
        target = target / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_treasury_pages_pass_the_judges(app, client, auth, users, demo_site,
                                        tmp_path: Path) -> None:
    cid = demo_site.campaign.id
    donors = []
    for n, (nom, cents, method, on) in enumerate((
            ("Dupont", 300_000, "carte", date(2026, 10, 20)),
            ("Dupond", 200_000, "cheque", date(2026, 11, 3)),
            ("Martin", 15_000, "especes", date(2026, 11, 12)))):
        outcome = tx(record_gift, GiftInput(
            campaign_id=cid, amount_cents=cents, on=on, method=method,
            identity=identity(nom, "Jean"), source_ref=f"j:{n}"), enforce=False)
        donors.append(outcome.donor_id)
    tx(record_entry, cid, kind="expense", amount_cents=1_600_000, on=date(2026, 11, 14),
       source_ref="x:1", details={"nature": "Impression"})
    auth.login("treasurer@example.org")
    out = tmp_path / "tresorerie"
    routes = ["/admin/tresorerie/", "/admin/tresorerie/enregistrer",
              f"/admin/tresorerie/{cid}/donateurs/",
              f"/admin/tresorerie/{cid}/donateurs/{donors[0]}", f"/admin/tresorerie/{cid}/compte/"]
    pages = [route.rstrip("/") + "/" for route in routes]  # each saved as a folder's index
    for route, page in zip(routes, pages, strict=True):
        response = client.get(route)
        assert response.status_code == 200 and response.mimetype == "text/html", route
        _save(out, page, response.data, html=True)
    # The refused gift's page (a POST answer), as the treasurer sees a DON-4 refusal.
    form = client.get("/admin/tresorerie/enregistrer").get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', form)
    assert token
    refused = client.post("/admin/tresorerie/enregistrer", data={
        "token": token.group(1), "campaign": str(cid), "on": "2026-11-20", "method": "especes",
        "amount": "200", "civilite": "Mme", "nom": "Martin", "prenom": "Alice",
        "adresse": "3 rue des Lilas", "code_postal": "72000", "commune": "Le Mans",
        "pays": "France", "nationalite": "française", "natural_person": "y", "attested": "y"})
    assert refused.status_code == 422 and "DON-4" in refused.get_data(as_text=True)
    _save(out, "/admin/tresorerie/refus/", refused.data, html=True)
    pages.append("/admin/tresorerie/refus/")
    # Whatever the pages link to in the staff area, saved too, for the link check.
    seen = {p.rstrip("/") for p in pages}
    for page in list(pages):
        html = (out / page.lstrip("/") / "index.html").read_text()
        for href in set(re.findall(r'href="(/admin/[^"#?]*)', html)):
            if href.rstrip("/") in seen:
                continue
            seen.add(href.rstrip("/"))
            response = client.get(href)
            assert response.status_code == 200, href
            _save(out, href, response.data, html=response.mimetype == "text/html")
    shutil.copytree(ROOT / "app" / "static", out / "static")
    for viewport in ("1280x800", "375x812"):
        verdict = run_check_site(str(out), *pages, "--no-crawl", "--viewport", viewport)
        assert f"{len(pages)} passed, 0 failed" in verdict
