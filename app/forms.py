"""Form pieces shared by the public donation form and the treasurer's forms: the R39-1
identity fields, made from their one declaration (:data:`app.core.finance.identity
.IDENTITY_FIELDS`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core.finance.decision import NATIONALITY_CHOICES, OTHER_NATIONALITY, is_french_national
from app.core.finance.identity import CIVILITES, IDENTITY_FIELDS, Identity

Voice = Literal["donor", "treasurer"]


class LazyText(LazyString):
    """``lazy_gettext`` for plain text: Flask-Babel's lazy string claims to be safe HTML
    (``__html__`` returns it unescaped), so a label or message with an apostrophe would no
    longer come out as ``&#39;``. This one is escaped like any ``str``."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_text(string: str, **variables: Any) -> LazyText:
    """Lazy translation (French msgid), evaluated in the request's locale when rendered."""
    return LazyText(gettext, string, **variables)


def identity_fields(voice: Voice, required: Callable[..., None] | None = None
                    ) -> dict[str, Any]:
    """Unbound WTForms fields for the R39-1 identity, to put in a form class body.

    ``voice`` picks the labels: the donor's own (« Adresse de votre domicile fiscal ») or the
    treasurer's (« Adresse du domicile fiscal »). ``required`` replaces the default check of a
    required field (the treasurer's form requires them except for an anonymous collection).
    """
    fields: dict[str, Any] = {}
    for spec in IDENTITY_FIELDS:
        label = lazy_text(spec.ask if voice == "donor" else spec.label)
        if spec.name == "nationalite":  # DON-1: a choice, never free text
            fields[spec.name] = SelectField(label, default=NATIONALITY_CHOICES[0], choices=[
                SelectChoice(NATIONALITY_CHOICES[0], lazy_text("Française")),
                SelectChoice(OTHER_NATIONALITY, lazy_text(
                    "Autre (votre domicile fiscal doit alors être en France)"
                    if voice == "donor" else
                    "Autre (le domicile fiscal doit alors être en France)"))],
                filters=[nationality_choice])
            continue
        if spec.name == "civilite":
            fields[spec.name] = SelectField(label, default="", choices=[
                SelectChoice("", "—"), *(SelectChoice(value, lazy_text(text))
                                         for value, text in CIVILITES)])
            continue
        check: Any = DataRequired(lazy_text(spec.missing)) if required is None else required
        validators = [check] if spec.required else []
        fields[spec.name] = StringField(label, default=spec.default or None,
                                        validators=[*validators, Length(max=spec.max_length)])
    return fields


def nationality_choice(value: Any) -> Any:
    """DON-1 / R39-1: what the nationality choice stores, ``française`` or ``autre``. A French
    nationality however written (« Française », « franco-allemande », a link's ``FR``) is
    French; anything else typed is left for the choice to refuse."""
    if isinstance(value, str) and value.strip() and value != OTHER_NATIONALITY:
        return NATIONALITY_CHOICES[0] if is_french_national(value) else value
    return value


def identity_of(form: Any) -> Identity:
    """The identity typed in a form made with :func:`identity_fields`, stripped."""
    return Identity.from_mapping({spec.name: form[spec.name].data for spec in IDENTITY_FIELDS})
