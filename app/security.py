"""Protections every response gets, whatever blueprint made it (docs/security.md).

- **Headers.** Every HTML page carries a Content-Security-Policy without inline script (the
  public site's own, set by its renderer, or the staff area's strict one below); pages other
  than the public site cannot be framed; nothing is MIME-sniffed; the referrer is trimmed; the
  staff area and its downloads are never cached (donor lists, generated passwords); files of
  ``/media`` and of themes are sandboxed (an SVG cannot run a script).
- **HTTPS.** Behind a reverse proxy, ``ESTRADE_PROXY_COUNT`` proxies are trusted for the
  client's address, scheme and host (Werkzeug's ProxyFix); a request that arrived over HTTPS
  gets HSTS and a Secure session cookie.
- **Request size.** A body over ``ESTRADE_MAX_BODY_BYTES`` (1 MB unless a route declares
  more with :func:`accepts_body`) is refused with 413 before it is read.
- **Secrets and files.** :func:`require_production_settings` refuses a missing, short or
  example ``SECRET_KEY`` (the WSGI entry point calls it; ``estrade run`` does not); the
  instance folder is 0700 and the SQLite files 0600.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, Response, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from app.settings import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

#: The staff area's and error pages' policy: the app's own files only, no inline script.
STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
#: Files served from /media and theme folders, if opened on their own (an SVG, an HTML file).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
HSTS = "max-age=63072000; includeSubDomains"
FILE_PREFIXES = ("/media/", "/_theme/")
STAFF_PREFIX = "/admin"
BODY_LIMIT_ATTRIBUTE = "estrade_max_body"

#: Keys seen in examples, tutorials and our own docs: never a real secret.
KNOWN_KEYS = frozenset({"change-me", "changeme", "secret", "dev", "development", "test",
                        "test-secret", "please-change-me", "your-secret-key", "secret-key"})
MIN_KEY_LENGTH = 32


class SessionCookies(SecureCookieSessionInterface):
    """The session cookie: never on a public page (no consent banner needed, nothing ties a
    visit to a person, whatever an extension did with the session during the request), and
    Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app)
                    or (has_request_context() and request.is_secure))

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        if g.get("public_page"):
            return None
        return super().save_session(app, session, response)


def accepts_body(max_bytes: int | Callable[[], int]) -> Callable[[F], F]:
    """Let one route take a larger body than the global limit (a media upload); a function
    gives the limit on each request (from a setting)."""

    def mark(view: F) -> F:
        setattr(view, BODY_LIMIT_ATTRIBUTE, max_bytes)
        return view

    return mark


def secret_key_problem(key: Any) -> str | None:
    """Why ``key`` cannot sign sessions in production (French), or None."""
    if not key:
        return "aucune clé SECRET_KEY n'est configurée"
    text = str(key)
    if text.strip().lower() in KNOWN_KEYS:
        return f"la clé SECRET_KEY « {text} » est une clé d'exemple connue de tous"
    if len(text) < MIN_KEY_LENGTH:
        return (f"la clé SECRET_KEY est trop courte ({len(text)} caractères, au moins "
                f"{MIN_KEY_LENGTH})")
    return None


def require_production_settings(app: Flask) -> None:
    """Refuse to serve with settings that only a local trial may use (the WSGI entry point
    and ``estrade serve`` call this; ``estrade run``, the development server, does not)."""
    problem = None
    if app.config.get("ESTRADE_EPHEMERAL_SECRET"):
        problem = "aucune clé SECRET_KEY n'est configurée"
    else:
        problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem:
        raise ConfigError(
            f"Démarrage refusé : {problem}. Chaque processus en inventerait une autre (les "
            "sessions et les formulaires cesseraient de fonctionner) ou n'importe qui "
            "pourrait signer une session. Lancez « estrade init » (qui écrit une clé "
            "aléatoire dans instance/config.py) ou définissez ESTRADE_SECRET_KEY : par "
            "exemple « python -c 'import secrets; print(secrets.token_hex(32))' ».")


def restrict_files(app: Flask) -> None:
    """The instance folder (secrets, the SQLite database) is the owner's alone."""
    folder = Path(app.instance_path)
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError:  # not ours (a read-only deployment): leave it to the operator
        pass


def _limit_body() -> None:
    view = request.url_rule and request.endpoint and request.url_rule.endpoint
    from flask import current_app

    handler = current_app.view_functions.get(view) if isinstance(view, str) else None
    declared = getattr(handler, BODY_LIMIT_ATTRIBUTE, None)
    if callable(declared):
        declared = declared()
    if declared:
        request.max_content_length = int(declared)


def _headers(response: Response) -> Response:
    path = request.path
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if path.startswith(FILE_PREFIXES):
        headers["Content-Security-Policy"] = FILE_CSP
    elif response.mimetype == "text/html" and "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = STRICT_CSP
    public_page = "frame-ancestors 'self'" in headers.get("Content-Security-Policy", "")
    if not public_page:
        headers.setdefault("X-Frame-Options", "DENY")
    if path == STAFF_PREFIX or path.startswith(STAFF_PREFIX + "/"):
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    count = int(app.config.get("ESTRADE_PROXY_COUNT") or 0)
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count,  # type: ignore[method-assign]
                                x_host=count, x_port=count)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default: no limit at all
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["ESTRADE_MAX_BODY_BYTES"])
    app.session_interface = SessionCookies()
    restrict_files(app)
    app.before_request(_limit_body)
    app.after_request(_headers)
