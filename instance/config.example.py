# Estrade configuration example. `estrade init` writes instance/config.py with a random
# SECRET_KEY; copy the lines you need from here. Environment variables (in brackets) override
# this file. Every key below is declared in app/config.py.

# Secret used to sign sessions and CSRF tokens. [ESTRADE_SECRET_KEY]
SECRET_KEY = "change-me"

# Database URL; default SQLite file instance/estrade.sqlite. [ESTRADE_DATABASE_URL]
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://estrade@127.0.0.1:5432/estrade"

# Folder holding one sub-folder of Markdown content per site. [ESTRADE_CONTENT_DIR]
# ESTRADE_CONTENT_DIR = "/srv/estrade/content"

# Folder holding the themes. [ESTRADE_THEMES_DIR]
# ESTRADE_THEMES_DIR = "/srv/estrade/themes"

# Live site: how long a site's pages are served before its folder is checked for changes again (0: on every request; costs a file scan, long on large sites). [ESTRADE_CONTENT_RECHECK_SECONDS]
# ESTRADE_CONTENT_RECHECK_SECONDS = 1.0

# Slug of the site served when no host name matches. [ESTRADE_DEFAULT_SITE]
# ESTRADE_DEFAULT_SITE = "demo"

# Default interface language (fr or en). [ESTRADE_LOCALE]
# BABEL_DEFAULT_LOCALE = "fr"

# Interface languages offered, comma separated. [ESTRADE_LANGUAGES]
# ESTRADE_LANGUAGES = "fr,en"

# Absolute URL of the live app's /don used by static exports (empty: same site). [ESTRADE_DONATE_URL]
# ESTRADE_DONATE_URL = "https://dons.example.fr/don"

# Stripe secret key (sk_…); empty means demonstration mode. [STRIPE_SECRET_KEY]
# STRIPE_SECRET_KEY = ""

# Stripe publishable key (pk_…). [STRIPE_PUBLISHABLE_KEY]
# STRIPE_PUBLISHABLE_KEY = ""

# Signing secret of the Stripe webhook endpoint (whsec_…). [STRIPE_WEBHOOK_SECRET]
# STRIPE_WEBHOOK_SECRET = ""

# Alternative Stripe API base URL (a local server in tests). [STRIPE_API_BASE]
# STRIPE_API_BASE = ""

# SMTP host for outgoing mail (empty: mail is only logged). [ESTRADE_MAIL_SERVER]
# ESTRADE_MAIL_SERVER = "127.0.0.1"

# SMTP port. [ESTRADE_MAIL_PORT]
# ESTRADE_MAIL_PORT = 25

# From address of e-mails. [ESTRADE_MAIL_SENDER]
# ESTRADE_MAIL_SENDER = "Campagne <no-reply@example.fr>"

# Send the session cookie over HTTPS only. [ESTRADE_SESSION_COOKIE_SECURE]
# SESSION_COOKIE_SECURE = True
