"""``make bench-cap``: the cap check as the ledger grows (10 k, 100 k, 1 M entries).

The ledger of the demo campaign is filled in bulk (ten entries per donor, so 100,000 donors at
1 M entries; the entries are inserted directly, chain digests left out: the check does not
read them), then the very function booking calls before each gift
(``app.ledger.gifts.gift_history``: the donor group's election and year totals, unresolved
DON-16 flags, gifts in flight) is timed for random donors at each size, with the donor's group
looked up as booking does. Target: the 1 M median within 2 × the 10 k one.

    .venv/bin/python bench/cap_bench.py [--sizes 10000,100000,1000000] [--samples 400]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, load_average, verdict, write_instance, write_results

TARGET_RATIO = 2.0
PER_DONOR = 10


def fill(app: Any, start: int, stop: int, campaign: Any) -> None:
    """Entries ``start``..``stop`` (and their donors), in bulk."""
    from sqlalchemy import insert

    from app.extensions import db
    from app.ledger.models import Donor, LedgerEntry

    rng = random.Random(start)
    now = dt.datetime(2026, 11, 20, 12, 0)
    chunk = 20_000
    for low in range(start, stop, chunk):
        high = min(stop, low + chunk)
        first_donor, last_donor = low // PER_DONOR, (high - 1) // PER_DONOR
        new_donors = [{"id": n + 1, "election_id": campaign.election_id,
                       "identity_key": f"bench|{n}", "nom": f"Donateur{n}", "prenom": "Lou",
                       "civilite": "", "adresse": "", "code_postal": "72000", "commune": "",
                       "pays": "France", "nationalite": "", "email": None, "created_at": now}
                      for n in range(first_donor, last_donor + 1) if n * PER_DONOR >= low]
        if new_donors:
            db.session.execute(insert(Donor), new_donors)
        rows = [{"campaign_id": campaign.id, "election_id": campaign.election_id,
                 "seq": n + 1, "kind": "donation", "amount_cents": rng.randrange(500, 20_000),
                 "on": dt.date(2026, 10, 1) + dt.timedelta(days=n % 60), "method": "card",
                 "donor_id": n // PER_DONOR + 1, "donor_snapshot": None,
                 "source_ref": f"bench-{n}", "receipt_number": None, "related_entry_id": None,
                 "related_entry_seq": None, "recorded_by_id": None, "recorded_at": now,
                 "reason": "", "rules": [], "details": {}, "cumulative_cents": 0, "demo": False,
                 "prev_hash": "0" * 64, "hash": "0" * 64} for n in range(low, high)]
        db.session.execute(insert(LedgerEntry), rows)
        db.session.commit()


def time_checks(app: Any, campaign: Any, entries: int, samples: int) -> list[float]:
    from app.dbutil import transaction
    from app.ledger.gifts import GiftInput, gift_history
    from app.ledger.locks import donor_group

    rng = random.Random(entries)
    donors = entries // PER_DONOR
    seconds = []
    with transaction():
        for _ in range(samples):
            donor_id = rng.randrange(1, donors + 1)
            gift = GiftInput(campaign.id, 5000, dt.date(2026, 11, 28), "card", None,
                             reservation_ref=f"donation:bench-{donor_id}")
            started = time.perf_counter()
            group = donor_group(donor_id)
            history = gift_history(campaign.id, campaign.election_id, group, gift)
            seconds.append(time.perf_counter() - started)
            assert history.donor_election_total_cents > 0
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--database-url", default="",
                        help="an empty database to use instead of a temporary SQLite file")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    from app import create_app
    from app.campaigns.demo import seed_demo
    from app.campaigns.models import Campaign, Site
    from app.extensions import db
    from app.schema import upgrade_database

    logging.getLogger("alembic").setLevel(logging.WARNING)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="estrade-cap-") as folder:
        work = Path(folder)
        shutil.copytree(ROOT / "content" / "demo", work / "content" / "demo")
        url = args.database_url or f"sqlite:///{work / 'instance' / 'estrade.sqlite'}"
        write_instance(work / "instance", work / "content", url)
        app = create_app({"INSTANCE_PATH": str(work / "instance")})
        with app.app_context():
            upgrade_database(app)
            seed_demo(app)
            site = db.session.scalar(db.select(Site).where(Site.slug == "demo"))
            campaign = db.session.get(Campaign, site.campaign.id)
            db.session.expunge(campaign)
            print(f"==> Contrôle de plafond, registre de {', '.join(f'{s:,}' for s in sizes)} "
                  f"écritures ({args.samples} contrôles chacun ; charge {load_average():.1f})",
                  flush=True)
            have = 0
            for size in sizes:
                started = time.perf_counter()
                fill(app, have, size, campaign)
                have = size
                filled = time.perf_counter() - started
                samples = time_checks(app, campaign, size, args.samples)
                ordered = sorted(samples)
                figures[str(size)] = {
                    "median_ms": statistics.median(ordered) * 1000,
                    "p95_ms": ordered[int(len(ordered) * 0.95)] * 1000,
                    "fill_s": filled}
                print(f"    {size:>9,} écritures : médiane "
                      f"{figures[str(size)]['median_ms']:.3f} ms, p95 "
                      f"{figures[str(size)]['p95_ms']:.3f} ms (remplissage {filled:.1f} s)",
                      flush=True)
            db.session.remove()
    ratio = figures[str(sizes[-1])]["median_ms"] / figures[str(sizes[0])]["median_ms"]
    ok = ratio <= TARGET_RATIO
    print(f"{sizes[-1]:,} / {sizes[0]:,} : {ratio:.2f} × (objectif ≤ {TARGET_RATIO:g} × : "
          f"{verdict(ok)})")
    write_results("cap_check", {"sizes": sizes, "per_donor": PER_DONOR,
                                "samples": args.samples, "figures": figures,
                                "ratio_largest_smallest": ratio, "target_ratio": TARGET_RATIO,
                                "database": url.split(":", 1)[0], "met": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
