from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.core.publishing.pages import (
    ContentError,
    Page,
    load_pages,
    page_fingerprint,
    parse_page,
    slug_from_path,
)

ROOT = Path("/site/pages")


def parse(text: str, rel: str = "x.md") -> Page:
    return parse_page(ROOT / rel, text, ROOT)


def error_of(text: str, rel: str = "x.md") -> ContentError:
    with pytest.raises(ContentError) as info:
        parse(text, rel)
    return info.value


def test_front_matter_happy_path() -> None:
    text = (
        "---\n"
        "title: Notre programme\n"
        "description: Ce que nous ferons\n"
        "date: 2026-03-15\n"
        "kind: programme\n"
        "menu_order: 2\n"
        "image: media/partage.jpg\n"
        "status: draft\n"
        "auteur: Camille\n"
        "tags: [ecologie, logement]\n"
        "---\n"
        "# Bonjour\n"
        "\n"
        "Texte.\n"
    )
    page = parse(text, "programme.md")
    assert page.title == "Notre programme"
    assert page.slug == "programme"
    assert page.description == "Ce que nous ferons"
    assert page.date == dt.date(2026, 3, 15)
    assert page.kind == "programme"
    assert page.menu_order == 2
    assert page.image == "media/partage.jpg"
    assert page.status == "draft" and not page.is_published
    assert page.meta == {"auteur": "Camille", "tags": ["ecologie", "logement"]}
    assert page.body == "# Bonjour\n\nTexte.\n"
    assert page.body_line == 12
    assert text.split("\n")[page.body_line - 1] == "# Bonjour"
    assert page.source == ROOT / "programme.md"


def test_defaults() -> None:
    page = parse("---\ntitle: Accueil\n---\n", "index.md")
    assert (page.slug, page.kind, page.status, page.date, page.menu_order) == (
        "", "page", "published", None, None
    )
    assert page.description == "" and page.image == "" and page.meta == {}
    assert page.body_line == 4 and page.body == ""


@pytest.mark.parametrize(
    ("rel", "slug"),
    [
        ("index.md", ""),
        ("contact.md", "contact"),
        ("programme/index.md", "programme"),
        ("programme/ecologie.md", "programme/ecologie"),
        ("programme/2026/Écologie Urbaine.md", "programme/2026/ecologie-urbaine"),
    ],
)
def test_slug_from_path(rel: str, slug: str) -> None:
    assert slug_from_path(ROOT / rel, ROOT) == slug
    assert parse("---\ntitle: T\n---\n", rel).slug == slug


def test_explicit_slug_wins_and_is_trimmed() -> None:
    assert parse("---\ntitle: T\nslug: /agir/benevoles/\n---\n").slug == "agir/benevoles"


def test_crlf_and_bom_are_accepted() -> None:
    page = parse("\ufeff---\r\ntitle: T\r\n---\r\nCorps\r\n")
    assert page.title == "T" and page.body == "Corps\n" and page.body_line == 4


def test_accented_kind_is_normalised() -> None:
    assert parse("---\ntitle: T\nkind: actualité\n---\n").kind == "actualite"


def test_error_str_names_file_and_line() -> None:
    err = error_of("---\ndescription: x\n---\n", "programme/x.md")
    assert str(err).startswith("fichier pages/programme/x.md, ligne ")
    assert err.path == ROOT / "programme/x.md"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Pas d'en-tête\n", 1, "en-tête manquant"),
        ("---\ntitle: T\nCorps sans fin d'en-tête\n", 1, "jamais fermé"),
        ("---\ntitle: T\ndescription: [non fermé\n---\n", 3, "YAML invalide"),
        ("---\ntitle: T\n  mauvais: retrait: x\n---\n", 3, "YAML invalide"),
        ("---\n- une\n- liste\n---\n", 2, "clé: valeur"),
        ("---\ndescription: x\n---\n", 2, "« title » est obligatoire"),
        ("---\ndescription: x\ntitle: ''\n---\n", 3, "« title » est obligatoire"),
        ("---\ntitle: [a, b]\n---\n", 2, "doit être un texte"),
        ("---\ntitle: T\n\ndate: 15/03/2026\n---\n", 4, "AAAA-MM-JJ"),
        ("---\ntitle: T\ndate: 2026-02-30\n---\n", 3, "date « 2026-02-30 » invalide"),
        ("---\ntitle: T\ndate: 2026-W01-1\n---\n", 3, "invalide"),
        ("---\ntitle: T\nkind: billet\n---\n", 3, "kind"),
        ("---\ntitle: T\nstatus: publie\n---\n", 3, "draft"),
        ("---\ntitle: T\nmenu_order: premier\n---\n", 3, "menu_order"),
        ("---\ntitle: T\nmenu_order: true\n---\n", 3, "menu_order"),
        ("---\ntitle: T\nslug: Mon Programme\n---\n", 3, "slug"),
        ("---\ntitle: T\nimage: javascript:alert(1)\n---\n", 3, "image"),
        ("---\ntitle: T\nimage: ../../etc/passwd\n---\n", 3, "image"),
        ("---\ntitle: T\nimage: https://tracker.example/x.png\n---\n", 3, "image"),
    ],
)
def test_content_errors_have_the_right_line(text: str, line: int, words: str) -> None:
    err = error_of(text)
    assert err.line == line, str(err)
    assert words in err.message
    assert str(err) == f"fichier pages/x.md, ligne {line} : {err.message}"


def test_yaml_tags_are_not_executed() -> None:
    err = error_of("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\n")
    assert err.line == 2


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_load_pages_keeps_good_pages_and_reports_bad_ones(tmp_path: Path) -> None:
    pages_root = tmp_path / "pages"
    write(pages_root, "index.md", "---\ntitle: Accueil\n---\nBienvenue\n")
    write(pages_root, "programme/index.md", "---\ntitle: Programme\n---\n")
    write(pages_root, "programme/ecologie.md", "---\ntitle: Écologie\nmenu_order: 1\n---\n")
    write(pages_root, "cassee.md", "---\ntitle: Cassée\ndate: demain\n---\n")
    write(pages_root, "doublon.md", "---\ntitle: Doublon\nslug: programme\n---\n")
    write(pages_root, ".brouillon.md", "---\ntitle: caché\n---\n")
    write(pages_root, "notes.txt", "pas une page")
    (pages_root / "latin1.md").write_bytes("---\ntitle: é\n---\n".encode("latin-1"))

    pages, errors = load_pages(pages_root)

    assert [p.slug for p in pages] == ["", "programme/ecologie", "programme"]  # path order
    messages = {e.display: e for e in errors}
    assert set(messages) == {"pages/cassee.md", "pages/doublon.md", "pages/latin1.md"}
    assert messages["pages/cassee.md"].line == 3
    assert messages["pages/doublon.md"].line == 3
    assert "pages/programme/index.md" in messages["pages/doublon.md"].message
    assert messages["pages/latin1.md"].line is None
    assert str(messages["pages/latin1.md"]).startswith("fichier pages/latin1.md : ")


def test_slug_collision_between_file_and_index(tmp_path: Path) -> None:
    pages_root = tmp_path / "pages"
    write(pages_root, "programme.md", "---\ntitle: A\n---\n")
    write(pages_root, "programme/index.md", "---\ntitle: B\n---\n")
    pages, errors = load_pages(pages_root)
    assert [p.title for p in pages] == ["A"]
    assert len(errors) == 1 and errors[0].line == 1
    assert "déjà utilisée par pages/programme.md" in errors[0].message


def test_load_pages_missing_folder(tmp_path: Path) -> None:
    pages, errors = load_pages(tmp_path / "absent")
    assert pages == [] and len(errors) == 1 and "introuvable" in str(errors[0])


def test_page_fingerprint_follows_the_source_text() -> None:
    a = parse("---\ntitle: T\n---\nA\n")
    b = parse("---\ntitle: T\n---\nB\n")
    assert page_fingerprint(a) == page_fingerprint(parse("---\ntitle: T\n---\nA\n"))
    assert page_fingerprint(a) != page_fingerprint(b)
    assert len(page_fingerprint(a)) == 64


def test_parse_page_outside_the_pages_folder() -> None:
    page = parse_page(Path("/tmp/apercu.md"), "---\ntitle: Aperçu\n---\n", ROOT)
    assert page.slug == "apercu"
