"""Machine-readable outputs: Atom feed of the news, sitemap.xml and robots.txt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from xml.sax.saxutils import escape

from app.core.publishing.pages import Page


def _stamp(day: dt.date | None) -> str:
    return f"{(day or dt.date(2000, 1, 1)).isoformat()}T00:00:00Z"


def atom_feed(*, title: str, site_url: str, feed_url: str, news_url: str,
              items: Iterable[tuple[Page, str]], author: str) -> str:
    """An Atom 1.0 document; ``items`` are (page, absolute URL), newest first."""
    entries = list(items)
    updated = max((p.date for p, _ in entries if p.date), default=None)
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        f"  <title>{escape(title)} · Actualités</title>",
        f'  <link href="{escape(news_url)}"/>',
        f'  <link rel="self" type="application/atom+xml" href="{escape(feed_url)}"/>',
        f"  <id>{escape(feed_url)}</id>",
        f"  <updated>{_stamp(updated)}</updated>",
        f"  <author><name>{escape(author or title)}</name></author>",
    ]
    for page, url in entries:
        parts += [
            "  <entry>",
            f"    <title>{escape(page.title)}</title>",
            f'    <link href="{escape(url)}"/>',
            f"    <id>{escape(url)}</id>",
            f"    <updated>{_stamp(page.date)}</updated>",
            f"    <summary>{escape(page.description or page.title)}</summary>",
            "  </entry>",
        ]
    parts.append("</feed>")
    return "\n".join(parts) + "\n"


def sitemap(urls: Iterable[tuple[str, dt.date | None]]) -> str:
    """sitemaps.org document; ``urls`` are (absolute URL, last modification date or None)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, day in urls:
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        parts.append(f"  <url><loc>{escape(url)}</loc>{lastmod}</url>")
    parts.append("</urlset>")
    return "\n".join(parts) + "\n"


def robots(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"
