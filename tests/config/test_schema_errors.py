"""The OpenAPI schema documents the error statuses each operation can answer (config.schema.AutoSchema).

schemathesis found 123 statuses the schema did not list (issue 12); `make fuzz` checks
status_code_conformance, and this test keeps the rule readable without a fuzz run.
"""

from __future__ import annotations

import pytest
import yaml

from tools.fuzz_api import CASES, seeds

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(officer_client):
    response = officer_client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_its_error_statuses(schema):
    checked = 0
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        create = method == "post" and "{" not in path
        expected = {"400", "403", "414"} | ({"404"} if not create else set()) | ({"409"} if method in WRITES else set())
        if "requestBody" in operation:
            expected |= {"413", "415"}
        assert expected <= set(responses), (method, path, sorted(responses))
        assert "401" not in responses  # SessionAuthentication comes first: DRF answers 403, never 401
        assert "429" not in responses  # no API view is throttled
        checked += 1
    assert checked >= 60


def test_error_bodies_are_described(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert components["ValidationErrors"]["additionalProperties"] == {}
    finish = schema["paths"]["/api/v1/dossiers/{code}/finish/"]["post"]["responses"]
    assert finish["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert finish["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationErrors"}
    assert finish["414"]["content"] == {"text/html": {}}
    assert finish["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Dossier")


def test_an_explicit_response_wins_over_the_defaults(schema):
    # The rating endpoint documents 200 (a rating changed) beside 201 itself; nothing replaces it.
    responses = schema["paths"]["/api/v1/satisfaction-ratings/"]["post"]["responses"]
    assert {"200", "201", "400"} <= set(responses)
    assert responses["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Rating")


def test_fuzz_tool_reads_seeds_and_the_summary():
    assert seeds("20261125,777") == [20261125, 777]
    assert CASES.findall("Test cases:\n  38183 generated, 124 found 124 unique failures\n") == [("38183", "124", "124")]
    assert CASES.findall("Test cases:\n  11913 generated, 11913 passed\n") == [("11913", "", "")]
