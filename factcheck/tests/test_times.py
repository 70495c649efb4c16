"""Times are shown in the newsroom's time zone (FACTCHECK_TIME_ZONE, else TIME_ZONE, else UTC), zone named."""

import re
from datetime import UTC, datetime

import pytest

from factcheck.models import Claim
from factcheck.tests.factories import make_claim, make_evidence
from factcheck.tests.test_settings import manage

pytestmark = pytest.mark.django_db

WINTER = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "winter", "summer"),
    [
        ("UTC", "15 Jan 2026, 22:30 UTC", "15 Jul 2026, 22:30 UTC"),
        ("Europe/Kyiv", "16 Jan 2026, 00:30 EET", "16 Jul 2026, 01:30 EEST"),
        ("America/New_York", "15 Jan 2026, 17:30 EST", "15 Jul 2026, 18:30 EDT"),
    ],
)
def test_the_claim_page_shows_times_in_the_newsrooms_zone_with_the_zone_named(
    reviewer_client, settings, zone, winter, summer
):
    settings.TIME_ZONE = zone
    claim = make_claim("The port reopened.")
    Claim.objects.filter(pk=claim.pk).update(status_changed_at=WINTER)
    make_evidence(claim, added_at=SUMMER)
    page = reviewer_client.get(f"/claims/{claim.pk}/").text
    assert f'Since <time datetime="2026-01-15T22:30:00+00:00">{winter}</time>' in page
    assert f'<time datetime="2026-07-15T22:30:00+00:00">{summer}</time>' in page


def test_the_zone_comes_from_factcheck_time_zone_then_time_zone_then_utc():
    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.TIME_ZONE)"]
    assert manage(*show, FACTCHECK_TIME_ZONE="Europe/Kyiv", TIME_ZONE="Asia/Tokyo").stdout.strip() == "Europe/Kyiv"
    assert manage(*show, TIME_ZONE="Asia/Tokyo").stdout.strip() == "Asia/Tokyo"
    assert manage(*show, FACTCHECK_TIME_ZONE="", TIME_ZONE="").stdout.strip() == "UTC"


def test_the_admin_names_the_zone_too_and_writes_dates_as_the_app_does(admin_user, client, settings):
    """The claims list's "last change" had read "07/12/2026" for 7 December, which an American reads
    as 12 July; the app writes "7 Dec 2026"."""
    settings.TIME_ZONE = "Europe/Kyiv"
    claim = make_claim("The port reopened.")
    Claim.objects.filter(pk=claim.pk).update(status_changed_at=WINTER)
    client.force_login(admin_user)
    assert "16 Jan 2026, 00:30 EET by" in client.get("/admin/factcheck/claim/").text
    assert "16 Jan 2026, 00:30 EET" in client.get(f"/admin/factcheck/claim/{claim.pk}/change/").text


def test_a_stale_decision_names_the_other_change_in_the_newsrooms_zone(editor_client, settings):
    settings.TIME_ZONE = "America/New_York"
    claim = make_claim("The port reopened.")
    stale_version = claim.version
    make_evidence(claim, "refutes")
    claim.refresh_from_db()
    claim.set_status("disputed", by=claim.status_changed_by, reason="The navy says otherwise.")
    response = editor_client.post(
        f"/claims/{claim.pk}/status/", {"status": "unconfirmed", "version": stale_version, "reason": "Reopened."}
    )
    assert response.status_code == 409
    # As every other time on the pages reads ("5 Dec 2026, 15:24 EST"), not "2026-12-05 15:24:02 EST".
    assert re.search(r"This claim was changed by \S+ at \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d E[SD]T\.", response.text)
