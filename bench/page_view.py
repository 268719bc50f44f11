"""``make bench``: the cost of one live page view, and whether it grows with the media folder.

Makes two copies of ``content/demo``, each with a fresh instance folder, in a temporary
directory (the repository's content is never touched), seeds the demo site in each as
``estrade init`` does, and adds ``--extra-files`` unrelated files to the second copy's
``media/`` folder. It then times ``GET /programme/`` through the Flask test client on both,
``--iterations`` views each after a warm-up, in alternating rounds (so that a slower moment of
the machine weighs on both alike): median and 95th percentile. A page that does not show
those files should not pay for them: the target is a ratio (with / without) under 1.10.

Prints both figures and the ratio, and writes ``bench/results/page_view.json``.

    .venv/bin/python bench/page_view.py [--iterations 2000] [--extra-files 2000] [--recheck S]

``--recheck`` sets ESTRADE_CONTENT_RECHECK_SECONDS (default: the app's own, 1 s); 0 makes every
view re-check the content folder and the theme, as the tests do.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "page_view.json"
URL = "/programme/"
TARGET_RATIO = 1.10


def make_app(work: Path, recheck: float | None) -> Any:
    """An app on a private copy of the demo content, with its own SQLite database."""
    from app import create_app
    from app.campaigns.demo import seed_demo
    from app.extensions import db
    from app.schema import upgrade_database

    content = work / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    instance = work / "instance"
    instance.mkdir()
    config: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'estrade.sqlite'}",
        "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
        "ESTRADE_CONTENT_DIR": str(content)}
    if recheck is not None:
        config["ESTRADE_CONTENT_RECHECK_SECONDS"] = recheck
    app = create_app(config)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade_database(app)
        seed_demo(app)
        db.session.remove()
    return app


def add_unrelated_media(media: Path, count: int) -> None:
    """``count`` small files no page refers to, spread over a few sub-folders."""
    for n in range(count):
        folder = media / "archives" / f"lot-{n % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"document-{n:05d}.pdf").write_bytes(f"%PDF-1.4 estrade bench {n}\n".encode())


def views(client: Any, count: int) -> list[float]:
    """Seconds taken by each of ``count`` views of :data:`URL`."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(URL)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return samples


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"median_ms": statistics.median(ordered) * 1000,
            "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
            "mean_ms": statistics.fmean(ordered) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--extra-files", type=int, default=2000)
    parser.add_argument("--recheck", type=float, default=None)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="estrade-page-view-") as folder:
        plain_app = make_app(Path(folder) / "plain", args.recheck)
        crowded_app = make_app(Path(folder) / "crowded", args.recheck)
        add_unrelated_media(Path(folder) / "crowded" / "content" / "demo" / "media",
                            args.extra_files)
        recheck = float(plain_app.config["ESTRADE_CONTENT_RECHECK_SECONDS"])
        print(f"==> {args.iterations} vues de {URL} sur le site de démonstration, puis autant "
              f"avec {args.extra_files} fichiers de plus dans media/ ({args.rounds} manches "
              f"alternées, nouvel examen du contenu toutes les {recheck:g} s)…", flush=True)
        clients = {"plain": plain_app.test_client(), "crowded": crowded_app.test_client()}
        samples: dict[str, list[float]] = {"plain": [], "crowded": []}
        for client in clients.values():
            views(client, args.warmup)
        per_round = max(1, args.iterations // args.rounds)
        for number in range(args.rounds):
            order = ["plain", "crowded"] if number % 2 == 0 else ["crowded", "plain"]
            for name in order:
                samples[name] += views(clients[name], per_round)
    plain, crowded = figures(samples["plain"]), figures(samples["crowded"])
    ratio = crowded["median_ms"] / plain["median_ms"]
    print(f"Sans fichiers ajoutés : médiane {plain['median_ms']:.2f} ms, "
          f"p95 {plain['p95_ms']:.2f} ms")
    print(f"Avec {args.extra_files} fichiers : médiane {crowded['median_ms']:.2f} ms, "
          f"p95 {crowded['p95_ms']:.2f} ms")
    verdict = "atteint" if ratio < TARGET_RATIO else "MANQUÉ"
    print(f"Rapport des médianes : {ratio:.3f} (objectif < {TARGET_RATIO:.2f} : {verdict})")
    result = {"url": URL, "iterations": per_round * args.rounds, "rounds": args.rounds,
              "warmup": args.warmup, "extra_media_files": args.extra_files,
              "recheck_seconds": recheck, "plain": plain, "with_extra_media": crowded,
              "ratio_median": ratio, "target_ratio": TARGET_RATIO,
              "python": platform.python_version(), "machine": platform.machine(),
              "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    shown = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"Résultats : {shown}")
    return 0 if ratio < TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
