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
    "À rembourser, hors recettes (DON-16)": "To refund, not counted as receipts (DON-16)",
    "Donateur": "Donor",
    "Montant": "Amount",
    "Motif": "Reason",
    "Un remboursement approuvé est exécuté une seule fois par Stripe, même si le bouton est "
    "cliqué deux fois (aussi possible avec « estrade refunds approve N --by VOTRE-EMAIL »).":
        "An approved refund is executed once by Stripe, even if the button is clicked twice "
        "(also possible with “estrade refunds approve N --by YOUR-EMAIL”).",
    "Action": "Action",
    "Approuver et rembourser %(amount)s": "Approve and refund %(amount)s",
    "À rembourser par virement ou chèque": "To refund by transfer or cheque",
    "Aucun remboursement en attente.": "No refund waiting.",
    "Aucune campagne : chargez-en une avec « estrade campaign load ».":
        "No campaign: load one with “estrade campaign load”.",
    "Chiffres du compte": "Account figures",
    "Solde du registre": "Ledger balance",
    # The public donation pages (/don, demonstration payment, thank-you page).
    "Montant de votre don": "Amount of your donation",
    "Choisissez un montant.": "Choose an amount.",
    "Autre montant (en euros)": "Other amount (in euros)",
    "Fréquence": "Frequency",
    "Une seule fois": "Once",
    "Chaque mois": "Every month",
    "Civilité": "Title",
    "Madame": "Ms",
    "Monsieur": "Mr",
    "Prénom": "First name",
    "Indiquez votre prénom.": "Enter your first name.",
    "Nom": "Last name",
    "Indiquez votre nom.": "Enter your last name.",
    "Adresse de votre domicile fiscal": "Address of your tax residence",
    "Indiquez l'adresse de votre domicile fiscal.": "Enter the address of your tax residence.",
    "Code postal": "Postcode",
    "Indiquez votre code postal.": "Enter your postcode.",
    "Commune": "Town",
    "Indiquez votre commune.": "Enter your town.",
    "Pays": "Country",
    "Indiquez votre pays de résidence fiscale.": "Enter your country of tax residence.",
    "Nationalité": "Nationality",
    "Indiquez votre nationalité.": "Enter your nationality.",
    "Indiquez votre adresse e-mail.": "Enter your email address.",
    "Je certifie être une personne physique, de nationalité française ou résidant en France "
    "(article L. 52-8 du code électoral).": "I certify that I am a natural person, of French "
    "nationality or resident in France (article L. 52-8 of the Electoral Code).",
    "Je certifie que ce don provient de mes fonds personnels et que je suis titulaire du moyen "
    "de paiement utilisé.": "I certify that this donation comes from my personal funds and "
    "that I am the holder of the means of payment used.",
    "Je certifie que le total de mes dons à l'ensemble des candidats à cette élection "
    "n'excède pas 4 600 €, tous moyens de paiement confondus.": "I certify that my donations "
    "to all the candidates in this election do not exceed €4,600 in total, all means of "
    "payment combined.",
    "J'accepte de recevoir des nouvelles de la campagne par e-mail (facultatif, désinscription "
    "à tout moment).": "I agree to receive news of the campaign by email (optional, "
    "unsubscribe at any time).",
    "Je confirme donner à titre personnel, avec mes propres fonds, et non au nom d'une "
    "entreprise, d'une association ou d'une autre personne morale.": "I confirm that I am "
    "giving personally, with my own funds, and not on behalf of a company, an association or "
    "any other legal person.",
    "%(euros)s €": "€%(euros)s",
    "Autre montant": "Other amount",
    "Choisissez un montant dans la liste ou indiquez un autre montant.":
        "Choose an amount from the list or enter another amount.",
    "Indiquez le montant de votre don.": "Enter the amount of your donation.",
    "Le don minimum est de 1 €.": "The minimum donation is €1.",
    "Cette attestation est obligatoire pour donner (article L. 52-8 du code électoral).":
        "This statement is required to donate (article L. 52-8 of the Electoral Code).",
    "Faire un don": "Donate",
    "Soutenez la campagne par un don en ligne sécurisé.":
        "Support the campaign with a secure online donation.",
    "Le nom indiqué contient « %(markers)s », qui évoque une entreprise ou une association. "
    "Les personnes morales ne peuvent pas financer une campagne électorale (article L. 52-8 du "
    "code électoral) : seul un don personnel est possible. Cochez la case de confirmation "
    "ci-dessous pour continuer.": "The name you gave contains “%(markers)s”, which suggests a "
    "company or an association. Legal persons may not fund an election campaign (article "
    "L. 52-8 of the Electoral Code): only a personal donation is possible. Tick the "
    "confirmation box below to continue.",
    "Don à la campagne de %(candidate)s": "Donation to the campaign of %(candidate)s",
    "Le service de paiement ne répond pas pour le moment : aucun paiement n'a été effectué. "
    "Réessayez dans quelques minutes.": "The payment service is not answering at the moment: "
    "no payment was made. Try again in a few minutes.",
    "Paiement de démonstration": "Demonstration payment",
    "Merci pour votre don": "Thank you for your donation",
    "Mode démonstration — aucun paiement réel.": "Demonstration mode — no real payment.",
    "Cette page remplace le paiement Stripe tant qu'aucune clé n'est configurée.":
        "This page stands in for the Stripe payment as long as no key is configured.",
    "Récapitulatif": "Summary",
    "%(amount)s par mois": "%(amount)s per month",
    "Adresse": "Address",
    "Simuler le paiement de %(amount)s": "Simulate the payment of %(amount)s",
    "Ce paiement de démonstration a déjà été traité.":
        "This demonstration payment has already been processed.",
    "Voir la confirmation": "See the confirmation",
    "Aucune clé Stripe n'est configurée : le paiement est simulé.":
        "No Stripe key is configured: the payment is simulated.",
    "Les dons en ligne sont fermés": "Online donations are closed",
    "Vérification avant paiement": "Check before payment",
    "Aucun paiement n'a été effectué.": "No payment was made.",
    "Votre don n'a pas été enregistré": "Your donation was not recorded",
    "%(field)s : %(errors)s": "%(field)s: %(errors)s",
    "Le formulaire a expiré : vérifiez vos informations et validez à nouveau.":
        "The form has expired: check your details and submit it again.",
    "Un don ouvre droit à une réduction d'impôt sur le revenu de %(percent)s %% de son "
    "montant, dans la limite de 20 %% du revenu imposable : un don de 100 € vous revient à "
    "%(cost)s € (article 200 du code général des impôts).": "A donation gives a reduction of "
    "your income tax of %(percent)s%% of its amount, within the limit of 20%% of your taxable "
    "income: a donation of €100 costs you €%(cost)s (article 200 of the General Tax Code).",
    "Le reçu vous est envoyé par le mandataire financier.":
        "The financial agent (mandataire financier) sends you the receipt.",
    "Un don mensuel s'arrête automatiquement à la fin de la période de collecte et ne peut pas "
    "dépasser le plafond légal.": "A monthly donation stops automatically at the end of the "
    "collection period and cannot go over the legal cap.",
    "Votre identité (obligatoire pour tout don, article R. 39-1 du code électoral)":
        "Your identity (required for any donation, article R. 39-1 of the Electoral Code)",
    "Attestations obligatoires": "Required statements",
    "Nouvelles de la campagne": "Campaign news",
    "Continuer vers le paiement sécurisé": "Continue to secure payment",
    "Le montant est vérifié par nos soins avant tout paiement.":
        "We check the amount before any payment.",
    "Le paiement par carte est opéré par Stripe (simulé en mode démonstration).":
        "Card payment is operated by Stripe (simulated in demonstration mode).",
    "Le paiement par carte est opéré par Stripe.": "Card payment is operated by Stripe.",
    "Vos données personnelles": "Your personal data",
    "Les informations demandées sont obligatoires : la loi impose au mandataire financier de "
    "tenir la liste des donateurs (identité, adresse, nationalité, montant, date et mode de "
    "paiement) et de la transmettre à la Commission nationale des comptes de campagne et des "
    "financements politiques (articles L. 52-8 et R. 39-1 du code électoral).": "The "
    "information asked for is required: the law obliges the financial agent to keep the list "
    "of donors (identity, address, nationality, amount, date and means of payment) and to send "
    "it to the National Commission for Campaign Accounts and Political Funding (CNCCFP; "
    "articles L. 52-8 and R. 39-1 of the Electoral Code).",
    "Elles sont conservées jusqu'à la fin du contrôle du compte de campagne et ne sont "
    "utilisées pour vous envoyer des nouvelles que si vous l'avez accepté.": "It is kept until "
    "the review of the campaign account is over, and is used to send you news only if you "
    "agreed to it.",
    "Vous disposez de droits d'accès, de rectification, d'opposition et d'effacement : "
    '<a href="%(url)s">politique de confidentialité</a>.': "You have the rights of access, "
    'rectification, objection and erasure: <a href="%(url)s">privacy policy</a>.',
    "Merci %(first_name)s !": "Thank you, %(first_name)s!",
    "Votre don de %(amount)s a bien été reçu le %(date)s.":
        "Your donation of %(amount)s was received on %(date)s.",
    "Votre don de %(amount)s a bien été reçu.": "Your donation of %(amount)s was received.",
    "Une confirmation vous a été envoyée à %(email)s.":
        "A confirmation has been sent to %(email)s.",
    "Paiement en cours de confirmation": "Payment being confirmed",
    "Votre don de %(amount)s est en cours de confirmation par notre prestataire de paiement.":
        "Your donation of %(amount)s is being confirmed by our payment provider.",
    "Vous recevrez un e-mail dès qu'il sera enregistré.":
        "You will receive an email as soon as it is recorded.",
    "Actualiser cette page": "Refresh this page",
    "Le paiement n'a pas abouti": "The payment did not go through",
    "Aucun montant n'a été prélevé.": "No amount was charged.",
    'Vous pouvez <a href="%(url)s">recommencer votre don</a>.':
        'You can <a href="%(url)s">start your donation again</a>.',
    "Et ensuite ?": "What next?",
    "Le mandataire financier de la campagne vous fera parvenir un reçu officiel (reçu-don de "
    "la Commission nationale des comptes de campagne), à signer, qui vous permettra de "
    "bénéficier d'une réduction d'impôt de %(percent)s %% du montant de votre don.": "The "
    "campaign's financial agent will send you an official receipt (the donation receipt of the "
    "National Commission for Campaign Accounts), to be signed, which will give you a tax "
    "reduction of %(percent)s%% of the amount of your donation.",
    "Dans les communes de moins de 9 000 habitants, les dons ne donnent pas lieu à reçu fiscal "
    "ni à réduction d'impôt.": "In communes of fewer than 9,000 inhabitants, donations give no "
    "tax receipt and no tax reduction.",
    "Conservez cet e-mail de confirmation.": "Keep this confirmation email.",
    "Obligatoire pour un don nominatif.": "Required for a named donation.",
    "Le formulaire a expiré : rechargez la page. Rien n'a été enregistré.":
        "The form has expired: reload the page. Nothing was recorded.",
    "Campagne": "Campaign",
    "Date de réception": "Date received",
    "Indiquez la date de réception.": "Enter the date the donation was received.",
    "Mode de paiement": "Payment method",
    "Montant (en euros)": "Amount (in euros)",
    "Indiquez le montant.": "Enter the amount.",
    "Par exemple 150 ou 1 234,56. Pour un don en nature, sa valeur.":
        "For example 150 or 1 234,56. For an in-kind donation, its value.",
    "Adresse du domicile fiscal": "Tax home address",
    "Le donateur est une personne physique": "The donor is a natural person",
    "Le donateur a signé les attestations du formulaire de don (DON-1)":
        "The donor signed the statements of the donation form (DON-1)",
    "Référence": "Reference",
    "Numéro de chèque, ligne du relevé bancaire, bordereau de remise…":
        "Cheque number, bank statement line, paying-in slip…",
    "N° du reçu-don CNCCFP": "CNCCFP receipt number",
    "Seulement s'il est déjà connu (DON-11).": "Only if already known (DON-11).",
    "Ce don était déjà enregistré (formulaire envoyé deux fois) : rien n'a été ajouté.":
        "This donation was already recorded (form sent twice): nothing was added.",
    "Don de %(amount)s enregistré.": "Donation of %(amount)s recorded.",
    "Enregistrer un don reçu (chèque, virement, espèces…)":
        "Record a donation received (cheque, transfer, cash…)",
    "Liste des donateurs (annexe du compte de campagne) :":
        "Donor list (annex to the campaign account):",
    "tableur (.xlsx)": "spreadsheet (.xlsx)",
    "CSV": "CSV",
    "Enregistrer un don reçu": "Record a donation received",
    "Chèque, virement, prélèvement, espèces, don en nature ou quête : le don est vérifié selon "
    "les règles du code électoral avant d'être inscrit au registre. Les dons par carte arrivent "
    "par le site.":
        "Cheque, transfer, direct debit, cash, in-kind donation or collection: the donation is "
        "checked against the electoral code's rules before it is entered in the ledger. Card "
        "donations arrive through the website.",
    "Don refusé : rien n'a été enregistré": "Donation refused: nothing was recorded",
    "Ne l'encaissez pas : rendez le chèque ou l'argent au donateur, ou corrigez la saisie.":
        "Do not bank it: give the cheque or the money back to the donor, or correct the entry.",
    "Le don": "The donation",
    "Le donateur (sauf quête anonyme)": "The donor (except for an anonymous collection)",
    "Vérifier et enregistrer": "Check and record",
    "Annuler": "Cancel",
    "Après la réduction d'impôt de %(percent)s %%, ce don vous revient à %(cost)s (dans la "
    "limite de 20 %% du revenu imposable, article 200 du code général des impôts).":
        "After the %(percent)s %% tax reduction, this donation costs you %(cost)s (up to 20 %% "
        "of taxable income, article 200 of the French tax code).",
    'Pour toute question : <a href="%(url)s">contacter la campagne</a>.':
        'Any question? <a href="%(url)s">Contact the campaign</a>.',
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
