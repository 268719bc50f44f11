"""/admin/menus: the site's menu (``[[navigation]]`` of ``site.toml``): reorder (drag and drop,
or the « Monter » / « Descendre » buttons, which are plain POSTs), rename, remove, add a page of
the site or an outside link. Every change is written back with ``update_site_file`` and shows
on the public site's next view. Scoped by ``site_required("content", …)``."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import site_required
from app.campaigns.models import Site
from app.campaigns.sitefile import ContentError, read_document
from app.dbutil import transaction
from app.editor import site_actions
from app.editor.media_views import get_site, my_sites, slug_site
from app.website.repository import site_content

bp = Blueprint("menus", __name__, url_prefix="/admin/menus", template_folder="templates")
MAX_LABEL = 60
MAX_ENTRIES = 20


class MenuProblem(ValueError):
    pass


def current_entries(site: Site) -> list[dict[str, str]]:
    """The menu as the public site shows it: ``[[navigation]]``, else the pages that declare
    a ``menu_order`` (the first change writes them as ``[[navigation]]``)."""
    raw = read_document(site_actions.site_folder(site)).unwrap().get("navigation") or []
    if raw:
        return [{"label": str(e.get("label", "")), "url": str(e.get("url", ""))} for e in raw]
    content = site_content(site_actions.site_folder(site))
    return [{"label": p.title, "url": f"/{p.slug}/" if p.slug else "/"} for p in content.menu()]


def version_of(entries: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode()).hexdigest()[:16]


def page_choices(site: Site) -> list[tuple[str, str]]:
    """(address, title) of every published page, and the donation page."""
    content = site_content(site_actions.site_folder(site))
    pages = sorted(content.pages.values(), key=lambda p: (p.slug != "", p.title.lower()))
    return [(f"/{p.slug}/" if p.slug else "/", p.title) for p in pages] + [
        ("/don", "Faire un don (formulaire de don)")]


def check_label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        raise MenuProblem(_("Donnez un nom à l’entrée du menu."))
    if len(label) > MAX_LABEL:
        raise MenuProblem(_("Le nom d’une entrée du menu fait %(n)d caractères au plus.",
                            n=MAX_LABEL))
    return label


def check_link(url: str) -> str:
    """An outside address: http or https, with a host name, nothing hidden."""
    url = url.strip()
    parts = urlsplit(url)
    if (parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500
            or any(c.isspace() or ord(c) < 32 for c in url) or any(c in url for c in "<>\"'`")):
        raise MenuProblem(_("Adresse « %(url)s » refusée : indiquez une adresse complète "
                            "commençant par https:// (ou http://), par exemple "
                            "https://exemple.fr/page.", url=url[:100]))
    return url


def apply(entries: list[dict[str, str]], form: Any, choices: list[tuple[str, str]]) -> str:
    """Change ``entries`` as the posted form asks; what was done, for the audit row."""
    op = form.get("op", "")
    raw_index = form.get("index", "")
    index = int(raw_index) if raw_index.isdigit() else -1
    if op in ("monter", "descendre", "renommer", "retirer") and not 0 <= index < len(entries):
        raise MenuProblem(_("Cette entrée n’est plus dans le menu : rechargez la page."))
    if op == "monter" and index > 0:
        entries[index - 1], entries[index] = entries[index], entries[index - 1]
    elif op == "descendre" and index < len(entries) - 1:
        entries[index + 1], entries[index] = entries[index], entries[index + 1]
    elif op == "renommer":
        entries[index]["label"] = check_label(form.get("label", ""))
    elif op == "retirer":
        entries.pop(index)
    elif op == "ordre":
        order = [int(i) for i in form.get("order", "").split(",") if i.strip().isdigit()]
        if sorted(order) != list(range(len(entries))):
            raise MenuProblem(_("Ordre incomplet : rechargez la page."))
        entries[:] = [entries[i] for i in order]
    elif op in ("page", "lien"):
        if len(entries) >= MAX_ENTRIES:
            raise MenuProblem(_("Le menu a déjà %(n)d entrées : retirez-en une d’abord.",
                                n=MAX_ENTRIES))
        if op == "page":
            url = form.get("page", "")
            titles = dict(choices)
            if url not in titles:
                raise MenuProblem(_("Choisissez une page du site."))
            label = check_label(form.get("label", "") or titles[url])
        else:
            label = check_label(form.get("label", ""))
            url = check_link(form.get("url", ""))
        entries.append({"label": label, "url": url})
    elif op not in ("monter", "descendre"):
        raise MenuProblem(_("Action inconnue."))
    return op


@bp.route("/")
@site_required("content")
def index() -> Any:
    sites = my_sites("content")
    if len(sites) == 1:
        return redirect(url_for("menus.edit", site=sites[0].slug))
    return render_template("editor/choose_site.html", sites=sites, endpoint="menus.edit",
                           title=_("Menu du site"))


def render_menu(site: Site, error: str = "", status: int = 200) -> Any:
    entries = current_entries(site)
    moved = request.args.get("entree", "")
    return render_template("editor/menus.html", site=site, entries=entries,
                           version=version_of(entries), choices=page_choices(site),
                           error=error, moved=int(moved) if moved.isdigit() else -1,
                           focus=request.args.get("bouton", "")), status


@bp.route("/<site>/")
@site_required("content", slug_site)
def edit(site: str) -> Any:
    return render_menu(get_site(site))


@bp.route("/<site>/changer", methods=["POST"])
@site_required("content", slug_site)
def change(site: str) -> Any:
    found = get_site(site)
    entries = current_entries(found)
    if request.form.get("version") != version_of(entries):
        return render_menu(found, _("Le menu a été modifié entre-temps (par quelqu’un d’autre "
                                    "ou dans un autre onglet) : voici sa version actuelle, "
                                    "recommencez votre changement."), 409)
    try:
        op = apply(entries, request.form, page_choices(found))
        with transaction():
            site_actions.save_navigation(found, current_user, entries, op)
    except (MenuProblem, ContentError, site_actions.ActionRefused) as refused:
        return render_menu(found, str(refused), 422)
    current_app.logger.info("menu de %s : %s", found.slug, op)
    if request.accept_mimetypes.best == "application/json":
        from flask import jsonify

        return jsonify(ok=True, version=version_of(entries))
    index = request.form.get("index", "")
    if op in ("monter", "descendre") and index.isdigit():
        position = int(index) + (-1 if op == "monter" else 1)
        position = max(0, min(position, len(entries) - 1))
        flash(_("« %(label)s » est maintenant en position %(n)d du menu.",
                label=entries[position]["label"], n=position + 1), "success")
        return redirect(url_for("menus.edit", site=found.slug, entree=position, bouton=op))
    flash(_("Menu enregistré : le site public le montre dès maintenant."), "success")
    return redirect(url_for("menus.edit", site=found.slug))
