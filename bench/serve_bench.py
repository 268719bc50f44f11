"""``make bench-serve``: one page served by the app under ``estrade serve`` (2 workers), by nginx
alone from a folder, and by nginx with docs/nginx/estrade.conf from the static root (publish to
static, falling back to the app); then how long a publish takes to show.

Targets (issue 13): the app at least 3,000 req/s with p99 under 20 ms; publish-to-static at
least 80 % of nginx's own rate on the same file; a publish visible within 1 s. Rounds are
interleaved (app, nginx, nginx + static root, again…) so a busy moment of the shared machine
weighs on all alike; medians reported. wrk: 32 connections, 2 threads, 10 s, loopback.

    .venv/bin/python bench/serve_bench.py [--rounds 3] [--duration 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    BIN,
    ROOT,
    Server,
    ensure_debian,
    estrade,
    estrade_env,
    free_port,
    get,
    load_average,
    verdict,
    write_instance,
    write_results,
    wrk,
)

URL = "/programme/"
HOST = "127.0.0.1"
#: The peer: a bare Flask app with an in-process Markdown cache under the same gunicorn
#: (/work/shared/bench/flask_freeze), serving the same page's text.
PEER = Path("/work/shared/bench/flask_freeze")
TARGET_RPS, TARGET_P99_MS, TARGET_STATIC_SHARE, TARGET_VISIBLE_S = 3000, 20.0, 0.80, 1.0
NGINX_MAIN = """worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
{servers}
}}
"""


def shipped_config(static: Path, port: int, app_port: int, proxy_conf: Path) -> str:
    """docs/nginx/estrade.conf as shipped, on loopback: lines marked bench:drop removed (TLS,
    the port-80 redirect), then port, root, upstream and include paths replaced."""
    text = (ROOT / "docs" / "nginx" / "estrade.conf").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "bench:drop" not in line
             and not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    replaced = [("listen 443 ssl http2;", f"listen {HOST}:{port};"),
                ("root /srv/estrade/static/$host;", f"root {static}/$host;"),
                ("server 127.0.0.1:8000;", f"server {HOST}:{app_port};"),
                ("include /etc/nginx/estrade_proxy.conf;", f"include {proxy_conf};")]
    for old, new in replaced:
        if old not in text:
            raise SystemExit(f"docs/nginx/estrade.conf : « {old} » introuvable")
        text = text.replace(old, new)
    return text


def start_nginx(folder: Path, servers: str) -> Server:
    binary = ensure_debian("nginx", "nginx")
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(d=folder, servers=servers), encoding="utf-8")
    check = subprocess.run([binary, "-t", "-p", str(folder), "-c", str(conf)],
                                         capture_output=True, text=True, timeout=30)
    if check.returncode != 0:
        raise SystemExit(f"nginx -t : {check.stderr}")
    port = int(re.findall(r"listen 127\.0\.0\.1:(\d+);", servers)[0])
    return Server([binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"], port)


def prepare(work: Path) -> tuple[Path, Any]:
    """A private copy of the demo, seeded, with a static root; returns (instance, app)."""
    from app import create_app
    from app.campaigns.demo import seed_demo
    from app.extensions import db
    from app.schema import upgrade_database

    content = work / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    instance = work / "instance"
    write_instance(instance, content, f"sqlite:///{instance / 'estrade.sqlite'}",
                   ESTRADE_STATIC_ROOT=str(work / "static"))
    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = create_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade_database(app)
        seed_demo(app)
        db.session.remove()
    return instance, app


def publish_latency(app: Any, content: Path, nginx_port: int, app_port: int) -> dict[str, float]:
    """Seconds from a page saved to the new text seen through nginx (publish writes the static
    root) and through the app alone (its renderer re-reads the folder within
    ESTRADE_CONTENT_RECHECK_SECONDS)."""
    from sqlalchemy import select

    from app.campaigns.models import Site
    from app.extensions import db
    from app.fileutil import atomic_write_text
    from app.website.static_root import publish

    page = content / "pages" / "programme" / "index.md"
    seen: dict[str, float] = {}
    for number in range(3):
        marker = f"Publication {number} {time.time_ns()}"
        text = re.sub(r"^title: .*$", f"title: {marker}", page.read_text(encoding="utf-8"),
                      count=1, flags=re.M)
        started = time.perf_counter()
        atomic_write_text(page, text)  # what the editor's publish does, then publish()
        with app.app_context():
            site = db.session.scalar(select(Site).where(Site.slug == "demo"))
            publish(site, [URL])
            db.session.remove()
        for name, port in (("static_root", nginx_port), ("app", app_port)):
            while marker.encode() not in get(f"http://{HOST}:{port}{URL}", HOST)[1]:
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"publication invisible après 10 s ({name})")
                time.sleep(0.01)
            seen.setdefault(name, 0.0)
            seen[name] = max(seen[name], time.perf_counter() - started)
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ensure_debian("nginx", "nginx")
    ensure_debian("wrk", "wrk")
    with tempfile.TemporaryDirectory(prefix="estrade-serve-") as folder:
        work = Path(folder)
        work.chmod(0o755)  # nginx's workers (another user) read the static root
        instance, app = prepare(work)
        synced = estrade(instance, "static", "sync")
        if synced.returncode != 0:
            raise SystemExit(synced.stdout + synced.stderr)
        static = work / "static"
        page_file = static / HOST / "programme" / "index.html"
        app_port, plain_port, shipped_port = free_port(), free_port(), free_port()
        app_server = Server([str(BIN / "estrade"), "serve", "--host", HOST, "--port",
                             str(app_port), "--workers", str(args.workers)], app_port,
                            env=estrade_env(instance), log=work / "serve.log")
        plain = (f"  server {{ listen {HOST}:{plain_port}; root {static / HOST}; "
                 "index index.html; }")
        proxy_conf = ROOT / "docs" / "nginx" / "estrade_proxy.conf"
        shipped = shipped_config(static, shipped_port, app_port, proxy_conf)
        peer_server = None
        if PEER.is_dir():
            peer_pages = work / "peer"
            peer_pages.mkdir()
            source = (work / "content" / "demo" / "pages" / "programme" / "index.md").read_text(
                encoding="utf-8")
            (peer_pages / "programme.md").write_text(source.replace(
                "---\n", "---\nslug: programme\ndate: 2026-11-01\n", 1), encoding="utf-8")
            peer_port = free_port()
            peer_env = dict(estrade_env(instance), CONTENT_DIR=str(peer_pages), RENDER_CACHE="1")
            peer_server = Server([str(BIN / "gunicorn"), "--chdir", str(PEER), "-w",
                                  str(args.workers), "-k", "sync", "-b", f"{HOST}:{peer_port}",
                                  "--log-level", "warning", "app:app"], peer_port, env=peer_env,
                                 log=work / "peer.log")
        try:
            nginx = start_nginx(work / "nginx", plain + "\n" + shipped)
        except BaseException:
            app_server.stop()
            if peer_server:
                peer_server.stop()
            raise
        try:
            from_app = get(f"http://{HOST}:{app_port}{URL}", HOST)
            from_static = get(f"http://{HOST}:{shipped_port}{URL}", HOST)
            assert from_app[0] == 200 and from_static == from_app, "static ≠ app"
            assert from_static[1] == page_file.read_bytes()
            don = get(f"http://{HOST}:{shipped_port}/don", HOST)
            login = get(f"http://{HOST}:{shipped_port}/admin/login", HOST)
            missing = get(f"http://{HOST}:{shipped_port}/pas-une-page/", HOST)
            direct = get(f"http://{HOST}:{app_port}/don", HOST)
            assert don == direct and don[0] == 200, f"/don par nginx : {don[0]}"
            assert login[0] == 200 and b"password" in login[1], "/admin n'atteint pas l'app"
            assert missing[0] == 404, "une adresse inconnue doit donner 404 (par l'app)"
            print(f"==> {URL} : application ({args.workers} processus estrade serve), nginx "
                  f"seul, nginx + racine statique ; {args.rounds} manches de "
                  f"{args.duration} s, {args.connections} connexions "
                  f"(charge de la machine : {load_average():.1f})", flush=True)
            targets = {"app": app_port, "nginx": plain_port, "static_root": shipped_port}
            if peer_server is not None:
                targets["peer_flask_cache"] = peer_server.port
            samples: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
            for port in targets.values():  # warm-up
                wrk(f"http://{HOST}:{port}{URL}", host=HOST, duration=2,
                    connections=args.connections)
            for number in range(args.rounds):
                order = list(targets) if number % 2 == 0 else list(reversed(targets))
                for name in order:
                    figures = wrk(f"http://{HOST}:{targets[name]}{URL}", host=HOST,
                                  duration=args.duration, connections=args.connections)
                    if figures["non_2xx"] or figures["socket_errors"]:
                        raise SystemExit(f"{name} : réponses en erreur {figures}")
                    samples[name].append(figures)
                    print(f"    manche {number + 1} {name:12s} {figures['rps']:>10,.0f} req/s"
                          f"  p99 {figures.get('p99_ms', 0):6.2f} ms", flush=True)
            latency = publish_latency(app, work / "content" / "demo", shipped_port, app_port)
        finally:
            nginx.stop()
            app_server.stop()
            if peer_server:
                peer_server.stop()
    medians = {name: {key: statistics.median(s[key] for s in runs) for key in runs[0]}
               for name, runs in samples.items()}
    # Rounds are paired (same moment of the shared machine): the median of the per-round
    # ratios is the figure; the ratio of medians is printed too.
    share = statistics.median(s["rps"] / n["rps"] for s, n in zip(
        samples["static_root"], samples["nginx"], strict=True))
    app_share = statistics.median(a["rps"] / n["rps"] for a, n in zip(
        samples["app"], samples["nginx"], strict=True))
    peer_share = statistics.median(p["rps"] / n["rps"] for p, n in zip(
        samples["peer_flask_cache"], samples["nginx"], strict=True)) if (
        "peer_flask_cache" in samples) else None
    app_ok = (medians["app"]["rps"] >= TARGET_RPS
              and medians["app"].get("p99_ms", 1e9) < TARGET_P99_MS)
    visible = latency["static_root"]
    print(f"Application : {medians['app']['rps']:,.0f} req/s, p99 "
          f"{medians['app'].get('p99_ms', 0):.2f} ms (objectif ≥ {TARGET_RPS:,} req/s, p99 < "
          f"{TARGET_P99_MS:g} ms : {verdict(app_ok)}) ; {app_share:.1%} de nginx seul")
    if peer_share is not None:
        peer = medians["peer_flask_cache"]
        print(f"Pair (Flask nu + cache Markdown, même gunicorn) : {peer['rps']:,.0f} req/s, "
              f"p99 {peer.get('p99_ms', 0):.2f} ms, {peer_share:.1%} de nginx ; Estrade / pair "
              f"{app_share / peer_share:.2f}")
    print(f"nginx seul : {medians['nginx']['rps']:,.0f} req/s, p99 "
          f"{medians['nginx'].get('p99_ms', 0):.2f} ms")
    print(f"nginx + racine statique : {medians['static_root']['rps']:,.0f} req/s, p99 "
          f"{medians['static_root'].get('p99_ms', 0):.2f} ms, {share:.1%} de nginx seul "
          f"(médiane des manches appariées) "
          f"(objectif ≥ {TARGET_STATIC_SHARE:.0%} : {verdict(share >= TARGET_STATIC_SHARE)})")
    print(f"Publication visible : {visible:.3f} s par nginx (objectif < {TARGET_VISIBLE_S:g} s : "
          f"{verdict(visible < TARGET_VISIBLE_S)}), {latency['app']:.3f} s par l'application")
    ok = app_ok and share >= TARGET_STATIC_SHARE and visible < TARGET_VISIBLE_S
    write_results("serve", {
        "url": URL, "rounds": args.rounds, "duration_s": args.duration,
        "connections": args.connections, "workers": args.workers, "medians": medians,
        "samples": samples, "static_share_of_nginx": share,
        "app_share_of_nginx": app_share, "peer_share_of_nginx": peer_share,
        "app_to_peer": app_share / peer_share if peer_share else None,
        "publish_visible_s": latency, "targets": {
            "app_rps": TARGET_RPS, "app_p99_ms": TARGET_P99_MS,
            "static_share": TARGET_STATIC_SHARE, "visible_s": TARGET_VISIBLE_S},
        "met": {"app": app_ok, "static_share": share >= TARGET_STATIC_SHARE,
                "visible": visible < TARGET_VISIBLE_S}})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
