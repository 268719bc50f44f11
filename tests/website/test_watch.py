"""``estrade build --watch``: the real command keeps running and rebuilds on each save."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from app.website.watch import relevant
from tests.support.paths import ROOT

ESTRADE = [sys.executable, "-c", "from app.cli import main; main()"]


class Lines:
    """The command's output, read in a thread so a test can wait for a line with a limit."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        assert process.stdout is not None
        self.stream = process.stdout
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.stream:
            self.queue.put(line)

    def close(self) -> None:
        self.reader.join(timeout=10)
        self.stream.close()

    def wait_for(self, text: str, timeout: float = 60) -> str:
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            try:
                line = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"« {text} » not printed within {timeout} s:\n{''.join(self.seen)}")


def test_watch_rebuilds_a_saved_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "demo", content / "demo")
    env = {**os.environ, "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance"),
           "ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'estrade.sqlite'}",
           "ESTRADE_CONTENT_DIR": str(content), "PYTHONUNBUFFERED": "1"}
    subprocess.run([*ESTRADE, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
    out = tmp_path / "public"
    # A shell starts background jobs with SIGINT ignored and the child would inherit that:
    # give it the default disposition, as a terminal's Ctrl-C finds it.
    process = subprocess.Popen([*ESTRADE, "build", "--site", "demo", "--out", str(out), "--watch"],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = Lines(process)
    try:
        lines.wait_for("Terminé en")
        lines.wait_for("Surveillance de")
        page = content / "demo" / "pages" / "programme" / "ecole.md"
        page.write_text(page.read_text(encoding="utf-8") + "\nSauvegardé pendant la veille.\n",
                        encoding="utf-8")
        assert "programme/ecole.md" in lines.wait_for("Modifié :")
        assert "1 page(s)" in lines.wait_for("Terminé en")
        built = (out / "programme" / "ecole" / "index.html").read_text(encoding="utf-8")
        assert "Sauvegardé pendant la veille." in built
        # A broken page is reported and the watch goes on.
        (content / "demo" / "pages" / "casse.md").write_text("---\ntitle: [\n---\n")
        lines.wait_for("avertissement")
        lines.wait_for("Terminé en")
        process.send_signal(signal.SIGINT)
        lines.wait_for("Surveillance arrêtée.")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        lines.close()


def test_editor_leftovers_and_the_output_folder_do_not_trigger_a_rebuild(tmp_path) -> None:
    out = tmp_path / "public"
    assert relevant(str(tmp_path / "pages" / "a.md"), [out])
    assert not relevant(str(tmp_path / "pages" / ".a.md.swp"), [out])
    assert not relevant(str(tmp_path / "pages" / ".a.md.tmp"), [out])
    assert not relevant(str(tmp_path / "pages" / "a.md~"), [out])
    assert not relevant(str(out / "index.html"), [out])
