"""The rules Estrade declares: every rule id it deals with, once, as it stands today.

A :class:`Rule` names its article, says in French what Estrade does about it (for the
*mandataire financier*: refuses, warns, reports, displays, and where), how far that goes
(``appliquée``, ``partielle``, ``pas encore``, with what is missing), which functions of the
core enforce it and, for those, examples run through the real rules
(:mod:`app.core.finance.rule_examples`). ``docs/rules.md`` is generated from this module by
``scripts/rules_doc.py``; the tests keep the two, and the ids the code cites, in step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from app.core.finance import bookkeeping as bk
from app.core.finance import eligibility as el
from app.core.finance import rule_examples as ex
from app.core.finance import rules as r
from app.core.finance.decision import Decision
from app.core.finance.donors import likely_duplicates
from app.core.finance.elections import check_mode_population, election_identity
from app.core.finance.legal_text import legal_mentions
from app.core.finance.periods import collection_end, filing_deadline, legal_window_start
from app.core.finance.spending_cap import cash_ceiling, reimbursement_ceiling, spending_cap

Status = Literal["appliquée", "partielle", "pas encore"]
APPLIED: Status = "appliquée"
PARTIAL: Status = "partielle"
NOT_YET: Status = "pas encore"
STATUSES: tuple[Status, ...] = (APPLIED, PARTIAL, NOT_YET)
RULE_ID = re.compile(r"^(?:MAND|DON|LOAN|CAP|RMB|ACC|PEN|TAX|PARTY|WEB|GDPR|REP|ELEC)-[A-Z0-9-]+$")


@dataclass(frozen=True)
class Example:
    """A situation (French) and the real outcome: a decision, or a text the core writes."""

    situation: str
    run: Callable[[], Decision | str]


@dataclass(frozen=True)
class Rule:
    id: str
    articles: str  # e.g. "CE L52-8 al. 1"
    title: str  # short, French
    does: str  # what Estrade does about it, French, for the treasurer
    status: Status
    missing: str = ""  # French: what the rule asks and Estrade does not do (yet)
    code: tuple[Callable[..., object], ...] = ()  # functions of the core enforcing it
    examples: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        if not RULE_ID.match(self.id):
            raise ValueError(f"invalid rule id {self.id!r}")
        if self.status not in STATUSES:
            raise ValueError(f"{self.id}: unknown status {self.status!r}")
        if (self.status == APPLIED) == bool(self.missing):
            raise ValueError(f"{self.id}: say what is missing exactly when not fully applied")


@dataclass(frozen=True)
class Group:
    title: str
    rules: tuple[Rule, ...]


def _rule(id: str, articles: str, title: str, does: str, status: Status, missing: str = "",
          code: tuple[Callable[..., object], ...] = (), *examples: Example) -> Rule:
    return Rule(id, articles, title, does, status, missing, code, examples)


E = Example

GROUPS: tuple[Group, ...] = (
    Group("Qui collecte, quand, sur quel compte (CE L52-4 à L52-7)", (
        _rule("MAND-1", "CE L52-4 al. 1", "Un mandataire déclaré avant tout don",
              "Refuse tout don (formulaire /don fermé, saisie du trésorier, import) tant que la "
              "campagne, en mode candidat, n'a pas de mandataire déclaré (type MF ou AFE, nom, "
              "date de déclaration), et tout don daté d'avant cette déclaration ; alerte sur le "
              "tableau de bord de la trésorerie.", PARTIAL,
              "Rien n'empêche d'enregistrer le même mandataire pour deux campagnes (pas de "
              "contrainte d'unicité).", (el.check_mandataire, el.check_window),
              E("Campagne municipale sans mandataire déclaré", ex.no_mandataire),
              E("Chèque daté d'avant la déclaration du mandataire", ex.before_declaration)),
        _rule("MAND-2", "CE L52-4 al. 2", "La période de collecte",
              "Refuse les dons datés d'avant l'ouverture (1er jour du mois, six mois avant le "
              "mois de l'élection, douze pour la présidentielle ; date saisie pour une élection "
              "partielle) ou d'après le dépôt du compte (à défaut de date de dépôt, la date "
              "limite légale, ACC-2) ; /don est fermé hors de la période et les dons mensuels "
              "s'arrêtent à sa fin.", APPLIED, "",
              (el.check_window, el.collection_window, legal_window_start, collection_end),
              E("Chèque du 20/08/2025 pour les municipales de mars 2026", ex.before_window),
              E("Chèque reçu après le dépôt du compte le 22/05/2026", ex.after_filing)),
        _rule("MAND-3", "CE L52-4 al. 3", "Le mandataire règle les dépenses",
              "Chaque dépense dit qui l'a payée (mandataire, candidat avant la déclaration, "
              "parti) ; payée hors du compte, sa contrepartie (apport personnel, contribution "
              "du parti) est enregistrée avec elle ; payée par le candidat après la déclaration "
              "du mandataire, elle est enregistrée avec un avertissement, et le total de ces "
              "« menues dépenses » est rapporté aux dépenses et au plafond : avertissement dès "
              "80 % de la tolérance de la CNCCFP (10 % des dépenses, 3 % du plafond), plus fort "
              "au-delà, à l'enregistrement et en alerte au tableau de bord.", APPLIED, "",
              (bk.evaluate_expense, bk.petty_expenses),
              E("Repas de 50 € payé par le candidat après la déclaration",
                ex.expense_by_candidate),
              E("Affiches de 450 € payées par le candidat, pour 5 200 € de dépenses et un "
                "plafond de 18 517 €", ex.petty_near)),
        _rule("MAND-4", "CE L52-4 dernier al.", "Communes de moins de 9 000 habitants",
              "Mode « petite-commune » : pas de mandataire exigé, pas de plafond de dépenses ni "
              "de plafond des espèces, pas de mention de réduction d'impôt sur /don ; les règles "
              "de L52-8 restent vérifiées (DON-SMALL). estrade campaign load refuse le mode "
              "petite-commune sans population ou à partir de 9 000 habitants, et le mode "
              "candidat pour une commune de moins de 9 000 habitants.", PARTIAL,
              "L'assistant de création de site ne pose pas encore la question de la population.",
              (el.check_mandataire, spending_cap, check_mode_population),
              E("Plafond d'une commune de 5 000 habitants", ex.small_commune_cap)),
        _rule("MAND-5", "CE L52-5", "L'association de financement électorale (AFE)",
              "Enregistre le type AFE, son nom, sa préfecture et sa date de déclaration, repris "
              "dans les mentions des dons (DON-9).", NOT_YET,
              "Pas de liste de fin de campagne (dissolution six mois après le dépôt, dévolution "
              "de l'actif net) ni d'avertissement si un colistier est dirigeant de l'AFE."),
        _rule("MAND-6", "CE L52-6", "Le mandataire financier (personne physique)",
              "Une campagne a un seul mandataire (nom, date de désignation, préfecture).",
              NOT_YET,
              "Ni l'intitulé ni l'IBAN du compte de dépôt ne sont enregistrés ; rien ne vérifie "
              "que le compte Stripe qui reçoit les dons appartient au mandataire."),
        _rule("MAND-7", "CE L52-6-1", "Le droit au compte bancaire du mandataire",
              "Rien pour l'instant.", NOT_YET,
              "Pas de texte d'aide sur le droit au compte (refus, 15 jours, Banque de France)."),
    )),
    Group("Dons (CE L52-8, L52-9, R39-1, R39-1-1)", (
        _rule("DON-1", "CE L52-8 al. 1, 1re phrase",
              "Personnes physiques françaises ou résidant en France",
              "Refuse le don d'une personne ni française ni domiciliée en France, ou sans les "
              "attestations ; la nationalité est un choix (française / autre, le domicile "
              "fiscal devant alors être en France) sur /don et dans la saisie du trésorier, et "
              "« French » ou « franco-allemande » d'un import comptent comme françaises ; /don "
              "les exige (personne physique, fonds personnels, plafond) et "
              "les garde avec leur heure et l'adresse IP ; le trésorier confirme que le donateur "
              "a signé celles du formulaire papier.", APPLIED, "", (el.check_eligibility,),
              E("Donateur belge domicilié en Belgique", ex.foreign_non_resident),
              E("Don sans l'attestation du donateur", ex.no_attestation)),
        _rule("DON-2", "CE L52-8 al. 1, 2e phrase", "4 600 € par donateur et par élection",
              "Refuse à la saisie du trésorier et à l'import tout don qui porterait le total du "
              "donateur au-delà de 4 600 € pour l'élection : tous les sites de la même élection, "
              "tous les moyens de paiement, dons en nature compris, remboursements déduits, dons "
              "en ligne en cours réservés (dès que leur page de paiement Stripe est ouverte, 31 "
              "minutes au plus). « La même élection » est une identité (type, date du 1er tour, "
              "portée : générale — une seule élection dans tout le pays, toutes communes "
              "confondues —, partielle avec son territoire, conseils d'arrondissement de Paris, "
              "Lyon ou Marseille, métropole de Lyon), jamais un nom ; une campagne qui a des dons "
              "ne peut pas changer d'élection. Les fiches qui désignent probablement la même "
              "personne sont proposées à la fusion (estrade donors duplicates). Sur /don, seul le "
              "don lui-même est vérifié (4 600 € au plus) : la réponse ne dépend jamais de ce que "
              "la personne a déjà donné ; un paiement en ligne qui porte son total au-delà est "
              "enregistré et l'excédent signalé au trésorier (DON-16). Estrade ne voit que ses "
              "propres données : le donateur certifie sur /don le total de ses dons.",
              APPLIED, "",
              (r.check_cap, r.check_gift_amount, r.donor_cap, r.remaining_allowance,
               likely_duplicates, election_identity),
              E("Virement de 1 000 € d'un donateur qui a déjà donné 4 000 €", ex.over_donor_cap),
              E("Don en ligne de 5 000 € demandé sur /don", ex.online_gift_over_cap)),
        _rule("DON-3", "CE L52-8 al. 2", "Pas de personnes morales",
              "Refuse le don d'une personne morale (case « personne physique » de la saisie et "
              "de l'import) ; avertit quand le nom évoque une société ou une association (SARL, "
              "SCI, association…) ; /don demande alors de confirmer un don personnel.", PARTIAL,
              "Les contributions des partis s'enregistrent avec un avertissement mais ne sont "
              "pas rapprochées de la liste de la CNCCFP ; les cartes d'entreprise ne sont pas "
              "détectées ; un prêteur autre qu'une personne, un parti ou une banque de l'UE est "
              "refusé (LOAN-1).",
              (el.check_legal_person, el.company_markers),
              E("Don enregistré au nom d'une boulangerie", ex.legal_person),
              E("Don au nom de « Jean Martin SARL »", ex.company_like_name)),
        _rule("DON-4", "CE L52-8 al. 3", "150 € au plus en espèces",
              "Refuse tout don en espèces de plus de 150 € (saisie du trésorier, import) ; les "
              "quêtes relèvent du plafond des espèces (DON-5, DON-17).", APPLIED, "",
              (r.check_cash,), E("Don de 200 € en espèces", ex.cash_over_150)),
        _rule("DON-5", "CE L52-8 al. 5", "Espèces : 20 % du plafond de dépenses",
              "Refuse les espèces et quêtes au-delà de 20 % du plafond de dépenses quand il "
              "atteint 15 000 € (plafond du 1er tour), avertit dès 80 % ; jauge et alerte sur "
              "le tableau de bord, sous-total dans l'export ; espèces et quêtes remboursées ou "
              "annulées déduites ; un plafond inconnu (population non renseignée) n'est jamais "
              "« pas de plafond » : espèces et quêtes sont refusées en le disant, et estrade "
              "campaign load exige la population quand le plafond en dépend.", APPLIED, "",
              (r.check_cash_share, cash_ceiling, check_mode_population),
              E("Espèces : 600 € de plus quand 11 500 € sont déjà reçus", ex.cash_share_exceeded),
              E("Quête de 150 € quand 9 500 € d'espèces sont déjà reçus", ex.cash_share_near)),
        _rule("DON-6", "CE L52-8 al. 6", "Pas d'argent d'un État ou d'une personne morale "
              "étrangers", "Une personne morale, étrangère ou non, est refusée (DON-3) ; avertit "
              "quand un donateur de nationalité étrangère paie avec une carte émise à "
              "l'étranger.", PARTIAL,
              "Le pays de la carte est lu chez Stripe à l'enregistrement d'un don en ligne ; "
              "il n'est pas saisi pour un don hors ligne ; les cartes d'entreprise ne sont pas "
              "détectées.",
              (el.check_foreign,),
              E("Donateur belge payant avec une carte belge", ex.foreign_card)),
        _rule("DON-7", "CE L52-8 al. 4", "Prêts d'un parti avec intérêts",
              "Un prêt d'un parti avec intérêts est enregistré avec un avertissement : la "
              "justification (le parti a lui-même emprunté) est à garder.", PARTIAL,
              "La justification n'est pas jointe au prêt.", (bk.evaluate_loan,)),
        _rule("DON-8", "CE L52-8 al. 7", "Publicité presse pour appeler aux dons",
              "Rien pour l'instant.", NOT_YET,
              "Pas de modèle d'annonce presse limité aux mentions utiles au don."),
        _rule("DON-9", "CE L52-9", "Mentions obligatoires des appels aux dons",
              "Affiche sur /don et sur chaque page qui appelle aux dons un bloc qu'aucun thème ne "
              "peut retirer : bénéficiaire, mandataire et date de sa désignation, L52-8 al. 1 à "
              "3 et L113-1 III ; les e-mails aux donateurs le reprennent en texte ; sans "
              "mandataire, le bloc annonce que les dons ne sont pas ouverts. Mode "
              "petite-commune : pas de mandataire, pas de reçu fiscal, L52-8 al. 1 à 3 et "
              "L113-1 III reproduits. Mode parti : l'association de financement ou le "
              "mandataire du parti, l'article 11-4 (al. 1 et 3) et l'article 11-5 (al. 1) de "
              "la loi 88-227.", PARTIAL,
              "Le texte des articles 11-4 et 11-5 de la loi 88-227 est celui des pages de dons "
              "des partis : à vérifier sur Légifrance ; les mentions des prêts (R39-1-1 1°) "
              "ne sont pas produites.",
              (legal_mentions,), E("Liste municipale avec mandataire financier", ex.mandate_text)),
        _rule("DON-10", "CE R39-1 al. 1", "Identité de chaque donateur",
              "Exige nom, prénom, adresse du domicile fiscal, code postal, commune, pays et "
              "nationalité (refus, simple avertissement en mode petite-commune) ; avertit sur "
              "un code postal français inhabituel ; la date de naissance n'est pas demandée.",
              APPLIED, "", (el.check_identity,),
              E("Don sans adresse ni nationalité", ex.incomplete_identity),
              E("Code postal « 7500 » en France", ex.odd_postcode)),
        _rule("DON-11", "CE R39-1 al. 2 à 4", "Reçus-dons de la CNCCFP",
              "Registre des reçus en ajout seul et chaîné : numéros délivrés (carnet ou "
              "Fin'Pol), attribués à un don (en ligne aussi) avec leur date d'émission, annulés "
              "avec un motif ; un numéro ne sert qu'une fois et n'est jamais inventé ; liste "
              "des dons sans reçu et des numéros inutilisés ; vérifié par estrade ledger "
              "verify.", PARTIAL, "La signature du reçu par le donateur n'est pas notée."),
        _rule("DON-12", "CNCCFP (FAQ) ; CE L52-11-1", "L'apport personnel n'est pas un don",
              "Refuse comme don tout versement au nom du candidat ou d'un colistier déclaré "
              "(noms comparés dans les deux ordres, sans accents) : rien n'est enregistré, pas "
              "de reçu.", PARTIAL,
              "La règle demande un avertissement et une requalification : Estrade refuse, et ne "
              "sait pas encore enregistrer l'apport personnel ; les dons d'un futur colistier "
              "ne sont pas requalifiés quand il rejoint la liste (l'apport personnel s'enregistre "
              "à part, sans reçu).",
              (el.check_personal_contribution,),
              E("Versement de « DUPONT Marie », la candidate", ex.candidate_gives)),
        _rule("DON-13", "CE R39-1-1", "Dons en ligne par un prestataire de paiement",
              "/don porte les mentions (DON-9), relève l'identité R39-1 et garde les "
              "attestations ; un remboursement n'est exécuté par Stripe qu'après l'accord d'un "
              "trésorier ou d'un administrateur, tracé dans le journal.", PARTIAL,
              "Un administrateur peut aussi approuver un remboursement ; rien ne vérifie que le "
              "compte Stripe est au nom du mandataire ni que ses virements sont quotidiens ; pas "
              "de contrat du prestataire joint ; pas de rapprochement des virements (REP-3)."),
        _rule("DON-14", "CNCCFP (FAQ)", "Frais du prestataire de paiement",
              "Enregistre le don pour son montant brut et les frais Stripe à part, comme une "
              "dépense, une seule fois.", PARTIAL,
              "Pas de relevé brut / frais / net par virement Stripe (REP-3)."),
        _rule("DON-15", "CE L52-4 et L52-8", "Dons mensuels",
              "Sur /don, refuse une mensualité dont le total jusqu'à la fin de la période "
              "(douze au plus sans date de dépôt) dépasserait à lui seul 4 600 € ; ce total est "
              "réservé sur le plafond dès que la page de paiement Stripe est ouverte ; "
              "l'abonnement Stripe s'arrête à la fin de la période ; chaque paiement est vérifié "
              "à son enregistrement contre le total du donateur, l'excédent signalé à "
              "rembourser (DON-16). Une date de dépôt saisie ou avancée après la souscription "
              "(estrade campaign load) arrête les abonnements en cours à la nouvelle fin, ou "
              "tout de suite si elle est passée ; sans date de dépôt, la date limite légale "
              "(ACC-2) est la fin.", PARTIAL,
              "L'assistant de création de site ne change pas encore la date de dépôt ; un "
              "abonnement n'est jamais prolongé quand la date recule.",
              (r.check_gift_amount,),
              E("Don mensuel de 800 € demandé sur /don, six mois avant le dépôt du compte",
                ex.monthly_over_cap)),
        _rule("DON-16", "CE R39-1-1 ; L52-8, L113-1", "Rendre ce qui ne peut être gardé",
              "Un paiement en ligne au-delà du plafond ou interdit est enregistré puis signalé "
              "à rembourser (seul l'excédent pour un plafond), hors des recettes du tableau de "
              "bord et de l'export ; le remboursement est proposé, exécuté après accord et "
              "tracé ; l'export pour le dépôt du compte est refusé tant qu'il en reste. Seul le "
              "trésorier de la campagne le voit (alertes et remboursements de la trésorerie) : "
              "ni /don, ni la page de remerciement, ni l'e-mail de confirmation n'en disent "
              "rien.",
              APPLIED, "", (r.excess_to_refund,)),
        _rule("DON-17", "CNCCFP (FAQ)", "Quêtes anonymes",
              "Une quête s'enregistre sans donateur ni reçu et compte dans le plafond des "
              "espèces (DON-5).", APPLIED, "", (r.check_cash_share, cash_ceiling)),
        _rule("DON-18", "CE L52-12 I", "Dons en nature",
              "Un don en nature s'enregistre pour sa valeur, compte dans les 4 600 € (DON-2) "
              "et crée une dépense du même montant ; annuler le don annule aussi cette "
              "dépense (la dépense seule ne s'annule pas).", PARTIAL,
              "La base de l'évaluation n'a pas de champ à elle (seulement une référence).",
              (r.check_cap,)),
        _rule("DON-SMALL", "CE L52-4 dernier al. ; L52-8", "Petites communes : L52-8 s'applique",
              "En mode petite-commune, DON-1 à DON-4, DON-6, DON-10 (avertissement) et DON-12 "
              "restent vérifiés ; pas de reçu ni de mention fiscale.", PARTIAL,
              "Pas de liste des donateurs à rembourser du solde positif (REP-5).",
              (r.evaluate_gift, r.evaluate_single_gift)),
    )),
    Group("Prêts (CE L52-7-1, R39-2-1)", (
        _rule("LOAN-1", "CE L52-7-1", "Prêts de personnes physiques",
              "Un prêt s'enregistre avec son prêteur, son taux et son échéancier (le capital "
              "remboursé en entier) ; d'une personne physique, cinq ans au plus ; seuls une "
              "personne, un parti ou une banque de l'UE ou de l'EEE prêtent (DON-3).", PARTIAL,
              "Pas de modèle de contrat ni d'état annuel des remboursements pour la CNCCFP.",
              (bk.evaluate_loan,), E("Prêt d'une personne sur six ans", ex.loan_over_5_years)),
        _rule("LOAN-2", "CE R39-2-1", "Prêts à taux réduit : 18 mois, 47,5 % du plafond",
              "Au taux légal ou moins : refuse un prêt de plus de 18 mois, ou qui porte le "
              "total dû aux personnes physiques au-delà de 47,5 % du plafond.", PARTIAL,
              "Le trésorier dit si le taux dépasse le taux de l'intérêt légal : Estrade ne "
              "connaît pas ce taux.", (bk.evaluate_loan,),
              E("Prêt à 0 % sur deux ans", ex.loan_over_18_months)),
        _rule("LOAN-3", "CE, 9 mars 2022, n° 460212", "Présidentielle : pas de prêts de "
              "personnes physiques", "Pas de formulaire de prêt pour la présidentielle ; un "
              "prêt d'une personne physique y est refusé (commande aussi).", APPLIED, "",
              (bk.evaluate_loan,), E("Prêt d'une personne à la présidentielle",
                                     ex.presidential_loan)),
    )),
    Group("Plafond, remboursement, compte de campagne, sanctions", (
        _rule("CAP-1", "CE L52-11", "Le plafond des dépenses",
              "Calcule le plafond de chaque tour d'après la population saisie et montre la "
              "formule (estrade campaign cap, tableau de bord de la trésorerie).", PARTIAL,
              "Sénatoriales : le nombre de sièges du département n'est pas enregistré, la "
              "campagne n'a donc pas de plafond (ELEC-SEN).", (spending_cap,),
              E("Municipales, 45 851 habitants", ex.municipal_cap)),
        _rule("CAP-2", "décrets 2009-1730 et 2008-1300", "Coefficient de majoration",
              "Applique 1,23 (1,26 aux législatives, aucun aux européennes).", PARTIAL,
              "Le coefficient est fixé dans le code : pas de réglage par l'administrateur avec "
              "sa source.", (spending_cap,),
              E("Législatives, 125 000 habitants", ex.deputies_cap)),
        _rule("CAP-3", "CE L52-11, L52-15, L113-1", "Dépasser le plafond",
              "Chaque dépense est comparée au plafond : avertissement à partir de 80 %, refus "
              "au-delà de 100 % sauf décision motivée (le motif est enregistré).", PARTIAL,
              "La jauge des dépenses du tableau de bord reste à faire.",
              (bk.evaluate_expense,), E("Dépense qui porte le total à 19 000 € pour un plafond "
                                        "de 18 517 €", ex.expense_over_cap)),
        _rule("RMB-1", "CE L52-11-1", "Remboursement forfaitaire de l'État",
              "Affiche le maximum, 47,5 % du plafond (tableau de bord, estrade campaign cap).",
              PARTIAL, "Le remboursement est aussi limité à l'apport personnel, qu'Estrade "
              "n'enregistre pas encore ; le seuil de 5 % des voix n'est pas pris en compte.",
              (reimbursement_ceiling,), E("Municipales, 45 851 habitants", ex.reimbursement)),
        _rule("ACC-1", "CE L52-12", "Le compte de campagne",
              "Tient le registre des dons et montre son solde.", NOT_YET,
              "Estrade ne produit pas le compte de campagne et ne refuse pas un compte en "
              "déficit."),
        _rule("ACC-2", "CE L52-12 II", "Dépôt du compte : 10e vendredi après le 1er tour",
              "La date de dépôt saisie ferme la collecte (MAND-2) ; sans elle, la date limite "
              "légale (10e vendredi après le 1er tour) la ferme, et une date saisie au-delà est "
              "ramenée à cette limite.", PARTIAL,
              "Pas de compte à rebours jusqu'à la date limite de dépôt.",
              (filing_deadline,)),
        _rule("ACC-3", "CE L52-12 III", "Présentation par un expert-comptable",
              "Fournit la liste des donateurs (REP-1), le calcul du plafond et la vérification "
              "du registre (estrade ledger verify).", PARTIAL,
              "Pas de dossier complet pour l'expert-comptable (dépenses, apport, prêts)."),
        _rule("ACC-4", "CE L52-4 dernier al.", "Petites communes : pas de compte",
              "Mode petite-commune (MAND-4, DON-SMALL).", APPLIED),
        _rule("PEN-1", "CE L113-1 I", "Sanctions du candidat",
              "Les messages citent l'article enfreint.", NOT_YET,
              "Les avertissements ne rappellent pas la peine (3 ans, 45 000 €)."),
        _rule("PEN-2", "CE L113-1 III", "Sanctions du donateur",
              "Le III de L113-1 est reproduit dans le bloc des mentions (DON-9) et les "
              "e-mails.", APPLIED),
    )),
    Group("Fiscalité et partis", (
        _rule("TAX-1", "CGI art. 200", "Réduction d'impôt de 66 %",
              "/don indique la réduction de 66 % dans la limite de 20 % du revenu imposable et "
              "le coût réel du don, sauf en mode petite-commune.", APPLIED),
        _rule("TAX-2", "CGI art. 200", "Partis : 15 000 € par foyer fiscal",
              "Rien pour l'instant.", NOT_YET,
              "En mode parti, /don ne mentionne pas la limite de 15 000 € par an et par foyer."),
        _rule("PARTY-1", "loi 88-227 art. 11-4", "Partis : 7 500 € par personne et par an",
              "Mode parti : refuse à la saisie et à l'import au-delà de 7 500 € par personne "
              "et par année civile, tous les partis de l'installation ensemble (sans nommer "
              "les autres), remboursements rattachés à l'année du don ; un don mensuel est "
              "jugé sur l'année civile qui en compte le plus ; sans période "
              "de collecte ; /don ne vérifie que le don lui-même (7 500 € au plus), un paiement "
              "en ligne au-delà du total annuel est signalé à rembourser (DON-16) ; DON-1, "
              "DON-3, DON-4, DON-6 et DON-10 restent vérifiés.", PARTIAL,
              "Les cotisations ne sont pas enregistrées (elles comptent dans les 7 500 €) ; pas "
              "de reçus par année civile ni de liste annuelle pour la CNCCFP (15 avril).",
              (r.check_cap, r.check_gift_amount, r.donor_cap, r.payments_in_busiest_year),
              E("Chèque de 1 000 € après 7 000 € donnés dans l'année", ex.over_party_cap)),
    )),
    Group("Propagande, site internet, silence électoral", (
        _rule("WEB-1", "CE L49, L89", "Silence électoral",
              "Pour chaque tour, du samedi 0 h (heure de l'élection : Europe/Paris, ou le "
              "fuseau de l'élection outre-mer) à la fermeture des bureaux (20 h, ou l'heure de "
              "l'élection), l'éditeur refuse de publier, de retirer ou de mettre en ligne une "
              "page programmée (bouton grisé avec un bandeau, requête directe, « estrade pages "
              "publish ») ; une publication programmée attend la fin du silence ; brouillons "
              "et aperçu restent possibles (app/core/publishing/silence.py).", PARTIAL,
              "Le fuseau et l'heure de clôture d'une élection se règlent en base (colonnes "
              "timezone et polls_close), pas encore dans le fichier de campagne ; un fichier "
              "modifié à la main sur le serveur n'est pas retenu."),
        _rule("WEB-2", "CE L52-2", "Pas de résultats avant la fermeture des bureaux",
              "Une page de type « resultats » ne peut pas être publiée avant la fermeture des "
              "bureaux du premier tour (éditeur, requête directe, commande, programmation).",
              PARTIAL, "Une page de résultats d'un autre type n'est pas reconnue."),
        _rule("WEB-3", "CE L52-1, L50-1", "Pas de publicité commerciale",
              "Les thèmes livrés n'ont aucun emplacement publicitaire et le site ne charge rien "
              "d'un autre site.", PARTIAL,
              "Pas d'avertissement sur les publicités payantes ou un numéro gratuit."),
        _rule("WEB-4", "CNCCFP", "Le site est une dépense de campagne",
              "Rien pour l'instant.", NOT_YET,
              "Pas de facture par campagne ni de liste des adresses du site (annexe 13)."),
    )),
    Group("Données personnelles (RGPD, CNIL)", (
        _rule("GDPR-1", "RGPD art. 6 et 9 ; CNIL 2012-020", "Bases légales et consentements",
              "Le registre repose sur l'obligation légale ; l'inscription aux nouvelles de la "
              "campagne est une case séparée, facultative et décochée.", APPLIED),
        _rule("GDPR-2", "RGPD art. 13", "Information des personnes",
              "Génère la politique de confidentialité de chaque site, liée sous le formulaire "
              "de don.", PARTIAL,
              "Pas de suivi des demandes d'exercice des droits ni de leur délai d'un mois."),
        _rule("GDPR-3", "CNIL, norme simplifiée n° 34", "Durées de conservation",
              "Rien pour l'instant.", NOT_YET,
              "Aucune suppression automatique : la politique de confidentialité annonce la "
              "suppression des contacts après l'élection, à faire à la main."),
        _rule("GDPR-4", "règlement (UE) 2024/900", "Publicité politique ciblée",
              "Estrade n'a ni export d'audiences publicitaires, ni import de fichiers de "
              "contacts, ni ciblage.", APPLIED),
    )),
    Group("Élections à venir", (
        _rule("ELEC-PRES", "loi 62-1292 art. 3", "Présidentielle",
              "Collecte sur douze mois (MAND-2) ; plafond de 13,7 M€ (1er tour) ou 18,3 M€ "
              "(2nd tour) × 1,23 (CAP-1).", PARTIAL,
              "Remboursement à 4,75 % du plafond pour tous les candidats non calculé ; prêts "
              "non gérés (LOAN-3)."),
        _rule("ELEC-DEP", "CE L52-11", "Départementales",
              "Barème par tranche × 1,23 sur la population du canton ; collecte sur six mois.",
              APPLIED),
        _rule("ELEC-REG", "CE L52-11", "Régionales",
              "Barème par tranche × 1,23 sur la population de la région ; collecte sur six mois.",
              APPLIED),
        _rule("ELEC-LEG", "CE L52-11 al. 3", "Législatives",
              "(38 000 € + 0,15 € par habitant) × 1,26 ; collecte sur six mois, ou dès la date "
              "saisie en cas de dissolution.", APPLIED),
        _rule("ELEC-EU", "loi 77-729 art. 19-1", "Européennes",
              "Plafond de 9 200 000 € par liste, sans coefficient.", PARTIAL,
              "Les 2 % de transport outre-mer ne sont pas ajoutés."),
        _rule("ELEC-SEN", "CE L308-1", "Sénatoriales",
              "Formule de L308-1 (10 000 € + 0,05 € ou 0,02 € par habitant) disponible dans le "
              "calcul.", PARTIAL,
              "Le nombre de sièges du département n'est pas enregistré : la campagne n'a pas "
              "de plafond (DON-5 avertit « plafond inconnu »)."),
        _rule("ELEC-MUN-P", "CE L52-4 al. 4, L52-11", "Municipales partielles",
              "Type « partielle » : barème municipal ; la collecte commence à la date saisie.",
              APPLIED),
    )),
    Group("Documents du trésorier", (
        _rule("REP-1", "CE R39-1", "Liste des donateurs",
              "estrade donations export (CSV, TSV, XLSX) et téléchargement dans "
              "/admin/tresorerie/ : un don par ligne avec l'identité, le reçu, le moyen de "
              "paiement, la référence, le cumul du donateur ; totaux par moyen de paiement et "
              "sous-total des espèces.", APPLIED),
        _rule("REP-2", "arrêté du 14 août 2023", "Export pour Fin'Pol",
              "Export TSV en UTF-8 des mêmes colonnes.", PARTIAL,
              "L'ordre des colonnes attendu par Fin'Pol n'est pas reproduit."),
        _rule("REP-3", "CE R39-1-1", "Rapprochement des virements Stripe",
              "Rien pour l'instant.", NOT_YET,
              "Les virements Stripe ne sont pas lus : pas de relevé brut / frais / net."),
        _rule("REP-4", "CE L52-11, L52-11-1, L52-12", "Jauges pour l'expert-comptable",
              "Plafond, espèces et remboursement maximal (tableau de bord, estrade campaign "
              "cap).", PARTIAL, "Ni apport personnel ni dépenses par nature."),
        _rule("REP-5", "CNCCFP, guide 2013", "Petites communes : rendre le solde",
              "Rien pour l'instant.", NOT_YET, "Pas de liste des donateurs à rembourser."),
    )),
)

#: Ids of the law reference that ask nothing of the software, with why (French).
NOT_DECLARED: dict[str, str] = {
    "PEN-3": "affichage illégal, publicité commerciale et numéros gratuits (CE L113-1 II, IV) : "
             "Estrade n'a rien à contrôler",
}


def all_rules() -> tuple[Rule, ...]:
    return tuple(rule for group in GROUPS for rule in group.rules)


def rule(rule_id: str) -> Rule:
    """The declared rule ``rule_id`` (``KeyError`` when Estrade does not declare it)."""
    for declared in all_rules():
        if declared.id == rule_id:
            return declared
    raise KeyError(rule_id)


RULE_IDS: frozenset[str] = frozenset(declared.id for declared in all_rules())
