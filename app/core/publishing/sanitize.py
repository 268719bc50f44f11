"""Safe HTML for the content pipeline: nh3 allowlist, URL and media path checks.

Everything produced from staff-written Markdown goes through :func:`sanitize_html` before it
reaches a page. The allowlist is explicit: anything not listed here is dropped. Blocks are not
sanitised (their HTML comes from autoescaped theme templates, or from the escaping
:mod:`app.core.publishing.block_html`).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import nh3

#: URL schemes allowed in ``href``/``src``; relative URLs are always allowed.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")

ALLOWED_TAGS = frozenset(
    {
        *_HEADINGS,
        "p", "br", "hr", "a", "img", "figure", "figcaption",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "colgroup", "col",
        "blockquote", "q", "cite", "code", "pre", "kbd", "samp", "var",
        "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup",
        "abbr", "span", "div", "details", "summary", "time",
    }
)

#: Tags removed together with everything inside them.
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
        "svg", "math", "template", "noscript", "noembed", "noframes", "xmp",
        "textarea", "select", "button", "head", "title",
    }
)

_CLASS_TAGS = ("div", "span", "p", "a", "code", "pre", "figure", "img", "table", "li", "ul", "ol")

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "time": {"datetime"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"id"},
    "sup": {"id"},
    **{h: {"id"} for h in _HEADINGS},
}
for _tag in _CLASS_TAGS:
    ALLOWED_ATTRIBUTES.setdefault(_tag, set()).add("class")

#: Attributes restricted to a fixed set of values.
ALLOWED_ATTRIBUTE_VALUES: dict[str, dict[str, set[str]]] = {
    "img": {"loading": {"lazy", "eager"}},
    "th": {"align": {"left", "right", "center"}},
    "td": {"align": {"left", "right", "center"}},
}

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _squash(value: str) -> str:
    """Remove whitespace and control characters the way browsers ignore them in URLs."""
    return _CONTROL.sub("", unicodedata.normalize("NFKC", value))


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Defence in depth: drop a URL that looks like a forbidden scheme once squashed
    (``jav ascript:``), even though a browser would read it as a harmless relative URL."""
    if attribute in _URL_ATTRIBUTES:
        scheme = _SCHEME.match(_squash(value))
        if scheme is not None and scheme.group(0)[:-1].lower() not in URL_SCHEMES:
            return None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=ALLOWED_ATTRIBUTES,
    tag_attribute_values=ALLOWED_ATTRIBUTE_VALUES,
    url_schemes=set(URL_SCHEMES),
    # ``target`` is never allowed, so links cannot open a window that keeps an ``opener``;
    # no ``rel`` is needed then.
    link_rel=None,
    strip_comments=True,
    attribute_filter=_attribute_filter,
)


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to the allowlist (tags, attributes, URL schemes)."""
    return _CLEANER.clean(html)


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and tel URLs and for relative URLs (``/don``, ``#faq``)."""
    squashed = _squash(url)
    if not squashed or "\\" in squashed:
        return False
    match = _SCHEME.match(squashed)
    if match is None:
        return True
    if match.group(0)[:-1].lower() not in URL_SCHEMES:
        return False
    if match.group(0).lower() in {"http:", "https:"}:
        return bool(urlsplit(squashed).netloc)
    return True


def is_safe_media_path(path: str) -> bool:
    """True for a path to a file of the site itself: ``media/photo.jpg`` or ``/media/x.pdf``.

    Rejects any scheme (``javascript:``, ``data:``, ``https:``: no third-party request),
    protocol-relative URLs (``//host``), ``..`` segments, backslashes and control characters.
    """
    if not path or path != path.strip() or _CONTROL.search(path) or "\\" in path:
        return False
    if path.startswith("//") or _SCHEME.match(_squash(path)) or ":" in path.split("/")[0]:
        return False
    if any(part in {"..", "."} for part in path.split("?")[0].split("/")):
        return False
    return not any(ch in path for ch in "<>\"'`")


_YT_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YT_HOSTS = {"youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"}
_PT_PATH = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{8,40})/?$")


def parse_video_url(url: str) -> dict[str, str] | None:
    """Recognise a YouTube or PeerTube video; None when the URL is neither."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not host:
        return None
    video_id = None
    if host == "youtu.be":
        video_id = parts.path.strip("/")
    elif host in _YT_HOSTS:
        if parts.path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif re.match(r"^/(embed|shorts|live)/", parts.path):
            video_id = parts.path.split("/")[2]
    if video_id is not None:
        if not _YT_ID.match(video_id):
            return None
        return {"provider": "youtube", "id": video_id, "host": "www.youtube-nocookie.com",
                "embed_url": f"https://www.youtube-nocookie.com/embed/{video_id}",
                "url": f"https://www.youtube.com/watch?v={video_id}"}
    match = _PT_PATH.match(parts.path)
    if parts.scheme != "https" or match is None or "youtube" in host or parts.username:
        return None
    netloc = parts.netloc.lower()
    return {"provider": "peertube", "id": match.group(1), "host": netloc,
            "embed_url": f"https://{netloc}/videos/embed/{match.group(1)}",
            "url": f"https://{netloc}/w/{match.group(1)}"}
