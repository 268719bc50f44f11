"""Block directives: the building blocks staff insert in a page through the editor toolbar.

Syntax (the opening and closing lines start at the beginning of the line)::

    ::: don montants="20,50,100" texte="Je soutiens la liste"
    :::

The opening line is ``::: <name> key="value" key2=value2``; the body runs until a line that is
exactly ``:::``. Text-like blocks take a Markdown body, structured blocks a YAML list. Blocks are
declared in :mod:`app.core.publishing.block_specs` (French labels and help), from which the
editor's forms and ``docs/blocks.md`` are made. Parsing never raises: a faulty block carries a
French ``error``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import yaml

from app.core.finance.money import DONATION_CAP
from app.core.publishing.block_specs import BLOCK_SPECS, BlockSpec, ParamSpec
from app.core.publishing.sanitize import is_safe_media_path, is_safe_url, parse_video_url

__all__ = ["BLOCK_SPECS", "Block", "BlockProblem", "BlockSpec", "ParamSpec", "RawBlock",
           "parse_amounts", "parse_bool", "parse_params", "split_blocks", "validate_block"]


@dataclass(frozen=True)
class Block:
    """One block of a page. ``data`` is the validated, ready-to-render form (None on error)."""

    name: str
    params: dict[str, str]
    body: str
    data: Any
    line: int
    error: str | None = None
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Splitting a document into text and raw blocks

_OPEN = re.compile(r"^:::[ \t]*([^\W\d][\w-]*)(.*)$")
_CLOSE = re.compile(r"^:::[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class RawBlock:
    """A block as written, before validation. ``closed`` is False when ``:::`` is missing."""

    name: str
    params_text: str
    body: str
    line: int
    closed: bool = True


def split_blocks(text: str, first_line: int = 1) -> list[str | RawBlock]:
    """Split Markdown into text chunks and :class:`RawBlock` items, in document order.

    Directives inside fenced code blocks are left alone. An unclosed block yields a RawBlock with
    ``closed=False`` for its opening line only; the lines after it are read again as text.
    """
    lines = text.split("\n")
    parts: list[str | RawBlock] = []
    chunk: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if fence is not None:
            chunk.append(line)
            m = _FENCE.match(line)
            closing = m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closing and not line.strip().lstrip(fence[0]):
                fence = None
            i += 1
            continue
        fence_match, open_match = _FENCE.match(line), _OPEN.match(line)
        if open_match is None:
            if fence_match:
                fence = fence_match.group(1)
            chunk.append(line)
            i += 1
            continue
        if chunk:
            parts.append("\n".join(chunk))
            chunk = []
        end = i + 1
        while end < len(lines) and not _CLOSE.match(lines[end]) and not _OPEN.match(lines[end]):
            end += 1
        name, params_text = open_match.group(1), open_match.group(2)
        if end < len(lines) and _CLOSE.match(lines[end]):
            body = "\n".join(lines[i + 1 : end])
            parts.append(RawBlock(name, params_text, body, first_line + i))
            i = end + 1
        else:
            parts.append(RawBlock(name, params_text, "", first_line + i, closed=False))
            i += 1
    if chunk:
        parts.append("\n".join(chunk))
    return parts


_PARAM = re.compile(
    r"""([^\W\d][\w-]*)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s"'][^\s]*))"""
)
_UNESCAPE = re.compile(r"\\(.)")


class BlockProblem(Exception):
    """A French message explaining why a block cannot be shown (internal to this module)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def parse_params(text: str) -> dict[str, str]:
    """Parse ``key="value" key2=value2``; raise :class:`BlockProblem` on anything else."""
    params: dict[str, str] = {}
    pos, text = 0, text.rstrip()
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        match = _PARAM.match(text, pos)
        if match is None:
            raise BlockProblem(f"paramètres illisibles à partir de « {text[pos:pos + 30]} » "
                               '(forme attendue : nom="valeur")')
        key = match.group(1).lower()
        raw = next(g for g in match.group(2, 3, 4) if g is not None)
        if key in params:
            raise BlockProblem(f"le paramètre « {key} » est donné deux fois")
        params[key] = _UNESCAPE.sub(r"\1", raw) if match.group(4) is None else raw
        pos = match.end()
    return params


# --------------------------------------------------------------------------------------------
# Validation


def parse_amounts(value: str) -> list[int]:
    """``"20, 50,100 €"`` → ``[20, 50, 100]``: positive whole euros, at most the legal cap."""
    amounts = []
    for part in value.split(","):
        part = part.strip().removesuffix("€").strip()
        if not part.isdigit() or int(part) <= 0:
            raise BlockProblem(f"montant « {part} » invalide : indiquez des euros entiers "
                               "positifs, séparés par des virgules (20,50,100)")
        if int(part) * 100 > DONATION_CAP:
            raise BlockProblem(f"le montant {part} € dépasse le plafond légal de "
                               f"{DONATION_CAP // 100} € par personne et par élection")
        amounts.append(int(part))
    return amounts


_YES = {"oui", "o", "vrai", "true", "1", "yes"}
_NO = {"non", "n", "faux", "false", "0", "no", ""}


def parse_bool(name: str, value: str) -> bool:
    if value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise BlockProblem(f"« {name} » doit valoir oui ou non (et non « {value} »)")


def _check_value(spec: ParamSpec, value: str) -> None:
    if spec.kind == "url" and value and not is_safe_url(value):
        raise BlockProblem(f"lien « {value} » refusé : utilisez une adresse du site (/don) ou "
                           "une adresse http(s)://, mailto: ou tel:")
    if spec.kind in {"image", "file"} and value and not is_safe_media_path(value):
        raise BlockProblem(f"« {value} » n’est pas un fichier du site : indiquez un chemin "
                           "comme media/photo.jpg")


def _load_items(block: RawBlock, spec: BlockSpec, render: Callable[[str], str],
                warnings: list[str]) -> list[dict[str, str]]:
    try:
        loaded = yaml.load(block.body, Loader=yaml.BaseLoader)  # every scalar stays a string
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = block.line + 1 + mark.line if mark is not None else block.line
        raise BlockProblem(f"liste mal écrite, ligne {line} ({exc.problem})", line) from exc
    except yaml.YAMLError as exc:
        raise BlockProblem(f"liste mal écrite ({exc})") from exc
    if not loaded:
        raise BlockProblem("la liste est vide : ajoutez au moins un élément commençant par « - »")
    if not isinstance(loaded, list) or not all(isinstance(item, dict) for item in loaded):
        raise BlockProblem("le contenu doit être une liste d’éléments commençant par « - », "
                           "par exemple « - " + spec.item_fields[0].name + ": … »")
    fields = {f.name: f for f in spec.item_fields}
    items = []
    for number, item in enumerate(loaded, start=1):
        clean: dict[str, str] = {}
        for key, value in item.items():
            if key not in fields:
                warnings.append(f"élément {number} : champ « {key} » inconnu, ignoré")
            elif not isinstance(value, str):
                raise BlockProblem(f"élément {number} : « {key} » doit être un texte simple")
            else:
                clean[key] = value.strip()
        for f in spec.item_fields:
            value = clean.get(f.name, "")
            if f.required and not value:
                raise BlockProblem(f"élément {number} : « {f.name} » ({f.label}) est obligatoire")
            _check_value(f, value)
            if f.kind == "markdown":
                clean[f.name + "_html"] = render(value)
        if spec.name == "galerie" and not clean.get("alt"):
            warnings.append(f"élément {number} : texte alternatif (alt) manquant pour "
                            f"« {clean['image']} »")
        items.append(clean)
    return items


def _block_data(block: RawBlock, spec: BlockSpec, params: dict[str, str],
                render: Callable[[str], str], warnings: list[str]) -> Any:
    if spec.body == "yaml":
        return _load_items(block, spec, render, warnings)
    data: dict[str, Any] = {p.name: params.get(p.name, "") for p in spec.params}
    if spec.body == "markdown":
        source = block.body.strip() or params.get("texte", "")
        data["html"] = render(source) if source else ""
    elif block.body.strip():
        warnings.append("le contenu placé entre les lignes « ::: » est ignoré pour ce bloc")
    if spec.name in {"hero", "appel"} and bool(data["bouton"]) != bool(data["lien"]):
        raise BlockProblem("indiquez à la fois « bouton » (le texte) et « lien » (l’adresse)")
    if spec.name == "don":
        data["montants"] = parse_amounts(params["montants"]) if params.get("montants") else []
        data["mensuel"] = parse_bool("mensuel", params.get("mensuel", "non"))
        data["texte"] = data["texte"] or "Je fais un don"
        extra = {"mensuel": "1"} if data["mensuel"] else {}
        data["url"] = "/don" + ("?" + urlencode(extra) if extra else "")
        data["liens"] = [
            {"montant": amount, "url": "/don?" + urlencode({"montant": amount, **extra})}
            for amount in data["montants"]
        ]
    elif spec.name == "video":
        video = parse_video_url(params["url"])
        if video is None:
            raise BlockProblem(f"vidéo « {params['url']} » non reconnue : donnez un lien YouTube "
                               "(youtube.com/watch?v=…, youtu.be/…) ou PeerTube "
                               "(https://serveur/w/…)")
        data.update(video, titre=data["titre"] or "Vidéo")
    elif spec.name == "document":
        filename = data["fichier"].rsplit("/", 1)[-1]
        data["titre"] = data["titre"] or filename
        data["format"] = filename.rsplit(".", 1)[-1].upper() if "." in filename else ""
    return data


def validate_block(block: RawBlock, render: Callable[[str], str]) -> Block:
    """Turn a :class:`RawBlock` into a :class:`Block` with parsed ``data`` or a French error.

    ``render`` turns Markdown into safe HTML (used for Markdown bodies and fields).
    """
    warnings: list[str] = []

    def failed(message: str, params: dict[str, str] | None = None) -> Block:
        return Block(block.name, params or {}, block.body, None, block.line, message,
                     tuple(warnings))

    spec = BLOCK_SPECS.get(block.name.lower())
    if spec is None:
        return failed(f"nom de bloc inconnu (blocs disponibles : "
                      f"{', '.join(sorted(BLOCK_SPECS))})")
    if not block.closed:
        return failed("bloc jamais fermé : ajoutez une ligne « ::: » après son contenu")
    try:
        params = parse_params(block.params_text)
    except BlockProblem as exc:
        return failed(exc.message)
    known = {p.name: p for p in spec.params}
    try:
        for key in params:
            if key not in known:
                warnings.append(f"paramètre « {key} » inconnu pour ce bloc, ignoré")
        for p in spec.params:
            if p.required and not params.get(p.name, "").strip():
                raise BlockProblem(f"le paramètre « {p.name} » ({p.label}) est obligatoire")
            _check_value(p, params.get(p.name, ""))
        data = _block_data(block, spec, params, render, warnings)
    except BlockProblem as exc:
        return failed(exc.message, params)
    return Block(spec.name, params, block.body, data, block.line, None, tuple(warnings))
