from __future__ import annotations

import pytest

from app.core.publishing.blocks import (
    BLOCK_SPECS,
    Block,
    BlockProblem,
    BlockSpec,
    RawBlock,
    parse_params,
    split_blocks,
)
from app.core.publishing.markdown import render_markdown
from app.core.publishing.sanitize import parse_video_url


def only_block(text: str, first_line: int = 1) -> Block:
    rendered = render_markdown(text, first_line=first_line)
    assert len(rendered.blocks) == 1, rendered.blocks
    return rendered.blocks[0]


def test_params_quoted_unquoted_and_escaped() -> None:
    params = parse_params(
        ' montants="20,50,100" texte=\'Je soutiens\' mensuel=oui titre=L\'équipe '
        'x="dit \\"oui\\"" Y = 2'
    )
    assert params == {
        "montants": "20,50,100",
        "texte": "Je soutiens",
        "mensuel": "oui",
        "titre": "L'équipe",
        "x": 'dit "oui"',
        "y": "2",
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [('titre="non fermé', "illisibles"), ("titre", "illisibles"), ("a=1 a=2", "deux fois")],
)
def test_bad_params(text: str, words: str) -> None:
    with pytest.raises(BlockProblem, match=words):
        parse_params(text)


def test_split_blocks_keeps_text_and_lines() -> None:
    text = "Intro\n\n::: don montants=20\n:::\nSuite\n::: citation auteur=X\nCitation\n:::"
    parts = split_blocks(text, first_line=10)
    assert parts == [
        "Intro\n",
        RawBlock("don", " montants=20", "", 12),
        "Suite",
        RawBlock("citation", " auteur=X", "Citation", 15),
    ]


def test_directives_inside_fenced_code_are_text() -> None:
    text = "````md\n::: don\n:::\n```\n````\n\n~~~\n::: hero\n~~~\n"
    assert split_blocks(text) == [text]
    rendered = render_markdown(text)
    assert rendered.blocks == [] and rendered.warnings == []
    assert "::: don" in rendered.html


@pytest.mark.parametrize("spec", list(BLOCK_SPECS.values()), ids=list(BLOCK_SPECS))
def test_every_spec_example_is_valid(spec: BlockSpec) -> None:
    rendered = render_markdown(spec.example)
    assert [b.name for b in rendered.blocks] == [spec.name]
    block = rendered.blocks[0]
    assert block.error is None and block.warnings == () and rendered.warnings == []
    assert f"block-{spec.name}" in rendered.html
    assert spec.label and spec.help and spec.body in {"markdown", "yaml", "none"}


def test_hero() -> None:
    block = only_block(
        '::: hero titre="Rennes en commun" image="media/place.jpg" bouton="Agir" lien="/agir"\n'
        "Pour **toutes** et tous !\n:::"
    )
    assert block.params["titre"] == "Rennes en commun"
    assert block.data["image"] == "media/place.jpg"
    assert block.data["html"] == "<p>Pour <strong>toutes</strong> et tous\u202f!</p>"
    assert block.line == 1


def test_hero_texte_param_is_markdown_too() -> None:
    block = only_block('::: hero titre=T texte="Un *beau* texte <script>x</script>"\n:::')
    assert block.data["html"] == "<p>Un <em>beau</em> texte </p>"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('::: hero texte="x"\n:::', "« titre »"),
        ('::: hero titre=T bouton="Agir"\n:::', "bouton"),
        ('::: hero titre=T image="javascript:alert(1)"\n:::', "n’est pas un fichier du site"),
        ('::: hero titre=T image="../../secret.jpg"\n:::', "n’est pas un fichier du site"),
        ('::: appel bouton=Go lien="javascript:alert(1)"\n:::', "lien « javascript:alert(1) »"),
        ("::: don montants=20,abc\n:::", "montant « abc » invalide"),
        ("::: don montants=0\n:::", "montant « 0 » invalide"),
        ("::: don montants=-5\n:::", "invalide"),
        ("::: don montants=12.5\n:::", "invalide"),
        ("::: don montants=5000\n:::", "plafond légal de 4600 €"),
        ("::: don mensuel=peut-être\n:::", "oui ou non"),
        ('::: video url="https://vimeo.com/123"\n:::', "non reconnue"),
        ('::: video url="javascript:alert(1)"\n:::', "non reconnue"),
        ("::: video\n:::", "« url »"),
        ("::: document\n:::", "« fichier »"),
        ('::: document fichier="data:text/html,x"\n:::', "fichier du site"),
        ("::: galerie\n:::", "liste est vide"),
        ("::: galerie\nimage: a.jpg\n:::", "liste d’éléments"),
        ("::: galerie\n- alt: sans image\n:::", "« image »"),
        ("::: galerie\n- image: //evil.example/x.jpg\n  alt: x\n:::", "fichier du site"),
        ("::: equipe\n- role: Tête de liste\n:::", "« nom »"),
        ("::: equipe\n- nom: [a, b]\n:::", "texte simple"),
        ("::: faq\n- question: Qui ?\n:::", "« reponse »"),
        ("::: chiffres\n- valeur: 12\n:::", "« libelle »"),
    ],
)
def test_invalid_blocks_get_a_french_error(text: str, words: str) -> None:
    rendered = render_markdown(text)
    block = rendered.blocks[0]
    assert block.error is not None and words in block.error
    assert block.data is None
    assert rendered.warnings == [f"ligne 1 : bloc « {block.name} » : {block.error}"]
    assert '<div class="block-error" role="alert">' in rendered.html


def test_yaml_error_cites_the_file_line() -> None:
    text = "Intro\n\n::: faq\n- question: A\n  reponse: B\n- question: [C\n:::\n"
    block = only_block(text, first_line=20)
    assert block.line == 22
    assert block.error is not None and "ligne 25" in block.error  # the "- question: [C" line


def test_yaml_body_is_plain_text_not_python() -> None:
    block = only_block("::: chiffres\n- valeur: 2026-01-01\n  libelle: no\n:::")
    assert block.data == [{"valeur": "2026-01-01", "libelle": "no"}]
    bad = only_block("::: chiffres\n- valeur: !!python/object/apply:os.system [x]\n:::")
    assert bad.data is None or bad.data[0]["valeur"] != 0


def test_don() -> None:
    block = only_block('::: don montants="20, 50,100 €" texte="Je soutiens" mensuel=oui\n:::')
    assert block.data["montants"] == [20, 50, 100]
    assert block.data["mensuel"] is True
    assert block.data["liens"][0] == {"montant": 20, "url": "/don?montant=20&mensuel=1"}
    assert block.data["url"] == "/don?mensuel=1"
    default = only_block("::: don\n:::")
    assert default.data["montants"] == [] and default.data["liens"] == []
    assert default.data["url"] == "/don" and default.data["texte"] == "Je fais un don"


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "youtube", "dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ",
         "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://tube.example.fr/w/9c9de5e8-0a1e-484a-b099-e80766180a6d", "peertube",
         "9c9de5e8-0a1e-484a-b099-e80766180a6d",
         "https://tube.example.fr/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"),
        ("https://tube.example.fr/w/kkGMgK9ZtnKfYAgnEtQxbv", "peertube", "kkGMgK9ZtnKfYAgnEtQxbv",
         "https://tube.example.fr/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv"),
        ("https://peertube.fr/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d", "peertube",
         "9c9de5e8-0a1e-484a-b099-e80766180a6d",
         "https://peertube.fr/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d"),
    ],
)
def test_video_urls(url: str, provider: str, video_id: str, embed: str) -> None:
    block = only_block(f'::: video url="{url}" titre="Clip"\n:::')
    assert block.error is None
    assert (block.data["provider"], block.data["id"], block.data["embed_url"]) == (
        provider, video_id, embed
    )
    assert block.data["titre"] == "Clip"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXc<",
        "http://tube.example.fr/w/kkGMgK9ZtnKfYAgnEtQxbv",
        "https://user:pw@tube.example.fr/w/kkGMgK9ZtnKfYAgnEtQxbv",
        "https://tube.example.fr/w/../../x",
        "javascript://youtube.com/%0aalert(1)",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://[::1",
        "",
    ],
)
def test_bad_video_urls(url: str) -> None:
    assert parse_video_url(url) is None


def test_video_fallback_makes_no_third_party_request() -> None:
    html = render_markdown('::: video url="https://youtu.be/dQw4w9WgXcQ"\n:::').html
    assert "<iframe" not in html and "<img" not in html and "<script" not in html
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html


def test_galerie_equipe_faq_chiffres() -> None:
    galerie = only_block("::: galerie\n- image: media/a.jpg\n  alt: A\n  legende: L\n:::")
    assert galerie.data == [{"image": "media/a.jpg", "alt": "A", "legende": "L"}]
    equipe = only_block("::: equipe\n- nom: Camille\n  role: Tête\n  photo: /media/c.jpg\n:::")
    assert equipe.data == [{"nom": "Camille", "role": "Tête", "photo": "/media/c.jpg"}]
    faq = only_block("::: faq\n- question: Qui ?\n  reponse: Voir [ici](/don).\n:::")
    assert faq.data[0]["reponse_html"] == '<p>Voir <a href="/don">ici</a>.</p>'
    chiffres = only_block("::: chiffres\n- valeur: 1 000\n  libelle: logements\n:::")
    assert chiffres.data == [{"valeur": "1 000", "libelle": "logements"}]


def test_citation_and_document() -> None:
    citation = only_block('::: citation auteur="Louise Michel"\nLe pouvoir est maudit.\n:::')
    assert citation.data == {"auteur": "Louise Michel", "html": "<p>Le pouvoir est maudit.</p>"}
    document = only_block('::: document fichier="media/programme.pdf"\n:::')
    assert document.data["titre"] == "programme.pdf" and document.data["format"] == "PDF"


def test_warnings_do_not_block_rendering() -> None:
    rendered = render_markdown(
        '::: don montants=20 couleur=rouge\ntexte ignoré\n:::\n\n'
        "::: galerie\n- image: media/a.jpg\n  lien: x\n:::"
    )
    assert [b.error for b in rendered.blocks] == [None, None]
    assert rendered.warnings == [
        "ligne 1 : bloc « don » : paramètre « couleur » inconnu pour ce bloc, ignoré",
        "ligne 1 : bloc « don » : le contenu placé entre les lignes « ::: » est ignoré pour "
        "ce bloc",
        "ligne 5 : bloc « galerie » : élément 1 : champ « lien » inconnu, ignoré",
        "ligne 5 : bloc « galerie » : élément 1 : texte alternatif (alt) manquant pour "
        "« media/a.jpg »",
    ]


def test_unknown_block() -> None:
    rendered = render_markdown("Avant\n\n::: carrousel vitesse=3\ncontenu\n:::\n\nAprès")
    block = rendered.blocks[0]
    assert block.name == "carrousel" and block.error is not None
    assert "inconnu" in block.error and "hero" in block.error
    assert rendered.warnings[0].startswith("ligne 3 : bloc « carrousel » : nom de bloc inconnu")
    assert '<div class="block-error" role="alert">' in rendered.html
    assert "<p>Avant</p>" in rendered.html and "<p>Après</p>" in rendered.html


def test_unclosed_block_warns_and_keeps_the_text() -> None:
    rendered = render_markdown("::: citation auteur=X\nUne phrase.\n\n::: don\n:::\n")
    assert [(b.name, b.error is not None) for b in rendered.blocks] == [
        ("citation", True), ("don", False)
    ]
    assert "jamais fermé" in rendered.warnings[0] and rendered.warnings[0].startswith("ligne 1")
    assert "<p>Une phrase.</p>" in rendered.html
