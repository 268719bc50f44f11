"""The blocks staff can insert, declared once: name, French label and help, parameters and
item fields with their kinds. The editor's forms, ``docs/blocks.md`` and the parser
(:mod:`app.core.publishing.blocks`) all read these declarations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParamSpec:
    """A parameter (or a field of a YAML item). ``kind`` drives validation and the editor form:
    text, markdown, url, image, file, amounts, bool, video."""

    name: str
    label: str
    help: str = ""
    required: bool = False
    kind: str = "text"


@dataclass(frozen=True)
class BlockSpec:
    """Declaration of a block: what the toolbar shows and what the parser accepts."""

    name: str
    label: str
    help: str
    params: tuple[ParamSpec, ...] = ()
    body: str = "none"  # "markdown", "yaml" (a list of items) or "none"
    body_help: str = ""
    item_fields: tuple[ParamSpec, ...] = ()
    example: str = ""


P = ParamSpec
_BUTTON = P("bouton", "Texte du bouton", "Par exemple « Je m’engage ».")
_LINK = P("lien", "Lien du bouton", "Adresse du site (/don, /agir) ou complète (https://…).",
          kind="url")

_SPECS = (
    BlockSpec(
        "hero", "Bandeau d’accueil",
        "Grand bandeau en haut de page : titre, texte court, image de fond et bouton.",
        (P("titre", "Titre", "Le grand titre du bandeau.", True),
         P("texte", "Texte", "Phrase courte ; ou écrivez-la dans le contenu du bloc."),
         P("image", "Image", "Fichier du site, par exemple media/equipe.jpg.", kind="image"),
         _BUTTON, _LINK),
        "markdown", "Texte du bandeau (Markdown), à la place du paramètre texte.",
        example='::: hero titre="Rennes en commun" image="media/place.jpg" '
        'bouton="Nous rejoindre" lien="/agir"\n'
        "Une liste citoyenne pour **toutes** les Rennaises et tous les Rennais.\n:::",
    ),
    BlockSpec(
        "appel", "Appel à l’action", "Encadré qui invite à agir : s’inscrire, signer, venir.",
        (P("titre", "Titre", "Titre de l’encadré (facultatif)."), _BUTTON, _LINK),
        "markdown", "Texte de l’encadré (Markdown).",
        example='::: appel titre="Rejoignez-nous" bouton="Je m’inscris" lien="/agir"\n'
        "Chaque samedi, nous tractons sur les marchés.\n:::",
    ),
    BlockSpec(
        "don", "Bouton de don", "Boutons de montants menant au formulaire de don (/don).",
        (P("montants", "Montants proposés", "En euros, séparés par des virgules : 20,50,100. "
           "Sans montants, ceux du site sont utilisés.", kind="amounts"),
         P("texte", "Texte d’invitation", "Par exemple « Je soutiens la liste »."),
         P("mensuel", "Don mensuel", "oui pour proposer un don chaque mois, sinon non.",
           kind="bool")),
        example='::: don montants="20,50,100" texte="Je soutiens la liste" mensuel=non\n:::',
    ),
    BlockSpec(
        "galerie", "Galerie de photos", "Plusieurs images avec leur description et légende.",
        body="yaml", body_help="Une image par élément de la liste.",
        item_fields=(P("image", "Image", "Fichier du site.", True, "image"),
                     P("alt", "Texte alternatif", "Ce que montre l’image, pour qui ne la voit "
                       "pas ; un avertissement s’affiche s’il manque."),
                     P("legende", "Légende", "Texte affiché sous l’image (facultatif).")),
        example="::: galerie\n- image: media/meeting.jpg\n  alt: La salle comble à Villejean\n"
        "  legende: Réunion publique du 12 mars\n- image: media/marche.jpg\n"
        "  alt: Tractage au marché des Lices\n:::",
    ),
    BlockSpec(
        "video", "Vidéo", "Vidéo YouTube ou PeerTube, chargée seulement quand la personne "
        "clique (aucune connexion au service vidéo avant).",
        (P("url", "Adresse de la vidéo", "Lien YouTube (youtube.com/watch?v=…, youtu.be/…) ou "
           "PeerTube (https://serveur/w/…).", True, "video"),
         P("titre", "Titre de la vidéo", "Décrit la vidéo pour l’accessibilité.")),
        example='::: video url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
        'titre="Notre programme en 2 minutes"\n:::',
    ),
    BlockSpec(
        "equipe", "Équipe", "Présentation des membres de la liste ou de l’équipe.",
        body="yaml", body_help="Une personne par élément de la liste.",
        item_fields=(P("nom", "Nom", "Prénom et nom.", True),
                     P("role", "Rôle", "Par exemple « Tête de liste »."),
                     P("photo", "Photo", "Fichier du site.", kind="image"),
                     P("bio", "Présentation", "Quelques phrases.")),
        example="::: equipe\n- nom: Camille Martin\n  role: Tête de liste\n"
        "  photo: media/camille.jpg\n  bio: Infirmière à Pontchaillou depuis 15 ans.\n"
        "- nom: Karim Benali\n  role: Mandataire financier\n:::",
    ),
    BlockSpec(
        "faq", "Questions fréquentes", "Liste de questions et réponses dépliables.",
        body="yaml", body_help="Une question par élément de la liste.",
        item_fields=(P("question", "Question", "La question, telle qu’on la pose.", True),
                     P("reponse", "Réponse", "Texte Markdown (liens possibles).", True,
                       "markdown")),
        example="::: faq\n- question: Qui peut donner ?\n"
        "  reponse: Toute personne physique, dans la limite de 4 600 € par élection.\n"
        "- question: Mon don ouvre-t-il droit à une réduction d’impôt ?\n"
        "  reponse: Oui, de 66 % du montant, dans la limite de 20 % du revenu imposable.\n:::",
    ),
    BlockSpec(
        "citation", "Citation", "Une citation mise en valeur, avec son auteur.",
        (P("auteur", "Auteur ou autrice", "Qui parle ; affiché sous la citation."),),
        "markdown", "Le texte cité (Markdown).",
        example='::: citation auteur="Camille Martin"\nLa ville appartient à celles et ceux qui '
        "la font vivre.\n:::",
    ),
    BlockSpec(
        "chiffres", "Chiffres clés", "Quelques chiffres marquants, en grand.",
        body="yaml", body_help="Un chiffre par élément de la liste.",
        item_fields=(P("valeur", "Valeur", "Par exemple 1 000 ou 30 %.", True),
                     P("libelle", "Libellé", "Ce que mesure le chiffre.", True)),
        example="::: chiffres\n- valeur: 1 000\n  libelle: logements rénovés par an\n"
        "- valeur: 30 %\n  libelle: de bio dans les cantines\n:::",
    ),
    BlockSpec(
        "document", "Document à télécharger", "Lien de téléchargement vers un fichier du site.",
        (P("fichier", "Fichier", "Fichier du site, par exemple media/programme.pdf.", True,
           "file"),
         P("titre", "Titre", "Par défaut, le nom du fichier."),
         P("taille", "Taille", "Facultatif, par exemple 2 Mo.")),
        example='::: document fichier="media/programme.pdf" titre="Le programme complet" '
        'taille="2 Mo"\n:::',
    ),
)

#: name → declaration, in toolbar order.
BLOCK_SPECS: dict[str, BlockSpec] = {spec.name: spec for spec in _SPECS}
