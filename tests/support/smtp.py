"""A real SMTP server (aiosmtpd on 127.0.0.1) that keeps what it receives; with TLS
(STARTTLS or implicit) and a password when asked."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.encrypted: list[bool] = []  # was each message received over TLS?
        self.users: list[str | None] = []  # who had logged in to send it

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(  # type: ignore[arg-type]
            envelope.content, policy=email.policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        transport = getattr(server, "transport", None)  # implicit TLS: TLS from the start
        self.encrypted.append(bool(getattr(session, "ssl", None)) or (
            transport is not None and transport.get_extra_info("ssl_object") is not None))
        login = getattr(session, "auth_data", None)
        self.users.append(login.login.decode() if login is not None else None)
        return "250 Message accepted for delivery"


class Password:
    """aiosmtpd authenticator accepting one user name and password."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str,
                 auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        ok = (getattr(auth_data, "login", b"") == self.user.encode()
              and getattr(auth_data, "password", b"") == self.password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


@contextmanager
def smtp_server(port: int, *, starttls: ssl.SSLContext | None = None,
                implicit_tls: ssl.SSLContext | None = None,
                password: Password | None = None) -> Iterator[Inbox]:
    """``starttls``: the server offers STARTTLS and refuses mail before it; ``implicit_tls``:
    TLS from the first byte; ``password``: AUTH required (only over TLS)."""
    inbox = Inbox()
    options: dict[str, Any] = {}
    if starttls is not None:
        options.update(tls_context=starttls, require_starttls=True)
    if implicit_tls is not None:
        options.update(ssl_context=implicit_tls)
    if password is not None:
        # aiosmtpd counts only STARTTLS as TLS for AUTH; implicit TLS is TLS from the start
        # (AUTH is then offered, and the Inbox records who logged in).
        starttls_only = implicit_tls is None
        options.update(authenticator=password, auth_required=starttls_only,
                       auth_require_tls=starttls_only)
    # server_hostname: aiosmtpd would otherwise ask the resolver for the FQDN per connection
    controller = Controller(inbox, hostname="127.0.0.1", port=port,
                            server_hostname="smtp.estrade.test", **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
