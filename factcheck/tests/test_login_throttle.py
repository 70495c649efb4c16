"""Login throttling on the app's and the admin's sign-in pages (django-axes).

bob is a reviewer, alice an editor (staff, so she may use the admin).
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import override_settings

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOGIN_PAGES = ["/login/", "/admin/login/"]
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.7"


def sign_in(client, page, username, password, address=OFFICE, **headers):
    return client.post(page, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(client, page, times, *, usernames=("alice",), address=ATTACKER, **headers):
    """`times` wrong passwords, cycling through `usernames`; returns the last response."""
    for attempt in range(times):
        response = sign_in(client, page, usernames[attempt % len(usernames)], f"guess-{attempt}", address, **headers)
    return response


def signed_in(client):
    return client.get("/claims/").status_code == 200


def assert_paused(response):
    assert response.status_code == 429
    assert "Sign-in paused" in response.text
    assert f"paused for {settings.AXES_COOLOFF_TIME.total_seconds() // 60:.0f} minutes" in response.text


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_failures_below_the_limit_leave_the_right_password_working(client, editor, page):
    response = fail(client, page, settings.AXES_FAILURE_LIMIT - 1)
    assert response.status_code == 200
    assert sign_in(client, page, "alice", PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_repeated_failures_for_an_account_refuse_even_the_right_password(client, editor, page):
    # Spread over many addresses, as a botnet would: the account's own count stops it.
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, page, "alice", "guess", address=f"192.0.2.{attempt + 1}")
    assert_paused(sign_in(client, page, "alice", "last guess", address="192.0.2.99"))

    assert_paused(sign_in(client, page, "alice", PASSWORD, address=OFFICE))
    assert not signed_in(client)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_repeated_failures_from_an_address_pause_every_account_there(client, editor, reviewer, page):
    assert_paused(fail(client, page, settings.AXES_FAILURE_LIMIT, usernames=["root", "dave", "erin"]))

    assert_paused(sign_in(client, page, "alice", PASSWORD, address=ATTACKER))
    assert not signed_in(client)
    assert sign_in(client, page, "alice", PASSWORD, address=OFFICE).status_code == 302
    assert signed_in(client)


def test_one_page_counts_the_failures_of_the_other(client, editor):
    fail(client, "/admin/login/", settings.AXES_FAILURE_LIMIT - 1)
    assert_paused(fail(client, "/login/", 1))
    assert_paused(sign_in(client, "/admin/login/", "alice", PASSWORD))


def test_the_pause_ends_after_the_cool_off(client, editor):
    fail(client, "/login/", settings.AXES_FAILURE_LIMIT)
    assert_paused(sign_in(client, "/login/", "alice", PASSWORD))

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)
    assert sign_in(client, "/login/", "alice", PASSWORD).status_code == 302
    assert signed_in(client)


def test_failures_during_the_pause_extend_it(client, editor):
    fail(client, "/login/", settings.AXES_FAILURE_LIMIT)
    almost_over = settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - almost_over)
    assert_paused(fail(client, "/login/", 1))

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    assert_paused(sign_in(client, "/login/", "alice", PASSWORD))


def test_the_app_page_explains_in_the_app_and_the_admin_page_in_the_admin(client, editor):
    app = fail(client, "/login/", settings.AXES_FAILURE_LIMIT, usernames=["dave"])
    assert 'class="site-header"' in app.text
    assert 'href="/login/"' in app.text

    admin = fail(client, "/admin/login/", settings.AXES_FAILURE_LIMIT, usernames=["erin"], address="192.0.2.1")
    assert 'id="site-name"' in admin.text
    assert 'href="/admin/login/"' in admin.text
    assert "Content-Security-Policy" in admin.headers


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=settings.AXES_COOLOFF_TIME * 4)
def test_the_limit_and_the_pause_come_from_settings(client, editor):
    response = fail(client, "/login/", 2)
    assert response.status_code == 429
    assert "paused for 60 minutes" in response.text


def test_without_a_trusted_proxy_a_forged_forwarded_header_does_not_escape_the_address_count(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(
            client, "/login/", f"user{attempt}", "guess", ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}"
        )
    assert_paused(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_is_counted_at_its_own_address(client, editor):
    proxy = "10.0.0.2"
    # The proxy appends the address it saw; what the client wrote before it is not trusted.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(
            client, "/login/", f"user{attempt}", "guess", proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {ATTACKER}"
        )
    assert_paused(response)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}

    # Another reader behind the same proxy is not locked out with the attacker.
    assert sign_in(client, "/login/", "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_behind_two_proxies_the_address_the_outer_one_saw_is_counted(client, editor):
    sign_in(client, "/login/", "alice", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}, 10.0.0.9")
    assert AccessAttempt.objects.get().ip_address == ATTACKER


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forwarded_header_that_is_not_an_address_counts_the_peer(client, editor):
    response = sign_in(client, "/login/", "alice", "guess", "10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
