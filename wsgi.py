"""WSGI entry point: ``gunicorn wsgi:app`` (refuses development settings: a missing, short
or example SECRET_KEY)."""

from app import create_app
from app.security import require_production_settings

app = create_app()
require_production_settings(app)
