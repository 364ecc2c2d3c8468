"""A quick check that the harness works end to end (the full journey lives in test_journey)."""

from tests.conftest import Harness, sign_up


def test_signing_then_the_first_checkin_arrives_at_nine(harness: Harness) -> None:
    printed = sign_up(harness)
    assert "Thank you for signing" in printed
    assert "Monday 1 March 2027 at 09:00 (Europe/London)" in printed
    printed = harness.say("/clock 2027-03-01T08:59Z")
    assert "check-in" not in printed
    printed = harness.say("/clock 2027-03-01T09:00Z")
    assert "bot → you (direct message):" in printed
    assert "Your pledge check-in for the week of Monday 1 March 2027" in printed
