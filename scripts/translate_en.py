"""Fill the English catalogue from a reviewed table (run after `pybabel update`)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

EN = {
    "Votre rôle ne permet pas d'accéder à cette page.": "Your role does not give access to this page.",
    "Page introuvable.": "Page not found.",
    "Connectez-vous pour accéder à l'espace d'administration.": "Log in to reach the staff area.",
    "Adresse e-mail": "Email address",
    "Mot de passe": "Password",
    "Indiquez une adresse e-mail.": "Enter an email address.",
    "Cette adresse e-mail n'est pas valide.": "This email address is not valid.",
    "Rôle": "Role",
    "Mot de passe (facultatif)": "Password (optional)",
    "Laissez vide pour en générer un, affiché une seule fois.": "Leave empty to generate one, shown once.",
    "Mot de passe actuel": "Current password",
    "Nouveau mot de passe": "New password",
    "Confirmez le nouveau mot de passe": "Confirm the new password",
    "Les deux mots de passe ne sont pas identiques.": "The two passwords differ.",
    "Langue de l'interface": "Interface language",
    "Adresse e-mail ou mot de passe incorrect.": "Wrong email address or password.",
    "Ce compte a été désactivé. Contactez un administrateur.": "This account was deactivated. Contact an administrator.",
    "Vous êtes déconnecté.": "You are logged out.",
    "Un compte existe déjà avec cette adresse.": "An account already uses this address.",
    "Compte créé pour %(email)s.": "Account created for %(email)s.",
    "Il doit rester au moins un administrateur actif.": "At least one active administrator must remain.",
    "Rôle de %(email)s modifié.": "Role of %(email)s changed.",
    "Compte de %(email)s réactivé.": "Account of %(email)s reactivated.",
    "Compte de %(email)s désactivé.": "Account of %(email)s deactivated.",
    "Le mot de passe actuel est incorrect.": "The current password is wrong.",
    "Mot de passe modifié.": "Password changed.",
    "Mon compte": "My account",
    "Changer de mot de passe": "Change password",
    "Enregistrer": "Save",
    "Langue": "Language",
    "Tableau de bord": "Dashboard",
    "Bonjour": "Hello",
    "Vous êtes connecté en tant que %(role)s.": "You are logged in as %(role)s.",
    "Sites de cette installation": "Sites of this installation",
    "Site": "Site",
    "Adresses": "Host names",
    "Thème": "Theme",
    "Élection": "Election",
    "Mandataire": "Mandataire",
    "par défaut": "default",
    "Aucun mandataire déclaré : les dons sont fermés (MAND-1).": "No mandataire declared: donations are closed (MAND-1).",
    "Aucun site pour l'instant. Créez-en un avec « estrade sites create ».": "No site yet. Create one with “estrade sites create”.",
    "Connexion": "Log in",
    "Connexion à l'espace équipe": "Staff log in",
    "Se connecter": "Log in",
    "Équipe": "Team",
    "E-mail": "Email",
    "État": "Status",
    "Dernière connexion": "Last login",
    "Actions": "Actions",
    "Rôle de %(email)s": "Role of %(email)s",
    "Changer": "Change",
    "Actif": "Active",
    "Désactivé": "Deactivated",
    "jamais": "never",
    "Désactiver": "Deactivate",
    "Réactiver": "Reactivate",
    "Ajouter une personne": "Add a person",
    "Créer le compte": "Create the account",
    "Administration": "Administration",
    "Aller au contenu": "Skip to content",
    "Se déconnecter": "Log out",
    "Erreur": "Error",
    "Retour au tableau de bord": "Back to the dashboard",
    "Le formulaire a expiré ou n'est pas valide. Rechargez la page et recommencez : rien n'a "
    "été enregistré.": "The form expired or is invalid. Reload the page and try again: nothing "
    "was saved.",
    "Vous ne pouvez pas désactiver ce compte : il doit rester un administrateur actif, et on ne "
    "se désactive pas soi-même.": "You cannot deactivate this account: an active administrator "
    "must remain, and nobody deactivates themselves.",
    "Le formulaire contient des erreurs": "The form has errors",
    "Mot de passe provisoire, affiché une seule fois : transmettez-le à la personne.":
        "Temporary password, shown once: pass it on to the person.",
    "Trésorerie": "Treasury",
    "Aucune alerte de conformité.": "No compliance alert.",
    "Écritures": "Entries",
    "Recettes": "Receipts",
    "Plafond des dépenses (CAP-1)": "Spending cap (CAP-1)",
    "sans objet": "not applicable",
    "Espèces et quêtes (DON-5)": "Cash and collections (DON-5)",
    "Remboursement forfaitaire maximal (RMB-1)": "Maximum State reimbursement (RMB-1)",
    "Remboursements à approuver (DON-16)": "Refunds awaiting approval (DON-16)",
    "Donateur": "Donor",
    "Montant": "Amount",
    "Motif": "Reason",
    "Approuvez avec « estrade refunds approve N --by VOTRE-EMAIL » : le remboursement est "
    "exécuté une seule fois par Stripe.": "Approve with “estrade refunds approve N --by "
    "YOUR-EMAIL”: Stripe executes the refund once.",
    "Aucun remboursement en attente.": "No refund waiting.",
    "Aucune campagne : chargez-en une avec « estrade campaign load ».":
        "No campaign: load one with “estrade campaign load”.",
    "Chiffres du compte": "Account figures",
    "Solde du registre": "Ledger balance",
}

path = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"
with path.open("rb") as handle:
    catalog = read_po(handle, locale="en")
missing = []
for message in catalog:
    if message.id and (not message.string or message.fuzzy):
        if message.id in EN:
            message.string = EN[message.id]
            message.flags.discard("fuzzy")
        else:
            missing.append(message.id)
with path.open("wb") as handle:
    write_po(handle, catalog, width=100)
print(f"{len(missing)} untranslated:", *missing, sep="\n  ")
