from __future__ import annotations

import pytest

from tests.reporting.office import build_office


@pytest.fixture
def office(agency, head):
    return build_office(agency, head)
