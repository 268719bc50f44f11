"""``estrade serve``: gunicorn with several workers, refused with development settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.support.paths import ROOT

ESTRADE = [sys.executable, "-c", "from app.cli import main; main()"]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance"),
            "ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite'}", **extra}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_refuses_a_local_trials_settings(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run([*ESTRADE, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    refused = subprocess.run([*ESTRADE, "serve"], env=env, cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert refused.returncode == 1
    assert "ESTRADE_DEMO_PAYMENTS" in refused.stderr  # estrade init turned it on
    weak = subprocess.run([*ESTRADE, "serve"], env={**env, "ESTRADE_SECRET_KEY": "change-me",
                                                    "ESTRADE_DEMO_PAYMENTS": "0"},
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert weak.returncode == 1 and "clé d'exemple" in weak.stderr


def test_serve_answers_with_several_workers(tmp_path: Path) -> None:
    env = _env(tmp_path, ESTRADE_DEMO_PAYMENTS="0", ESTRADE_SECRET_KEY=os.urandom(32).hex())
    subprocess.run([*ESTRADE, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([*ESTRADE, "serve", "--port", str(port), "--workers", "2"],
                              env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline, body = time.monotonic() + 60, ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/programme/",
                                            timeout=5) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert "Notre programme" in body or "programme" in body.lower(), body[:300]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "2 processus gunicorn" in output
    assert output.count("Booting worker") == 2, output
