"""Forms of a site's administration: settings, host names, campaign facts, invitations."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    Field,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from app.accounts.forms import ROLE_CHOICES
from app.core.finance.elections import ELECTION_SCOPES, FILE_SCOPES
from app.core.finance.vocabulary import CAMPAIGN_MODES, ELECTION_KINDS, MANDATAIRE_TYPES
from app.website.render import SOCIAL_LABELS

#: DON-2: no one gives more than 4 600 € per election: a suggested amount above is useless.
MAX_PRESET_EUROS = 4600
LANGUAGES = [SelectChoice(code, name) for code, name in (
    ("fr", "Français"), ("br", "Brezhoneg"), ("eu", "Euskara"), ("co", "Corsu"),
    ("oc", "Occitan"), ("ca", "Català"), ("en", "English"), ("es", "Español"),
    ("de", "Deutsch"), ("it", "Italiano"))]
#: The networks the form offers (the site's other [social] entries are kept as they are).
SOCIAL_NAMES = tuple(name for name in SOCIAL_LABELS if name != "twitter")


def public_address(form: FlaskForm, field: Field) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query \
            or parts.fragment or parts.path not in ("", "/") or " " in value:
        raise ValidationError(_l("Indiquez l'adresse complète du site, par exemple "
                                 "https://www.ma-liste.fr (sans chemin après le nom)."))


def https_link(form: FlaskForm, field: Field) -> None:
    value = (field.data or "").strip()
    if value and (not value.startswith("https://") or not urlsplit(value).hostname
                  or " " in value):
        raise ValidationError(_l("Adresse https:// attendue, par exemple "
                                 "https://mastodon.example/@ma-liste."))


def parse_presets(text: str) -> list[int]:
    """« 20, 50, 100 » → [20, 50, 100]; ValueError with a French message otherwise."""
    values = [part.strip().replace("€", "").strip() for part in text.replace(";", ",")
              .split(",")]
    amounts = []
    for value in values:
        if not value:
            continue
        if not value.isdigit() or int(value) <= 0:
            raise ValueError(f"« {value} » n'est pas un montant en euros entiers.")
        if int(value) > MAX_PRESET_EUROS:
            raise ValueError(f"{value} € dépasse le plafond de 4 600 € par donateur et par "
                             "élection (DON-2).")
        amounts.append(int(value))
    if len(amounts) > 8:
        raise ValueError("Proposez au plus 8 montants.")
    return amounts


def presets_field(form: FlaskForm, field: Field) -> None:
    try:
        parse_presets(field.data or "")
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class SettingsForm(FlaskForm):
    title = StringField(_l("Titre du site"), validators=[
        DataRequired(_l("Le titre du site est obligatoire.")), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=500)], description=_l(
        "Une ou deux phrases : elles apparaissent dans les moteurs de recherche et les "
        "partages."))
    language = SelectField(_l("Langue du site"), choices=LANGUAGES)
    base_url = StringField(_l("Adresse publique du site"), validators=[
        Length(max=300), public_address], description=_l(
        "Par exemple https://www.ma-liste.fr : sert aux liens de partage, au plan du site et "
        "au retour après un don."))
    presets = StringField(_l("Montants de don proposés (en euros)"), validators=[
        Length(max=100), presets_field], description=_l(
        "Séparés par des virgules, par exemple 20, 50, 100, 250. Le donateur peut toujours "
        "saisir un autre montant."))
    directeur_publication = StringField(_l("Directeur ou directrice de la publication"),
                                        validators=[Length(max=200)])
    editeur = StringField(_l("Éditeur du site (la liste ou l'association)"),
                          validators=[Length(max=200)])
    contact_email = EmailField(_l("Adresse de contact"), validators=[
        Optional(), Email(_l("Cette adresse e-mail n'est pas valide.")), Length(max=254)])
    adresse = StringField(_l("Adresse postale de la campagne"), validators=[Length(max=300)])
    hebergeur_name = StringField(_l("Nom de l'hébergeur"), validators=[Length(max=200)])
    hebergeur_address = StringField(_l("Adresse de l'hébergeur"),
                                    validators=[Length(max=300)])
    hebergeur_phone = StringField(_l("Téléphone de l'hébergeur"),
                                  validators=[Length(max=40)])


for _name in SOCIAL_NAMES:
    setattr(SettingsForm, f"social_{_name}", StringField(
        SOCIAL_LABELS[_name], validators=[Length(max=300), https_link]))


def social_fields(form: SettingsForm) -> list[Any]:
    return [form[f"social_{name}"] for name in SOCIAL_NAMES]


class HostsForm(FlaskForm):
    hosts = TextAreaField(_l("Noms d'hôte"), validators=[Length(max=4000)], description=_l(
        "Un par ligne, par exemple www.ma-liste.fr : le site répond à ces noms."))


def _choices(labels: dict[str, str], optional: bool = False) -> list[SelectChoice]:
    return ([SelectChoice("", "—")] if optional else []) + [
        SelectChoice(value, label) for value, label in labels.items()]


class FactsForm(FlaskForm):
    election_kind = SelectField(_l("Élection"), choices=_choices(ELECTION_KINDS))
    election_round1 = DateField(_l("Date du premier tour"), validators=[
        DataRequired(_l("Indiquez la date du premier tour."))])
    election_round2 = DateField(_l("Date du second tour"), validators=[Optional()])
    election_scope = SelectField(_l("Portée"), choices=[
        SelectChoice(scope, ELECTION_SCOPES[scope]) for scope in FILE_SCOPES])
    election_territory = StringField(_l("Territoire (élection partielle, secteur)"),
                                     validators=[Length(max=100)])
    election_name = StringField(_l("Nom de l'élection sur le site"), validators=[
        Length(max=200)], description=_l("Par exemple « Municipales de Rennes 2032 »."))
    campaign_mode = SelectField(_l("Type de campagne"), choices=_choices(CAMPAIGN_MODES))
    campaign_population = IntegerField(_l("Population (habitants)"), validators=[
        Optional(), NumberRange(min=0, message=_l("Un nombre d'habitants, positif."))])
    campaign_candidate = StringField(_l("Candidat ou tête de liste"),
                                     validators=[Length(max=200)])
    campaign_list_name = StringField(_l("Nom de la liste"), validators=[Length(max=200)])
    campaign_collection_start = DateField(_l("Début de la collecte (élection partielle)"),
                                          validators=[Optional()])
    campaign_filing_date = DateField(_l("Date de dépôt du compte de campagne"), validators=[
        Optional()], description=_l("La collecte s'arrête à cette date (les dons mensuels "
                                    "aussi)."))
    mandataire_type = SelectField(_l("Type de mandataire"), default="",
                                  choices=_choices(MANDATAIRE_TYPES, optional=True))
    mandataire_name = StringField(_l("Nom du mandataire"), validators=[Length(max=200)])
    mandataire_declared_on = DateField(_l("Date de déclaration en préfecture"),
                                       validators=[Optional()])
    mandataire_prefecture = StringField(_l("Préfecture"), validators=[Length(max=200)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Indiquez une adresse e-mail.")),
        Email(_l("Cette adresse e-mail n'est pas valide.")), Length(max=254)])
    role = SelectField(_l("Rôle sur ce site"), choices=ROLE_CHOICES)


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)
