"""``make bench-webhooks``: a donation surge through the real webhook, on SQLite and PostgreSQL.

4,000 pending donations are reserved through ``/don``'s own service; 5,000 signed
``checkout.session.completed`` events (one per donation, plus 20 % sent a second time, shuffled)
are posted by 8 concurrent senders to ``/stripe/webhook`` under ``estrade serve``. The app
fetches each PaymentIntent from a stand-in Stripe API on loopback (its own process, answering
in well under a millisecond, so the figure is the app's). Afterwards the ledger must be exact:
``estrade ledger verify`` passes, one gift entry per donation, the totals are the donations'
sum, every event stored once. Target: at least 300 events/s on each database.

PostgreSQL: a throwaway database on 127.0.0.1:5432 (user postgres, trust), dropped after.

    .venv/bin/python bench/webhook_bench.py [--donations 4000] [--senders 8] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from common import (
    BIN,
    ROOT,
    Server,
    estrade,
    estrade_env,
    free_port,
    load_average,
    verdict,
    write_instance,
    write_results,
)

TARGET_EPS = 300.0
WEBHOOK_SECRET = "whsec_bench_" + "0" * 24
PG = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qAtc"]


def stripe_stand_in(objects: dict[str, bytes], port: int) -> None:
    """GET /v1/<kind>/<id> → the prepared JSON (run in its own process)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # The headers and the body leave in two writes: without this, Nagle's algorithm
            # holds the body until the client's delayed ACK (~40 ms per Stripe call), a cost
            # of this stand-in, not of the app (Stripe's API answers in one go over TLS).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            body = objects.get(self.path.split("?", 1)[0])
            status = 200 if body is not None else 404
            if body is None:
                body = json.dumps({"error": {"type": "invalid_request_error",
                                             "code": "resource_missing"}}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def stripe_side_process(objects: dict[str, bytes], port: int) -> Any:
    """The stand-in Stripe API in its own (forked) process, listening on ``port``."""
    process = multiprocessing.get_context("fork").Process(
        target=stripe_stand_in, args=(objects, port), daemon=True)
    process.start()
    return process


def prepare(app: Any, count: int) -> tuple[list[tuple[str, int]], dict[str, bytes]]:
    """``count`` pending donations (distinct donors) and what Stripe says about each payment."""
    from app.campaigns.demo import seed_demo
    from app.campaigns.models import Site
    from app.dbutil import transaction
    from app.donations.service import DonationRequest, reserve
    from app.extensions import db
    from app.ledger.gifts import DonorIdentity
    from app.schema import upgrade_database
    from tests.support.stripe_shapes import balance_transaction_object, charge_object

    rng = random.Random(13)
    donations: list[tuple[str, int]] = []
    objects: dict[str, bytes] = {}
    with app.app_context():
        upgrade_database(app)
        seed_demo(app)
        site = db.session.scalar(db.select(Site).where(Site.slug == "demo"))
        for start in range(0, count, 200):
            with transaction():
                for n in range(start, min(count, start + 200)):
                    amount = rng.choice((1000, 2000, 5000, 10000, 15000)) + n % 7 * 100
                    identity = DonorIdentity(
                        civilite="Mme", nom=f"Donatrice{n:05d}", prenom="Camille",
                        adresse=f"{n % 90 + 1} rue des Lilas", code_postal="72000",
                        commune="Le Mans", pays="France", nationalite="française",
                        email=f"camille.{n}@example.org")
                    reservation = reserve(site, DonationRequest(
                        identity=identity, amount_cents=amount, monthly=False,
                        email=identity.email, source="bench", newsletter=False,
                        attestations={"atteste_personne_physique": "2026-11-28T10:00:00+00:00"},
                        client_ip="127.0.0.1"))
                    assert reservation.donation is not None, reservation.message
                    donations.append((reservation.donation.id, amount))
        db.session.remove()
    for donation_id, amount in donations:
        pi, ch = f"pi_{donation_id}", f"ch_{donation_id}"
        charge = charge_object({"id": ch, "amount": amount, "payment_intent": pi,
                                "metadata": {"donation_id": donation_id}})
        charge["balance_transaction"] = balance_transaction_object(
            amount=amount, source=ch, fee=25 + amount * 15 // 1000)
        intent = {"id": pi, "object": "payment_intent", "amount": amount,
                  "amount_received": amount, "currency": "eur", "status": "succeeded",
                  "latest_charge": charge, "metadata": {"donation_id": donation_id},
                  "livemode": False}
        objects[f"/v1/payment_intents/{pi}"] = json.dumps(intent).encode()
        objects[f"/v1/charges/{ch}"] = json.dumps(charge).encode()
    return donations, objects


def events(donations: list[tuple[str, int]], duplicates: float,
           ) -> list[tuple[bytes, str, str]]:
    """Signed events, 1 + ``duplicates`` per donation on average, shuffled."""
    from app.donations.stripe.signing import build_event, sign_payload
    from tests.support.stripe_shapes import checkout_session_object

    rng = random.Random(42)
    unique = []
    for donation_id, amount in donations:
        session = checkout_session_object(donation_id=donation_id, amount_cents=amount,
                                          payment_intent=f"pi_{donation_id}")
        body = json.dumps(build_event("checkout.session.completed", session)).encode()
        unique.append((body, donation_id))
    sent = unique + rng.sample(unique, int(len(unique) * duplicates))
    rng.shuffle(sent)
    return [(body, sign_payload(body, WEBHOOK_SECRET), donation_id)
            for body, donation_id in sent]


def send_all(port: int, batch: list[tuple[bytes, str, str]], senders: int,
             max_seconds: float) -> tuple[float, dict, set[str], int]:
    """Post every event (a 5xx retried, as Stripe does) until done or ``max_seconds``: the
    rate, the statuses, the donations acknowledged (200) and the events sent."""
    statuses: dict[int, int] = {}
    acknowledged: set[str] = set()
    lock = threading.Lock()
    queue = list(batch)
    deadline = time.monotonic() + max_seconds
    done = [0]

    def sender() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue or time.monotonic() > deadline:
                    break
                body, signature, donation_id = queue.pop()
            for attempt in range(5):  # a 5xx is retried, as Stripe does
                try:
                    connection.request("POST", "/stripe/webhook", body=body, headers={
                        "Stripe-Signature": signature, "Content-Type": "application/json",
                        "Host": "127.0.0.1"})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (http.client.HTTPException, OSError):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    status = 599
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        acknowledged.add(donation_id)
                if status < 500:
                    with lock:
                        done[0] += 1
                    break
                time.sleep(0.05 * (attempt + 1))
        connection.close()

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses, acknowledged, done[0]


def wait_until_booked(app: Any, unique: int, started: float, max_seconds: float,
                      ) -> tuple[float, int]:
    """Inbox mode: poll until every acknowledged event is booked (inbox empty, ``unique``
    event ids stored); the seconds from the first send, and the events still waiting."""
    from sqlalchemy import func, select

    from app.donations.models import StripeEvent, WebhookInboxRow
    from app.extensions import db

    deadline = started + max_seconds
    with app.app_context():
        while True:
            waiting = db.session.scalar(select(func.count()).select_from(WebhookInboxRow)) or 0
            stored = db.session.scalar(select(func.count()).select_from(StripeEvent)) or 0
            db.session.rollback()
            if (not waiting and stored >= unique) or time.perf_counter() > deadline:
                db.session.remove()
                return time.perf_counter() - started, int(waiting)
            time.sleep(0.1)


def check_ledger(app: Any, instance: Path, donations: list[tuple[str, int]]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.donations.models import Donation, StripeEvent
    from app.extensions import db
    from app.ledger.models import LedgerEntry

    verify = estrade(instance, "ledger", "verify")
    with app.app_context():
        gifts = list(db.session.execute(select(LedgerEntry.kind, LedgerEntry.amount_cents,
                                               LedgerEntry.source_ref)))
        event_rows = db.session.scalar(select(func.count()).select_from(StripeEvent))
        paid = db.session.scalar(select(func.count()).select_from(Donation)
                                 .where(Donation.status == "paid"))
        db.session.remove()
    kinds: dict[str, int] = {}
    for kind, _, _ in gifts:
        kinds[kind] = kinds.get(kind, 0) + 1
    gift_rows = [g for g in gifts if g[0] == "donation"]
    refs = [g[2] for g in gift_rows]
    expected = sum(amount for _, amount in donations)
    return {"verify_exit": verify.returncode, "verify_tail": verify.stdout[-300:],
            "entries_by_kind": kinds, "gift_entries": len(gift_rows),
            "gift_total_cents": sum(g[1] for g in gift_rows), "expected_total_cents": expected,
            "duplicate_refs": len(refs) - len(set(refs)), "events_stored": event_rows,
            "donations_paid": paid,
            "exact": (verify.returncode == 0 and len(gift_rows) == len(donations)
                      and sum(g[1] for g in gift_rows) == expected
                      and len(refs) == len(set(refs)) and event_rows == len(donations)
                      and paid == len(donations))}


def run(kind: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from app import create_app

    database = None
    if kind == "sqlite":
        url = f"sqlite:///{work / 'instance' / 'estrade.sqlite'}"
    else:
        database = f"estrade_bench_{os.getpid()}"
        subprocess.run([*PG, f"CREATE DATABASE {database}"], check=True, timeout=60)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    try:
        content = work / "content"
        shutil.copytree(ROOT / "content" / "demo", content / "demo", dirs_exist_ok=True)
        instance = work / "instance"
        stripe_port, app_port = free_port(), free_port()
        write_instance(instance, content, url, STRIPE_SECRET_KEY="sk_test_bench",
                       STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                       STRIPE_API_BASE=f"http://127.0.0.1:{stripe_port}",
                       ESTRADE_WEBHOOK_INBOX=args.mode == "inbox",
                       ESTRADE_SQLITE_SYNCHRONOUS=args.synchronous)
        app = create_app({"INSTANCE_PATH": str(instance)})
        logging.getLogger("alembic").setLevel(logging.WARNING)
        print(f"==> {kind} : {args.donations} dons en attente…", flush=True)
        donations, objects = prepare(app, args.donations)
        batch = events(donations, args.duplicates)
        stand_in = stripe_side_process(objects, stripe_port)
        try:
            with Server([str(BIN / "estrade"), "serve", "--port", str(app_port), "--workers",
                         str(args.workers)], app_port, env=estrade_env(instance),
                        log=work / f"serve-{kind}.log"):
                print(f"    {len(batch)} événements signés, {args.senders} expéditeurs, "
                      f"{args.workers} processus, mode {args.mode}, SQLite synchronous "
                      f"{args.synchronous} (charge {load_average():.1f})…", flush=True)
                load_start = load_average()
                started = time.perf_counter()
                send_seconds, statuses, acknowledged, sent = send_all(
                    app_port, batch, args.senders, args.max_seconds)
                unique_acknowledged = len(acknowledged)
                seconds, waiting = (wait_until_booked(app, unique_acknowledged, started,
                                                      args.max_seconds + 120)
                                    if args.mode == "inbox" else (send_seconds, 0))
                load_end = load_average()
        finally:
            stand_in.terminate()
            stand_in.join(5)
        delivered = [(d, a) for d, a in donations if d in acknowledged]
        ledger = check_ledger(app, instance, delivered)
        rate = sent / seconds
        if args.mode == "inbox":
            print(f"    acquittés à {sent / send_seconds:,.0f} événements/s "
                  f"({send_seconds:.1f} s) ; tous enregistrés au registre après {seconds:.1f} s"
                  + (f" ({waiting} encore en attente)" if waiting else ""), flush=True)
        print(f"    {kind} : {rate:,.0f} événements/s jusqu'au registre complet ({seconds:.1f} s "
              f"; réponses {statuses}) ; "
              f"registre {'exact' if ledger['exact'] else 'FAUX'} : {ledger['gift_entries']} "
              f"dons, {ledger['gift_total_cents'] / 100:,.2f} € sur "
              f"{ledger['expected_total_cents'] / 100:,.2f} €, {ledger['duplicate_refs']} "
              f"doublon, verify {ledger['verify_exit']}", flush=True)
        if sent < len(batch):
            print(f"    arrêté après {args.max_seconds:g} s : {sent} événements sur "
                  f"{len(batch)} ; registre vérifié sur les {len(delivered)} dons acquittés")
        return {"events": len(batch), "events_sent": sent, "unique": len(donations),
                "acknowledged_donations": len(delivered), "seconds": seconds,
                "events_per_s": rate, "acknowledge_seconds": send_seconds,
                "acknowledged_per_s": sent / send_seconds, "left_in_inbox": waiting,
                "mode": args.mode, "sqlite_synchronous": args.synchronous,
                "load_start": load_start, "load_end": load_end,
                "statuses": statuses, "ledger": ledger,
                "met": rate >= TARGET_EPS and ledger["exact"] and not waiting}
    finally:
        if database:
            subprocess.run([*PG, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
                           timeout=60, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--donations", type=int, default=4000)
    parser.add_argument("--duplicates", type=float, default=0.25,  # 1,000 of 5,000 = 20 %
                        help="part of the unique events sent a second time")
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--mode", choices=("inbox", "inline"), default="inbox",
                        help="inbox: ESTRADE_WEBHOOK_INBOX (acknowledge, then book in batches); "
                             "inline: each event booked before its answer")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default="FULL",
                        help="ESTRADE_SQLITE_SYNCHRONOUS")
    parser.add_argument("--results", default="webhooks",
                        help="name of the bench/results/<name>.json file")
    parser.add_argument("--max-seconds", type=float, default=240.0,
                        help="stop sending after this long (the bench stays bounded)")
    args = parser.parse_args()
    results: dict[str, Any] = {}
    for kind in args.databases.split(","):
        if kind == "postgresql" and subprocess.run(
                [*PG, "select 1"], capture_output=True, timeout=30).returncode != 0:
            print("    PostgreSQL injoignable sur 127.0.0.1:5432 : ignoré")
            results[kind] = {"skipped": "PostgreSQL unreachable"}
            continue
        with tempfile.TemporaryDirectory(prefix=f"estrade-webhooks-{kind}-") as folder:
            results[kind] = run(kind, Path(folder), args)
    ran = [r for r in results.values() if "met" in r]
    ok = bool(ran) and all(r["met"] for r in ran)
    for kind, result in results.items():
        if "met" in result:
            print(f"{kind} : {result['events_per_s']:,.0f} événements/s jusqu'au registre "
                  "complet, objectif ≥ "
                  f"{TARGET_EPS:g} et registre exact : {verdict(result['met'])}")
    write_results(args.results, {"target_events_per_s": TARGET_EPS, "senders": args.senders,
                                 "workers": args.workers, "mode": args.mode,
                                 "sqlite_synchronous": args.synchronous,
                                 "measure": "events sent / seconds from the first send until "
                                            "every event is booked (inbox empty)",
                                 "results": results, "met": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
