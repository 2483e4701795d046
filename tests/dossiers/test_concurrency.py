"""Concurrency on a real PostgreSQL: gap-free codes and one winner per conflicting action."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from config.exceptions import ConflictError
from dossiers import services
from dossiers.models import Dossier
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_in_threads(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_twenty_officers_save_at_once_and_codes_have_no_gaps(procedure):
    officers = [
        factories.staff(agency=procedure.agency, roles=["Cán bộ một cửa"], username=f"mc{i}") for i in range(20)
    ]

    def work(i):
        return factories.receive_dossier(procedure=procedure, actor=officers[i]).code

    codes = _run_in_threads(20, work)
    assert all(isinstance(code, str) for code in codes), codes
    prefix = f"{procedure.agency.code}-20261125-"
    assert sorted(codes) == [f"{prefix}{n:04d}" for n in range(1, 21)]
    assert sorted(Dossier.objects.values_list("book_line", flat=True)) == list(range(1, 21))


def test_two_officers_finish_the_same_dossier_one_wins(procedure, officer, head):
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    actors = [officer, head]
    results = _run_in_threads(2, lambda i: services.dossier_finish(dossier=dossier, actor=actors[i]))
    winners = [r for r in results if isinstance(r, Dossier)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert str(losers[0]) == "Hồ sơ đã có kết quả, không thể ghi nhận có kết quả."
    assert Dossier.objects.get(pk=dossier.pk).events.filter(type="result_ready").count() == 1


def test_two_officers_return_the_same_result_over_http_one_gets_409(procedure, officer):
    """The same race through the API: two counter officers hand the same result back at once."""
    from rest_framework.test import APIClient

    second = factories.staff(agency=procedure.agency, roles=["Cán bộ một cửa"], username="motcua2")
    dossier = factories.receive_dossier(procedure=procedure, actor=officer)
    services.dossier_finish(dossier=dossier, actor=factories.staff(
        agency=procedure.agency, roles=["Chuyên viên xử lý"], username="chuyenvien"
    ))
    keys = [factories.api_key(user) for user in (officer, second)]

    def work(i):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[i]}")
        return client.post(f"/api/v1/dossiers/{dossier.code}/return/", {}, format="json")

    responses = _run_in_threads(2, work)
    assert sorted(response.status_code for response in responses) == [200, 409], responses
    loser = next(response for response in responses if response.status_code == 409)
    assert loser.json()["detail"] == "Hồ sơ đã trả kết quả, không thể trả kết quả."
    assert Dossier.objects.get(pk=dossier.pk).events.filter(type="returned").count() == 1
