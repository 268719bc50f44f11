"""/admin/theme: choose the site's theme (a picture of each) and fill the settings form made
from its ``theme.toml``; the colours are checked for contrast on the server (WCAG AA, a refused
choice shows its ratio) and previewed on the site's own home page before saving. Site admins
only (``site_required("settings", …)``): another site's theme answers 404."""

from __future__ import annotations

import dataclasses
from html import escape
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.decorators import site_required
from app.campaigns.models import Site
from app.campaigns.sitefile import ContentError
from app.core.publishing.theme_settings import (
    SettingSpec,
    check_settings,
    contrast_problem,
    settings_css,
)
from app.dbutil import transaction
from app.editor import site_actions
from app.editor.media_views import get_site, my_sites, slug_site
from app.website.live import make_renderer
from app.website.render import RenderOptions
from app.website.repository import site_content
from app.website.routes import SETTINGS_CSS_PATH
from app.website.themes import Theme, list_themes, load_theme

bp = Blueprint("theme", __name__, url_prefix="/admin/theme", template_folder="templates")
FIELD = "reglage-"


def themes_dir() -> str:
    return str(current_app.config["ESTRADE_THEMES_DIR"])


def site_theme(site: Site) -> Theme:
    return load_theme(themes_dir(), site.theme)


def saved_values(site: Site) -> dict[str, Any]:
    content = site_content(site_actions.site_folder(site))
    return dict(content.config.theme_settings)


def posted_values(theme: Theme, form: Any) -> dict[str, Any]:
    """The settings form's values, one per declared setting (a missing box: false)."""
    values: dict[str, Any] = {}
    for name, spec in theme.specs.items():
        raw = form.get(FIELD + name)
        if spec.type == "bool":
            values[name] = raw == "oui"
        elif raw is not None:
            values[name] = raw.replace("\r\n", "\n") if spec.type == "textarea" else raw.strip()
        else:
            values[name] = spec.default
        if spec.type == "color" and isinstance(values[name], str):
            values[name] = values[name].lower()
    return values


def field_errors(theme: Theme, values: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Every problem (French) and the one shown beside each field."""
    check = check_settings(theme.specs, list(theme.contrast), values)
    by_field: dict[str, str] = {}
    for name, spec in theme.specs.items():
        mine = [e for e in check.errors if e.startswith(f"« {spec.label} »")]
        if mine:
            by_field[name] = mine[0]
    for rule in theme.contrast:
        text, background = values.get(rule.text), values.get(rule.background)
        if rule.text in by_field or rule.background in by_field:
            continue
        problem = contrast_problem(str(text), str(background), theme.specs[rule.text].label,
                                   theme.specs[rule.background].label, rule.label)
        if problem:
            by_field.setdefault(rule.text, problem)
    return check.errors, by_field


def six_digits(value: Any) -> str:
    text = str(value or "")
    if len(text) == 4 and text.startswith("#"):
        return "#" + "".join(c * 2 for c in text[1:]).lower()
    return text.lower()


@bp.app_template_filter("six_digits")
def _six_digits(value: Any) -> str:
    return six_digits(value)


@bp.route("/")
@site_required("settings")
def index() -> Any:
    sites = my_sites("settings")
    if len(sites) == 1:
        return redirect(url_for("theme.edit", site=sites[0].slug))
    return render_template("editor/choose_site.html", sites=sites, endpoint="theme.edit",
                           title=_("Thème du site"))


def render_theme(site: Site, values: dict[str, Any] | None = None, errors: list[str] | None = None,
                 by_field: dict[str, str] | None = None, status: int = 200) -> Any:
    theme = site_theme(site)
    current = check_settings(theme.specs, [], values if values is not None
                             else saved_values(site)).values
    if values is not None:
        current.update({k: v for k, v in values.items() if k in theme.specs})
    images = [f for f in site_actions.library(site).files() if f.is_image]
    return render_template("editor/theme.html", site=site, theme=theme,
                           themes=list_themes(themes_dir()), values=current,
                           errors=errors or [], by_field=by_field or {}, images=images,
                           field=FIELD), status


@bp.route("/<site>/")
@site_required("settings", slug_site)
def edit(site: str) -> Any:
    return render_theme(get_site(site))


@bp.route("/<site>/choisir", methods=["POST"])
@site_required("settings", slug_site)
def choose(site: str) -> Any:
    found = get_site(site)
    name = request.form.get("theme", "")
    try:
        with transaction():
            site_actions.choose_theme(found, current_user, name)
    except (site_actions.ActionRefused, ContentError) as refused:
        return render_theme(found, errors=[str(refused)], status=422)
    flash(_("Thème « %(label)s » choisi : le site public l’utilise dès maintenant.",
            label=site_theme(found).label), "success")
    return redirect(url_for("theme.edit", site=found.slug))


@bp.route("/<site>/reglages", methods=["POST"])
@site_required("settings", slug_site)
def save(site: str) -> Any:
    found = get_site(site)
    theme = site_theme(found)
    values = posted_values(theme, request.form)
    errors, by_field = field_errors(theme, values)
    if errors:
        return render_theme(found, values, errors, by_field, 422)
    try:
        with transaction():
            site_actions.save_theme_settings(found, current_user, values)
    except (site_actions.ActionRefused, ContentError) as refused:
        return render_theme(found, values, [str(refused)], status=422)
    flash(_("Réglages du thème enregistrés : le site public les montre dès maintenant."),
          "success")
    return redirect(url_for("theme.edit", site=found.slug))


@bp.route("/<site>/apercu", methods=["GET", "POST"])
@site_required("settings", slug_site)
def preview(site: str) -> Any:
    """The site's home page through its own renderer, with the form's unsaved settings (POST)
    or the saved ones (GET). Settings that are refused fall back to the theme's defaults, as
    the live site would."""
    found = get_site(site)
    theme = site_theme(found)
    values = posted_values(theme, request.form) if request.method == "POST" \
        else saved_values(found)
    content = site_content(site_actions.site_folder(found))
    trial = dataclasses.replace(content, config=dataclasses.replace(
        content.config, theme_settings=values))
    base_url = content.config.base_url or request.host_url.rstrip("/")
    renderer = make_renderer(found, RenderOptions(base_url=base_url), content=trial)
    output = renderer.render_path("")
    css_values = {k: v for k, v in renderer.settings.items() if theme.specs[k].css}
    css = url_for("theme.preview_css", site=found.slug, **css_values)
    body = output.body.replace(f'href="{SETTINGS_CSS_PATH}"', f'href="{escape(css)}"')
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = output.csp + "; frame-ancestors 'self'"
    return response


@bp.route("/<site>/apercu.css")
@site_required("settings", slug_site)
def preview_css(site: str) -> Any:
    theme = site_theme(get_site(site))
    values = {k: v for k, v in request.args.items() if k in theme.specs}
    check = check_settings(theme.specs, list(theme.contrast), values)
    return Response(settings_css(theme.specs, check.values), mimetype="text/css")


@bp.route("/<site>/vignette/<name>.svg")
@site_required("settings", slug_site)
def picture(site: str, name: str) -> Any:
    """A small picture of a theme, drawn from its own default colours."""
    get_site(site)
    if name not in {t.name for t in list_themes(themes_dir())}:
        abort(404)
    theme = load_theme(themes_dir(), name)
    svg = render_template("editor/theme_picture.svg", theme=theme,
                          c={k: six_digits(s.default) for k, s in theme.specs.items()
                             if s.type == "color"},
                          serif=_serif(theme.specs.get("police_titres")))
    return Response(svg, mimetype="image/svg+xml")


def _serif(spec: SettingSpec | None) -> bool:
    return bool(spec and spec.default in ("serif", "didone"))
