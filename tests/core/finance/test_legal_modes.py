"""Issue 12 defect 10: the DON-9 block in small-commune and party modes, and the party mode's
monthly refusal (PARTY-1 is per calendar year, never « 4 600 € par élection »)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from app.core.finance.decision import CampaignFacts, Gift
from app.core.finance.legal_text import LegalMentions, MandateFacts, legal_mentions
from app.core.finance.rules import check_gift_amount, payments_in_busiest_year

ROUND1 = date(2026, 3, 15)


def facts(mode: str, **kw: object) -> MandateFacts:
    values: dict[str, object] = dict(
        candidate_name="Marie Dupont", list_name=None, election_label="« Municipales »",
        round1=ROUND1, round2=None, mandataire_type=None, mandataire_name=None,
        mandataire_declared_on=None, prefecture=None, mode=mode)
    values.update(kw)
    return MandateFacts(**values)  # type: ignore[arg-type]


def text(mentions: LegalMentions) -> str:
    return mentions.intro + " ".join(t + " ".join(p) for t, p in mentions.sections)


def test_small_commune_block_is_complete_without_a_mandataire() -> None:
    """It said « dons pas encore ouverts » while /don was open (no mandataire below 9,000)."""
    mentions = legal_mentions(facts("petite-commune"))
    assert mentions.complete
    body = text(mentions)
    assert "moins de 9 000 habitants" in body and "aucun reçu fiscal" in body
    assert "4 600 euros" in body and "45 000 €" in body  # L52-8 al. 1-3, L113-1 III
    assert "mandataire financier désigné" not in body


def test_party_block_reproduces_the_party_articles() -> None:
    mentions = legal_mentions(facts("parti", candidate_name="Parti des Ormes",
                                    mandataire_type="AFE", mandataire_name="AF des Ormes",
                                    mandataire_declared_on=date(2024, 2, 1)))
    assert mentions.complete
    body = text(mentions)
    assert "Article 11-4 de la loi n° 88-227" in body and "7 500 euros" in body
    assert "Article 11-5" in body and "L. 52-8" not in body and "4 600" not in body
    assert "agréée le 01/02/2024" in mentions.intro


def test_party_block_without_its_mandataire_lists_what_is_missing_not_closed() -> None:
    mentions = legal_mentions(facts("parti"))
    assert not mentions.complete and mentions.collecting
    assert any("association de financement" in m for m in mentions.missing)
    assert not legal_mentions(facts("candidat")).collecting  # MAND-1: closed, and it says so


def test_party_monthly_refusal_speaks_of_the_year() -> None:
    party = CampaignFacts(mode="parti", election_kind="municipales", population=None,
                          round1=ROUND1)
    november = Gift(70_000, date(2026, 11, 5), "carte")
    # 12 payments from November: 2 in 2026, 10 in 2027 → 7,000 € at most in one year.
    assert check_gift_amount(november, party, months=12).allowed
    january = Gift(70_000, date(2026, 1, 5), "carte")
    refused = check_gift_amount(january, party, months=12)
    assert refused.rules == ("PARTY-1",)
    message = refused.messages[0]
    assert "par an" in message and "4 600" not in message and "élection" not in message


@given(st.integers(1, 12), st.integers(1, 36))
def test_busiest_year_bounds(start_month: int, months: int) -> None:
    busiest = payments_in_busiest_year(start_month, months)
    assert 1 <= busiest <= min(12, months)
    assert busiest >= -(-months // ((months + start_month - 2) // 12 + 1))  # pigeonhole
