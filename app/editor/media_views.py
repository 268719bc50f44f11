"""/admin/medias: a site's media library (upload, alt text, search, where used, delete) and
the image picker of the page editor. Every route is ``site_required("content", …)``: another
site's library answers 404."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from app.accounts.decorators import site_by_slug, site_or_404, site_required
from app.campaigns.models import Site
from app.dbutil import transaction
from app.editor import site_actions
from app.editor.media import MediaError, MediaFile, size_text, too_large_message
from app.extensions import db
from app.security import accepts_body

bp = Blueprint("media", __name__, url_prefix="/admin/medias", template_folder="templates")
LIMIT_SETTING = "ESTRADE_MEDIA_MAX_BYTES"
#: Room for the form's other fields around the file itself.
FORM_OVERHEAD = 64 * 1024


slug_site = site_by_slug("site")


get_site = site_or_404


def max_bytes() -> int:
    return int(current_app.config[LIMIT_SETTING])


def my_sites(capability: str) -> list[Site]:
    return list(db.session.scalars(select(Site).where(
        Site.id.in_(current_user.site_ids(capability))).order_by(Site.title)))


@bp.app_template_filter("size_text")
def _size_text(size: int) -> str:
    return size_text(size)


@bp.route("/")
@site_required("content")
def index() -> Any:
    sites = my_sites("content")
    if len(sites) == 1:
        return redirect(url_for("media.library", site=sites[0].slug))
    return render_template("editor/choose_site.html", sites=sites, endpoint="media.library",
                           title=_("Médiathèque"))


def render_library(site: Site, error: str = "", status: int = 200, alt: str = "") -> Any:
    lib = site_actions.library(site)
    query = request.args.get("q", "").strip()
    files = lib.files()
    if query:
        needle = query.lower()
        files = [f for f in files if needle in f.name.lower() or needle in f.alt.lower()]
    with transaction():
        used = site_actions.usages(site, [f.name for f in files])
    for item in files:
        item.usages = used[item.name]
    return render_template("editor/media.html", site=site, files=files, query=query,
                           error=error, alt=alt, max_bytes=max_bytes(),
                           limit_text=size_text(max_bytes())), status


@bp.route("/<site>/")
@site_required("content", slug_site)
def library(site: str) -> Any:
    return render_library(get_site(site))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> Any:
    """A body over the limit is refused before it is read; the library says why."""
    slug = (request.view_args or {}).get("site")
    found = db.session.scalar(select(Site).where(Site.slug == slug)) if slug else None
    message = too_large_message(max_bytes())
    if found is None or not current_user.is_authenticated or not current_user.can(
            "content", found.id):
        return render_template("error.html", code=413, message=message), 413
    return render_library(found, message, 413)


@bp.route("/<site>/envoyer", methods=["POST"])
@accepts_body(lambda: max_bytes() + FORM_OVERHEAD)
@site_required("content", slug_site)
def upload(site: str) -> Any:
    found = get_site(site)
    limit = max_bytes()
    upload = request.files.get("file")
    alt = request.form.get("alt", "").strip()
    if upload is None or not upload.filename:
        return render_library(found, _("Choisissez un fichier à envoyer."), 400, alt)
    try:
        with transaction():
            stored = site_actions.upload_media(found, current_user, upload.stream,
                                               upload.filename, alt, limit)
    except MediaError as refused:
        return render_library(found, str(refused), 422, alt)
    finally:
        upload.close()
    if stored.is_image and not stored.alt:
        flash(_("« %(name)s » est dans la médiathèque. Décrivez l’image (texte alternatif) : "
                "sans description, elle ne peut pas être insérée dans une page.",
                name=stored.name), "warning")
    else:
        flash(_("« %(name)s » est dans la médiathèque.", name=stored.name), "success")
    return redirect(url_for("media.library", site=found.slug) + f"#media-{stored.name}")


@bp.route("/<site>/<name>/description", methods=["POST"])
@site_required("content", slug_site)
def describe(site: str, name: str) -> Any:
    found = get_site(site)
    try:
        with transaction():
            site_actions.set_media_alt(found, current_user, name, request.form.get("alt", ""))
    except MediaError as refused:
        return render_library(found, str(refused), 404)
    flash(_("Description de « %(name)s » enregistrée.", name=name), "success")
    return redirect(url_for("media.library", site=found.slug) + f"#media-{name}")


@bp.route("/<site>/<name>/supprimer", methods=["POST"])
@site_required("content", slug_site)
def delete(site: str, name: str) -> Any:
    found = get_site(site)
    try:
        with transaction():
            site_actions.delete_media(found, current_user, name)
    except MediaError as refused:
        return render_library(found, str(refused), 409)
    flash(_("« %(name)s » a été supprimé.", name=name), "success")
    return redirect(url_for("media.library", site=found.slug))


@bp.route("/<site>/fichier/<name>")
@site_required("content", slug_site)
def file(site: str, name: str) -> Any:
    """The file itself, for the staff pages whatever host they are reached at."""
    found = get_site(site)
    lib = site_actions.library(found)
    if name not in lib.names():
        abort(404)
    return _send(lib.media / name)


@bp.route("/<site>/vignette/<name>")
@site_required("content", slug_site)
def thumbnail(site: str, name: str) -> Any:
    """A small size of an image (its smallest responsive WebP), else the file itself."""
    from pathlib import Path

    from app.website.images import ImageStore

    found = get_site(site)
    lib = site_actions.library(found)
    if name not in lib.names():
        abort(404)
    cache = Path(current_app.instance_path) / "cache" / "images" / found.slug
    store = ImageStore(lib.media, cache)
    widths = store.widths(name)
    small = store.variant(widths[0], f"{name.rsplit('.', 1)[0]}.webp") if widths else None
    return _send(small or lib.media / name)


def _send(path: Any) -> Any:
    response = send_file(path, conditional=True)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def picker_item(site: Site, item: MediaFile) -> dict[str, Any]:
    return {"name": item.name, "url": item.url, "alt": item.alt,
            "thumb": url_for("media.thumbnail", site=site.slug, name=item.name)}


@bp.route("/<site>/images.json")
@site_required("content", slug_site)
def images(site: str) -> Any:
    """The library's images for the editor's « Image » button (with their alt text)."""
    found = get_site(site)
    items = [picker_item(found, f) for f in site_actions.library(found).files()
             if f.kind in ("jpeg", "png", "webp", "gif")]
    return jsonify(images=items, library=url_for("media.library", site=found.slug))
