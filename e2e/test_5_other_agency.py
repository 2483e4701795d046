"""Scenario 6: an officer of another agency (PGDDT-HDONG) sees none of SGDDT's dossier."""

from __future__ import annotations

from playwright.sync_api import expect


def test_another_agency_gets_404_and_finds_nothing(office, story, needs):
    needs("code", "letter_url")
    code = story["code"]
    letter = story["letter_url"].rstrip("/")
    page = office.page("motcua_huyen")

    for url in (
        f"/ho-so/{code}/",
        f"/ho-so/{code}/bien-nhan/",
        f"/ho-so/{code}/mau-02/",
        f"{letter}/",
        f"{letter}/in/",
        f"{letter}/tai-ve.docx",
    ):
        answer = page.request.get(url)
        assert answer.status == 404, f"{url}: {answer.status}"
        assert code not in answer.text() and story["applicant"]["name"] not in answer.text(), url

    # The same in the browser, as the officer would see it.
    answer = page.goto(f"/ho-so/{code}/")
    assert answer is not None and answer.status == 404
    expect(page.get_by_text(story["applicant"]["name"])).to_have_count(0)

    page.goto("/ho-so/")
    page.get_by_role("searchbox").first.fill(code)
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.get_by_text("Không có hồ sơ nào phù hợp.")).to_be_visible()
    expect(page.locator("table.results")).not_to_contain_text(code)

    page.goto(f"/ho-so/?q={story['applicant']['name']}")
    expect(page.get_by_text("Không có hồ sơ nào phù hợp.")).to_be_visible()

    page.goto("/phieu-xin-loi/?trang_thai=issued")
    expect(page.get_by_role("heading", name="Phiếu xin lỗi và hẹn lại ngày trả kết quả")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(code)
