"""Flask extensions, created unbound and wired in :func:`app.create_app`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from flask_babel import Babel
    from flask_limiter import Limiter
    from flask_login import LoginManager
    from flask_wtf.csrf import CSRFProtect

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:  # mypy cannot take ``db.Model`` (an attribute) as a base class
    Model = Base
else:
    Model = db.Model


def _csrf() -> CSRFProtect:
    from flask_wtf.csrf import CSRFProtect

    return CSRFProtect()


def _login_manager() -> LoginManager:
    from flask_login import LoginManager

    return LoginManager()


def _babel() -> Babel:
    from flask_babel import Babel

    return Babel()


def _limiter() -> Limiter:
    """Rate limits (login, /don): counters in memory by default, in Redis when configured
    (ESTRADE_RATELIMIT_STORAGE_URL). Each route declares its own limits."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    return Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


#: Made on first use (PEP 562): ``estrade build`` (the site-only app) imports none of these
#: four libraries, whose import cost a one-page rebuild more than the page.
_LAZY = {"csrf": _csrf, "login_manager": _login_manager, "babel": _babel, "limiter": _limiter}

if TYPE_CHECKING:
    csrf: CSRFProtect
    login_manager: LoginManager
    babel: Babel
    limiter: Limiter


def __getattr__(name: str) -> Any:
    make = _LAZY.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = make()  # once: later lookups find the module attribute
    return value
