"""``make bench``: the cost of one live page view, and whether it grows with the media folder.

Copies ``content/demo`` and a fresh instance folder into a temporary directory (the
repository's content is never touched), seeds the demo site as ``estrade init`` does, then
times ``GET /programme/`` through the Flask test client: ``--iterations`` views after a
warm-up, median and 95th percentile. It then adds ``--extra-files`` unrelated files to the
copy's ``media/`` folder and times the same view again. A page that does not show those
files should not pay for them: the target is a ratio (with / without) under 1.10.

Prints both figures and the ratio, and writes ``bench/results/page_view.json``.

    .venv/bin/python bench/page_view.py [--iterations 2000] [--extra-files 2000]
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


def make_app(work: Path) -> Any:
    """An app on a private copy of the demo content, with its own SQLite database."""
    from app import create_app
    from app.campaigns.demo import seed_demo
    from app.extensions import db
    from app.schema import upgrade_database

    content = work / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    instance = work / "instance"
    instance.mkdir()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'estrade.sqlite'}",
                      "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench",
                      "ESTRADE_CONTENT_DIR": str(content)})
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade_database(app)
        seed_demo(app)
        db.session.remove()
    return app


def time_views(app: Any, iterations: int, warmup: int) -> dict[str, float]:
    """Median and p95 in milliseconds of ``iterations`` views of :data:`URL`."""
    client = app.test_client()
    for _ in range(warmup):
        assert client.get(URL).status_code == 200
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        response = client.get(URL)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    samples.sort()
    return {"median_ms": statistics.median(samples) * 1000,
            "p95_ms": samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1000,
            "mean_ms": statistics.fmean(samples) * 1000}


def add_unrelated_media(media: Path, count: int) -> None:
    """``count`` small files no page refers to, spread over a few sub-folders."""
    for n in range(count):
        folder = media / "archives" / f"lot-{n % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"document-{n:05d}.pdf").write_bytes(f"%PDF-1.4 estrade bench {n}\n".encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--extra-files", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="estrade-page-view-") as folder:
        work = Path(folder)
        app = make_app(work)
        print(f"==> {args.iterations} vues de {URL} (site de démonstration)…", flush=True)
        plain = time_views(app, args.iterations, args.warmup)
        add_unrelated_media(work / "content" / "demo" / "media", args.extra_files)
        print(f"==> Les mêmes vues avec {args.extra_files} fichiers de plus dans media/…",
              flush=True)
        crowded = time_views(app, args.iterations, args.warmup)
    ratio = crowded["median_ms"] / plain["median_ms"]
    print(f"Sans fichiers ajoutés : médiane {plain['median_ms']:.2f} ms, "
          f"p95 {plain['p95_ms']:.2f} ms")
    print(f"Avec {args.extra_files} fichiers : médiane {crowded['median_ms']:.2f} ms, "
          f"p95 {crowded['p95_ms']:.2f} ms")
    verdict = "atteint" if ratio < TARGET_RATIO else "MANQUÉ"
    print(f"Rapport des médianes : {ratio:.3f} (objectif < {TARGET_RATIO:.2f} : {verdict})")
    result = {"url": URL, "iterations": args.iterations, "warmup": args.warmup,
              "extra_media_files": args.extra_files, "plain": plain, "with_extra_media": crowded,
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
