"""The ``estrade`` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.accounts.models import User
from app.campaigns.models import Site
from app.extensions import db

ESTRADE = str(Path(sys.executable).parent / "estrade")


def run_estrade(*args: str, env: dict[str, str] | None = None, stdin: str = "",
                cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([ESTRADE, *args], input=stdin, capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=120)


def test_help_lists_every_command_with_one_line() -> None:
    result = run_estrade("--help")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for command in ("init", "run", "users", "sites", "campaign", "db"):
        match = [line for line in lines if line.strip().startswith(command + " ")]
        assert match, f"{command} missing from --help"
        assert len(match[0].split(None, 1)) == 2, f"{command} has no help text"


def test_users_create_refuses_invalid_email_and_weak_password(runner, demo_site) -> None:
    site = ["--site", "demo", "--role", "editor"]
    bad_email = runner.invoke(args=["users", "create", "pas-une-adresse", *site],
                              input="un-mot-de-passe-solide\n")
    assert bad_email.exit_code == 1
    assert "Adresse e-mail invalide" in bad_email.output
    weak = runner.invoke(args=["users", "create", "a@example.org", *site], input="court\n")
    assert weak.exit_code == 1
    assert "au moins 12 caractères" in weak.output
    no_role = runner.invoke(args=["users", "create", "a@example.org"], input="x\n")
    assert no_role.exit_code == 1 and "--admin, ou --site" in no_role.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    ok = runner.invoke(args=["users", "create", "a@example.org", "--site", "demo", "--role",
                             "treasurer"], input="un-mot-de-passe-solide\n")
    assert ok.exit_code == 0, ok.output
    user = db.session.scalar(select(User))
    assert user.roles_on(demo_site.id) == {"treasurer"} and not user.is_admin
    assert user.check_password("un-mot-de-passe-solide")
    granted = runner.invoke(args=["users", "grant", "a@example.org", "--site", "demo",
                                  "--role", "editor"])
    assert granted.exit_code == 0, granted.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "editor@demo" in listing and "treasurer@demo" in listing
    revoked = runner.invoke(args=["users", "revoke", "a@example.org", "--site", "demo",
                                  "--role", "treasurer"])
    assert revoked.exit_code == 0
    db.session.expire_all()
    assert user.roles_on(demo_site.id) == {"editor"}


def test_sites_create_and_host_conflicts(runner) -> None:
    ok = runner.invoke(args=["sites", "create", "dupont", "--title", "Dupont 2027",
                             "--host", "dupont.example"])
    assert ok.exit_code == 0, ok.output
    clash = runner.invoke(args=["sites", "create", "martin", "--title", "Martin",
                                "--host", "dupont.example"])
    assert clash.exit_code == 1 and "déjà utilisé" in clash.output
    assert db.session.scalar(select(func.count(Site.id))) == 1
    bad = runner.invoke(args=["sites", "create", "Bad Slug", "--title", "x"])
    assert bad.exit_code == 1 and "Identifiant de site invalide" in bad.output


def test_campaign_load(runner, tmp_path) -> None:
    runner.invoke(args=["sites", "create", "dupont", "--title", "Dupont"])
    runner.invoke(args=["sites", "create", "martin", "--title", "Martin"])
    toml = tmp_path / "c.toml"
    toml.write_text("""
[election]
kind = "municipales"
name = "Municipales de Lyon 2032"
round1 = 2032-03-14
[campaign]
population = 520000
mode = "candidat"
candidate = "Jeanne Dupont"
colistiers = ["Paul Martin"]
filing_date = 2032-05-21
[mandataire]
type = "AFE"
name = "AFE Dupont 2032"
declared_on = 2031-06-01
prefecture = "Rhône"
""", encoding="utf-8")
    for slug in ("dupont", "martin"):
        result = runner.invoke(args=["campaign", "load", "--site", slug, str(toml)])
        assert result.exit_code == 0, result.output
    sites = db.session.scalars(select(Site).order_by(Site.slug)).all()
    # Same election name: one shared election, so one DON-2 cap per donor.
    assert sites[0].campaign.election_id == sites[1].campaign.election_id
    assert sites[0].campaign.colistiers == ["Paul Martin"]
    broken = tmp_path / "b.toml"
    broken.write_text("[election]\nkind = 'lune'\n", encoding="utf-8")
    result = runner.invoke(args=["campaign", "load", "--site", "dupont", str(broken)])
    assert result.exit_code == 1 and "kind doit être" in result.output


def test_init_twice_keeps_data(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'init.sqlite'}"
    instance = tmp_path / "instance"
    env = {"ESTRADE_DATABASE_URL": db_url, "ESTRADE_INSTANCE_PATH": str(instance)}
    first = run_estrade("init", env=env)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "admin@example.org" in first.stdout and "mot de passe" in first.stdout
    password = first.stdout.split("mot de passe : ")[1].split()[0]
    config = (instance / "config.py").read_text()
    second_user = run_estrade("users", "create", "t@example.org", "--site", "demo", "--role",
                              "treasurer",
                              env=env, stdin="tresorier-solide-2027\n")
    assert second_user.returncode == 0, second_user.stderr
    second = run_estrade("init", env=env)
    assert second.returncode == 0, second.stderr
    assert (instance / "config.py").read_text() == config  # secret kept
    assert password in second.stdout  # the same admin password still works
    listing = run_estrade("users", "list", env=env)
    assert "t@example.org" in listing.stdout
    sites = run_estrade("sites", "list", env=env)
    assert sites.stdout.count("demo") == 1


def test_relative_instance_path_is_taken_from_the_current_folder(tmp_path) -> None:
    env = {"ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'rel.sqlite'}",
           "ESTRADE_INSTANCE_PATH": "mon-instance",
           "ESTRADE_ADMIN_PASSWORD": "motdepasse-solide-27"}
    result = run_estrade("init", "--no-demo", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "mon-instance" / "config.py").is_file()


def test_unreachable_database_gets_a_french_message(tmp_path) -> None:
    env = {"ESTRADE_DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'x.sqlite'}",
           "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance")}
    result = run_estrade("sites", "list", env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "Base de données inaccessible" in result.stderr
    assert "ESTRADE_DATABASE_URL" in result.stderr
    refused = run_estrade("users", "list", env={
        "ESTRADE_DATABASE_URL": "postgresql+psycopg://estrade:secret@127.0.0.1:9/none",
        "ESTRADE_INSTANCE_PATH": str(tmp_path / "instance")})
    assert refused.returncode == 1 and "Base de données inaccessible" in refused.stderr
    assert "secret" not in refused.stderr and "***" in refused.stderr
