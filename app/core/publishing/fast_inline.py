"""Python-Markdown's inline pass, with the same output at a fraction of its overhead.

The inline processor tries every inline pattern (about fifteen with our extensions) on every
text node, one method call each, even when the pattern's expression cannot match anywhere in
the text: a thousand pages meant a million calls, most of them for nothing. This subclass asks
the pattern's compiled expression first (in C) and calls the library's own matching code only
when it can match, so every substitution is still made by Python-Markdown itself. When the
library's private layout is not the one this was written for, the stock processor is kept.
"""

from __future__ import annotations

from typing import Any, cast

import markdown
from markdown import inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

_HANDLE = "_InlineProcessor__handleInline"
_APPLY = "_InlineProcessor__applyPattern"
#: The inline processor's priority in Python-Markdown's tree processors (``build_treeprocessors``).
INLINE_PRIORITY = 20


class FastInlineProcessor(InlineProcessor):  # type: ignore[misc]
    """:class:`InlineProcessor` skipping the patterns that cannot match a text node."""

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        # A list, not the registry: the registry sorts and maps names on every index lookup.
        patterns = list(self.md.inlinePatterns)
        self.inlinePatterns = patterns
        self._expressions = [p.getCompiledRegExp()
                             if isinstance(p, inlinepatterns.InlineProcessor) else None
                             for p in patterns]
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return cast(str, data)  # kept as it is: an AtomicString is never parsed again
        apply = getattr(self, _APPLY)
        patterns, expressions = self.inlinePatterns, self._expressions
        start = 0
        count = len(patterns)
        while patternIndex < count:
            expression = expressions[patternIndex]
            if expression is not None and expression.search(data, start) is None:
                # What __applyPattern answers when its expression finds nothing.
                patternIndex += 1
                start = 0
                continue
            data, matched, start = apply(patterns[patternIndex], data, patternIndex, start)
            assert isinstance(data, str)
            if not matched:
                patternIndex += 1
        return data


def install(md: markdown.Markdown) -> None:
    """Put :class:`FastInlineProcessor` in place of ``md``'s inline processor."""
    if not (hasattr(InlineProcessor, _HANDLE) and hasattr(InlineProcessor, _APPLY)
            and "inline" in md.treeprocessors):
        return
    md.treeprocessors.register(FastInlineProcessor(md), "inline", INLINE_PRIORITY)
