"""Forms of the staff accounts area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from app.accounts.models import SITE_ROLES

ROLE_CHOICES = [SelectChoice(value, label) for value, label in SITE_ROLES.items()]


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired()])


class CodeForm(FlaskForm):
    code = StringField(_l("Code de vérification"), validators=[
        DataRequired(_l("Saisissez le code.")), Length(max=20)],
        description=_l("Les 6 chiffres affichés par votre application d'authentification, "
                       "ou l'un de vos codes de secours."))


class EmailForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Indiquez une adresse e-mail.")), Length(max=254)])


class NewPasswordForm(FlaskForm):
    new = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired()])
    confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), validators=[
        DataRequired(), EqualTo("new", _l("Les deux mots de passe ne sont pas identiques."))])


class NewUserForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[
        DataRequired(_l("Indiquez une adresse e-mail.")),
        Email(_l("Cette adresse e-mail n'est pas valide."))])
    site = SelectField(_l("Site"), choices=[])
    role = SelectField(_l("Rôle sur ce site"), choices=ROLE_CHOICES)
    is_admin = BooleanField(_l("Administrateur de l'installation (crée les sites, gère "
                               "l'équipe de chaque site)"))
    password = PasswordField(
        _l("Mot de passe (facultatif)"), validators=[Optional(), Length(max=200)],
        description=_l("Laissez vide pour en générer un, affiché une seule fois."))


class GrantForm(FlaskForm):
    site = SelectField(_l("Site"), choices=[])
    role = SelectField(_l("Rôle"), choices=ROLE_CHOICES)


class EmptyForm(FlaskForm):
    """CSRF-only form for action buttons."""


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired()])
    new = PasswordField(_l("Nouveau mot de passe"), validators=[DataRequired()])
    confirm = PasswordField(_l("Confirmez le nouveau mot de passe"), validators=[
        DataRequired(), EqualTo("new", _l("Les deux mots de passe ne sont pas identiques."))])


class LocaleForm(FlaskForm):
    locale = SelectField(_l("Langue de l'interface"),
                         choices=[SelectChoice("fr", "Français"),
                                  SelectChoice("en", "English")])
