"""Migration 0012: elections named apart but one general election are folded into one while
nothing names them; a row holding money keeps an identity of its own (scope ``ancienne``)."""

from __future__ import annotations

import sqlalchemy as sa

from app.campaigns.models import Election
from app.extensions import db
from app.ledger.gifts import GiftInput, record_gift
from tests.factories import IN_WINDOW, identity, tx
from tests.support.paths import ROOT


def test_named_elections_get_their_identity(app, demo_site, runner) -> None:
    from flask_migrate import downgrade, upgrade

    from app.schema import MIGRATIONS_DIR, init_migrate

    gift = tx(record_gift, GiftInput(campaign_id=demo_site.campaign.id, amount_cents=10_000,
                                     on=IN_WINDOW, method="cheque", identity=identity()))
    assert gift.status == "accepted"  # the demo campaign holds money
    site_id, election_id = demo_site.id, demo_site.campaign.election_id
    db.session.remove()
    init_migrate(app)
    downgrade(directory=MIGRATIONS_DIR, revision="0008")
    try:
        with db.engine.begin() as conn:
            run = conn.execute
            for n, (name, city) in enumerate([("Municipales de Lyon 2032", "lyon"),
                                              ("Municipales de Bordeaux 2032", "bordeaux"),
                                              ("Municipales de Nantes 2032", "nantes")],
                                             start=100):
                run(sa.text("INSERT INTO elections (id, name, kind, round1) VALUES "
                            "(:id, :name, 'municipales', '2032-03-14')"), {"id": n, "name": name})
                run(sa.text("INSERT INTO sites (id, slug, title, theme, content_dir, is_default) "
                            "VALUES (:id, :slug, :slug, 'base', :slug, false)"),
                    {"id": n, "slug": city})
                run(sa.text("INSERT INTO campaigns (site_id, election_id, mode, candidate_name, "
                            "colistiers_json) VALUES (:id, :id, 'candidat', 'X', '[]')"),
                    {"id": n})
            run(sa.text("INSERT INTO donors (election_id, identity_key, civilite, nom, prenom, "
                        "adresse, code_postal, commune, pays, nationalite, created_at) VALUES "
                        "(102, 'k', '', 'N', '', '', '', '', '', '', '2031-01-01')"))
    finally:
        upgrade(directory=MIGRATIONS_DIR)
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.election_label, e.id, e.scope, e.territory FROM campaigns c JOIN elections "
            "e ON e.id = c.election_id WHERE c.site_id >= 100 ORDER BY c.site_id")).all()
        demo = conn.execute(sa.text("SELECT e.id, scope, territory FROM elections e JOIN "
                                    "campaigns c ON c.election_id = e.id WHERE c.site_id = :id"),
                            {"id": site_id}).one()
        gone = conn.execute(sa.text("SELECT count(*) FROM elections WHERE id = 101")).scalar()
    lyon, bordeaux, nantes = rows
    assert lyon[0] == "Municipales de Lyon 2032" and bordeaux[0] == "Municipales de Bordeaux 2032"
    assert lyon[1:] == (100, "generale", "") and bordeaux[1] == 100 and gone == 0
    assert nantes[1:] == (102, "ancienne", "102")  # its donor names it: kept apart
    assert tuple(demo) == (election_id, "ancienne", str(election_id))  # territory unknown
    # The next load names it: the by-election takes the file's identity, gifts and all.
    db.session.expire_all()
    result = runner.invoke(args=["campaign", "load", "--site", "demo",
                                 str(ROOT / "content" / "demo" / "campaign.toml")])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    election = db.session.get(Election, demo[0])
    assert election is not None
    assert (election.scope, election.territory) == ("partielle", "saint aubin des pres")
