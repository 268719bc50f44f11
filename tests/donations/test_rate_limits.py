"""The rate limits of POST /don (app/donations/limits.py): declared settings, checked at start,
and a per-identity counter that never holds a name (its 429 is tested on a live server in
test_no_oracle_live.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError
from app.donations.limits import identity_bucket
from tests.support.app import make_app

FORM = {"nom": "Delacroix", "prenom": "Camille", "code_postal": "72000",
        "adresse": "8 place du Marché"}


def test_the_identity_counter_holds_an_hmac_not_a_name() -> None:
    bucket = identity_bucket(FORM, 1, "secret")
    assert bucket.startswith("id-") and len(bucket) == 43
    assert "delacroix" not in bucket.lower() and "72000" not in bucket
    # The same person however typed, wherever from: name and postcode, normalised.
    assert identity_bucket({**FORM, "nom": " DELACROIX ", "code_postal": "72 000",
                            "adresse": "8, place du marche (bis)"}, 1, "secret") == bucket
    assert identity_bucket({**FORM, "prenom": "Camilla"}, 1, "secret") != bucket
    assert identity_bucket(FORM, 2, "secret") != bucket  # one counter per site
    assert identity_bucket(FORM, 1, "another secret") != bucket
    assert identity_bucket({}, 1, "secret") == ""  # nobody named: nothing to count


@pytest.mark.parametrize("key", ["ESTRADE_DONATE_LIMIT_PER_ADDRESS",
                                 "ESTRADE_DONATE_LIMIT_PER_IDENTITY"])
def test_an_unreadable_limit_refuses_to_start(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError, match=key):
        make_app("sqlite://", tmp_path, **{key: "dix par minute"})
    with pytest.raises(ConfigError, match=key):
        make_app("sqlite://", tmp_path, **{key: ""})
    assert make_app("sqlite://", tmp_path, **{key: "3 per minute;20 per day"})
