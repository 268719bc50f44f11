"""A hostile theme cannot read or write files, reach the app or the database, nor call
anything but the read-only methods of plain values (security issue, item 2).

The theme tries each escape a template author could try; the live app is served with a real
secret in instance/config.py, and nothing of it may ever show on a page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, UndefinedError

from app.config import PROJECT_ROOT
from app.extensions import db
from app.website.sandbox import ThemeSandbox, page_data, plain

SECRET = "tres-secret-" + "x" * 40

#: Each line is one page template of the hostile theme.
ATTACKS = [
    "{{ page.source.parents[3].joinpath('instance', 'config.py').read_text() }}",
    "{{ page.source }}",
    "{{ page.__class__.__mro__ }}",
    "{{ site.__class__.__init__.__globals__ }}",
    "{{ site.raw.__class__.__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ cycler.__init__.__globals__.os.environ }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ settings.get.__self__.__class__ }}",
    "{{ ''.format.__globals__ }}",
    "{{ '{0.__class__}'.format(page) }}",
    "{{ page.date.__class__.__init__ }}",
    "{{ menu.pop() }}",
    "{{ settings.update({'logo': 'x'}) }}",
    "{{ config.SECRET_KEY }}",
    "{{ request.environ }}",
    "{{ get_flashed_messages() }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{% import 'os' as os %}",
    "{% include '../../instance/config.py' %}",
    "{% include '/etc/passwd' %}",
]


def hostile_theme(root: Path, attack: str) -> Path:
    themes = root / "themes"
    shutil.copytree(PROJECT_ROOT / "themes" / "base", themes / "base")
    templates = themes / "hostile" / "templates"
    templates.mkdir(parents=True)
    (themes / "hostile" / "theme.toml").write_text(
        'label = "Hostile"\ndescription = "Un thème qui essaie de sortir de son bac à sable."\n',
        encoding="utf-8")
    (templates / "page.html").write_text(f"<main>{attack}{{{{ content }}}}</main>\n",
                                         encoding="utf-8")
    return themes


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_hostile_theme_reveals_nothing_live(database_url: str, tmp_path: Path,
                                              attack: str) -> None:
    from tests.support.app import make_app

    themes = hostile_theme(tmp_path, attack)
    content = tmp_path / "content"  # page.source.parents[3] is tmp_path: the instance's parent
    shutil.copytree(PROJECT_ROOT / "content" / "demo", content / "demo")
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(f"SECRET_KEY = {SECRET!r}\n", encoding="utf-8")
    app = make_app(database_url, tmp_path, ESTRADE_THEMES_DIR=str(themes), SECRET_KEY=SECRET,
                   ESTRADE_CONTENT_DIR=str(content))
    with app.app_context():
        from app.campaigns.demo import seed_demo

        seed_demo(app)
        from app.campaigns.models import Site

        site = db.session.scalar(db.select(Site).where(Site.slug == "demo"))
        site.theme = "hostile"
        db.session.commit()
        client = app.test_client()
        client.application.config["PROPAGATE_EXCEPTIONS"] = False
        response = client.get("/programme/")
        body = response.get_data(as_text=True)
        assert SECRET not in body and "tres-secret" not in body
        assert "root:" not in body and "uid=" not in body and "<class" not in body
        assert "SECRET_KEY" not in body
        assert response.status_code in (200, 500)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("attack", ATTACKS[:16])
def test_each_escape_is_refused_by_the_sandbox(attack: str) -> None:
    from datetime import date

    from app.core.publishing.pages import Page

    env = ThemeSandbox(undefined=StrictUndefined)
    page = Page(source=Path("/srv/estrade/content/demo/pages/x.md"), slug="x", title="X",
                date=date(2026, 11, 1))
    context = {"page": page_data(page), "site": plain({"title": "S", "raw": {"a": 1}}),
               "settings": {"logo": ""}, "menu": [{"label": "A", "url": "/"}]}
    with pytest.raises((SecurityError, UndefinedError, TypeError)):
        env.from_string(attack).render(**context)


def test_what_a_theme_may_do_still_works() -> None:
    from datetime import date

    env = ThemeSandbox(undefined=StrictUndefined)
    out = env.from_string(
        "{{ page.date.strftime('%d/%m/%Y') }} {{ page.date.isoformat() }} "
        "{{ item.get('alt', '?') }} {{ path.lstrip('/') }} {{ items|join(',') }} "
        "{% for k, v in item.items() %}{{ k }}={{ v }}{% endfor %}"
        "{% for n in range(2) %}{{ loop.cycle('a', 'b') }}{% endfor %}").render(
        page={"date": date(2026, 3, 15)}, item={"legende": "L"}, path="/media/x.jpg",
        items=["a", "b"])
    assert out == "15/03/2026 2026-03-15 ? media/x.jpg a,b legende=Lab"


def test_no_path_or_object_ever_reaches_a_template() -> None:
    from app.core.publishing.pages import Page

    data = page_data(Page(source=Path("/x/pages/a.md"), slug="a", title="A"))
    assert "source" not in data and all(not isinstance(v, Path) for v in data.values())
    with pytest.raises(TypeError):
        plain({"file": Path("/etc/passwd")})
    with pytest.raises(TypeError):
        plain({"row": object()})
