"""Issue 12 defect 8: monthly gifts stop when the filing date is set or moved (DON-15), at
the legal filing deadline (ACC-2) when none is set."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.donations import subscriptions
from app.donations.booking import subscription_end_timestamp
from app.donations.models import Donation
from app.donations.stripe import GATEWAY_EXTENSION
from app.extensions import db
from app.timeutil import paris_today
from tests.factories import new_donation, tx
from tests.support.paths import ROOT


class Recorder:
    """The two Stripe calls that stop a subscription, recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []

    def schedule_subscription_end(self, subscription_id: str, cancel_at: int,
                                  **kw: Any) -> dict[str, Any]:
        self.calls.append(("end", subscription_id, cancel_at))
        return {"id": subscription_id, "cancel_at": cancel_at}

    def cancel_subscription(self, subscription_id: str,
                            idempotency_key: str | None = None) -> dict[str, Any]:
        self.calls.append(("cancel", subscription_id, idempotency_key))
        return {"id": subscription_id, "status": "canceled"}


def running_monthly(amount_cents: int = 5_000) -> str:
    donation = new_donation(amount_cents, monthly=True)

    def activate() -> None:
        row = db.session.get(Donation, donation.id)
        assert row is not None
        row.status, row.subscription_id = "active", f"sub_{donation.id[:8]}"
    tx(activate)
    return donation.id


def reload_with(tmp_path: Path, runner: Any, filing: str) -> Any:
    demo = (ROOT / "content" / "demo" / "campaign.toml").read_text(encoding="utf-8")
    path = tmp_path / "campaign.toml"
    path.write_text(demo.replace("filing_date = 2027-05-21", filing), encoding="utf-8")
    return runner.invoke(args=["campaign", "load", "--site", "demo", str(path)])


def test_filing_date_moved_earlier_ends_running_subscriptions(app, runner, demo_site,
                                                              in_window, tmp_path) -> None:
    recorder = Recorder()
    app.extensions[GATEWAY_EXTENSION] = recorder
    donation_id = running_monthly()
    before = db.session.get(Donation, donation_id)
    assert before is not None and before.subscription_end_at == datetime(2027, 5, 21)
    reserved_before = before.reserved_cents
    result = reload_with(tmp_path, runner, "filing_date = 2027-03-31")
    assert result.exit_code == 0, result.output
    assert "DON-15" in result.output
    end = datetime(2027, 3, 31)
    assert recorder.calls == [("end", before.subscription_id, subscription_end_timestamp(end))]
    db.session.expire_all()
    after = db.session.get(Donation, donation_id)
    assert after is not None and after.subscription_end_at == end
    assert after.reserved_cents < reserved_before  # the cap room of the lost months is freed
    # Idempotent: loading the same file again calls Stripe no more.
    assert reload_with(tmp_path, runner, "filing_date = 2027-03-31").exit_code == 0
    assert len(recorder.calls) == 1


def test_filing_date_set_in_the_past_cancels_now(app, runner, demo_site, in_window, tmp_path,
                                                 monkeypatch) -> None:
    recorder = Recorder()
    app.extensions[GATEWAY_EXTENSION] = recorder
    running_monthly()
    monkeypatch.setattr(subscriptions, "paris_today", lambda: date(2027, 4, 2))
    result = reload_with(tmp_path, runner, "filing_date = 2027-04-01")
    assert result.exit_code == 0, result.output
    assert [c[0] for c in recorder.calls] == ["cancel"]


def test_no_filing_date_uses_the_legal_deadline(app, runner, demo_site, in_window,
                                                tmp_path) -> None:
    """ACC-2: the 10th Friday after the first round (14 March 2027) is 21 May 2027."""
    recorder = Recorder()
    app.extensions[GATEWAY_EXTENSION] = recorder
    assert paris_today() <= date(2027, 5, 21)
    result = reload_with(tmp_path, runner, "")
    assert result.exit_code == 0, result.output
    donation = new_donation(5_000, monthly=True)
    assert donation.subscription_end_at == datetime(2027, 5, 21)
