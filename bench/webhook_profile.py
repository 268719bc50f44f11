"""Profile the webhook in-process: CPU ms and SQL queries per checkout.session.completed event.

    .venv/bin/python bench/webhook_profile.py [--donations 300] [--profile] [--database URL]

The same prepared donations and Stripe objects as ``webhook_bench.py``, served by the stand-in
Stripe API on loopback; events go through ``process_webhook`` (no HTTP in front), one after the
other, so the figures are the app's own cost per event.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, free_port, write_instance
from webhook_bench import WEBHOOK_SECRET, events, prepare, stripe_side_process


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--donations", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database", default="")
    parser.add_argument("--trace", action="store_true", help="print the SQL of one event")
    parser.add_argument("--inbox", action="store_true",
                        help="ESTRADE_WEBHOOK_INBOX: store every event, then drain in batches")
    parser.add_argument("--synchronous", default="FULL", help="ESTRADE_SQLITE_SYNCHRONOUS")
    parser.add_argument("--batch", type=int, default=0, help="events per drained batch")
    args = parser.parse_args()
    import shutil

    from sqlalchemy import event as sa_event

    from app import create_app
    from app.donations.inbox import drain
    from app.donations.webhook import process_webhook
    from app.extensions import db

    with tempfile.TemporaryDirectory(prefix="estrade-whprof-") as folder:
        work = Path(folder)
        content = work / "content"
        shutil.copytree(ROOT / "content" / "demo", content / "demo")
        url = args.database or f"sqlite:///{work / 'estrade.sqlite'}"
        port = free_port()
        write_instance(work / "instance", content, url, STRIPE_SECRET_KEY="sk_test_bench",
                       STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                       STRIPE_API_BASE=f"http://127.0.0.1:{port}",
                       ESTRADE_WEBHOOK_INBOX=args.inbox,
                       ESTRADE_SQLITE_SYNCHRONOUS=args.synchronous,
                       ESTRADE_WEBHOOK_DRAIN_THREAD=False)
        app = create_app({"INSTANCE_PATH": str(work / "instance")})
        donations, objects = prepare(app, args.donations)
        batch = events(donations, 0.25)
        stand_in = stripe_side_process(objects, port)
        queries = [0]

        def count(*_: object) -> None:
            queries[0] += 1

        with app.app_context():
            sa_event.listen(db.engine, "before_cursor_execute", count)
            # warm up
            for body, sig, _ in batch[:10]:
                process_webhook(app, body, sig)
            if args.inbox:
                drain(app)
            rest = batch[10:]
            if args.trace:
                def log(_c: object, _k: object, statement: str, *_: object) -> None:
                    import traceback
                    frames = [f"{Path(f.filename).name}:{f.lineno}:{f.name}"
                              for f in traceback.extract_stack() if "/app/" in f.filename]
                    print("SQL:", " ".join(statement.split())[:90], "<-", " ".join(frames[-3:]))

                sa_event.listen(db.engine, "before_cursor_execute", log)
                process_webhook(app, *rest[0][:2])
                sa_event.remove(db.engine, "before_cursor_execute", log)
                rest = rest[1:]
            queries[0] = 0
            profiler = cProfile.Profile(time.process_time) if args.profile else None
            cpu, wall = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            statuses: dict[int, int] = {}
            for body, sig, _ in rest:
                result = process_webhook(app, body, sig)
                statuses[result.status] = statuses.get(result.status, 0) + 1
            stored_cpu, stored_wall = time.process_time() - cpu, time.perf_counter() - wall
            stored_queries = queries[0]
            if args.inbox:
                from app.donations import inbox as inbox_module

                phases: dict[str, float] = {}

                def timed(name: str, function: Any) -> Any:
                    def wrapper(*a: Any, **k: Any) -> Any:
                        begin, wall_begin = time.process_time(), time.perf_counter()
                        try:
                            return function(*a, **k)
                        finally:
                            phases[name] = phases.get(name, 0.0) + time.process_time() - begin
                            phases[f"{name} (wall)"] = (phases.get(f"{name} (wall)", 0.0)
                                                        + time.perf_counter() - wall_begin)
                    return wrapper

                for name in ("claim", "fetch", "book", "send_queued_mail"):
                    setattr(inbox_module, name, timed(name, getattr(inbox_module, name)))
                report = drain(app, limit=args.batch or inbox_module.BATCH)
                print(f"drained: {report.booked} booked, {report.already} already; CPU ms per "
                      "event: " + ", ".join(f"{k} {v / len(rest) * 1000:.2f}"
                                            for k, v in phases.items()))
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        stand_in.terminate()
        n = len(rest)
        if args.inbox:
            print(f"acknowledge (verify + store): {stored_cpu / n * 1000:.2f} ms CPU/event, "
                  f"{stored_wall / n * 1000:.2f} ms wall/event, {stored_queries / n:.1f} "
                  "queries/event")
        print(f"{n} events: {cpu / n * 1000:.2f} ms CPU/event, "
              f"{wall / n * 1000:.2f} ms wall/event, {queries[0] / n:.1f} queries/event, "
              f"statuses {statuses}")
        if profiler:
            stats = pstats.Stats(profiler)
            print(f"{stats.total_calls / n:,.0f} Python function calls per event "  # type: ignore
                  "(a measure the shared machine's load does not move)")
            stats.sort_stats("cumulative").print_stats(45)
            stats.print_callees("queue_confirmation|compose|public_base")
            by_area: dict[str, float] = {}
            for (path, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore
                area = (path.split("site-packages/")[-1].split("/")[0]
                        if "site-packages" in path else path.replace(str(ROOT), "")[:40])
                by_area[area] = by_area.get(area, 0.0) + tottime
            for area, seconds in sorted(by_area.items(), key=lambda kv: -kv[1])[:25]:
                print(f"{seconds / n * 1000:7.2f} ms/event  {area}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
