"""What the scenarios share: logging in, screenshots for the docs, reading instants as shown."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

VN = ZoneInfo("Asia/Ho_Chi_Minh")
E2E_PASSWORD = "E2e-Mot-Cua-2026!"  # noqa: S105 - the throw-away e2e database's demo password
PC = {"width": 1366, "height": 768}  # the counter's PC
PHONE = {"width": 390, "height": 844}  # a citizen's phone
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = Path(os.environ.get("E2E_SCREENSHOTS", ROOT / "docs" / "screenshots"))


def login(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """docs/screenshots/NAME.png (E2E_SCREENSHOTS moves them elsewhere)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="hide")
    return path


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: the page is {widths[0]}px wide in a {widths[1]}px window"


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(VN)


def as_words(instant: dt.datetime) -> str:
    """How Mẫu 01 and the intake preview say an instant: `15 giờ 30 phút, ngày 30/11/2026`."""
    local = instant.astimezone(VN)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def as_short(instant: dt.datetime) -> str:
    """How the dossier page and the public look-up say an instant: `30/11/2026 15:30`."""
    return f"{instant.astimezone(VN):%d/%m/%Y %H:%M}"


def as_input(instant: dt.datetime) -> str:
    """The value of a datetime-local input, in Vietnam time."""
    return f"{instant.astimezone(VN):%Y-%m-%dT%H:%M}"


def parse_short(text: str) -> dt.datetime:
    match = re.search(r"(\d{2}/\d{2}/\d{4} \d{2}:\d{2})", text)
    assert match, f"no dd/mm/yyyy HH:MM in {text!r}"
    return dt.datetime.strptime(match.group(1), "%d/%m/%Y %H:%M").replace(tzinfo=VN)


def api_due(page: Page, received_at: dt.datetime, *, amount: int, unit: str, agency: str) -> dict:
    """The calendar API's answer (logged in as the page's user), as the intake preview asks it."""
    answer = page.request.get(
        "/api/v1/calendar/due-at/",
        params={"received_at": received_at.isoformat(), "amount": amount, "unit": unit, "agency": agency},
    )
    assert answer.ok, answer.text()
    body = answer.json()
    return {key: parse_iso(body[key]) for key in ("received_at", "start_at", "due_at")}


def fact(page: Page, term: str) -> Locator:
    """The <dd> next to a <dt> of a facts list ("Hẹn trả kết quả" → its value)."""
    term_cell = page.locator("dt", has_text=re.compile(f"^{re.escape(term)}$"))
    return page.locator("dl.facts > div").filter(has=term_cell).locator("dd")


def look_up(page: Page, code: str, last_digits: str) -> None:
    """The public look-up, as a citizen fills it in (no login)."""
    page.goto("/tra-cuu/")
    expect(page.get_by_role("heading", name="Tra cứu tình trạng hồ sơ")).to_be_visible()
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("4 số cuối điện thoại").fill(last_digits)
    page.get_by_role("button", name="Tra cứu").click()


def assert_no_personal_data(page: Page, applicant: dict) -> None:
    """Neither the name, the phone, the ID number nor the address is anywhere in the page."""
    html = page.content()
    phone = applicant["phone"]
    for secret in (applicant["name"], phone, phone.replace(" ", ""), applicant["id_number"], applicant["address"]):
        assert secret not in html, f"the public look-up shows {secret!r}"
