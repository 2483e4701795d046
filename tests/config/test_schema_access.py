"""The API schema and its documentation pages are for signed-in users only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_anonymous_callers_get_no_schema(client, path):
    response = client.get(path)
    assert response.status_code == 403
    assert response.json() == {"detail": "Chưa đăng nhập hoặc chưa gửi mã truy cập."}


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_staff_read_the_schema(officer_client, path):
    assert officer_client.get(path).status_code == 200
