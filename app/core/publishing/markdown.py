"""Markdown to safe HTML: blocks, sanitising and French typography.

Blocks are cut out first and replaced by placeholders; the Markdown is converted, sanitised
(:mod:`app.core.publishing.sanitize`) and given French typography
(:mod:`app.core.publishing.typography`); then each placeholder becomes the block renderer's
output (a theme's template, or :func:`app.core.publishing.block_html.render_block_fallback`).
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.abbr import AbbrExtension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension

from app.core.publishing import fast_inline
from app.core.publishing.block_html import render_block_fallback
from app.core.publishing.blocks import Block, RawBlock, split_blocks, validate_block
from app.core.publishing.sanitize import sanitize_html
from app.core.publishing.typography import french_typography, smart_french_typography


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: str = ""
    toc_tokens: list[dict[str, Any]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# No "smarty": typography.smart_punctuation does its job at a fraction of its cost.
# Extensions are given as instances, in this order: by name, Python-Markdown looks them up
# among the installed packages' entry points, which cost more than converting a page (a
# one-page rebuild converts one).
def _extensions(with_toc: bool) -> list[Extension]:
    extensions: list[Extension] = [
        AbbrExtension(), AttrListExtension(), DefListExtension(), FencedCodeExtension(),
        FootnoteExtension(BACKLINK_TITLE="Retour à la note %d dans le texte"),
        MarkdownInHtmlExtension(), TableExtension(use_align_attribute=True), SaneListExtension()]
    return [*extensions, TocExtension()] if with_toc else extensions


_local = threading.local()


def _converter(with_toc: bool) -> markdown.Markdown:
    """A per-thread, reusable Markdown converter (they are not thread-safe)."""
    name = "page" if with_toc else "fragment"
    md = getattr(_local, name, None)
    if md is None:
        md = markdown.Markdown(extensions=_extensions(with_toc), output_format="html")
        fast_inline.install(md)
        setattr(_local, name, md)
    return md.reset()


_PLACEHOLDER = re.compile(r"(?:<p>)?zzblock([0-9a-f]{16})n(\d+)zz(?:</p>)?")
_ALIGN = re.compile(r'<(t[hd])((?:\s+(?!align=)[a-z-]+="[^"]*")*)\s+align="(left|right|center)"')


def _clean(html: str) -> str:
    """Sanitise, replace the obsolete ``align`` of table cells by a class (valid HTML5), then
    typographic punctuation and French spacing (one walk over the text nodes for both)."""
    return smart_french_typography(_ALIGN.sub(r'<\1\2 class="align-\3"', sanitize_html(html)))


def render_fragment(text: str) -> str:
    """Markdown → sanitised HTML with French typography (no blocks, no table of contents)."""
    return _clean(_converter(False).convert(text)).strip()


def render_markdown(
    text: str, block_renderer: Callable[[Block], str] | None = None, *, first_line: int = 1
) -> Rendered:
    """Render a page body. Never raises on content; problems become French ``warnings``.

    ``first_line`` is the line of ``text`` in its file (``Page.body_line``) so that warnings
    cite file lines. ``block_renderer`` output is trusted (autoescaped theme templates).
    """
    nonce = secrets.token_hex(8)
    chunks: list[str] = []
    blocks: list[Block] = []
    warnings: list[str] = []
    for part in split_blocks(text.replace("\r\n", "\n"), first_line):
        if isinstance(part, RawBlock):
            block = validate_block(part, render_fragment)
            blocks.append(block)
            if block.error:
                warnings.append(f"ligne {block.line} : bloc « {block.name} » : {block.error}")
            warnings.extend(f"ligne {block.line} : bloc « {block.name} » : {w}"
                            for w in block.warnings)
            chunks.append(f"\n\nzzblock{nonce}n{len(blocks) - 1}zz\n\n")
        else:
            chunks.append(part)
    md = _converter(True)
    body = _clean(md.convert("\n".join(chunks)))
    toc = french_typography(sanitize_html(getattr(md, "toc", "")))

    def place(match: re.Match[str]) -> str:
        block = blocks[int(match.group(2))]
        if block_renderer is None:
            return render_block_fallback(block)
        try:
            return block_renderer(block)
        except Exception as exc:  # a theme bug must not take the page down
            warnings.append(f"ligne {block.line} : bloc « {block.name} » impossible à afficher "
                            f"({type(exc).__name__})")
            return render_block_fallback(block)

    def placed(match: re.Match[str]) -> str:
        return place(match) if match.group(1) == nonce else match.group(0)

    # One compiled pattern for every page (a pattern naming the nonce was compiled per page);
    # a page without blocks has no placeholder to replace.
    html = _PLACEHOLDER.sub(placed, body) if blocks else body
    return Rendered(html, toc, list(getattr(md, "toc_tokens", [])), blocks, warnings)
