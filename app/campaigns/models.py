"""Sites, elections and campaigns (the mandataire and the dates that frame collection)."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.finance.elections import ElectionIdentity
from app.core.finance.vocabulary import ELECTION_KINDS
from app.extensions import Model


class Site(Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(64), default="base")
    content_dir: Mapped[str] = mapped_column(String(255))
    is_default: Mapped[bool] = mapped_column(default=False)

    hosts: Mapped[list[SiteHost]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="SiteHost.host"
    )
    campaign: Mapped[Campaign | None] = relationship(back_populates="site", uselist=False)

    @property
    def host_names(self) -> list[str]:
        return [h.host for h in self.hosts]


class SiteHost(Model):
    __tablename__ = "site_hosts"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    host: Mapped[str] = mapped_column(String(253), unique=True)
    site: Mapped[Site] = relationship(back_populates="hosts")


class Election(Model):
    """One election: sites whose campaigns share it share the DON-2 cap per donor.

    Identified by kind, first-round date, scope and territory
    (:func:`app.core.finance.elections.election_identity`), never by a label: every commune of
    a general municipal election shares one row. ``name`` is only a French description."""

    __tablename__ = "elections"
    __table_args__ = (Index("uq_elections_identity", "kind", "round1", "scope", "territory",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    round1: Mapped[date]
    round2: Mapped[date | None]
    #: WEB-1: the zone the rounds' days are in (overseas elections) and when the polls
    #: close ("20:00" when empty); read by the editor's electoral silence.
    timezone: Mapped[str | None] = mapped_column(String(64))
    polls_close: Mapped[str | None] = mapped_column(String(5))
    scope: Mapped[str] = mapped_column(String(20), default="generale", server_default="generale")
    territory: Mapped[str] = mapped_column(String(100), default="", server_default="")

    campaigns: Mapped[list[Campaign]] = relationship(viewonly=True)

    @property
    def kind_label(self) -> str:
        return ELECTION_KINDS.get(self.kind, self.kind)

    @property
    def identity(self) -> ElectionIdentity:
        return ElectionIdentity(self.kind, self.round1, self.scope, self.territory)


class Campaign(Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), unique=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("elections.id"), index=True)
    mode: Mapped[str] = mapped_column(String(20), default="candidat")
    candidate_name: Mapped[str] = mapped_column(String(200), default="")
    list_name: Mapped[str | None] = mapped_column(String(200))
    colistiers_json: Mapped[str] = mapped_column(Text, default="[]")
    population: Mapped[int | None]
    #: The campaign's own name for its election (« Municipales de Lyon 2032 », DON-9 text);
    #: which election it is, for the DON-2 cap, is the election row's identity.
    election_label: Mapped[str | None] = mapped_column(String(200))
    # MAND-1: no mandataire, no donations. MAND-6: one mandataire per candidate.
    mandataire_type: Mapped[str | None] = mapped_column(String(3))
    mandataire_name: Mapped[str | None] = mapped_column(String(200))
    mandataire_declared_on: Mapped[date | None]
    mandataire_prefecture: Mapped[str | None] = mapped_column(String(200))
    collection_start: Mapped[date | None]  # MAND-2 override (partial elections)
    filing_date: Mapped[date | None]  # MAND-2: collection ends when the account is filed

    site: Mapped[Site] = relationship(back_populates="campaign")
    election: Mapped[Election] = relationship()

    @property
    def colistiers(self) -> list[str]:
        return list(json.loads(self.colistiers_json or "[]"))

    @colistiers.setter
    def colistiers(self, names: list[str]) -> None:
        self.colistiers_json = json.dumps(list(names), ensure_ascii=False)

    @property
    def election_name(self) -> str:
        return self.election_label or self.election.name

    @property
    def has_mandataire(self) -> bool:
        return bool(self.mandataire_type and self.mandataire_name and self.mandataire_declared_on)
