"""A quick look at the app alone under ``estrade serve`` (the first figure of serve_bench.py):
wrk on one page, plus the CPU seconds the workers spent per request.

    .venv/bin/python bench/serve_quick.py [--duration 5] [--workers 2] [--connections 32]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from common import BIN, Server, estrade_env, free_port, get, load_average, wrk
from serve_bench import HOST, URL, prepare


def tree_cpu(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its children (gunicorn's workers)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid or int(entry.name) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="estrade-serveq-") as folder:
        work = Path(folder)
        instance, _ = prepare(work)
        port = free_port()
        with Server([str(BIN / "estrade"), "serve", "--host", HOST, "--port", str(port),
                     "--workers", str(args.workers)], port, env=estrade_env(instance),
                    log=work / "serve.log") as server:
            for _ in range(20):
                get(f"http://{HOST}:{port}{URL}", host=HOST)
            before = tree_cpu(server.process.pid)
            figures = wrk(f"http://{HOST}:{port}{URL}", host=HOST, duration=args.duration,
                          connections=args.connections)
            cpu = tree_cpu(server.process.pid) - before
        requests = figures["rps"] * args.duration
        print(f"{figures['rps']:,.0f} req/s, p50 {figures.get('p50_ms', 0):.2f} ms, p99 "
              f"{figures.get('p99_ms', 0):.2f} ms, non-2xx {figures['non_2xx']:.0f}, socket "
              f"errors {figures['socket_errors']:.0f}; {cpu / requests * 1e6:.0f} µs CPU per "
              f"request in the workers; load {load_average():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
