"""Error pages for the staff area (the public site renders its own through the theme)."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        message = _("Le formulaire a expiré ou n'est pas valide. Rechargez la page et "
                    "recommencez : rien n'a été enregistré.")
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(429)
    def too_many(error: Exception) -> Any:
        message = _("Trop de tentatives en peu de temps : attendez quelques minutes avant de "
                    "recommencer. Rien n'a été enregistré.")
        response = render_template("error.html", code=429, message=message), 429
        return response

    @app.errorhandler(403)
    def forbidden(error: Exception) -> Any:
        message = _("Votre rôle ne permet pas d'accéder à cette page.")
        return render_template("error.html", code=403, message=message), 403

    @app.errorhandler(404)
    def not_found(error: Exception) -> Any:
        if not request.path.startswith("/admin"):
            from app.website.views import render_not_found

            return render_not_found()
        return render_template("error.html", code=404, message=_("Page introuvable.")), 404
