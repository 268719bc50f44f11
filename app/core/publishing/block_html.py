"""Built-in block renderer: escaped, semantic HTML, no script and no third-party request.

Used when no theme renderer is given (tests, tools) and when a theme's block template fails, so
a page always shows something sensible; a block with an error becomes a visible alert box.
"""

from __future__ import annotations

from html import escape
from typing import Any

from app.core.publishing.blocks import Block


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _button(data: dict[str, Any]) -> str:
    if not data.get("bouton"):
        return ""
    return f'<p><a class="button" href="{_e(data["lien"])}">{_e(data["bouton"])}</a></p>'


def _img(src: str, alt: str) -> str:
    return f'<img src="/{_e(src.lstrip("/"))}" alt="{_e(alt)}" loading="lazy">' if src else ""


def render_block_fallback(block: Block) -> str:
    """Minimal HTML for a block; a visible alert box for a block with an error."""
    data, name = block.data, block.name
    if block.error is not None or data is None:
        message = block.error or "bloc impossible à afficher"
        return (f'<div class="block-error" role="alert"><p><strong>Bloc « {_e(name)} » '
                f"(ligne {block.line}) :</strong> {_e(message)}</p></div>")
    if name == "hero":
        style = f' data-image="/{_e(data["image"].lstrip("/"))}"' if data["image"] else ""
        return (f'<section class="block-hero"{style}><h2>{_e(data["titre"])}</h2>'
                f"{data['html']}{_button(data)}</section>")
    if name == "appel":
        title = f"<h2>{_e(data['titre'])}</h2>" if data["titre"] else ""
        return f'<aside class="block-appel">{title}{data["html"]}{_button(data)}</aside>'
    if name == "don":
        links = "".join(f'<li><a class="button" href="{_e(link["url"])}">{link["montant"]}'
                        "\u00a0€</a></li>" for link in data["liens"])
        links += f'<li><a class="button" href="{_e(data["url"])}">Autre montant</a></li>'
        return (f'<aside class="block-don"><p>{_e(data["texte"])}</p>'
                f"<ul>{links}</ul></aside>")
    if name == "video":
        return (f'<figure class="block-video" data-provider="{_e(data["provider"])}" '
                f'data-embed-url="{_e(data["embed_url"])}"><figcaption>{_e(data["titre"])}'
                f'</figcaption><p><a href="{_e(data["url"])}">Voir la vidéo sur '
                f'{"YouTube" if data["provider"] == "youtube" else _e(data["host"])}</a></p>'
                "</figure>")
    if name == "galerie":
        items = "".join(f"<li><figure>{_img(i['image'], i.get('alt', ''))}"
                        + (f"<figcaption>{_e(i['legende'])}</figcaption>" if i.get("legende")
                           else "") + "</figure></li>" for i in data)
        return f'<ul class="block-galerie">{items}</ul>'
    if name == "equipe":
        items = "".join(f"<li>{_img(i.get('photo', ''), i['nom'])}"
                        f"<p class=\"nom\"><strong>{_e(i['nom'])}</strong></p>"
                        + (f"<p class=\"role\">{_e(i['role'])}</p>" if i.get("role") else "")
                        + (f"<p>{_e(i['bio'])}</p>" if i.get("bio") else "") + "</li>"
                        for i in data)
        return f'<ul class="block-equipe">{items}</ul>'
    if name == "faq":
        items = "".join(f"<details><summary>{_e(i['question'])}</summary>{i['reponse_html']}"
                        "</details>" for i in data)
        return f'<div class="block-faq">{items}</div>'
    if name == "citation":
        author = f"<figcaption>{_e(data['auteur'])}</figcaption>" if data["auteur"] else ""
        return (f'<figure class="block-citation"><blockquote>{data["html"]}</blockquote>'
                f"{author}</figure>")
    if name == "chiffres":
        items = "".join(f"<div><dt>{_e(i['valeur'])}</dt><dd>{_e(i['libelle'])}</dd></div>"
                        for i in data)
        return f'<dl class="block-chiffres">{items}</dl>'
    if name == "document":
        details = ", ".join(x for x in (data["format"], data["taille"]) if x)
        suffix = f" ({_e(details)})" if details else ""
        return (f'<p class="block-document"><a href="/{_e(data["fichier"].lstrip("/"))}" '
                f'download>{_e(data["titre"])}</a>{suffix}</p>')
    return f'<div class="block-{_e(name)}"></div>'
