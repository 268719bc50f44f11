"""``/desinscription/<token>``: the unsubscribe link of every mail to a donor (GDPR-2).

Public and without login: the signed token names the site and the address's keyed digest
(never the address itself, so the link tells nobody who gave to this campaign). Opening the link
changes nothing (mail scanners open links); the person confirms with a button (POST with the
CSRF token), and the withdrawal is recorded at once. A token of another site, or a forged
one, gets 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from app.access import public
from app.dbutil import transaction
from app.mail import read_unsubscribe_token
from app.privacy.actions import withdraw

bp = Blueprint("privacy", __name__, template_folder="templates")


def _respond(title: str, content: str) -> Any:
    from app.website.views import renderer

    output = renderer().render_app_page(title, request.path, content, description=title)
    response = current_app.response_class(output.body, status=output.status,
                                          mimetype="text/html")
    response.headers["Content-Security-Policy"] = output.csp + "; frame-ancestors 'none'"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


@bp.route("/desinscription/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str) -> Any:
    from app.website.views import current_site

    site = current_site()
    found = read_unsubscribe_token(token)
    if found is None or found[0] != site.id:
        abort(404)
    _, key = found
    title = gettext("Se désinscrire")
    if request.method == "POST":  # CSRF checked by Flask-WTF before we get here
        with transaction():
            withdraw(site.id, key, source="lien de désinscription d'un courriel")
        return _respond(title, render_template("privacy/unsubscribed.html"))
    return _respond(title, render_template("privacy/unsubscribe.html"))
