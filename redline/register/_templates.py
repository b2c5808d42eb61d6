"""The default templates of the idle-land documents, built in memory with python-docx.

Each template is an A4 .docx whose placeholders (``{{ holder }}``, ``{{ area_mu }}`` …) are the facts
:func:`redline.register.documents.document_facts` makes from a case; docxtpl fills them in. A bureau writes
them out with :func:`redline.register.documents.write_templates`, edits the wording in Word or WPS, and drafts
with its own copy (a placeholder it adds must be one of the known facts).

Fonts: the body is set in 宋体 (``SimSun``) and titles in 黑体 (``SimHei``), the fonts Windows, Word and WPS
carry. On Debian they are drawn with the fonts-noto-cjk package (fontconfig maps SimSun to Noto Serif CJK SC and
SimHei to Noto Sans CJK SC; scripts/install-system-deps.sh installs it). A bureau following GB/T 9704 sets the
body in 仿宋_GB2312 in its own copy: no free font of that name ships with Debian.

The wording follows the contents 《闲置土地处置办法》(国土资源部令第53号) lists for each document; the article
is printed in each template's page footer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

__all__ = ["BODY_FONT", "TITLE_FONT", "build_template", "template_lines"]

BODY_FONT = "SimSun"  # 宋体
TITLE_FONT = "SimHei"  # 黑体
BODY_PT = 14  # 四号
TITLE_PT = 22  # 二号

# one template = lines of (kind, text); kinds: title, docno, to, body, item, sign, date, footer
Line = tuple[str, str]

_ADDRESSEE = [
    ("to", "{{ holder }}："),
    ("body", "地址：{{ holder_address }}"),
]

_PLOT = ("body", "你方（{{ holder }}）以合同编号{{ supply_id }}取得的“{{ project_name }}”项目国有建设用地，位于{{ district }}，"
                 "面积{{ area_m2 }}平方米（{{ area_mu }}亩），合同签订日期为{{ supply_date_zh }}，约定动工开发日期为"
                 "{{ agreed_start_date_zh }}（动工开发期限自{{ effective_start_date_zh }}起算）。")

_SIGN = [
    ("sign", "{{ bureau }}"),
    ("date", "{{ date_zh }}"),
]

TEMPLATES: dict[str, list[Line]] = {
    "investigation_notice": [
        ("title", "闲置土地调查通知书"),
        ("docno", "{{ doc_no }}"),
        *_ADDRESSEE,
        ("head", "一、涉嫌闲置土地的基本情况"),
        _PLOT,
        ("head", "二、涉嫌闲置土地的事实和依据"),
        ("body", "经我局核查，截至{{ as_of_zh }}，{{ facts_zh }}。依照《闲置土地处置办法》第二条，该宗地涉嫌构成闲置土地。"),
        ("head", "三、调查的主要内容及提交材料的期限"),
        ("body", "根据《闲置土地处置办法》第五条，我局依法对该宗地开展调查核实。请你方自接到本通知书之日起三十日内，"
                 "向我局提供以下材料："),
        ("item", "（一）土地权利证明文件；"),
        ("item", "（二）土地开发利用情况；"),
        ("item", "（三）土地闲置原因以及相关说明等材料。"),
        ("head", "四、国有建设用地使用权人的权利和义务"),
        ("body", "你方有权陈述、申辩；闲置系《闲置土地处置办法》第八条所列政府、政府有关部门的行为或者自然灾害等不可抗力"
                 "造成的，可以提供土地闲置原因说明材料。你方应当配合调查，如实提供材料，并对材料的真实性负责；逾期不提供的，"
                 "我局将依据已调查掌握的材料进行认定。"),
        ("head", "五、其他需要调查的事项"),
        ("body", "无。"),
        ("body", "特此通知。"),
        *_SIGN,
        ("footer", "依据《闲置土地处置办法》第五条、第六条（调查通知书应当包括：使用权人的姓名或者名称、地址；涉嫌闲置土地的"
                   "基本情况；涉嫌闲置土地的事实和依据；调查的主要内容及提交材料的期限；使用权人的权利和义务；其他需要调查的事项）"),
    ],
    "idle_determination": [
        ("title", "闲置土地认定书"),
        ("docno", "{{ doc_no }}"),
        *_ADDRESSEE,
        ("head", "一、闲置土地的基本情况"),
        _PLOT,
        ("head", "二、认定闲置土地的事实、依据"),
        ("body", "我局已于{{ notice_date_zh }}向你方送达《闲置土地调查通知书》（{{ notice_no }}），依法开展了调查核实。"
                 "经调查，截至{{ as_of_zh }}，{{ facts_zh }}。"),
        ("head", "三、闲置原因及认定结论"),
        ("body", "{{ conclusion_zh }}依照《闲置土地处置办法》第二条、第九条，上述宗地认定为闲置土地，闲置面积"
                 "{{ area_m2 }}平方米（{{ area_mu }}亩）。"),
        ("head", "四、其他需要说明的事项"),
        ("body", "我局将依照《闲置土地处置办法》第十一条公开该闲置土地的信息，并依照该办法第三章的规定处置。"),
        ("body", "特此认定。"),
        *_SIGN,
        ("footer", "依据《闲置土地处置办法》第九条、第十条（认定书应当载明：使用权人的姓名或者名称、地址；闲置土地的基本情况；"
                   "认定闲置土地的事实、依据；闲置原因及认定结论；其他需要说明的事项）"),
    ],
    "idle_fee_decision": [
        ("title", "征缴土地闲置费决定书"),
        ("docno", "{{ doc_no }}"),
        *_ADDRESSEE,
        ("head", "一、违反法律、法规或者规章的事实和证据"),
        _PLOT,
        ("body", "截至{{ as_of_zh }}，{{ facts_zh }}。我局已于{{ determination_date_zh }}向你方下达《闲置土地认定书》"
                 "（{{ determination_no }}），于{{ hearing_notice_date_zh }}书面告知你方有申请听证的权利"
                 "（{{ hearing_notice_no }}）。以上事实有国有建设用地使用权出让合同、现场调查材料和上述文书为证。"),
        ("head", "二、决定的种类和依据"),
        ("body", "依照《闲置土地处置办法》第十四条第（一）项“未动工开发满一年的，……按照土地出让或者划拨价款的百分之二十"
                 "征缴土地闲置费”，我局决定对你方征缴土地闲置费。该宗地出让价款为{{ price_wan }}万元，按{{ fee_rate_pct }}"
                 "计，应缴土地闲置费{{ fee_wan }}万元（人民币{{ fee_yuan }}元，大写{{ fee_upper }}）。土地闲置费不得列入生产成本。"),
        ("head", "三、决定的履行方式和期限"),
        ("body", "依照《闲置土地处置办法》第十七条，你方应当自本决定书送达之日起三十日内，按照规定缴纳上述土地闲置费。"),
        ("head", "四、申请行政复议或者提起行政诉讼的途径和期限"),
        ("body", "你方如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内"
                 "依法向人民法院提起行政诉讼（《闲置土地处置办法》第十八条；《中华人民共和国行政复议法》第二十条，"
                 "《中华人民共和国行政诉讼法》第四十六条）。"),
        *_SIGN,
        ("footer", "依据《闲置土地处置办法》第十四条第（一）项、第十六条、第十七条（决定书应当包括：使用权人的姓名或者名称、地址；"
                   "违反法律、法规或者规章的事实和证据；决定的种类和依据；决定的履行方式和期限；申请行政复议或者提起行政诉讼的"
                   "途径和期限；作出决定的行政机关名称和作出决定的日期；其他需要说明的事项）"),
    ],
    "recovery_decision": [
        ("title", "收回国有建设用地使用权决定书"),
        ("docno", "{{ doc_no }}"),
        *_ADDRESSEE,
        ("head", "一、违反法律、法规或者规章的事实和证据"),
        _PLOT,
        ("body", "截至{{ as_of_zh }}，{{ facts_zh }}；自{{ recover_date_zh }}起已未动工开发满两年。我局已于"
                 "{{ determination_date_zh }}向你方下达《闲置土地认定书》（{{ determination_no }}），于"
                 "{{ hearing_notice_date_zh }}书面告知你方有申请听证的权利（{{ hearing_notice_no }}）。以上事实有国有建设用地"
                 "使用权出让合同、现场调查材料和上述文书为证。"),
        ("head", "二、决定的种类和依据"),
        ("body", "依照《闲置土地处置办法》第十四条第（二）项“未动工开发满两年的，……无偿收回国有建设用地使用权”，"
                 "我局决定无偿收回你方上述{{ area_m2 }}平方米（{{ area_mu }}亩）国有建设用地使用权。"),
        ("head", "三、决定的履行方式和期限"),
        ("body", "依照《闲置土地处置办法》第十七条，你方应当自本决定书送达之日起三十日内，到我局办理国有建设用地使用权注销"
                 "登记，交回土地权利证书。"),
        ("head", "四、申请行政复议或者提起行政诉讼的途径和期限"),
        ("body", "你方如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者自收到本决定书之日起六个月内"
                 "依法向人民法院提起行政诉讼（《闲置土地处置办法》第十八条；《中华人民共和国行政复议法》第二十条，"
                 "《中华人民共和国行政诉讼法》第四十六条）。"),
        *_SIGN,
        ("footer", "依据《闲置土地处置办法》第十四条第（二）项、第十六条、第十七条（决定书应当包括：使用权人的姓名或者名称、地址；"
                   "违反法律、法规或者规章的事实和证据；决定的种类和依据；决定的履行方式和期限；申请行政复议或者提起行政诉讼的"
                   "途径和期限；作出决定的行政机关名称和作出决定的日期；其他需要说明的事项）"),
    ],
}


def template_lines(kind: str) -> Sequence[Line]:
    """The lines of the default template ``kind`` (a key of :data:`TEMPLATES`)."""
    return TEMPLATES[kind]


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def build_template(kind: str) -> bytes:
    """The default template ``kind`` as the bytes of a .docx (A4, 宋体/黑体)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    for kind_, text in TEMPLATES[kind]:
        if kind_ == "footer":
            para = section.footer.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT
            _font(para.add_run(text), BODY_FONT, 9)
            continue
        para = doc.add_paragraph()
        fmt = para.paragraph_format
        fmt.space_after = Pt(4)
        fmt.line_spacing = 1.35
        if kind_ == "title":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(12)
            _font(para.add_run(text), TITLE_FONT, TITLE_PT, bold=True)
        elif kind_ == "docno":
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(12)
            _font(para.add_run(text), BODY_FONT, BODY_PT)
        elif kind_ == "to":
            _font(para.add_run(text), BODY_FONT, BODY_PT)
        elif kind_ == "head":
            fmt.first_line_indent = Pt(2 * BODY_PT)
            _font(para.add_run(text), TITLE_FONT, BODY_PT)
        elif kind_ in ("body", "item"):
            para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Pt(2 * BODY_PT)
            _font(para.add_run(text), BODY_FONT, BODY_PT)
        elif kind_ in ("sign", "date"):
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if kind_ == "sign":
                fmt.space_before = Pt(24)
            _font(para.add_run(text), BODY_FONT, BODY_PT)
        else:  # pragma: no cover - the table above is fixed
            raise ValueError(f"unknown line kind {kind_!r} in template {kind!r}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
