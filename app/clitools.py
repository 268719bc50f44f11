"""What every ``estrade`` command shares: French refusals and password input."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click


class EstradeError(click.ClickException):
    """A refusal: French message on stderr, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"Erreur : {self.format_message()}", err=True)


def fail(message: str) -> NoReturn:
    """Stop a command with a French message and exit status 1."""
    raise EstradeError(message)


def read_password(prompt: str = "Mot de passe") -> str:
    """Password from an interactive prompt (asked twice) or the first line of stdin."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")
