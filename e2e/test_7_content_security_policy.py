"""Scenario 7: the pages work under the strict Content-Security-Policy.

Every scenario already fails on any CSP violation (conftest.py). These steps exercise what the
others do not: the confirmation asked before refusing a dossier, the print buttons, the Django
admin, and the API documentation pages, whose viewers are the only ones allowed more.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

# Counts calls instead of opening the print dialog, which a headless browser cannot answer.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


def _an_open_dossier(page: Page) -> str:
    answer = page.request.get("/api/v1/dossiers/", params={"status": "in_progress", "agency": "SGDDT"})
    assert answer.ok, answer.text()
    results = answer.json()["results"]
    assert results, "the demo data has an open SGDDT dossier"
    return results[0]["code"]


def test_the_header_is_strict(office):
    page = office.page()
    answer = page.goto("/tra-cuu/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_refusing_asks_first_and_cancel_sends_nothing(office):
    page = office.page("lanhdao")
    code = _an_open_dossier(page)
    page.goto(f"/ho-so/{code}/")
    status = page.locator(".badge").first.inner_text()
    refuse = page.locator("form[data-confirm]").filter(has=page.locator("summary", has_text="Từ chối giải quyết"))
    refuse.locator("summary").click()
    refuse.get_by_label(re.compile("Lý do")).fill("Thử hộp xác nhận (e2e).")

    questions: list[str] = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    refuse.get_by_role("button", name="Từ chối giải quyết").click()
    expect(page).to_have_url(re.compile(rf"/ho-so/{code}/$"))
    assert questions == ["Từ chối giải quyết hồ sơ này? Thao tác không hoàn tác được."]
    page.reload()
    expect(page.locator(".badge").first).to_have_text(status)  # nothing was refused


def test_the_print_buttons_print(office):
    page = office.page("lanhdao")
    page.context.add_init_script(COUNT_PRINTS)
    code = _an_open_dossier(page)
    page.goto(f"/ho-so/{code}/bien-nhan/")
    page.get_by_role("button", name="In (A4)").click()
    assert page.evaluate("window.__prints") == 1


def test_the_admin_works(office):
    page = office.page("admin")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Quản trị hệ thống")).to_be_visible()
    page.goto("/admin/procedures/procedure/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("form#procedure_form, #content-main form").first).to_be_visible()
    # The admin's own script runs: the collapsible fieldsets and the "save" row are there.
    expect(page.locator("input[name='_save']")).to_be_visible()


def test_the_api_documentation_renders(office):
    page = office.page("lanhdao")
    page.goto("/api/docs/")
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Một Cửa tracker API", timeout=60_000)
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    page.goto("/api/redoc/")
    # Redoc reads the whole schema (300 kB) before it draws anything: slow on a busy machine.
    expect(page.locator("redoc h1").first).to_contain_text("Một Cửa tracker API", timeout=60_000)
    expect(page.locator("redoc [role=menu]").first).to_be_visible()
    # Redoc's bundle always asks for its logo from its CDN; the policy refuses it, on purpose (the
    # page loads nothing from another origin), and the bundle then drops the image.
    page.wait_for_load_state("networkidle")
    office.csp_violations[:] = [v for v in office.csp_violations if "https://cdn.redoc.ly/" not in v]
