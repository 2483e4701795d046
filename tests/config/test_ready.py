"""/api/v1/ready/: 200 when the database and the cache work, 503 naming the one that does not.

The failures are real: a cache server nobody listens on, a cache table that does not exist, and
a process whose database is a PostgreSQL port nobody listens on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
URL = "/api/v1/ready/"


def test_ready_when_database_and_cache_answer(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.parametrize(
    "broken_cache",
    [
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "no_such_cache_table"},
    ],
    ids=["redis-down", "cache-table-missing"],
)
def test_a_broken_cache_is_503_and_named(client, settings, broken_cache):
    settings.CACHES = {"default": broken_cache}
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "cache": "error"}}
    assert "redis" not in response.content.decode().lower()  # nothing of the cause is sent


def test_a_database_that_does_not_answer_is_503():
    """Another process, whose database (and so its database cache) is a closed port."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/api/v1/ready/'); print(json.dumps([r.status_code, r.json()]))"
    )
    environ = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}
    environ.update(
        DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="CRITICAL",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/motcua",
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=environ, check=True, capture_output=True, text=True, timeout=60
    ).stdout
    status, body = json.loads(out.splitlines()[-1])
    assert status == 503
    assert body == {"status": "unavailable", "checks": {"database": "error", "cache": "error"}}


def test_ready_and_health_are_public_and_need_no_https_redirect(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get("/api/v1/health/").status_code == 200


def test_the_schema_documents_both_answers(officer_client):
    schema = officer_client.get("/api/schema/?format=json").json()
    operation = schema["paths"][URL]["get"]
    # Its own two answers, beside the errors every operation documents (config.schema.AutoSchema:
    # a NUL in the query, a bad token header, an over-long URI).
    assert {"200", "503"} <= set(operation["responses"])
    assert set(operation["responses"]) - {"200", "503"} <= {"400", "403", "404", "414"}
    assert operation["security"] == [{}]  # no authentication
