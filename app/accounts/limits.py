"""Throttling of the staff login, its second step and password resets (Flask-Limiter).

* Failed logins per client address (``ESTRADE_LOGIN_LIMIT_PER_ADDRESS``) and per account
  (``ESTRADE_LOGIN_LIMIT_PER_ACCOUNT``: the typed e-mail address, whether an account has it
  or not, so the 429 says nothing about who has one; the second step counts against the
  account being logged into). Only failures count: a person who logs in often is never
  stopped. Counters are keyed by an HMAC under the app's secret key: the limiter's storage
  (memory, or a shared Redis) never holds an e-mail address.
* Reset requests per address and per typed e-mail (``ESTRADE_PASSWORD_RESET_LIMIT``): every
  request counts, as the answer is always the same.

Over the limit the app answers 429 with a French page (app/errors.py).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request, session
from flask.wrappers import Response
from limits import parse_many

from app.extensions import limiter
from app.settings import ConfigError

ADDRESS_SETTING = "ESTRADE_LOGIN_LIMIT_PER_ADDRESS"
ACCOUNT_SETTING = "ESTRADE_LOGIN_LIMIT_PER_ACCOUNT"
RESET_SETTING = "ESTRADE_PASSWORD_RESET_LIMIT"
#: The session key holding the e-mail of a login waiting for its second factor.
PENDING_EMAIL = "_2fa_email"


def check_settings(app: Flask) -> None:
    """Refuse to start with a limit Flask-Limiter cannot read."""
    for key in (ADDRESS_SETTING, ACCOUNT_SETTING, RESET_SETTING):
        value = str(app.config.get(key) or "").strip()
        try:
            if not parse_many(value):
                raise ValueError(value)
        except ValueError:
            raise ConfigError(f"{key} doit être une limite comme « 5 per minute;20 per hour » "
                              f"(et non « {value} »).") from None


def bucket(kind: str, email: str) -> str:
    """The counter's key for ``email``: an HMAC, never the address itself."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, f"{kind}|{email.strip().lower()}".encode(), hashlib.sha256)
    return f"{kind}-{digest.hexdigest()[:40]}"


def _account_key() -> str:
    email = request.form.get("email") if request.endpoint == "accounts.login" \
        else session.get(PENDING_EMAIL)
    return bucket("login", str(email or ""))


def _reset_key() -> str:
    return bucket("reset", str(request.form.get("email") or ""))


def _failed(response: Response) -> bool:
    return response.status_code >= 400


def _login_address_limit() -> str:
    return str(current_app.config[ADDRESS_SETTING])


def _login_account_limit() -> str:
    return str(current_app.config[ACCOUNT_SETTING])


def _reset_limit() -> str:
    return str(current_app.config[RESET_SETTING])


#: Decorators of the login and second-step views (shared: both count the same failures).
login_per_address = limiter.shared_limit(_login_address_limit, scope="login-address",
                                         methods=["POST"], deduct_when=_failed)
login_per_account = limiter.shared_limit(_login_account_limit, scope="login-account",
                                         methods=["POST"], key_func=_account_key,
                                         deduct_when=_failed)
#: Decorators of the reset request and of the new-password form.
reset_per_address = limiter.shared_limit(_reset_limit, scope="reset-address", methods=["POST"])
reset_per_email = limiter.limit(_reset_limit, scope="reset-email", methods=["POST"],
                                key_func=_reset_key)
