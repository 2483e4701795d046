"""Mẫu 04 (Circular 01/2018/TT-VPCP): the printed letter and its Word version.

`letter_context` is the one place the letter's wording is built. The HTML print template
(`apology_letters/mau04/default.html`) and `letter_docx` both render what it returns, so the
two can never say different things. Text is split in `Run`s so both can bold the same words.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from apology_letters.models import ApologyLetter
from config.text import strip_control_characters
from procedures.calendar import VN_TZ
from procedures.models import Agency

FORM_NO = "Mẫu số 04"
TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
CLOSING = "Trân trọng./."
RECIPIENTS_HEADING = "Nơi nhận:"
RECIPIENTS = ("- Như trên;", "- Bộ phận Một cửa;", "- Lưu: VT.")
DEFAULT_SIGNER_TITLE = "Thủ trưởng cơ quan"
WATERMARKS = {ApologyLetter.Status.DRAFT: "DỰ THẢO", ApologyLetter.Status.CANCELLED: "ĐÃ HỦY"}

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Times New Roman"


# ---------------------------------------------------------------------------- shared wording


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    def __str__(self) -> str:
        return self.text


def _p(*parts: str | Run) -> Paragraph:
    return Paragraph(tuple(Run(part) if isinstance(part, str) else part for part in parts))


def _bold(text: str) -> Run:
    return Run(text, bold=True)


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(VN_TZ)


def at_short(instant: dt.datetime) -> str:
    """`09 giờ 00 phút, ngày 19/11/2026`."""
    moment = local(instant)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def at_long(instant: dt.datetime) -> str:
    """`09 giờ 00 phút, ngày 03 tháng 12 năm 2026`."""
    moment = local(instant)
    return f"{moment:%H} giờ {moment:%M} phút, {long_date(moment.date())}"


def long_date(day: dt.date) -> str:
    """`ngày 25 tháng 11 năm 2026` (two-digit day and month, like the other printed forms)."""
    return f"ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def letter_date(letter: ApologyLetter, *, today: dt.date | None = None) -> dt.date:
    """The date on the letter: the day it was issued; today for a draft (or a cancelled one)."""
    if letter.issued_at is not None:
        return local(letter.issued_at).date()
    return today or local(timezone.now()).date()


def letter_context(letter: ApologyLetter, *, today: dt.date | None = None) -> dict:
    """Everything Mẫu 04 prints, in print order; the template context and the .docx source.

    Needs `letter.agency` and `letter.dossier.procedure` (select_related them).
    """
    agency, dossier = letter.agency, letter.dossier
    applicant = dossier.applicant_name
    day = letter_date(letter, today=today)
    place = f"{agency.locality}, " if agency.locality else ""
    if letter.delay_number > 1:
        held = "Theo phiếu xin lỗi và hẹn lại ngày trả kết quả đã gửi Ông/Bà, ngày hẹn trả kết quả"
    else:
        held = "Theo giấy tiếp nhận và hẹn trả kết quả, ngày hẹn trả kết quả"
    body = [
        _p(
            f"{agency.name} tiếp nhận hồ sơ của Ông/Bà ", _bold(applicant),
            f" vào lúc {at_short(dossier.received_at)}, mã hồ sơ ", _bold(dossier.code),
            f", giải quyết thủ tục {dossier.procedure.name}.",
        ),
        _p(f"{held} giải quyết hồ sơ của Ông/Bà là ", _bold(at_short(letter.original_due_at)), "."),
        _p(f"Tuy nhiên, {agency.name} không thể trả kết quả giải quyết hồ sơ cho Ông/Bà đúng thời hạn đã hẹn."),
        _p(_bold("Lý do: "), letter.reason),
        _p(
            f"{agency.name} xin lỗi Ông/Bà vì sự bất tiện này và hẹn lại ngày trả kết quả vào ",
            _bold(at_long(letter.new_due_at)), ".",
        ),
    ]
    signer_title = letter.signer_title or agency.head_title or DEFAULT_SIGNER_TITLE
    return {
        "letter": letter,
        "dossier": dossier,
        "agency": agency,
        "is_draft": letter.status == ApologyLetter.Status.DRAFT,
        "watermark": WATERMARKS.get(letter.status, ""),
        "agency_lines": [line.upper() for line in (agency.parent_name, agency.name) if line],
        "number": f"Số: {letter.number_display}",
        "nation": NATION,
        "motto": MOTTO,
        "date": day,
        "place_date": f"{place}{long_date(day)}",
        "form_no": FORM_NO,
        "title": TITLE,
        "recipient": _p("Kính gửi: Ông/Bà ", _bold(applicant)),
        "body": body,
        "closing": CLOSING,
        "recipients_heading": RECIPIENTS_HEADING,
        "recipients": list(RECIPIENTS),
        "signer_title": signer_title.upper(),
        "signer_name": letter.signer_name or agency.head_name,
        # Raw values, for an agency's own template that words the letter differently.
        "applicant_name": applicant,
        "received_at": local(dossier.received_at),
        "original_due_at": local(letter.original_due_at),
        "new_due_at": local(letter.new_due_at),
        "reason": letter.reason,
    }


def letter_texts(context: dict) -> list[str]:
    """Every printed line in print order (what a reader of either version sees)."""
    return [
        *context["agency_lines"], context["number"], context["nation"], context["motto"],
        context["place_date"], context["form_no"], context["title"], context["recipient"].text,
        *(paragraph.text for paragraph in context["body"]), context["closing"],
        context["recipients_heading"], *context["recipients"], context["signer_title"], context["signer_name"],
    ]


def template_names(agency: Agency) -> list[str]:
    """The print template: the agency's own first, then the shipped one (for select_template)."""
    return [f"apology_letters/mau04/{agency.code}.html", "apology_letters/mau04/default.html"]


def docx_filename(letter: ApologyLetter) -> str:
    """`phieu-xin-loi-12-PXL-SGDĐT.docx`: the number with its slash made safe for a file name."""
    number = re.sub(r"[^\w.-]+", "-", letter.number_display).strip("-")
    return f"phieu-xin-loi-{number}.docx"


def ascii_filename(name: str) -> str:
    """A plain-ASCII fallback for old clients: `SGDĐT` becomes `SGDDT`."""
    name = name.replace("Đ", "D").replace("đ", "d")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r'[^A-Za-z0-9._-]+', "-", folded)


# ---------------------------------------------------------------------------- .docx


def _font(run, *, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    if underline:
        run.underline = True


def _line(container, text: str = "", *, size: float = 14, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER,
          first: bool = False, after: float = 0):
    """A one-run paragraph: the cell's existing empty paragraph when `first`."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.line_spacing = 1.0
    if text:
        _font(paragraph.add_run(strip_control_characters(text)), size=size, bold=bold, italic=italic)
    return paragraph


def _runs(paragraph, runs: tuple[Run, ...], *, size: float = 14) -> None:
    for item in runs:
        _font(paragraph.add_run(strip_control_characters(item.text)), size=size, bold=item.bold, italic=item.italic)


def _rule(cell, *, indent_cm: float) -> None:
    """A short centred horizontal line: an empty paragraph's bottom border, narrowed by indents."""
    paragraph = cell.add_paragraph()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    # Added before the spacing and indents, which python-docx then inserts after it (schema order).
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.paragraph_format.right_indent = Cm(indent_cm)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.line_spacing = Pt(2)


def _borderless_table(document, widths_cm: tuple[float, float]):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # <w:tblLayout w:type="fixed"/>: the widths below hold
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"
    )
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return table


def _setup(document) -> None:
    """A4 portrait, margins of Decree 30/2020 (top/bottom 2 cm, left 3 cm, right 2 cm), Times New Roman 14."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.header_distance = section.footer_distance = Cm(1)
    # The template's defaults name theme fonts, which would win over a style's font name.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15


WATERMARK_XML = """
<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
     xmlns:w10="urn:schemas-microsoft-com:office:word">
  <w:pPr><w:pStyle w:val="Header"/></w:pPr>
  <w:r>
    <w:rPr><w:noProof/></w:rPr>
    <w:pict>
      <v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800"
                   path="m@7,l@8,m@5,21600l@6,21600e">
        <v:formulas>
          <v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>
          <v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>
          <v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>
          <v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/>
          <v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/>
        </v:formulas>
        <v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800"
                o:connectangles="270,180,90,0"/>
        <v:textpath on="t" fitshape="t"/>
        <v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>
        <o:lock v:ext="edit" text="t" shapetype="t"/>
      </v:shapetype>
      <v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136"
               style="position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;mso-position-vertical:center;mso-position-vertical-relative:margin"
               o:allowincell="f" fillcolor="silver" stroked="f">
        <v:fill opacity=".5"/>
        <v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt" string="{text}"/>
        <w10:wrap anchorx="margin" anchory="margin"/>
      </v:shape>
    </w:pict>
  </w:r>
</w:p>
"""


def _watermark(section, text: str) -> None:
    """Word's own diagonal text watermark (the shape Word inserts from Design › Watermark)."""
    header = section.header
    header.is_linked_to_previous = False
    header._element.append(parse_xml(WATERMARK_XML.replace("{text}", escape(text, {'"': "&quot;"}))))


def letter_docx(letter: ApologyLetter, *, today: dt.date | None = None) -> bytes:
    """The letter as a Word document, from the same `letter_context` as the HTML print."""
    context = letter_context(letter, today=today)
    document = Document()
    _setup(document)
    core = document.core_properties
    # Word refuses control characters; text stored before they were refused is cleaned here.
    core.title = strip_control_characters(f"{context['title'].capitalize()} số {letter.number_display}")
    core.author = strip_control_characters(letter.agency.name)
    core.language = "vi-VN"

    # Header: agency and number left, national motto, place and date right (Decree 30 layout).
    header = _borderless_table(document, (6.0, 10.0))
    left, right = header.rows[0].cells
    lines = context["agency_lines"]
    for index, text in enumerate(lines):
        _line(left, text, size=13, bold=index == len(lines) - 1, first=index == 0)
    _rule(left, indent_cm=2.0)
    _line(left, context["number"], size=13)
    _line(right, context["nation"], size=13, bold=True, first=True)
    _line(right, context["motto"], size=14, bold=True)
    _rule(right, indent_cm=1.9)
    _line(right, context["place_date"], size=14, italic=True)

    _line(document, context["form_no"], size=11, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=6)
    title = _line(document, context["title"], size=14, bold=True, after=12)
    title.paragraph_format.space_before = Pt(12)
    recipient = document.add_paragraph()
    recipient.alignment = WD_ALIGN_PARAGRAPH.CENTER
    recipient.paragraph_format.space_after = Pt(12)
    _runs(recipient, context["recipient"].runs)

    for item in [*context["body"], Paragraph((Run(context["closing"]),))]:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
        _runs(paragraph, item.runs)

    # Recipients of copies left, signature block right.
    footer = _borderless_table(document, (7.0, 9.0))
    left, right = footer.rows[0].cells
    _line(left, context["recipients_heading"], size=12, bold=True, italic=True,
          align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for text in context["recipients"]:
        _line(left, text, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right, context["signer_title"], size=14, bold=True, first=True)
    name = _line(right, context["signer_name"], size=14, bold=True)
    name.paragraph_format.space_before = Pt(80)  # room for the signature and the seal

    if context["watermark"]:
        _watermark(document.sections[0], context["watermark"])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
