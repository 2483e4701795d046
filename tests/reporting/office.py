"""A hand-built office of 41 dossiers, every one logged through the real services, back-dated.

Agency A has two fields:
- F1 "Văn bằng, chứng chỉ": P1 (level 3, 5 working days) and P2 (level 1, 5 working days);
- F2 "Giáo dục trung học": P3 (level 4, 3 working days), P4 (level 3, never used) and P5
  (level 4, no longer active).
Agency B has one dossier that no agency-A report may show.

Office hours 07:00–11:00 and 13:00–17:00, counting from receipt, restart after a supplement.
Weekdays: Mon 05/10, 12/10, 19/10, 26/10, 02/11, 09/11, 16/11, 23/11/2026; Tue 24/11/2026 is a
public holiday (Vietnam Culture Day); 01–02/09/2026 are National Day. Received at 09:00 on a
working day with 5 working days, a dossier is due at 09:00 on the same weekday a week later.

The three periods of the tests (T is the end instant, 00:00 of the day after the end):
- OM, official 2026-11: 15/10–14/11/2026, T = 15/11 00:00;
- CM, calendar 2026-10: 01/10–31/10/2026, T = 01/11 00:00;
- CR, custom: 09/11–24/11/2026, T = 25/11 00:00.

Each dossier's comment gives its due instant, worked out by hand, and its place in each period:
`on`/`cp`/`co` = received online / at the counter or by post within the period / carried over;
E/O/L = settled early/on time/late; W/V = in progress within deadline/overdue; WD/RF =
withdrawn/refused in the period; `-` = outside the period. "letter" = an apology letter issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accounts.roles import DEPARTMENT_HEAD
from apology_letters import services as letters
from dossiers import services
from dossiers.models import Dossier
from procedures.calendar import VN_TZ
from tests import factories


def vn(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN_TZ)


@dataclass
class Office:
    agency: object
    other_agency: object
    procedures: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    pks: dict = field(default_factory=dict)

    def dossier(self, name: str) -> Dossier:
        return Dossier.objects.get(pk=self.pks[name])

    def dossiers(self) -> dict[str, Dossier]:
        by_pk = {d.pk: d for d in Dossier.objects.filter(pk__in=self.pks.values())}
        return {name: by_pk[pk] for name, pk in self.pks.items()}


def build_office(agency, head) -> Office:
    f1 = factories.FieldFactory(agency=agency, code="VBCC", name="Văn bằng, chứng chỉ")
    f2 = factories.FieldFactory(agency=agency, code="GDTH", name="Giáo dục trung học")
    p = {
        "P1": factories.ProcedureFactory(field=f1, code="1.000001", online_level=3, processing_amount=5),
        "P2": factories.ProcedureFactory(field=f1, code="1.000002", online_level=1, processing_amount=5),
        "P3": factories.ProcedureFactory(field=f2, code="2.000003", online_level=4, processing_amount=3),
        "P4": factories.ProcedureFactory(field=f2, code="2.000004", online_level=3, processing_amount=5),
        "P5": factories.ProcedureFactory(field=f2, code="2.000005", online_level=4, is_active=False),
    }
    other = factories.AgencyFactory(code="PGDDT-B", name="Phòng Giáo dục và Đào tạo huyện B")
    other_head = factories.staff(agency=other, roles=[DEPARTMENT_HEAD], username="lanhdao_b")
    office = Office(agency=agency, other_agency=other, procedures=p, fields={"F1": f1, "F2": f2})

    def receive(name, proc, channel, at):
        dossier = factories.receive_dossier(procedure=p[proc], actor=head, received_at=at, channel=channel)
        office.pks[name] = dossier.pk
        return dossier

    def d(name):
        return office.dossier(name)

    def finish(name, at):
        services.dossier_finish(dossier=d(name), actor=head, at=at)

    def letter(name, drafted, issued):
        draft = letters.letter_draft(dossier=d(name), actor=head, reason="Chờ xác minh văn bằng", at=drafted)
        letters.letter_issue(letter=draft, actor=head, sent_via="counter", at=issued)

    # --- received before every period (September) -------------------------------------------
    receive("a1", "P1", "counter", vn(2026, 9, 7, 9))  # due 14/09 09:00
    finish("a1", vn(2026, 9, 11, 10))  # early, before every period: CM -, OM -, CR -
    receive("a9", "P2", "counter", vn(2026, 9, 7, 9))  # due 14/09 09:00
    finish("a9", vn(2026, 9, 14, 10))  # late (auto-drafted letter only): CM -, OM -, CR -
    receive("a2", "P1", "counter", vn(2026, 9, 21, 9))  # due 28/09 09:00, never finished
    letter("a2", vn(2026, 9, 25, 10), vn(2026, 9, 25, 11))  # new date 05/10 09:00
    # CM co V letter, OM co V letter, CR co V letter
    receive("a3", "P1", "post", vn(2026, 9, 28, 9))  # due 05/10 09:00
    finish("a3", vn(2026, 10, 2, 14))  # CM co E; OM -, CR - (settled before their start)
    receive("a4", "P1", "online", vn(2026, 9, 30, 9))  # due 07/10 09:00
    finish("a4", vn(2026, 10, 7, 8, 30))  # same day, before the due: CM co O; OM -, CR -
    receive("a5", "P1", "counter", vn(2026, 9, 29, 9))  # due 06/10 09:00
    finish("a5", vn(2026, 10, 16, 10))  # late, letter drafted, never issued: CM co L, OM co L, CR -
    receive("a6", "P1", "counter", vn(2026, 9, 24, 9))  # due 01/10 09:00
    services.dossier_withdraw(dossier=d("a6"), actor=head, at=vn(2026, 10, 5, 10))  # CM WD; OM -, CR -
    receive("a7", "P2", "counter", vn(2026, 9, 25, 9))  # due 02/10 09:00
    services.dossier_refuse(dossier=d("a7"), actor=head, reason="Không thuộc thẩm quyền", at=vn(2026, 11, 16, 9))
    # refused after CM and OM ended: CM co V, OM co V; CR RF
    receive("a8", "P1", "counter", vn(2026, 9, 14, 9))  # due 21/09 09:00
    services.dossier_request_supplement(  # 1 working day after receipt: no breach; never completed
        dossier=d("a8"), actor=head, items=["Bản sao giấy khai sinh"], reason="Thiếu giấy khai sinh",
        at=vn(2026, 9, 15, 9),
    )  # clock stopped 15/09 09:00 before the due: CM co W, OM co W, CR co W

    # --- received 01/10–14/10 (CM; carried over into OM) ------------------------------------
    receive("b1", "P1", "online", vn(2026, 10, 5, 9))  # due 12/10 09:00
    finish("b1", vn(2026, 10, 8, 9))  # CM on E; OM -, CR -
    receive("b2", "P1", "counter", vn(2026, 10, 5, 9))  # due 12/10 09:00
    finish("b2", vn(2026, 10, 12, 9))  # exactly at the due instant: CM cp O; OM -, CR -
    receive("b3", "P1", "counter", vn(2026, 10, 5, 9))  # due 12/10 09:00
    letter("b3", vn(2026, 10, 9, 10), vn(2026, 10, 9, 11))  # new date 19/10 09:00
    finish("b3", vn(2026, 10, 14, 10))  # late, new date kept: CM cp L letter kept; OM - (14/10), CR -
    receive("b4", "P1", "post", vn(2026, 10, 12, 9))  # due 19/10 09:00
    letter("b4", vn(2026, 10, 16, 10), vn(2026, 10, 16, 11))  # new date 26/10 09:00
    finish("b4", vn(2026, 10, 27, 10))  # late, new date missed: CM cp L letter; OM co L letter; CR -
    receive("b5", "P3", "online", vn(2026, 10, 13, 9))  # 3 days: due Fri 16/10 09:00, never finished
    # CM on V, OM co V, CR co V, never a letter
    receive("b6", "P3", "online", vn(2026, 10, 14, 9))  # 3 days: due Mon 19/10 09:00
    finish("b6", vn(2026, 10, 16, 9))  # 2 working days: CM on E; OM co E; CR -
    receive("b7", "P1", "counter", vn(2026, 10, 14, 16, 30))  # due Wed 21/10 16:30
    services.dossier_suspend(dossier=d("b7"), actor=head, reason="Chờ xác minh", at=vn(2026, 10, 19, 10))
    services.dossier_resume(dossier=d("b7"), actor=head, at=vn(2026, 10, 27, 10))
    # stopped 6 working days (19/10 10:00 -> 27/10 10:00): due moves to Thu 29/10 16:30
    finish("b7", vn(2026, 10, 29, 15))  # CM cp O; OM co O; CR -

    # --- received 15/10–14/11 (OM) ----------------------------------------------------------
    receive("c1", "P1", "online", vn(2026, 10, 15, 9))  # due 22/10 09:00
    finish("c1", vn(2026, 10, 21, 9))  # CM on E, OM on E, CR -
    receive("c2", "P1", "online", vn(2026, 10, 19, 9))  # due 26/10 09:00
    finish("c2", vn(2026, 10, 26, 8))  # CM on O, OM on O, CR -
    receive("c3", "P1", "counter", vn(2026, 10, 19, 9))  # due 26/10 09:00
    finish("c3", vn(2026, 11, 2, 10))  # CM cp V (open at 01/11); OM cp L; CR - (before 09/11)
    receive("c4", "P1", "post", vn(2026, 10, 26, 9))  # due 02/11 09:00, never finished
    # CM cp W (due after 01/11 00:00), OM cp V, CR co V
    receive("c5", "P1", "counter", vn(2026, 10, 26, 9))  # due 02/11 09:00
    services.dossier_request_supplement(  # exactly 3 working days after receipt: no breach
        dossier=d("c5"), actor=head, items=["Học bạ"], reason="Thiếu học bạ", at=vn(2026, 10, 29, 9)
    )
    services.dossier_receive_supplement(dossier=d("c5"), actor=head, at=vn(2026, 11, 9, 9))
    # restarted: due Mon 16/11 09:00
    finish("c5", vn(2026, 11, 13, 9))  # CM cp W (current due 16/11); OM cp E; CR co E
    receive("c6", "P1", "counter", vn(2026, 10, 27, 9))  # due Tue 03/11 09:00
    services.dossier_request_supplement(  # 1980 working minutes after receipt > 1440: breach
        dossier=d("c6"), actor=head, items=["Học bạ"], reason="Thiếu học bạ", at=vn(2026, 11, 2, 10)
    )  # stopped 02/11 10:00 before the due: CM cp W (stopped after T, due after T); OM cp W; CR co W
    receive("c7", "P3", "online", vn(2026, 11, 2, 9))  # due Thu 05/11 09:00
    finish("c7", vn(2026, 11, 5, 9))  # CM -, OM on O, CR -
    receive("c8", "P3", "online", vn(2026, 11, 2, 9))  # due Thu 05/11 09:00, never finished
    letter("c8", vn(2026, 11, 4, 10), vn(2026, 11, 4, 11))  # new date 12/11 09:00
    # CM -, OM on V letter, CR co V letter
    receive("c9", "P1", "counter", vn(2026, 11, 5, 9))  # due 12/11 09:00
    services.dossier_withdraw(dossier=d("c9"), actor=head, at=vn(2026, 11, 10, 10))  # OM WD, CR WD
    receive("c10", "P1", "online", vn(2026, 11, 9, 9))  # due 16/11 09:00
    services.dossier_refuse(dossier=d("c10"), actor=head, reason="Hồ sơ giả mạo", at=vn(2026, 11, 10, 10))
    # OM RF, CR RF
    receive("c11", "P2", "counter", vn(2026, 11, 9, 9))  # due 16/11 09:00
    finish("c11", vn(2026, 11, 13, 9))  # OM cp E, CR cp E
    receive("c12", "P2", "post", vn(2026, 11, 12, 14))  # due Thu 19/11 14:00
    finish("c12", vn(2026, 11, 19, 16))  # due day but after 14:00: OM cp W; CR cp L (draft letter only)
    receive("c13", "P1", "counter", vn(2026, 11, 13, 16))  # due Fri 20/11 16:00, never finished
    # OM cp W, CR cp V
    receive("c14", "P1", "online", vn(2026, 11, 14, 10))  # Saturday: counting starts Mon 16/11 07:00
    # 5 full working days end at the close of Fri 20/11: due 20/11 17:00
    finish("c14", vn(2026, 11, 20, 16, 59))  # OM on W (received on its last day), CR on O
    receive("c15", "P3", "online", vn(2026, 11, 10, 9))  # due Fri 13/11 09:00
    letter("c15", vn(2026, 11, 12, 10), vn(2026, 11, 12, 11))  # new date 20/11 09:00
    finish("c15", vn(2026, 11, 16, 10))  # OM on V letter (open at 15/11); CR on L letter kept
    receive("d9", "P1", "counter", vn(2026, 11, 9, 9))  # due 16/11 09:00
    services.dossier_request_supplement(
        dossier=d("d9"), actor=head, items=["Ảnh"], reason="Thiếu ảnh", at=vn(2026, 11, 10, 9)
    )
    services.dossier_receive_supplement(dossier=d("d9"), actor=head, at=vn(2026, 11, 11, 9))  # due 18/11
    services.dossier_request_supplement(  # a second request: breach
        dossier=d("d9"), actor=head, items=["Ảnh"], reason="Ảnh không đúng cỡ", at=vn(2026, 11, 12, 9)
    )
    services.dossier_receive_supplement(dossier=d("d9"), actor=head, at=vn(2026, 11, 16, 9))  # due 23/11
    finish("d9", vn(2026, 11, 23, 14))  # OM cp W (current due 23/11); CR cp L

    # --- received 15/11–24/11 (CR only) -----------------------------------------------------
    receive("d1", "P1", "online", vn(2026, 11, 16, 9))  # due 23/11 09:00
    finish("d1", vn(2026, 11, 23, 9))  # CR on O
    receive("d2", "P1", "counter", vn(2026, 11, 17, 9))  # 24/11 is a holiday: due Wed 25/11 09:00
    # CR cp W (due after 25/11 00:00)
    receive("d3", "P1", "counter", vn(2026, 11, 18, 9))  # due Thu 26/11 09:00: CR cp W
    receive("d4", "P3", "online", vn(2026, 11, 19, 9))  # 3 days over the holiday: due Wed 25/11 09:00
    finish("d4", vn(2026, 11, 23, 10))  # CR on E
    receive("d5", "P3", "online", vn(2026, 11, 20, 9))  # due Thu 26/11 09:00
    finish("d5", vn(2026, 11, 25, 8))  # after CR ended: CR on W
    receive("d6", "P1", "counter", vn(2026, 11, 23, 9))  # due Tue 01/12 09:00
    services.dossier_withdraw(dossier=d("d6"), actor=head, at=vn(2026, 11, 25, 8, 30))  # after CR: cp W
    receive("d7", "P1", "counter", vn(2026, 11, 16, 10))  # due 23/11 10:00
    services.dossier_refuse(dossier=d("d7"), actor=head, reason="Sai thẩm quyền", at=vn(2026, 11, 23, 11))
    # CR RF
    receive("d8", "P1", "post", vn(2026, 11, 24, 10))  # on the holiday: counting starts Wed 25/11 07:00
    # due Tue 01/12 17:00: CR cp W

    # --- after every period, and another agency -----------------------------------------------
    receive("z1", "P1", "counter", vn(2026, 11, 25, 8))  # today: outside every period
    other_procedure = factories.ProcedureFactory(field__agency=other, code="3.000001")
    dossier = factories.receive_dossier(procedure=other_procedure, actor=other_head, received_at=vn(2026, 11, 2, 9))
    office.pks["e1"] = dossier.pk  # agency B, open and overdue everywhere after 09/11
    return office
