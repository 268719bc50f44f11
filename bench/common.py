"""What the benchmarks share: Debian tools, an instance on a private copy of the content,
servers started and ended by their own process id, wrk, and the results file.

Loopback only (127.0.0.1); every external command runs under a time limit.
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def ensure_debian(binary: str, package: str) -> str:
    """The path of ``binary``, installing the Debian ``package`` first if it is missing (the
    bench installs its peers itself; ``make test`` never does)."""
    for folder in ("/usr/sbin", "/usr/bin", "/sbin"):
        if Path(folder, binary).exists():
            return str(Path(folder, binary))
    found = shutil.which(binary)
    if found:
        return found
    print(f"==> Installation de {package} (Debian)…", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package],
                   check=True, timeout=600, env=env, stdout=subprocess.DEVNULL)
    found = shutil.which(binary) or (f"/usr/sbin/{binary}"
                                     if Path(f"/usr/sbin/{binary}").exists() else None)
    if not found:
        raise SystemExit(f"{binary} introuvable après l'installation de {package}")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_instance(instance: Path, content: Path, database_url: str, **extra: Any) -> None:
    """An instance/config.py fit for ``estrade serve`` (a real secret, no demo payments)."""
    instance.mkdir(parents=True, exist_ok=True)
    lines = [f"SECRET_KEY = {secrets.token_urlsafe(48)!r}",
             f"SQLALCHEMY_DATABASE_URI = {database_url!r}",
             f"ESTRADE_CONTENT_DIR = {str(content)!r}",
             "ESTRADE_DEMO_PAYMENTS = False"]
    lines += [f"{key} = {value!r}" for key, value in extra.items()]
    (instance / "config.py").write_text("\n".join(lines) + "\n", encoding="utf-8")


def estrade_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ESTRADE_", "STRIPE_"))}
    env["ESTRADE_INSTANCE_PATH"] = str(instance)
    return env


def estrade(instance: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "estrade"), *args], env=estrade_env(instance), text=True,
                          capture_output=True, timeout=timeout, check=False)


class Server:
    """A server process of our own, ended by its process group id."""

    def __init__(self, argv: list[str], port: int, env: dict[str, str] | None = None,
                 log: Path | None = None, host: str = "127.0.0.1") -> None:
        self.port = port
        self.log = log
        out = log.open("wb") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.wait_up(host)

    def wait_up(self, host: str, limit: float = 60) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                raise SystemExit(f"le serveur s'est arrêté : {tail}")
            try:
                with socket.create_connection((host, self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise SystemExit(f"le serveur n'écoute pas sur le port {self.port}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def get(url: str, host: str | None = None, timeout: float = 5) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def wrk(url: str, *, host: str | None = None, duration: int = 10, connections: int = 32,
        threads: int = 2, script: Path | None = None) -> dict[str, float]:
    """Requests per second and latency percentiles (ms) of ``wrk --latency``."""
    binary = ensure_debian("wrk", "wrk")
    argv = [binary, f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s",
            "--latency"]
    if host:
        argv += ["-H", f"Host: {host}"]
    if script:
        argv += ["-s", str(script)]
    result = subprocess.run([*argv, url], capture_output=True, text=True,
                            timeout=duration + 30, check=True)
    out = result.stdout
    figures: dict[str, float] = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    for percent in ("50", "75", "90", "99"):
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if found:
            figures[f"p{percent}_ms"] = float(found[1]) * _UNITS[found[2]]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    figures["non_2xx"] = float(errors[1]) if errors else 0.0
    sockets = re.search(r"Socket errors:.*", out)
    figures["socket_errors"] = 0.0 if sockets is None else float(
        sum(int(n) for n in re.findall(r"\d+", sockets[0])))
    return figures


def load_average() -> float:
    return os.getloadavg()[0]


def write_results(name: str, result: dict[str, Any]) -> Path:
    result.update({"python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "load_average_end": round(load_average(), 2),
                   "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"Résultats : {path.relative_to(ROOT)}")
    return path


def verdict(ok: bool) -> str:
    return "atteint" if ok else "MANQUÉ"
