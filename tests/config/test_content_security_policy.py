"""The Content-Security-Policy: every page sends a strict one, and no page needs more.

The policy (config/settings.py CONTENT_SECURITY_POLICY) allows scripts and styles from the site's
own files only; so a page must carry no inline <script>, no on*= handler, no style= attribute,
no <style> block and no javascript: URL, or the browser refuses them (the e2e scenarios fail on
any refusal). Only the API documentation pages loosen the policy, and not for scripts.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from accounts.roles import DEPARTMENT_HEAD
from apology_letters.services import letter_draft
from dossiers.services import dossier_finish, dossier_return
from tests import factories

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {name: value for name, _, value in (part.strip().partition(" ") for part in header.split(";"))}


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses to run or apply in a page's markup."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> block at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> at line {self.getpos()[0]}")
            if name == "style":
                self.found.append(f"<{tag} style=…> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def world(agency):
    """A head of the agency, an open dossier with a draft letter, and a returned dossier."""
    head = factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], username="lanhdao")
    procedure = factories.ProcedureFactory(field__agency=agency)
    open_dossier = factories.receive_dossier(procedure=procedure, actor=head)
    letter = letter_draft(dossier=open_dossier, actor=head, reason="Chờ xác minh thông tin")
    done = factories.receive_dossier(procedure=procedure, actor=head, applicant_phone="0987654321")
    dossier_finish(dossier=done, actor=head)
    dossier_return(dossier=done, actor=head)
    return {"head": head, "procedure": procedure, "dossier": open_dossier, "letter": letter, "returned": done}


def staff_pages(world) -> list[str]:
    code, letter = world["dossier"].code, world["letter"].pk
    return [
        "/ho-so/",
        "/ho-so/tiep-nhan/",
        f"/ho-so/{code}/",
        f"/ho-so/{code}/bien-nhan/",
        "/phieu-xin-loi/",
        f"/phieu-xin-loi/{letter}/",
        f"/phieu-xin-loi/{letter}/in/",
        "/bang-dieu-khien/",
        "/bao-cao/",
        "/pakn/",
        "/pakn/ghi-nhan/",
        "/hai-long/tai-quay/",
        "/hai-long/bao-cao/",
    ]


PUBLIC_PAGES = ["/tra-cuu/", "/danh-gia/", "/gop-y/", "/gop-y/tra-cuu/", "/dang-nhap/", "/admin/login/"]


def assert_strict(response, path):
    assert response.status_code == 200, (path, response.status_code)
    policy = directives(response)
    for name, value in EXPECTED.items():
        assert policy.get(name) == value, (path, name, policy.get(name))
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, (path, header)
    assert inline_code(response.content.decode()) == [], path


def test_staff_pages_send_a_strict_policy_and_carry_no_inline_code(client, world):
    client.force_login(world["head"])
    for path in staff_pages(world):
        assert_strict(client.get(path), path)


def test_public_pages_send_a_strict_policy_and_carry_no_inline_code(client, world):
    for path in PUBLIC_PAGES:
        assert_strict(client.get(path), path)
    # The look-up's answer for a returned dossier, with its "rate the service" form.
    found = client.post("/tra-cuu/", {"ma": world["returned"].code, "sdt": "4321"})
    assert "Đánh giá mức độ hài lòng" in found.content.decode()
    assert_strict(found, "/tra-cuu/ (found)")


def test_admin_pages_work_under_the_strict_policy(client, world):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    dossier, procedure = world["dossier"], world["procedure"]
    for path in [
        "/admin/",
        "/admin/dossiers/dossier/",
        f"/admin/dossiers/dossier/{dossier.pk}/change/",
        "/admin/procedures/procedure/",
        f"/admin/procedures/procedure/{procedure.pk}/change/",
        "/admin/auth/group/add/",
    ]:
        assert_strict(client.get(path), path)


@pytest.mark.parametrize(
    ("path", "loosened"),
    [
        ("/api/docs/", {"img-src": "'self' data:"}),
        ("/api/redoc/", {"style-src": "'self' 'unsafe-inline'", "img-src": "'self' data:", "worker-src": "blob:"}),
    ],
)
def test_api_documentation_loosens_only_what_its_viewer_needs(client, world, path, loosened):
    client.force_login(world["head"])
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"  # never an inline script, not even here
    for name, value in EXPECTED.items():
        assert policy.get(name) == loosened.get(name, value), (name, policy.get(name))
    assert {name: policy[name] for name in loosened} == loosened
    page = response.content.decode()
    assert not [found for found in inline_code(page) if "script" in found or " on" in found]
    assert "fonts.googleapis.com" not in page  # nothing from another origin


def test_swagger_start_up_script_is_a_file_of_its_own(client, world):
    client.force_login(world["head"])
    page = client.get("/api/docs/").content.decode()
    assert re.search(r'<script src="/api/docs/\?script="></script>', page)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


TEMPLATE_DIRS = [settings.BASE_DIR / "templates", *sorted(settings.BASE_DIR.glob("*/templates"))]
INLINE_IN_SOURCE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def project_templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html") if ".venv" not in path.parts)


def test_no_project_template_carries_inline_code():
    """Also the templates no test above renders (Mẫu 02/03, the feedback slip, agency letter variants)."""
    templates = project_templates()
    assert len(templates) > 40
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)!r}"
        for path in templates
        for match in INLINE_IN_SOURCE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
