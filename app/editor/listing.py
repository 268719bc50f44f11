"""What the pages list shows of each page: address, title, kind, status, last editor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.campaigns.models import Site
from app.core.publishing.pages import slug_from_path
from app.editor import actions, pagefile
from app.editor.models import EditorPage

STATUSES = {
    "brouillon": "Brouillon",
    "publiee": "Publiée",
    "programmee": "Programmée",
    "modifiee": "Modifications non publiées",
}


@dataclass(frozen=True)
class PageRow:
    site: Site
    page: EditorPage
    path: str
    slug: str
    title: str
    kind: str
    status: str
    editor: str
    edited_at: dt.datetime | None
    problem: str

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def depth(self) -> int:
        return self.slug.count("/") + (1 if self.slug else 0)

    @property
    def address(self) -> str:
        return f"/{self.slug}/" if self.slug else "/"

    @property
    def search_text(self) -> str:
        return f"{self.title} {self.slug} {self.path}".lower()


def status_of(page: EditorPage) -> str:
    if page.scheduled_at is not None:
        return "programmee"
    if page.published_id is None:
        return "brouillon"
    if page.head is not None and page.published is not None \
            and page.head.digest != page.published.digest:
        return "modifiee"
    return "publiee"


def page_rows(site: Site, pages: list[EditorPage]) -> list[PageRow]:
    """Rows sorted as a tree by address (a folder's page before the pages under it)."""
    root = actions.pages_root(site)
    rows = []
    for page in pages:
        head = page.head
        parsed, problem = pagefile.read(page.path, head.text, root) if head else (None, "")
        slug = parsed.slug if parsed else slug_from_path(root / page.path, root)
        author = head.author.email if head is not None and head.author is not None else (
            "modifié sur le serveur" if head is not None else "")
        rows.append(PageRow(site, page, page.path, slug, parsed.title if parsed else page.path,
                            parsed.kind if parsed else "page", status_of(page), author,
                            head.created_at if head else None, problem))
    return sorted(rows, key=lambda r: (r.site.title, r.slug.split("/")))
