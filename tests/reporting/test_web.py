"""The report page (/bao-cao/), its .xlsx, and the department head's dashboard (/bang-dieu-khien/).

Figures come from the hand-built office (tests/reporting/office.py, counted by hand in
test_selectors.py) or from small sets built here. Time is frozen at Wed 25/11/2026 09:00; Tue
24/11/2026 is a public holiday.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import COUNTER_OFFICER, DEPARTMENT_HEAD, SPECIALIST, STATISTICS
from dossiers import services
from dossiers.api.filtersets import DossierFilterSet
from dossiers.models import Dossier
from feedback.models import FeedbackItem
from feedback.services.items import feedback_receive
from procedures import calendar
from reporting import dashboard
from reporting.periods import Period
from reporting.selectors import report_summary
from tests import factories
from tests.conftest import NOW
from tests.reporting.office import vn

REPORT = "/bao-cao/"
XLSX = "/bao-cao/bieu-06.xlsx"
DASHBOARD = "/bang-dieu-khien/"
OM = {"kind": "official_month", "month": "2026-11"}  # 15/10–14/11/2026, the default on 25/11/2026


# --------------------------------------------------------------------------------- helpers


class _Tables(HTMLParser):
    """Every <table id=…> of a page: its rows as (section, class, [cell texts]); each element's text by id."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[tuple[str, str, list[str]]]] = {}
        self.texts: dict[str, str] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._section = ""
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag in ("thead", "tbody") and self._table:
            self._section = tag
        elif tag == "tr" and self._table:
            self._row = (self._section, attrs.get("class") or "", [])
            self.tables[self._table].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if attrs.get("id") and tag not in ("br", "input", "img", "line", "rect"):
            self._open.append((tag, attrs["id"]))
            self.texts[attrs["id"]] = ""
        elif tag not in ("br", "input", "img", "line", "rect", "meta", "link"):
            self._open.append((tag, None))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row[2].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        for _, element_id in self._open:
            if element_id:
                self.texts[element_id] += data


def parse(response) -> _Tables:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser


def body_rows(page: _Tables, table_id: str) -> list[list[str]]:
    """The cell texts of each row of a table's body."""
    return [cells for section, _, cells in page.tables[table_id] if section == "tbody"]


def row_classes(page: _Tables, table_id: str) -> list[str]:
    return [css for section, css, _ in page.tables[table_id] if section == "tbody"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def statistician(office):
    return factories.staff(agency=office.agency, roles=[STATISTICS], username="thongke")


@pytest.fixture
def province(office):
    return factories.staff(agency=None, roles=[STATISTICS], province_wide=True, username="thongke_tinh")


@pytest.fixture
def other_head(office):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="lanhdao_b")


# --------------------------------------------------------------------------------- the report page


BIEU06_HEADER = [
    ["STT", "Lĩnh vực giải quyết", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"],
    ["Tổng số", "Trong kỳ: Trực tuyến", "Trong kỳ: Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
     "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn"],
]
# From tests/reporting/test_selectors.py EXPECTED["OM"], in the order of the form.
OM_ROWS = [
    ["1", "Giáo dục trung học", "5", "3", "0", "2", "2", "1", "1", "0", "3", "0", "3"],
    ["2", "Văn bằng, chứng chỉ", "17", "3", "8", "6", "8", "3", "2", "3", "9", "6", "3"],
]
OM_TOTAL = ["", "Tổng số", "22", "6", "8", "8", "10", "4", "3", "3", "12", "6", "6"]


def test_report_opens_on_the_latest_complete_official_month(office, statistician):
    response = client_for(statistician).get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tháng 11/2026 (Từ ngày 15/10/2026 đến ngày 14/11/2026)" in html
    assert '<option value="official_month" selected>' in html
    assert 'value="2026-11"' in html
    assert 'id="agency"' not in html  # an agency's own user gets no selector
    page = parse(response)
    header = [cells for section, _, cells in page.tables["bieu-06"] if section == "thead"]
    assert header == [*BIEU06_HEADER, [f"({n})" for n in range(1, 14)]]
    assert body_rows(page, "bieu-06") == [*OM_ROWS, OM_TOTAL]
    assert row_classes(page, "bieu-06") == ["", "", "total-row"]


def test_latest_complete_official_month_turns_on_the_15th():
    assert dashboard.latest_complete_official_month(vn(2026, 11, 14, 23).date()) == Period.official_month(2026, 10)
    assert dashboard.latest_complete_official_month(vn(2026, 11, 15, 0).date()) == Period.official_month(2026, 11)
    assert dashboard.latest_complete_official_month(vn(2027, 1, 3, 9).date()) == Period.official_month(2026, 12)


def test_report_rates_online_figures_and_targets(office, statistician, settings):
    settings.REPORT_TARGETS = {"online_processing_rate": 0.5}  # 6 of 12 online: exactly met
    page = parse(client_for(statistician).get(REPORT, OM))
    # on time, late share, letters for late, new date kept, supplement breaches, average days
    assert body_rows(page, "rates") == [
        ["Giáo dục trung học", "100,0%", "0,0%", "2/3 (66,7%)", "0/0 (–)", "0", "2,5"],
        ["Văn bằng, chứng chỉ", "62,5%", "37,5%", "2/6 (33,3%)", "0/1 (0,0%)", "2", "9,0"],
        ["Tổng số", "70,0%", "30,0%", "4/9 (44,4%)", "0/1 (0,0%)", "2", "7,7"],  # (34590 + 2400) / 10 / 480
    ]
    assert body_rows(page, "online") == [
        ["Giáo dục trung học", "Mức độ 4 – Toàn trình", "3", "3", "100,0%"],
        ["Văn bằng, chứng chỉ", "Mức độ 3 – Một phần", "9", "3", "33,3%"],
        ["Cộng theo mức độ", "Mức độ 3 – Một phần", "9", "3", "33,3%"],
        ["Cộng theo mức độ", "Mức độ 4 – Toàn trình", "3", "3", "100,0%"],
        ["Tổng số", "", "12", "6", "50,0%"],
    ]
    assert page.texts["online-services"] == "2/3 (66,7%)"
    targets = {cells[0].split(" VBCC")[0]: cells[1:] for cells in body_rows(page, "targets")}
    assert targets["Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn"] == ["70,0%", "≥ 98,0%", "Chưa đạt"]
    assert targets["Tỷ lệ hồ sơ trễ hạn có phiếu xin lỗi và hẹn lại"] == ["44,4%", "≥ 100,0%", "Chưa đạt"]
    assert targets["Tỷ lệ DVC trực tuyến mức độ 3, 4 có phát sinh hồ sơ trực tuyến"] == ["66,7%", "≥ 80,0%", "Chưa đạt"]
    assert targets["Tỷ lệ hồ sơ của TTHC mức độ 3, 4 được tiếp nhận trực tuyến"] == ["50,0%", "≥ 50,0%", "Đạt"]


@pytest.mark.parametrize(
    ("params", "heading", "received_total"),
    [
        ({"kind": "calendar_month", "month": "2026-10"},
         "Tháng 10/2026 (Từ ngày 01/10/2026 đến ngày 31/10/2026)", "19"),
        ({"kind": "custom", "from": "2026-11-09", "to": "2026-11-24"},
         "Từ 09/11/2026 đến 24/11/2026 (Từ ngày 09/11/2026 đến ngày 24/11/2026)", "20"),
        ({"kind": "official_quarter", "year": "2026", "quarter": "4"},
         "Quý IV/2026 (Từ ngày 15/09/2026 đến ngày 14/12/2026)", None),
        ({"kind": "official_year", "year": "2026"}, "Năm 2026 (Từ ngày 15/12/2025 đến ngày 14/12/2026)", None),
    ],
)
def test_report_period_kinds(office, statistician, params, heading, received_total):
    response = client_for(statistician).get(REPORT, params)
    assert response.status_code == 200
    assert heading in response.content.decode()
    total = body_rows(parse(response), "bieu-06")[-1]
    assert total[1] == "Tổng số"
    if received_total is not None:
        assert total[2] == received_total  # test_selectors EXPECTED["CM"] / ["CR"]


def test_report_grouped_by_procedure(office, head):
    page = parse(client_for(head).get(REPORT, {**OM, "group_by": "procedure"}))
    rows = body_rows(page, "bieu-06")
    assert [row[1].split(" – ")[0] for row in rows] == ["1.000001", "1.000002", "2.000003", "Tổng số"]
    assert rows[-1] == OM_TOTAL
    assert page.tables["bieu-06"][0][2][1] == "Thủ tục hành chính"


def test_xlsx_download_matches_the_page(office, statistician):
    client = client_for(statistician)
    response = client.get(REPORT, {**OM, "group_by": "field"})
    html = response.content.decode()
    link = f'href="{XLSX}?kind=official_month&amp;month=2026-11&amp;group_by=field" download>Tải Biểu 06 (.xlsx)</a>'
    assert link in html
    page_total = body_rows(parse(response), "bieu-06")[-1]

    download = client.get(XLSX, {**OM, "group_by": "field"})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == (
        "Biểu 06 - Tình hình giải quyết TTHC từ 15-10-2026 đến 14-11-2026.xlsx"
    )
    ws = load_workbook(io.BytesIO(download.content))["Biểu 06"]
    assert ws["A5"].value == "(Từ ngày 15/10/2026 đến ngày 14/11/2026)"
    assert ws["I1"].value == f"Đơn vị báo cáo: {office.agency.name}"
    total = [ws.cell(12, col).value for col in range(1, 14)]
    assert total[1] == "Tổng số"
    assert [str(value) for value in total[2:]] == page_total[2:]


def test_xlsx_without_parameters_is_the_default_period(office, statistician):
    download = client_for(statistician).get(XLSX)
    assert download.status_code == 200
    assert "15-10-2026" in unquote(download["Content-Disposition"])


# --------------------------------------------------------------------------------- scope


def test_another_agencys_user_sees_none_of_it(office, other_head):
    client = client_for(other_head)
    page = parse(client.get(REPORT, OM))
    rows = body_rows(page, "bieu-06")
    assert len(rows) == 2 and rows[-1][:3] == ["", "Tổng số", "1"]  # agency B's one field, its one dossier (e1)
    html = client.get(REPORT, OM).content.decode()
    assert "Văn bằng, chứng chỉ" not in html and "Giáo dục trung học" not in html
    dashboard_page = client.get(DASHBOARD)
    codes = [row[0] for row in body_rows(parse(dashboard_page), "late-dossiers")]
    assert codes == [office.dossier("e1").code]
    assert office.agency.code not in dashboard_page.content.decode()


@pytest.mark.parametrize("url", [REPORT, XLSX, DASHBOARD])
def test_a_foreign_or_unknown_agency_is_404(office, statistician, url):
    client = client_for(statistician)
    assert client.get(url, {**OM, "agency": office.other_agency.code}).status_code == 404
    assert client.get(url, {**OM, "agency": "KHONG-CO"}).status_code == 404
    assert client.get(url, {**OM, "agency": office.agency.code}).status_code == 200


def test_province_wide_user_picks_an_agency_or_all(office, province):
    client = client_for(province)
    response = client.get(REPORT, {**OM, "group_by": "agency"})
    html = response.content.decode()
    assert '<option value="">Tất cả cơ quan</option>' in html
    assert f'<option value="{office.other_agency.code}">' in html
    rows = body_rows(parse(response), "bieu-06")
    assert [row[2] for row in rows] == ["22", "1", "23"]
    one = body_rows(parse(client.get(REPORT, {**OM, "agency": "PGDDT-B"})), "bieu-06")
    assert one[-1][2] == "1"
    html = client.get(DASHBOARD, {"agency": "PGDDT-B"}).content.decode()
    assert f'<option value="{office.other_agency.code}" selected>' in html
    assert '<a href="/ho-so/?overdue=true&amp;agency=PGDDT-B">xem tất cả</a>' in html
    every = parse(client.get(DASHBOARD))
    assert body_rows(every, "late-dossiers")[-1][0] == office.dossier("d3").code  # both agencies
    assert every.texts["kpi-overdue"] == "6"  # agency A's 5 and e1


def test_superuser_gets_the_selector(office, admin_user):
    html = client_for(admin_user).get(REPORT).content.decode()
    assert '<option value="">Tất cả cơ quan</option>' in html


@pytest.mark.parametrize("url", [REPORT, XLSX, DASHBOARD])
def test_login_and_permission_are_required(office, url):
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    no_role = factories.staff(agency=office.agency, roles=[], username="khong_quyen")
    assert client_for(no_role).get(url).status_code == 403
    officer = factories.staff(agency=office.agency, roles=[COUNTER_OFFICER], username="motcua2")
    assert client_for(officer).get(url).status_code == 200


def test_nav_links(office, head):
    html = client_for(head).get(DASHBOARD).content.decode()
    assert 'href="/bang-dieu-khien/" aria-current="page">Bảng điều khiển</a>' in html
    assert 'href="/bao-cao/">Báo cáo</a>' in html


# --------------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"kind": "weekly"}, "kind", "Chọn một loại kỳ báo cáo trong danh sách."),
        ({"kind": "official_month", "month": "2026-13"}, "month", "Tháng 13 không hợp lệ (1–12)."),
        ({"kind": "calendar_month", "month": "11/2026"}, "month", "Chọn tháng theo dạng năm-tháng, ví dụ 2026-11."),
        ({"kind": "official_month", "month": "0001-01"}, "month", "Năm phải trong khoảng 1990–2100."),
        ({"kind": "official_quarter", "year": "2026", "quarter": "5"}, "quarter", "Chọn quý I, II, III hoặc IV."),
        ({"kind": "official_year", "year": "hai nghìn"}, "year", "Năm phải là một số, ví dụ 2026."),
        ({"kind": "official_year", "year": ""}, "year", "Nhập năm, ví dụ 2026."),
        ({"kind": "official_year", "year": "1800"}, "year", "Năm phải trong khoảng 1990–2100."),
        ({"kind": "custom", "from": "2026-11-15", "to": "2026-11-14"}, "to",
         "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu (from)."),
        ({"kind": "custom", "from": "15/10/2026", "to": "2026-11-14"}, "from", "Ngày sai định dạng."),
        ({"kind": "custom", "from": "2026-10-15", "to": "2026-02-30"}, "to", "Ngày sai định dạng."),
        ({"kind": "custom", "from": "2026-10-15", "to": "9999-12-31"}, "to", "Năm phải trong khoảng 1990–2100."),
        ({**OM, "group_by": "month"}, "group_by", "“month” không phải là một lựa chọn hợp lệ."),
    ],
)
@pytest.mark.parametrize("url", [REPORT, XLSX])
def test_bad_parameters_are_400_with_the_message_next_to_the_field(statistician, url, params, field, message):
    response = client_for(statistician).get(url, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = parse(response)
    assert message in page.texts[f"{field}-error"]
    html = response.content.decode()
    assert f'name="{field}"' in html and 'aria-invalid="true"' in html
    assert 'id="bieu-06"' not in html and "Tải Biểu 06 (.xlsx)" not in html


# --------------------------------------------------------------------------------- dashboard


def test_dashboard_lists_overdue_by_lateness_then_due_soon(office, head):
    page = parse(client_for(head).get(DASHBOARD))
    rows = body_rows(page, "late-dossiers")
    codes = {pk: name for name, pk in office.pks.items()}
    by_code = {Dossier.objects.get(pk=pk).code: name for pk, name in codes.items()}
    # Overdue: a2 (due 28/09), b5 (16/10), c4 (02/11), c8 (05/11), c13 (20/11 16:00); due by Fri
    # 27/11 09:00: d2 (25/11 09:00, due right now), d3 (26/11 09:00). a8 and c6 wait for a
    # supplement (clock stopped before the due), d8 is due 01/12: none of them are listed.
    assert [by_code[row[0]] for row in rows] == ["a2", "b5", "c4", "c8", "c13", "d2", "d3"]
    lateness = {by_code[row[0]]: row[4] for row in rows}
    # c13: Fri 16:00–17:00, Mon 23/11 all day, Tue 24/11 holiday, Wed 07:00–09:00 = 660 min.
    assert lateness["c13"] == "Quá hạn 1 ngày 3 giờ"
    assert lateness["a2"] == "Quá hạn 41 ngày"
    assert lateness["d3"] == "Còn 1 ngày"
    assert lateness["d2"] == "Còn dưới 1 phút"
    first = rows[0]
    assert first[3] == "28/09/2026 09:00" and first[5] == "Bộ phận Một cửa" and first[6] == "Nguyễn Thị Lan"
    assert row_classes(page, "late-dossiers") == [
        *["late-row late-row--overdue"] * 5, *["late-row late-row--due-soon"] * 2,
    ]
    assert page.texts["kpi-overdue"] == "5" and page.texts["kpi-due-soon"] == "2"


def test_overdue_rule_is_the_dossier_search_rule(office):
    dossiers = Dossier.objects.filter(agency=office.agency)
    by_rule = set(dossiers.filter(dashboard.overdue_q(NOW)).values_list("pk", flat=True))
    by_filter = set(DossierFilterSet({"overdue": "true"}, queryset=dossiers).qs.values_list("pk", flat=True))
    by_model = {dossier.pk for dossier in dossiers if dossier.is_overdue(NOW)}
    assert by_rule == by_filter == by_model
    assert len(by_rule) == 5


def test_dashboard_shows_the_last_actor_and_the_unit(agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=5)
    deputy = factories.staff(agency=agency, roles=[DEPARTMENT_HEAD], username="phophong", first_name="Hà",
                             last_name="Phạm Thu")
    dossier = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 16, 9))
    services.dossier_transfer(dossier=dossier, actor=deputy, to_unit="Phòng Khảo thí", at=vn(2026, 11, 17, 9))
    late = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, 13, 9))
    rows = body_rows(parse(client_for(head).get(DASHBOARD)), "late-dossiers")
    # `late` was due Fri 20/11 09:00: Fri 6 h + Mon 8 h + (Tue 24/11 off) + Wed 2 h = 16 h = 2 days.
    # `dossier` was due Mon 23/11 09:00: Mon 6 h + Wed 2 h = 8 h = 1 day.
    assert [row[0] for row in rows] == [late.code, dossier.code]
    assert rows[0][4:] == ["Quá hạn 2 ngày", "Bộ phận Một cửa", "Nguyễn Thị Lan"]
    assert rows[1][4:] == ["Quá hạn 1 ngày", "Phòng Khảo thí", "Phạm Thu Hà"]


def test_dashboard_counts_per_field(office, head):
    page = parse(client_for(head).get(DASHBOARD))
    # VBCC open: a2 a8 c4 c6 c13 d2 d3 d8 z1; overdue a2 c4 c13; due soon d2 d3.
    # GDTH open: b5 c8, both overdue.
    assert body_rows(page, "field-counts") == [
        ["Giáo dục trung học", "2", "2", "0"],
        ["Văn bằng, chứng chỉ", "9", "3", "2"],
        ["Tổng số", "11", "5", "2"],
    ]
    assert page.texts["kpi-in-progress"] == "11"


def test_due_soon_horizon_is_two_working_days_on_the_agency_calendar(office):
    # Wed 25/11 09:00 + 960 working minutes = Fri 27/11 09:00 (no holiday in between).
    assert dashboard.risk_horizon(NOW, office.agency) == vn(2026, 11, 27, 9)
    # From Mon 23/11 09:00 the holiday on Tue 24/11 is skipped: Thu 26/11 09:00.
    assert dashboard.risk_horizon(vn(2026, 11, 23, 9), office.agency) == vn(2026, 11, 26, 9)


def test_the_list_is_capped_with_a_link_to_every_overdue_dossier(agency, head, monkeypatch):
    monkeypatch.setattr(dashboard, "LATE_LIST_LIMIT", 2)
    procedure = factories.ProcedureFactory(field__agency=agency)
    for day in (2, 3, 4):
        factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 11, day, 9))
    response = client_for(head).get(DASHBOARD)
    assert len(body_rows(parse(response), "late-dossiers")) == 2
    html = response.content.decode()
    assert "Hiển thị 2 trong 3 hồ sơ" in html
    assert '<a href="/ho-so/?overdue=true">xem tất cả</a>' in html


# --------------------------------------------------------------------------------- the 12-month chart


def _settled(procedure, actor, received, finished):
    dossier = factories.receive_dossier(procedure=procedure, actor=actor, received_at=received)
    return services.dossier_finish(dossier=dossier, actor=actor, at=finished)


def test_on_time_series_over_twelve_official_months(agency, head):
    procedure = factories.ProcedureFactory(field__agency=agency, processing_amount=5)
    # Official months T12/2025 (15/11/2025–14/12/2025) … T11/2026 (15/10/2026–14/11/2026).
    _settled(procedure, head, vn(2025, 11, 3, 9), vn(2025, 11, 7, 9))  # before the first month
    _settled(procedure, head, vn(2025, 11, 17, 9), vn(2025, 11, 20, 9))  # T12/2025 early
    _settled(procedure, head, vn(2026, 1, 5, 9), vn(2026, 1, 9, 9))  # T01/2026 early (due 12/01)
    _settled(procedure, head, vn(2026, 1, 5, 10), vn(2026, 1, 14, 10))  # T01/2026 late
    _settled(procedure, head, vn(2026, 3, 2, 9), vn(2026, 3, 16, 9))  # T04/2026 late (from 15/03)
    _settled(procedure, head, vn(2026, 11, 2, 9), vn(2026, 11, 9, 9))  # T11/2026 on time, at the due
    _settled(procedure, head, vn(2026, 11, 9, 9), vn(2026, 11, 14, 10))  # T11/2026 early, on its last day
    _settled(procedure, head, vn(2026, 11, 9, 10), vn(2026, 11, 16, 9))  # 15/11 on: the running month
    withdrawn = factories.receive_dossier(procedure=procedure, actor=head, received_at=vn(2026, 10, 5, 9))
    services.dossier_withdraw(dossier=withdrawn, actor=head, at=vn(2026, 10, 6, 9))  # never settled
    other = factories.ProcedureFactory(field__agency=factories.AgencyFactory(code="KHAC"))
    other_head = factories.staff(agency=other.agency, roles=[DEPARTMENT_HEAD], username="lanhdao_khac")
    _settled(other, other_head, vn(2026, 1, 5, 9), vn(2026, 1, 20, 9))  # another agency: not counted

    response = client_for(head).get(DASHBOARD)
    series = body_rows(parse(response), "on-time-series")
    assert [row[0] for row in series] == [
        "T12/2025", "T01/2026", "T02/2026", "T03/2026", "T04/2026", "T05/2026",
        "T06/2026", "T07/2026", "T08/2026", "T09/2026", "T10/2026", "T11/2026",
    ]
    values = {row[0]: (row[2], row[3], row[4]) for row in series}
    assert values["T12/2025"] == ("1", "1", "100,0%")
    assert values["T01/2026"] == ("2", "1", "50,0%")
    assert values["T04/2026"] == ("1", "0", "0,0%")
    assert values["T11/2026"] == ("2", "2", "100,0%")
    assert values["T02/2026"] == ("0", "0", "–")
    assert series[0][1] == "Tháng 12/2025"
    html = response.content.decode()
    main = html.split('id="main"', 1)[1].split("</main>", 1)[0]  # base.html's site-wide app.js is outside
    assert '<svg id="on-time-chart"' in main and "<script" not in main
    assert 'data-label="T01/2026" data-value="50,0%"' in html
    assert html.count("<rect ") == 4  # one bar per month with settled dossiers


def test_series_agrees_with_biểu06(office):
    periods = dashboard.last_official_months(NOW.date())
    series = dashboard.on_time_series(dashboard.scoped_dossiers([office.agency.pk]), periods)
    for point in series:
        total = report_summary(period=point.period, agency_ids=[office.agency.pk]).total
        assert (point.settled, point.on_time) == (total.settled_total, total.settled_early + total.settled_on_time)
    assert series[-1].rate == pytest.approx(0.7)


# --------------------------------------------------------------------------------- targets, feedback


def test_targets_and_feedback_of_the_running_month(agency, head):
    item = feedback_receive(
        agency=agency, actor=head, channel=FeedbackItem.Channel.EMAIL, category=FeedbackItem.Category.COMPLAINT,
        content="Chờ lâu", contact_name="Trần Thị Bích", contact_phone="0987654321",
        received_at=vn(2026, 10, 1, 9),
    ).item
    response = client_for(head).get(DASHBOARD)
    html = response.content.decode()
    page = parse(response)
    assert "Tháng 12/2026 (từ 15/11/2026 đến 25/11/2026)" in html
    assert [row[0] for row in body_rows(page, "overdue-feedback")] == [item.code]
    assert "0987654321" not in html  # no contact details on a wall screen
    assert [row[-1] for row in body_rows(page, "targets")] == ["Không có số liệu"] * 5
    assert "Tỷ lệ hài lòng" in page.texts["satisfaction"]


def test_feedback_sections_follow_the_feedback_permissions(office):
    specialist = factories.staff(agency=office.agency, roles=[SPECIALIST], username="chuyenvien2")
    html = client_for(specialist).get(DASHBOARD).content.decode()
    assert 'id="overdue-feedback"' in html  # view_feedbackitem
    assert 'id="satisfaction"' not in html  # no view_satisfactionrating


# --------------------------------------------------------------------------------- query counts


def _dossiers(agency, actor, count: int) -> None:
    """`count` dossiers in three fields: overdue, due soon and settled, each with a few events."""
    fields = [factories.FieldFactory(agency=agency) for _ in range(3)]
    procedures = [factories.ProcedureFactory(field=field, processing_amount=5) for field in fields]
    for index in range(count):
        procedure = procedures[index % 3]
        kind = index % 3
        if kind == 0:  # overdue: due 16/11–20/11
            dossier = factories.receive_dossier(procedure=procedure, actor=actor, received_at=vn(2026, 11, 9, 9))
            services.dossier_transfer(dossier=dossier, actor=actor, to_unit="Phòng Khảo thí", at=vn(2026, 11, 10, 9))
        elif kind == 1:  # due Thu 26/11 09:00
            factories.receive_dossier(procedure=procedure, actor=actor, received_at=vn(2026, 11, 18, 9))
        else:
            dossier = factories.receive_dossier(procedure=procedure, actor=actor, received_at=vn(2026, 10, 19, 9))
            services.dossier_finish(dossier=dossier, actor=actor, at=vn(2026, 10, 23, 9))


@pytest.mark.parametrize("url", [DASHBOARD, REPORT])
def test_pages_load_in_a_constant_number_of_queries(agency, head, url):
    client = client_for(head)

    def count() -> int:
        client.get(url)  # warm-up: an agency's calendar overrides load once per process
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    _dossiers(agency, head, 3)
    few = count()
    _dossiers(agency, head, 30)
    calendar.invalidate()  # as cold as before the first count; the warm-up reloads it
    many = count()
    assert many == few
    # Session, user, 2 × permissions, profile, agency; the report's 4 (aggregate, agencies,
    # fields, procedures). The dashboard adds the list, the per-field counts, the series, the
    # overdue feedback and the satisfaction summary (2): 16 on the dashboard, 10 on the report.
    assert few <= {DASHBOARD: 16, REPORT: 10}[url], few
