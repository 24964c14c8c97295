"""Sign-in throttling behind the proxy, changing one's password, and API tokens."""

import pytest
from django.test import override_settings

from .factories import UserFactory

PASSWORD = "a-test-password-1"


def _sign_in(client, password, forwarded_for):
    return client.post(
        "/sign-in/",
        {"username": "alice", "password": password},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",  # the proxy's address, the same for everyone
    )


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_failures_from_one_address_do_not_lock_the_user_out_from_another(client, alice):
    for _ in range(5):
        _sign_in(client, "wrong", "203.0.113.7")

    from_attacker = _sign_in(client, PASSWORD, "203.0.113.7")
    from_user = _sign_in(client, PASSWORD, "198.51.100.20")

    assert from_attacker.status_code == 429
    assert from_user.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_entry_does_not_dodge_the_lock(client, alice):
    # The client writes anything it likes left of what the proxy appends.
    for n in range(5):
        _sign_in(client, "wrong", f"192.0.2.{n}, 203.0.113.7")

    again = _sign_in(client, PASSWORD, "192.0.2.99, 203.0.113.7")

    assert again.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_with_two_proxies_the_second_entry_from_the_right_is_the_client(client, alice):
    for _ in range(5):
        _sign_in(client, "wrong", "192.0.2.1, 203.0.113.7, 10.0.0.1")

    same_client = _sign_in(client, PASSWORD, "203.0.113.7, 10.0.0.1")
    other_client = _sign_in(client, PASSWORD, "203.0.113.8, 10.0.0.1")

    assert same_client.status_code == 429
    assert other_client.status_code == 302


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, alice):
    for n in range(5):
        _sign_in(client, "wrong", f"192.0.2.{n}")

    again = _sign_in(client, PASSWORD, "192.0.2.200")

    assert again.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_junk_forwarded_header_falls_back_to_the_peer_address(client, alice):
    response = _sign_in(client, "wrong", "not-an-address\x00")

    from axes.models import AccessAttempt

    assert response.status_code == 200
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
