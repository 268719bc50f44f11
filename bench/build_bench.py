"""``make bench-build``: Estrade, Pelican and Hugo build the same generated corpus.

Installs what it needs (Hugo from Debian with apt when missing, Pelican from PyPI into
``bench/.venv-peers``), generates the corpus with ``shared/bench/gen_corpus.py`` (seed 42), then,
round by round (Estrade twice, Pelican, Hugo, …), times each tool's full build from an empty
output folder as a whole process: wall time, CPU time (user + sys, children included) and the
peak memory of the whole process tree (RSS added up over the processes, sampled every 10 ms,
which the memory target is judged on; PSS too, which counts a page shared by forked workers
once, and the largest single process's RSS, as ``/usr/bin/time`` gives it). Estrade runs first
with its conversion cache wiped ("estrade-nocache": nothing converted before), then with it kept
("estrade": the output folder alone wiped, as after any earlier build). Prints the medians and
the median of the per-round ratios to Pelican and Hugo, then the one-page rebuild of Estrade (a
line appended to one page, ``estrade build`` run again on the same output folder), the same
rebuild by Estrade and Hugo kept running in watch mode (``estrade build --watch``,
``hugo --watch``: from the file's save to the end of the rebuild as the tool prints it), and
each target of issue 13 (item 1) met or missed. Writes ``bench/results/build_bench.json``.

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
#: "estrade-nocache": output folder and conversion cache (instance/cache) wiped: nothing
#: converted before; "estrade", right after it: output folder wiped, that cache kept.
ESTRADE_VARIANTS = ("estrade-nocache", "estrade")
TOOLS = (*ESTRADE_VARIANTS, "pelican", "hugo")
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


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(c) for c in handle.read().split()]
    except OSError:
        pass
    return found


def _memory_kb(pid: int) -> tuple[int, int, int]:
    """(RSS, PSS, largest RSS) in kB: of ``pid`` and all its descendants added up, and of the
    largest one alone."""
    rss = pss = largest = 0
    todo = [pid]
    while todo:
        one = todo.pop()
        todo += _children(one)
        try:
            with open(f"/proc/{one}/smaps_rollup", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith(("Rss:", "Pss:")):
                        value = int(line.split()[1])
                        if line.startswith("Rss:"):
                            rss += value
                            largest = max(largest, value)
                        else:
                            pss += value
        except OSError:
            continue
    return rss, pss, largest


class Measure(dict[str, float]):
    """wall s, cpu s (user + sys of the process and its children), tree_rss_mb and
    tree_pss_mb (peak over the run of the sum over the process tree: RSS counts a page shared
    by forked processes in each of them, PSS shares it out), rss_mb (peak RSS of the largest
    single process, what ``/usr/bin/time`` reports), load average."""


def measured(cmd: list[str], env: dict[str, str] | None, cwd: Path) -> tuple[Measure, str]:
    """Run ``cmd`` as a whole process, sampling the memory of its process tree every 10 ms."""
    with open(WORK / "last-output.txt", "w+", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                                   text=True)
        peak_rss = peak_pss = peak_one = 0
        limit = time.monotonic() + TIMEOUT
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            rss, pss, one = _memory_kb(process.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            peak_one = max(peak_one, one)
            if time.monotonic() > limit:
                process.kill()
            time.sleep(0.01)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        output = log.read()
    if process.returncode != 0:
        raise RuntimeError(f"{cmd[0]} a échoué ({process.returncode}) :\n{output[-3000:]}")
    assert usage is not None
    return Measure(wall=wall, cpu=usage.ru_utime + usage.ru_stime,
                   tree_rss_mb=peak_rss / 1024, tree_pss_mb=peak_pss / 1024,
                   rss_mb=peak_one / 1024,
                   load=os.getloadavg()[0]), output


def timed(tool: str, corpus: Path, out: Path, wipe: bool = True) -> tuple[Measure, str]:
    if wipe:
        shutil.rmtree(out, ignore_errors=True)
    if tool == "estrade-nocache":
        shutil.rmtree(corpus / "instance" / "cache", ignore_errors=True)
    cmd, env, cwd = command("estrade" if tool.startswith("estrade") else tool, corpus, out)
    return measured(cmd, env, cwd)


def one_page_rebuilds(corpus: Path, out: Path, runs: int) -> list[dict[str, float | int]]:
    pages = sorted((corpus / "flask" / "pages").glob("*.md"))
    target = pages[len(pages) // 2]
    results = []
    for i in range(runs):
        with target.open("a", encoding="utf-8") as handle:
            handle.write(f"\nLigne ajoutée pour la mesure {i} ({time.time()}).\n")
        measure, output = timed("estrade", corpus, out, wipe=False)
        inside = re.search(r"Terminé en ([\d.]+) s : (\d+) fichier", output)
        results.append({**measure, "build": float(inside.group(1)) if inside else -1,
                        "written": int(inside.group(2)) if inside else -1})
    return results


class Output:
    """A running command's output lines, read in a thread (the bench waits with a limit)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout

        def read() -> None:
            for line in stream:
                self.lines.put(line)

        threading.Thread(target=read, daemon=True).start()

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


#: issue 13, item 1: (figure, limit) — the build is "met" when every figure is within its limit.
TARGETS = {"estrade/pelican": 0.5, "estrade/hugo": 3.0, "tree_rss_mb": 100.0,
           "one_page_wall_s": 1.0}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def walls(measures: list[Measure]) -> str:
    return ", ".join(f"{m['wall']:.2f}" for m in measures)


def verdicts(figures: dict[str, float]) -> dict[str, bool]:
    return {name: figures[name] < limit if name.endswith("_mb") or name.endswith("_s")
            else figures[name] <= limit for name, limit in TARGETS.items() if name in figures}


def size_report(n: int, count: int, corpus: Path, incr_runs: int) -> dict[str, object]:
    runs: dict[str, list[Measure]] = {t: [] for t in TOOLS}
    per_round: dict[str, list[float]] = {}
    for _ in range(count):  # interleaved rounds: the machine's noise hits every tool alike
        for tool in TOOLS:
            runs[tool].append(timed(tool, corpus, WORK / "out" / str(n) / tool)[0])
        for variant in ESTRADE_VARIANTS:
            for peer in ("pelican", "hugo"):
                per_round.setdefault(f"{variant}/{peer}", []).append(
                    runs[variant][-1]["wall"] / runs[peer][-1]["wall"])
    ratios = {name: median(values) for name, values in per_round.items()}
    incremental = one_page_rebuilds(corpus, WORK / "out" / str(n) / "estrade", incr_runs)
    watched = {tool: watched_rebuilds(tool, corpus, WORK / "out" / str(n) / tool, incr_runs)
               for tool in ("estrade", "hugo")}
    summary = {tool: {key: median([m[key] for m in runs[tool]])
                      for key in ("wall", "cpu", "tree_rss_mb", "tree_pss_mb", "rss_mb",
                                  "load")}
               for tool in TOOLS}
    one_page = median([float(r["wall"]) for r in incremental])
    targets: dict[str, dict[str, dict[str, float]]] = {}
    for variant in ESTRADE_VARIANTS:
        figures = {"estrade/pelican": ratios[f"{variant}/pelican"],
                   "estrade/hugo": ratios[f"{variant}/hugo"],
                   "tree_rss_mb": max(m["tree_rss_mb"] for m in runs[variant]),
                   "one_page_wall_s": one_page}
        # Shown beside the target, never instead of it: the memory target is judged on the
        # tree's RSS, which counts the pages forked workers share with the builder twice.
        shown = {"tree_pss_mb": max(m["tree_pss_mb"] for m in runs[variant]),
                 "rss_mb": max(m["rss_mb"] for m in runs[variant])}
        targets[variant] = {"figures": figures, "also": shown,
                            "met": {k: float(v) for k, v in verdicts(figures).items()}}
    print(f"\nN = {n} pages ({count} tours entrelacés, médianes ; charge moyenne "
          f"{median([m['load'] for t in TOOLS for m in runs[t]]):.2f})")
    for tool in TOOLS:
        line = summary[tool]
        print(f"  {tool:<16} {line['wall']:7.2f} s   CPU {line['cpu']:6.2f} s   mémoire "
              f"(arbre) RSS {line['tree_rss_mb']:6.1f} Mo, PSS {line['tree_pss_mb']:6.1f} Mo, "
              f"plus gros processus {line['rss_mb']:6.1f} Mo   ({walls(runs[tool])})")
    for variant in ESTRADE_VARIANTS:
        print(f"  {variant}/Pelican = {ratios[f'{variant}/pelican']:.2f}   "
              f"{variant}/Hugo = {ratios[f'{variant}/hugo']:.2f}")
    print(f"  reconstruction après modification d'une page : {one_page:.2f} s (processus "
          f"entier), {median([float(r['build']) for r in incremental]):.2f} s (construction "
          f"seule), CPU {median([float(r['cpu']) for r in incremental]):.2f} s, fichiers "
          f"réécrits : {[r['written'] for r in incremental]}")
    estrade_watch, hugo_watch = (median(watched[t]) for t in ("estrade", "hugo"))
    print(f"  en veille (--watch), de l'enregistrement à la fin : Estrade "
          f"{estrade_watch:.2f} s, Hugo {hugo_watch:.2f} s, Estrade/Hugo = "
          f"{estrade_watch / hugo_watch:.2f}")
    for variant, result in targets.items():
        figures, met = result["figures"], result["met"]
        print(f"  objectifs ({variant}) : " + " ; ".join(
            f"{name} = {figures[name]:.2f} (≤ {TARGETS[name]}) {verdict(bool(ok))}"
            for name, ok in met.items()) + f" (PSS de l'arbre {result['also']['tree_pss_mb']:.0f}"
              f" Mo, plus gros processus {result['also']['rss_mb']:.0f} Mo)")
    return {"runs": runs, "summary": summary, "ratios": ratios, "ratios_per_round": per_round,
            "one_page_rebuild": incremental, "watch": watched, "targets": targets}


def verdict(ok: bool) -> str:
    return "atteint" if ok else "MANQUÉ"


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
          f" | {os.cpu_count()} cœurs | charge moyenne {os.getloadavg()[0]:.2f}")
    report: dict[str, object] = {"versions": versions, "targets": TARGETS, "cpus": os.cpu_count(),
                                 "load_average_start": os.getloadavg(), "sizes": {},
                                 "when": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    sizes_report: dict[str, object] = {}
    for n, count in zip(sizes, runs, strict=True):
        sizes_report[str(n)] = size_report(n, count, prepare(n, args.seed), args.incr_runs)
    report["sizes"] = sizes_report
    report["load_average_end"] = os.getloadavg()
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "build_bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nRésultats détaillés : {results / 'build_bench.json'}")


if __name__ == "__main__":
    main()
