# Estrade configuration example. `estrade init` writes instance/config.py with a random
# SECRET_KEY; copy the lines you need from here. Environment variables (in brackets) override
# this file. Generated from app/settings.py by scripts/settings_doc.py.

# Signs sessions and CSRF tokens. At least 32 random characters; `estrade init` writes one. A missing, short or example key is refused outside `estrade run`. [ESTRADE_SECRET_KEY]
# SECRET_KEY = "change-me"

# Database URL: SQLite, or PostgreSQL with `postgresql+psycopg://`. [ESTRADE_DATABASE_URL]
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://estrade@127.0.0.1:5432/estrade"

# Folder holding one sub-folder of Markdown content per site. [ESTRADE_CONTENT_DIR]
# ESTRADE_CONTENT_DIR = "/srv/estrade/content"

# Folder holding the themes. [ESTRADE_THEMES_DIR]
# ESTRADE_THEMES_DIR = "/srv/estrade/themes"

# Live site: how long a site's pages are served before its folder is checked for changes again (0: on every request; costs a file scan, long on large sites). [ESTRADE_CONTENT_RECHECK_SECONDS]
# ESTRADE_CONTENT_RECHECK_SECONDS = 1.0

# How often each server process publishes the pages scheduled for now (a thread started with the first request; the database lock makes one process do each). 0: never (then run `estrade pages publish-due` from cron every minute). [ESTRADE_PUBLISH_CHECK_SECONDS]
# ESTRADE_PUBLISH_CHECK_SECONDS = 30

# Slug of a site served for host names that no site declares. Empty (the default): such a request gets 404, so a site never answers for a name it does not own. [ESTRADE_DEFAULT_SITE]
# ESTRADE_DEFAULT_SITE = "demo"

# Default interface language (fr or en). [ESTRADE_LOCALE]
# BABEL_DEFAULT_LOCALE = 'fr'

# Interface languages offered, comma separated. [ESTRADE_LANGUAGES]
# ESTRADE_LANGUAGES = 'fr,en'

# Publish to static: a folder where each publish (and `estrade static sync`) writes the published pages, news lists, feed and sitemap as files, one sub-folder per host name, for nginx to serve directly and hand the rest to the app (docs/nginx/estrade.conf). Empty: off, every page is served by the app. [ESTRADE_STATIC_ROOT]
# ESTRADE_STATIC_ROOT = "/srv/estrade/static"

# Absolute URL of the live app's /don used by static exports (empty: same site). [ESTRADE_DONATE_URL]
# ESTRADE_DONATE_URL = "https://dons.example.fr/don"

# Stripe secret key (sk_…). Set it with STRIPE_WEBHOOK_SECRET, or leave both empty (no online payment, or the local demonstration): a partial Stripe configuration refuses to start, naming the missing key. [STRIPE_SECRET_KEY]
# STRIPE_SECRET_KEY = ''

# Stripe publishable key (pk_…); optional, unused by Checkout. [STRIPE_PUBLISHABLE_KEY]
# STRIPE_PUBLISHABLE_KEY = ''

# Signing secret of the Stripe webhook endpoint (whsec_…). [STRIPE_WEBHOOK_SECRET]
# STRIPE_WEBHOOK_SECRET = ''

# Stripe webhook at a peak: verify the signature, store the event in the inbox and answer 200 at once; a drainer thread in each worker books the stored events in batches (`estrade webhooks drain` does it by hand). Off: each event is booked before the answer (a transient failure answers 5xx and Stripe retries). [ESTRADE_WEBHOOK_INBOX]
# ESTRADE_WEBHOOK_INBOX = True

# Demonstration payments for a local trial (nothing is paid; the gifts are marked and never count in totals, caps or filed exports). Only without Stripe keys, and only for visitors on this machine (localhost, 127.0.0.1): never on a public host name. `estrade init` turns it on when it writes a new instance/config.py. [ESTRADE_DEMO_PAYMENTS]
# ESTRADE_DEMO_PAYMENTS = False

# SQLite's `synchronous` in WAL mode: FULL syncs the log at every commit (a commit survives a power cut; about 4 ms each on an ordinary disk), NORMAL only at checkpoints (a commit survives a crash of the app, not of the machine). Ignored on PostgreSQL. [ESTRADE_SQLITE_SYNCHRONOUS]
# ESTRADE_SQLITE_SYNCHRONOUS = "NORMAL"

# Alternative Stripe API base URL (a local server in tests). [STRIPE_API_BASE]
# STRIPE_API_BASE = ''

# SMTP host for outgoing mail (empty: mail is only logged). [ESTRADE_MAIL_SERVER]
# ESTRADE_MAIL_SERVER = "127.0.0.1"

# SMTP port (587 with starttls, 465 with tls). [ESTRADE_MAIL_PORT]
# ESTRADE_MAIL_PORT = 587

# How the SMTP connection is protected: starttls (port 587), tls (implicit TLS, port 465) or none (a relay on this machine only). The server's certificate is checked. [ESTRADE_MAIL_SECURITY]
# ESTRADE_MAIL_SECURITY = "starttls"

# SMTP user name (empty: no authentication). [ESTRADE_MAIL_USERNAME]
# ESTRADE_MAIL_USERNAME = "campagne@example.fr"

# SMTP password. [ESTRADE_MAIL_PASSWORD]
# ESTRADE_MAIL_PASSWORD = "…"

# Certificate authorities (PEM file) trusted for the SMTP server's certificate, instead of the system's (a private relay). The certificate and host name are always checked. [ESTRADE_MAIL_CA_FILE]
# ESTRADE_MAIL_CA_FILE = "/etc/ssl/certs/relais.pem"

# From address of e-mails. [ESTRADE_MAIL_SENDER]
# ESTRADE_MAIL_SENDER = "Campagne <no-reply@example.fr>"

# Reverse proxies in front of the app (nginx: 1) whose X-Forwarded-For, -Proto, -Host and -Port headers are trusted (Werkzeug's ProxyFix). 0: none trusted. Needed behind a TLS proxy for HSTS and Secure cookies; never set it without a proxy. [ESTRADE_PROXY_COUNT]
# ESTRADE_PROXY_COUNT = 1

# Largest request body accepted (bytes); a larger one gets 413 before it is read. Routes that take files (media uploads) declare their own limit. [ESTRADE_MAX_BODY_BYTES]
# ESTRADE_MAX_BODY_BYTES = 1048576

# Largest file accepted by a site's media library (bytes, 10 MB by default); a larger upload is refused with a French message before it is read. [ESTRADE_MEDIA_MAX_BYTES]
# ESTRADE_MEDIA_MAX_BYTES = 10485760

# Where rate-limit counters live (login attempts, donation forms): memory:// keeps them in each process (under gunicorn, each worker counts apart); redis://127.0.0.1:6379/0 shares them between every worker and server (needs `pip install redis`). [ESTRADE_RATELIMIT_STORAGE_URL]
# ESTRADE_RATELIMIT_STORAGE_URL = "redis://127.0.0.1:6379/0"

# Send the session cookie over HTTPS only (it is also sent so whenever a request arrives over HTTPS). [ESTRADE_SESSION_COOKIE_SECURE]
# SESSION_COOKIE_SECURE = True

# Who may create a site with the « Créer un site » wizard (/admin/sites/nouveau): admins (installation administrators only) or site-admins (also anyone who administers a site of this installation). [ESTRADE_SITE_CREATORS]
# ESTRADE_SITE_CREATORS = "site-admins"

# Failed staff logins (password or second-factor code) accepted from one client address before it gets 429 (Flask-Limiter notation; behind a proxy, set ESTRADE_PROXY_COUNT). [ESTRADE_LOGIN_LIMIT_PER_ADDRESS]
# ESTRADE_LOGIN_LIMIT_PER_ADDRESS = "20 per minute;100 per hour"

# Failed staff logins accepted for one e-mail address (known or not), from any address, before 429. The counters hold an HMAC of the address, never the address. [ESTRADE_LOGIN_LIMIT_PER_ACCOUNT]
# ESTRADE_LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"

# Password-reset requests accepted per client address and per e-mail address before 429. [ESTRADE_PASSWORD_RESET_LIMIT]
# ESTRADE_PASSWORD_RESET_LIMIT = "5 per hour"

# Public address of the staff area (https://admin.example.fr) used in password-reset mails. Empty: the request's host name, only when a site declares it or it is this machine (a forged Host header never gets a reset link). [ESTRADE_STAFF_URL]
# ESTRADE_STAFF_URL = "https://admin.example.fr"

# A staff session ends after this many minutes without a request. [ESTRADE_STAFF_IDLE_MINUTES]
# ESTRADE_STAFF_IDLE_MINUTES = 30

# A staff session ends this many hours after login, however active. [ESTRADE_STAFF_SESSION_HOURS]
# ESTRADE_STAFF_SESSION_HOURS = 12

# The campaign sends news by e-mail: /don offers the opt-in box (unticked) and the privacy notice names the purpose. False: no box, no such purpose. [ESTRADE_NEWSLETTER]
# ESTRADE_NEWSLETTER = True

# Days after which `estrade privacy purge` pseudonymises a donation that was never paid (abandoned, failed, expired: identity, e-mail, address). Default: 2 months (GDPR-3, one-shot contact). [ESTRADE_RETENTION_ABANDONED_DAYS]
# ESTRADE_RETENTION_ABANDONED_DAYS = 60

# Days after which `estrade privacy purge` erases the client IP address kept with a donation (paid or not). Default: 2 months (GDPR-3). [ESTRADE_RETENTION_IP_DAYS]
# ESTRADE_RETENTION_IP_DAYS = 60

# Days after sending (or giving up) after which `estrade privacy purge` erases the body and address of an e-mail; the ledger keeps what the gift was. Default: 2 months (GDPR-3). [ESTRADE_RETENTION_MAIL_DAYS]
# ESTRADE_RETENTION_MAIL_DAYS = 60

# Donation forms (POST /don) accepted from one client address before it gets 429 (Flask-Limiter notation; behind a proxy, set ESTRADE_PROXY_COUNT so the address is the visitor's). Generous enough for a shared connection (a meeting's Wi-Fi, a mobile operator's shared addresses). [ESTRADE_DONATE_LIMIT_PER_ADDRESS]
# ESTRADE_DONATE_LIMIT_PER_ADDRESS = "10 per minute;100 per hour"

# Donation forms (POST /don) accepted for one identity (normalised name and postcode) on one site, from any address, before 429: a donor who corrects a typo or comes back from the payment page a few times is never stopped. The counters hold an HMAC of the identity, never the name. [ESTRADE_DONATE_LIMIT_PER_IDENTITY]
# ESTRADE_DONATE_LIMIT_PER_IDENTITY = "10 per hour"
