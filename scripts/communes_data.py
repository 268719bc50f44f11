"""Derive app/campaigns/data/communes.tsv.gz from the official reference data.

Source: the npm package ``@etalab/decoupage-administratif`` (Etalab, MIT licence; the French
administrative divisions with the INSEE population figures), fetched with ``npm pack`` (npm
must be installed; the registry must be reachable). Usage::

    python scripts/communes_data.py [--version 6.0.0]

Writes one line per commune (current communes, delegated and associated communes, and the
municipal arrondissements of Paris, Lyon and Marseille): INSEE code, name, type, département,
population, postal codes (comma separated), and the départements' names; plus the source,
version and licence in ``app/campaigns/data/SOURCE.md``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "app" / "campaigns" / "data"
PACKAGE = "@etalab/decoupage-administratif"


def fetch(version: str, folder: Path) -> Path:
    subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=folder, check=True,
                   capture_output=True)
    archive = next(folder.glob("etalab-decoupage-administratif-*.tgz"))
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package"


def write(package: Path, version: str) -> int:
    communes = json.loads((package / "data" / "communes.json").read_text(encoding="utf-8"))
    departements = json.loads((package / "data" / "departements.json").read_text(
        encoding="utf-8"))
    lines = ["code\tnom\ttype\tdepartement\tpopulation\tcodes_postaux"]
    for c in sorted(communes, key=lambda c: (c["code"], c["type"])):
        lines.append("\t".join([c["code"], c["nom"], c["type"], c.get("departement", ""),
                                str(c.get("population", "")),
                                ",".join(c.get("codesPostaux", []))]))
    DATA.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same data give the same bytes (the file is committed).
    with gzip.GzipFile(DATA / "communes.tsv.gz", "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    names = ["code\tnom"] + [f"{d['code']}\t{d['nom']}" for d in
                              sorted(departements, key=lambda d: d["code"])]
    (DATA / "departements.tsv").write_text("\n".join(names) + "\n", encoding="utf-8")
    (DATA / "SOURCE.md").write_text(
        f"# Reference data\n\n`communes.tsv.gz` and `departements.tsv` are derived by "
        f"`scripts/communes_data.py` from the npm package `{PACKAGE}` version {version} "
        "(Etalab, https://github.com/etalab/decoupage-administratif), published under the MIT "
        "licence, itself built from the INSEE Code officiel géographique and the INSEE legal "
        "populations. One line per commune: INSEE code, name, type (commune-actuelle, "
        "commune-deleguee, commune-associee, arrondissement-municipal), département, legal "
        "population, postal codes.\n\nMIT licence of the source:\n\n"
        + (package / "LICENSE").read_text(encoding="utf-8"), encoding="utf-8")
    return len(communes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default="6.0.0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        count = write(fetch(args.version, Path(folder)), args.version)
    print(f"{count} communes written to {DATA / 'communes.tsv.gz'}")


if __name__ == "__main__":
    main()
