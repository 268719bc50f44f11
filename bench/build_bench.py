"""``make bench-build``: Estrade, Pelican and Hugo build the same generated corpus.

Installs what it needs (Hugo from Debian with apt when missing, Pelican from PyPI into
``bench/.venv-peers``), generates the corpus with ``shared/bench/gen_corpus.py`` (seed 42), then,
round by round (Estrade, Pelican, Hugo, Estrade, …), times each tool's full build from an empty
output folder as a whole process. Prints the median seconds and the median of the per-round
ratios Estrade/Pelican and Estrade/Hugo, then the one-page rebuild of Estrade (a line appended
to one page, ``estrade build`` run again on the same output folder), and the same rebuild by
Estrade and Hugo kept running in watch mode (``estrade build --watch``, ``hugo --watch``): time
from the file's save to the end of the rebuild as the tool prints it.

    .venv/bin/python bench/build_bench.py [--sizes 1000,5000] [--runs 3,2] [--incr-runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench"
SHARED = Path(os.environ.get("ESTRADE_BENCH_SHARED", ROOT.parent / "shared" / "bench"))
WORK = HERE / ".work"
PEERS = HERE / ".venv-peers"
PELICAN_PINS = ["pelican==4.12.0", "Markdown==3.11.3"]
TOOLS = ("estrade", "pelican", "hugo")
TIMEOUT = 1800


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, timeout=TIMEOUT,
                          **kwargs)  # type: ignore[call-overload]


def ensure_peers() -> dict[str, str]:
    """Install Hugo (apt) and Pelican (own venv) if missing; return their versions."""
    if shutil.which("hugo") is None:
        print("==> Installation de Hugo (paquet Debian)…", flush=True)
        run(["apt-get", "update", "-q"])
        run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "hugo"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    pelican = PEERS / "bin" / "pelican"
    if not pelican.exists():
        print("==> Installation de Pelican (PyPI) dans bench/.venv-peers…", flush=True)
        run([sys.executable, "-m", "venv", str(PEERS)])
        run([str(PEERS / "bin" / "pip"), "install", "-q", *PELICAN_PINS])
    return {"hugo": run(["hugo", "version"]).stdout.strip(),
            "pelican": run([str(pelican), "--version"]).stdout.strip()}


def estrade_env(corpus: Path) -> dict[str, str]:
    return {**os.environ, "ESTRADE_INSTANCE_PATH": str(corpus / "instance"),
            "ESTRADE_DATABASE_URL": f"sqlite:///{corpus / 'estrade.sqlite'}",
            "ESTRADE_CONTENT_DIR": str(corpus)}


ESTRADE = [sys.executable, "-c", "from app.cli import main; main()"]


def prepare(n: int, seed: int) -> Path:
    corpus = WORK / "corpus" / str(n)
    if not (corpus / "flask" / "pages").is_dir():
        shutil.rmtree(corpus, ignore_errors=True)
        run([sys.executable, str(SHARED / "gen_corpus.py"), str(n), str(corpus), "--seed",
             str(seed)])
        shutil.copytree(SHARED / "configs" / "hugo", corpus / "hugo", dirs_exist_ok=True)
    (corpus / "flask" / "site.toml").write_text(
        'title = "Ensemble pour Villeneuve-sur-Loire"\n'
        'description = "Corpus de mesure"\nbase_url = "https://villeneuve.example"\n',
        encoding="utf-8")
    if not (corpus / "estrade.sqlite").exists():
        env = estrade_env(corpus)
        run([*ESTRADE, "init", "--no-demo"], env=env, cwd=ROOT)
        run([*ESTRADE, "sites", "create", "flask", "--title", "Villeneuve"], env=env, cwd=ROOT)
    return corpus


def command(tool: str, corpus: Path, out: Path) -> tuple[list[str], dict[str, str] | None, Path]:
    if tool == "estrade":
        return ([*ESTRADE, "build", "--site", "flask", "--out", str(out)], estrade_env(corpus),
                ROOT)
    if tool == "pelican":
        return ([str(PEERS / "bin" / "pelican"), "content", "-s",
                 str(SHARED / "configs" / "pelicanconf.py"), "--log-handler", "plain", "-o",
                 str(out)], None, corpus / "pelican")
    return (["hugo", "--quiet", "-s", str(corpus / "hugo"), "-d", str(out)], None, ROOT)


def timed(tool: str, corpus: Path, out: Path, wipe: bool = True) -> tuple[float, str]:
    if wipe:
        shutil.rmtree(out, ignore_errors=True)
    cmd, env, cwd = command(tool, corpus, out)
    started = time.perf_counter()
    result = run(cmd, env=env, cwd=cwd)
    return time.perf_counter() - started, result.stdout


def one_page_rebuilds(corpus: Path, out: Path, runs: int) -> list[dict[str, float | int]]:
    pages = sorted((corpus / "flask" / "pages").glob("*.md"))
    target = pages[len(pages) // 2]
    results = []
    for i in range(runs):
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\nLigne ajoutée pour la mesure {i} ({time.time()}).\n")
        seconds, output = timed("estrade", corpus, out, wipe=False)
        inside = re.search(r"Terminé en ([\d.]+) s : (\d+) fichier", output)
        results.append({"wall": seconds, "build": float(inside.group(1)) if inside else -1,
                        "written": int(inside.group(2)) if inside else -1})
    return results


class Output:
    """A running command's output lines, read in a thread (the bench waits with a limit)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self.lines.put(line) for line in stream],
                         daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 600) -> str:
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if re.search(pattern, line):
                return line
        raise RuntimeError(f"« {pattern} » attendu, pas vu en {timeout} s")


WATCH = {  # command, ready line, end-of-rebuild line
    "estrade": ("--watch", r"^Surveillance de", r"^Terminé en"),
    "hugo": ("--watch", r"Press Ctrl\+C to stop|Watching for changes", r"^Total in"),
}


def watched_rebuilds(tool: str, corpus: Path, out: Path, runs: int) -> list[float]:
    """Seconds from a page's save to the end of the rebuild, the tool running in watch mode."""
    cmd, env, cwd = command(tool, corpus, out)
    cmd = [part for part in cmd if part != "--quiet"]  # the watch lines are what we time
    flag, ready, done = WATCH[tool]
    process = subprocess.Popen([*cmd, flag], env={**(env or os.environ), "PYTHONUNBUFFERED": "1"},
                               cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        output = Output(process)
        output.wait_for(ready)
        folder = corpus / ("flask/pages" if tool == "estrade" else "hugo/content")
        target = sorted(folder.rglob("*.md"))[len(list(folder.rglob("*.md"))) // 2]
        seconds = []
        for i in range(runs):
            time.sleep(1.0)  # let the previous burst settle
            started = time.perf_counter()
            with target.open("a", encoding="utf-8") as handle:
                handle.write(f"\nLigne ajoutée en veille {i} ({time.time()}).\n")
            output.wait_for(done)
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--runs", default="3,2")
    parser.add_argument("--incr-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [int(r) for r in args.runs.split(",")]
    runs += [runs[-1]] * (len(sizes) - len(runs))
    versions = ensure_peers()
    print(f"versions : {versions['hugo']} | {versions['pelican']} | Python {sys.version.split()[0]}"
          f" | {os.cpu_count()} cœurs")
    report: dict[str, object] = {"versions": versions, "sizes": {}}
    for n, count in zip(sizes, runs, strict=True):
        corpus = prepare(n, args.seed)
        times: dict[str, list[float]] = {t: [] for t in TOOLS}
        for _ in range(count):  # interleaved rounds: the machine's noise hits every tool alike
            for tool in TOOLS:
                times[tool].append(timed(tool, corpus, WORK / "out" / str(n) / tool)[0])
        ratios = {peer: statistics.median(e / p for e, p in zip(times["estrade"], times[peer],
                                                                strict=True))
                  for peer in ("pelican", "hugo")}
        incremental = one_page_rebuilds(corpus, WORK / "out" / str(n) / "estrade",
                                        args.incr_runs)
        watched = {tool: watched_rebuilds(tool, corpus, WORK / "out" / str(n) / tool,
                                          args.incr_runs) for tool in ("estrade", "hugo")}
        print(f"\nN = {n} pages ({count} tours entrelacés, médianes)")
        for tool in TOOLS:
            print(f"  {tool:<8} {statistics.median(times[tool]):7.2f} s   "
                  f"({', '.join(f'{t:.2f}' for t in times[tool])})")
        print(f"  Estrade/Pelican = {ratios['pelican']:.2f}   Estrade/Hugo = {ratios['hugo']:.2f}")
        walls = [r["wall"] for r in incremental]
        inside = [r["build"] for r in incremental]
        print(f"  reconstruction après modification d'une page : {statistics.median(walls):.2f} s "
              f"(processus entier), {statistics.median(inside):.2f} s (construction seule), "
              f"fichiers réécrits : {[r['written'] for r in incremental]}")
        estrade_watch, hugo_watch = (statistics.median(watched[t]) for t in ("estrade", "hugo"))
        print(f"  en veille (--watch), de l'enregistrement à la fin : Estrade "
              f"{estrade_watch:.2f} s, Hugo {hugo_watch:.2f} s, Estrade/Hugo = "
              f"{estrade_watch / hugo_watch:.2f}")
        report["sizes"][str(n)] = {"times": times, "ratios": ratios,  # type: ignore[index]
                                   "one_page_rebuild": incremental, "watch": watched}
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "build_bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nRésultats détaillés : {results / 'build_bench.json'}")


if __name__ == "__main__":
    main()
