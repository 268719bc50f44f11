"""Every setting of Estrade, declared once: key, default, help, environment variable, type.

``app.config`` reads them; ``scripts/settings_doc.py`` writes the table of
``docs/configuration.md`` and ``instance/config.example.py`` from them (``tests/test_docs.py``
fails when either is not what the declarations give).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting that cannot work: the app refuses to start, in French."""


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    env: str | None = None  # environment variable overriding the value
    kind: type = str
    #: What the docs show as the default when the value itself says nothing useful.
    shown_default: str = ""
    #: A value for instance/config.example.py (Python source); default: the default's repr.
    example: str = ""


SETTINGS: tuple[Setting, ...] = (
    Setting("SECRET_KEY", None, "Signs sessions and CSRF tokens. At least 32 random characters; "
            "`estrade init` writes one. A missing, short or example key is refused outside "
            "`estrade run`.", "ESTRADE_SECRET_KEY", shown_default="random, written by "
            "`estrade init`", example='"change-me"'),
    Setting("SQLALCHEMY_DATABASE_URI", None, "Database URL: SQLite, or PostgreSQL with "
            "`postgresql+psycopg://`.", "ESTRADE_DATABASE_URL",
            shown_default="`sqlite:///instance/estrade.sqlite`",
            example='"postgresql+psycopg://estrade@127.0.0.1:5432/estrade"'),
    Setting("ESTRADE_CONTENT_DIR", str(PROJECT_ROOT / "content"),
            "Folder holding one sub-folder of Markdown content per site.", "ESTRADE_CONTENT_DIR",
            shown_default="`content/`", example='"/srv/estrade/content"'),
    Setting("ESTRADE_THEMES_DIR", str(PROJECT_ROOT / "themes"), "Folder holding the themes.",
            "ESTRADE_THEMES_DIR", shown_default="`themes/`", example='"/srv/estrade/themes"'),
    Setting("ESTRADE_CONTENT_RECHECK_SECONDS", 1.0,
            "Live site: how long a site's pages are served before its folder is checked for "
            "changes again (0: on every request; costs a file scan, long on large sites).",
            "ESTRADE_CONTENT_RECHECK_SECONDS", float),
    Setting("ESTRADE_PUBLISH_CHECK_SECONDS", 30,
            "How often each server process publishes the pages scheduled for now (a thread "
            "started with the first request; the database lock makes one process do each). "
            "0: never (then run `estrade pages publish-due` from cron every minute).",
            "ESTRADE_PUBLISH_CHECK_SECONDS", int),
    Setting("ESTRADE_DEFAULT_SITE", "",
            "Slug of a site served for host names that no site declares. Empty (the default): "
            "such a request gets 404, so a site never answers for a name it does not own.",
            "ESTRADE_DEFAULT_SITE", example='"demo"'),
    Setting("BABEL_DEFAULT_LOCALE", "fr", "Default interface language (fr or en).",
            "ESTRADE_LOCALE"),
    Setting("ESTRADE_LANGUAGES", "fr,en", "Interface languages offered, comma separated.",
            "ESTRADE_LANGUAGES"),
    Setting("ESTRADE_STATIC_ROOT", "",
            "Publish to static: a folder where each publish (and `estrade static sync`) writes "
            "the published pages, news lists, feed and sitemap as files, one sub-folder per "
            "host name, for nginx to serve directly and hand the rest to the app "
            "(docs/nginx/estrade.conf). Empty: off, every page is served by the app.",
            "ESTRADE_STATIC_ROOT", example='"/srv/estrade/static"'),
    Setting("ESTRADE_DONATE_URL", "",
            "Absolute URL of the live app's /don used by static exports (empty: same site).",
            "ESTRADE_DONATE_URL", example='"https://dons.example.fr/don"'),
    Setting("STRIPE_SECRET_KEY", "", "Stripe secret key (sk_…). Set it with "
            "STRIPE_WEBHOOK_SECRET, or leave both empty (no online payment, or the local "
            "demonstration): a partial Stripe configuration refuses to start, naming the "
            "missing key.", "STRIPE_SECRET_KEY"),
    Setting("STRIPE_PUBLISHABLE_KEY", "", "Stripe publishable key (pk_…); optional, unused by "
            "Checkout.", "STRIPE_PUBLISHABLE_KEY"),
    Setting("STRIPE_WEBHOOK_SECRET", "", "Signing secret of the Stripe webhook endpoint (whsec_…).",
            "STRIPE_WEBHOOK_SECRET"),
    Setting("ESTRADE_WEBHOOK_INBOX", False,
            "Stripe webhook at a peak: verify the signature, store the event in the inbox and "
            "answer 200 at once; a drainer thread in each worker books the stored events in "
            "batches (`estrade webhooks drain` does it by hand). Off: each event is booked "
            "before the answer (a transient failure answers 5xx and Stripe retries).",
            "ESTRADE_WEBHOOK_INBOX", bool, example="True"),
    Setting("ESTRADE_DEMO_PAYMENTS", False,
            "Demonstration payments for a local trial (nothing is paid; the gifts are marked and "
            "never count in totals, caps or filed exports). Only without Stripe keys, and only "
            "for visitors on this machine (localhost, 127.0.0.1): never on a public host name. "
            "`estrade init` turns it on when it writes a new instance/config.py.",
            "ESTRADE_DEMO_PAYMENTS", bool),
    Setting("ESTRADE_SQLITE_SYNCHRONOUS", "FULL",
            "SQLite's `synchronous` in WAL mode: FULL syncs the log at every commit (a commit "
            "survives a power cut; about 4 ms each on an ordinary disk), NORMAL only at "
            "checkpoints (a commit survives a crash of the app, not of the machine). "
            "Ignored on PostgreSQL.", "ESTRADE_SQLITE_SYNCHRONOUS", example='"NORMAL"'),
    Setting("STRIPE_API_BASE", "", "Alternative Stripe API base URL (a local server in tests).",
            "STRIPE_API_BASE"),
    Setting("ESTRADE_MAIL_SERVER", "", "SMTP host for outgoing mail (empty: mail is only logged).",
            "ESTRADE_MAIL_SERVER", example='"127.0.0.1"'),
    Setting("ESTRADE_MAIL_PORT", 25, "SMTP port (587 with starttls, 465 with tls).",
            "ESTRADE_MAIL_PORT", int, example="587"),
    Setting("ESTRADE_MAIL_SECURITY", "none",
            "How the SMTP connection is protected: starttls (port 587), tls (implicit TLS, "
            "port 465) or none (a relay on this machine only). The server's certificate is "
            "checked.", "ESTRADE_MAIL_SECURITY", example='"starttls"'),
    Setting("ESTRADE_MAIL_USERNAME", "", "SMTP user name (empty: no authentication).",
            "ESTRADE_MAIL_USERNAME", example='"campagne@example.fr"'),
    Setting("ESTRADE_MAIL_PASSWORD", "", "SMTP password.", "ESTRADE_MAIL_PASSWORD",
            example='"…"'),
    Setting("ESTRADE_MAIL_CA_FILE", "",
            "Certificate authorities (PEM file) trusted for the SMTP server's certificate, "
            "instead of the system's (a private relay). The certificate and host name are "
            "always checked.", "ESTRADE_MAIL_CA_FILE", example='"/etc/ssl/certs/relais.pem"'),
    Setting("ESTRADE_MAIL_SENDER", "Estrade <no-reply@localhost>", "From address of e-mails.",
            "ESTRADE_MAIL_SENDER", example='"Campagne <no-reply@example.fr>"'),
    Setting("ESTRADE_PROXY_COUNT", 0,
            "Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For, -Proto, "
            "-Host and -Port headers are trusted (Werkzeug's ProxyFix). 0: none trusted. Needed "
            "behind a TLS proxy for HSTS and Secure cookies; never set it without a proxy.",
            "ESTRADE_PROXY_COUNT", int, example="1"),
    Setting("ESTRADE_MAX_BODY_BYTES", 1_048_576,
            "Largest request body accepted (bytes); a larger one gets 413 before it is read. "
            "Routes that take files (media uploads) declare their own limit.",
            "ESTRADE_MAX_BODY_BYTES", int),
    Setting("ESTRADE_MEDIA_MAX_BYTES", 10_485_760,
            "Largest file accepted by a site's media library (bytes, 10 MB by default); a "
            "larger upload is refused with a French message before it is read.",
            "ESTRADE_MEDIA_MAX_BYTES", int),
    Setting("ESTRADE_RATELIMIT_STORAGE_URL", "memory://",
            "Where rate-limit counters live (login attempts, donation forms): memory:// keeps "
            "them in each process (under gunicorn, each worker counts apart); "
            "redis://127.0.0.1:6379/0 shares them between every worker and server (needs "
            "`pip install redis`).", "ESTRADE_RATELIMIT_STORAGE_URL",
            example='"redis://127.0.0.1:6379/0"'),
    Setting("SESSION_COOKIE_SECURE", False, "Send the session cookie over HTTPS only (it is "
            "also sent so whenever a request arrives over HTTPS).",
            "ESTRADE_SESSION_COOKIE_SECURE", bool, example="True"),
    Setting("ESTRADE_SITE_CREATORS", "admins",
            "Who may create a site with the « Créer un site » wizard (/admin/sites/nouveau): "
            "admins (installation administrators only) or site-admins (also anyone who "
            "administers a site of this installation).", "ESTRADE_SITE_CREATORS",
            example='"site-admins"'),
    # staff accounts
    Setting("ESTRADE_LOGIN_LIMIT_PER_ADDRESS", "20 per minute;100 per hour",
            "Failed staff logins (password or second-factor code) accepted from one client "
            "address before it gets 429 (Flask-Limiter notation; behind a proxy, set "
            "ESTRADE_PROXY_COUNT).", "ESTRADE_LOGIN_LIMIT_PER_ADDRESS",
            example='"20 per minute;100 per hour"'),
    Setting("ESTRADE_LOGIN_LIMIT_PER_ACCOUNT", "5 per minute;20 per hour",
            "Failed staff logins accepted for one e-mail address (known or not), from any "
            "address, before 429. The counters hold an HMAC of the address, never the "
            "address.", "ESTRADE_LOGIN_LIMIT_PER_ACCOUNT", example='"5 per minute;20 per hour"'),
    Setting("ESTRADE_PASSWORD_RESET_LIMIT", "5 per hour",
            "Password-reset requests accepted per client address and per e-mail address "
            "before 429.", "ESTRADE_PASSWORD_RESET_LIMIT", example='"5 per hour"'),
    Setting("ESTRADE_STAFF_URL", "",
            "Public address of the staff area (https://admin.example.fr) used in password-"
            "reset mails. Empty: the request's host name, only when a site declares it or it "
            "is this machine (a forged Host header never gets a reset link).",
            "ESTRADE_STAFF_URL", example='"https://admin.example.fr"'),
    Setting("ESTRADE_STAFF_IDLE_MINUTES", 30,
            "A staff session ends after this many minutes without a request.",
            "ESTRADE_STAFF_IDLE_MINUTES", int),
    Setting("ESTRADE_STAFF_SESSION_HOURS", 12,
            "A staff session ends this many hours after login, however active.",
            "ESTRADE_STAFF_SESSION_HOURS", int),
    # privacy (GDPR-3: docs/security-privacy.md)
    Setting("ESTRADE_NEWSLETTER", True,
            "The campaign sends news by e-mail: /don offers the opt-in box (unticked) and the "
            "privacy notice names the purpose. False: no box, no such purpose.",
            "ESTRADE_NEWSLETTER", bool),
    Setting("ESTRADE_RETENTION_ABANDONED_DAYS", 60,
            "Days after which `estrade privacy purge` pseudonymises a donation that was never "
            "paid (abandoned, failed, expired: identity, e-mail, address). Default: 2 months "
            "(GDPR-3, one-shot contact).", "ESTRADE_RETENTION_ABANDONED_DAYS", int),
    Setting("ESTRADE_RETENTION_IP_DAYS", 60,
            "Days after which `estrade privacy purge` erases the client IP address kept with "
            "a donation (paid or not). Default: 2 months (GDPR-3).",
            "ESTRADE_RETENTION_IP_DAYS", int),
    Setting("ESTRADE_RETENTION_MAIL_DAYS", 60,
            "Days after sending (or giving up) after which `estrade privacy purge` erases the "
            "body and address of an e-mail; the ledger keeps what the gift was. Default: "
            "2 months (GDPR-3).", "ESTRADE_RETENTION_MAIL_DAYS", int),
    # donations
    Setting("ESTRADE_DONATE_LIMIT_PER_ADDRESS", "10 per minute;100 per hour",
            "Donation forms (POST /don) accepted from one client address before it gets 429 "
            "(Flask-Limiter notation; behind a proxy, set ESTRADE_PROXY_COUNT so the address "
            "is the visitor's). Generous enough for a shared connection (a meeting's Wi-Fi, "
            "a mobile operator's shared addresses).", "ESTRADE_DONATE_LIMIT_PER_ADDRESS",
            example='"10 per minute;100 per hour"'),
    Setting("ESTRADE_DONATE_LIMIT_PER_IDENTITY", "10 per hour",
            "Donation forms (POST /don) accepted for one identity (normalised name and "
            "postcode) on one site, from any address, before 429: a donor who corrects a typo "
            "or comes back from the payment page a few times is never stopped. The counters "
            "hold an HMAC of the identity, never the name.",
            "ESTRADE_DONATE_LIMIT_PER_IDENTITY", example='"10 per hour"'),
)
