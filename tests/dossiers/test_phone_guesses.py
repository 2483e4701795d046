"""/tra-cuu/ and /danh-gia/ take a dossier code + the last 4 phone digits: one shared budget.

The budget is per client address (an IPv6 client by its /64) across both pages, and a code's
failed guesses are counted across every address, so that the 10,000 combinations of one code
cannot be walked from many addresses.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from dossiers.web import ratelimit
from feedback.models import SatisfactionRating
from tests import factories

PAGES = ["/tra-cuu/", "/danh-gia/"]
SCORES = {"step": "rate", "information_score": "5", "attitude_score": "5", "timeliness_score": "5", "result_score": "5"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(procedure, head):
    dossier = factories.receive_dossier(procedure=procedure, actor=head, applicant_phone="0912345678")
    return dossier


def _guess(client, page, code, digits, address="203.0.113.7", **extra):
    return client.post(page, {"ma": code, "sdt": digits, **extra}, REMOTE_ADDR=address)


def test_both_pages_share_one_budget_per_address(client, dossier, settings):
    settings.PUBLIC_GUESS_LIMIT = 4
    for i in range(4):  # two on each page, each on another code
        assert _guess(client, PAGES[i % 2], f"KHONG-CO-{i}", "0000").status_code == 200

    for page in PAGES:
        blocked = _guess(client, page, dossier.code, "5678")
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "600"
        assert "Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 10 phút." in blocked.content.decode()
    assert _guess(client, "/tra-cuu/", dossier.code, "5678", address="203.0.113.8").status_code == 200


def test_failed_guesses_on_one_code_from_many_addresses_lock_that_code(client, dossier, settings, frozen_now):
    settings.PUBLIC_GUESS_PER_CODE_LIMIT = 3
    for i in range(3):  # three addresses, one wrong guess each, on both pages
        page = PAGES[i % 2]
        assert _guess(client, page, dossier.code.lower(), f"000{i}", address=f"198.51.100.{i}").status_code == 200

    # Even the right digits, from a fresh address, on either page: the code rests for an hour.
    for page in PAGES:
        blocked = _guess(client, page, dossier.code, "5678", address="192.0.2.50", **SCORES)
        assert blocked.status_code == 429
        assert blocked["Retry-After"] == "3600"
        assert "Mã hồ sơ này đã bị nhập sai số điện thoại quá nhiều lần" in blocked.content.decode()
    assert not SatisfactionRating.objects.exists()
    # Another code is not affected.
    other = factories.receive_dossier(
        procedure=dossier.procedure, actor=dossier.received_by, applicant_phone="0912000111"
    )
    assert _guess(client, "/tra-cuu/", other.code, "0111", address="192.0.2.50").status_code == 200

    frozen_now.shift(dt.timedelta(hours=1, seconds=1))
    assert _guess(client, "/tra-cuu/", dossier.code, "5678", address="192.0.2.50").status_code == 200


def test_right_guesses_do_not_count_against_the_code(client, dossier, settings):
    settings.PUBLIC_GUESS_PER_CODE_LIMIT = 2
    for i in range(5):
        assert _guess(client, "/tra-cuu/", dossier.code, "5678", address=f"198.51.100.{i}").status_code == 200


def test_ipv6_clients_are_counted_by_their_64(client, dossier, settings):
    settings.PUBLIC_GUESS_LIMIT = 3
    for i in range(3):  # three addresses of one /64
        assert _guess(client, "/tra-cuu/", f"KHONG-CO-{i}", "0000", address=f"2001:db8:1:2::{i + 1}").status_code == 200
    assert _guess(client, "/danh-gia/", dossier.code, "5678", address="2001:db8:1:2:ffff::9").status_code == 429
    # The next /64 has its own budget (409: the dossier is not returned yet, so not rated).
    assert _guess(client, "/danh-gia/", dossier.code, "5678", address="2001:db8:1:3::1").status_code == 409


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not-an-address", "unknown"),
    ],
)
def test_client_ip_key(address, key):
    assert ratelimit.client_ip(RequestFactory().get("/", REMOTE_ADDR=address)) == key
