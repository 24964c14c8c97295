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


@pytest.mark.parametrize("role", ["civil-servant", "auditor", "programme-admin"])
def test_every_signed_in_user_can_change_their_password(client, db, role):
    from accounts.services import create_user_with_role

    user = create_user_with_role(username="bob", role=role, password=PASSWORD)
    client.force_login(user)
    header = client.get("/").content.decode()

    response = client.post(
        "/account/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-9",
            "new_password2": "a-brand-new-passphrase-9",
        },
    )

    user.refresh_from_db()
    assert 'href="/account/password/"' in header
    assert response.status_code == 302
    assert user.check_password("a-brand-new-passphrase-9")
    assert client.get("/account/password/done/").status_code == 200  # still signed in


def test_a_wrong_current_password_changes_nothing(client, alice):
    client.force_login(alice)

    response = client.post(
        "/account/password/",
        {
            "old_password": "wrong",
            "new_password1": "a-brand-new-passphrase-9",
            "new_password2": "a-brand-new-passphrase-9",
        },
    )

    alice.refresh_from_db()
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize(
    "url", ["/", "/programmes/", "/api-token/", "/account/password/", "/api/v1/"]
)
def test_signed_in_pages_are_not_stored(client, alice, url):
    from accounts.services import create_user_with_role

    user = create_user_with_role(username="carol", role="auditor", password=PASSWORD)
    client.force_login(user)

    response = client.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_new_token_page_is_not_stored(client, alice):
    client.force_login(alice)

    response = client.post("/api-token/")

    assert "no-store" in response["Cache-Control"]
