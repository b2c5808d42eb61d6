"""The idle-land documents drafted from a case: facts by hand, the DOCX read back, a bureau's own template, the
errors, and LibreOffice opening what was drafted."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest
from docx import Document

from redline.register.documents import (
    DOCUMENTS,
    FACTS,
    DocumentError,
    document_facts,
    draft_document,
    rmb_upper,
    write_templates,
)

BUREAU = "息县自然资源局"


def _case(**detail_changes):
    detail = {"supply_id": "411528-2019-004", "project_name": "金桥食品加工", "holder": "河南金桥食品有限公司",
              "district": "城关镇", "supply_date": dt.date(2019, 3, 1), "agreed_start_date": dt.date(2019, 9, 1),
              "effective_start_date": dt.date(2019, 9, 1), "idle_date": dt.date(2020, 9, 1), "idle_days": 2128,
              "price_wan": 500.0, "idle_fee": 100.0, "status": "idle", "holder_address": "息县城关镇谯楼街1号"}
    detail.update(detail_changes)
    return {"case_id": "IDLE-0003", "audit": "idle_land", "case_key": "411528-2019-004", "area_m2": 6666.67,
            "area_mu": 10.0, "status": "idle", "status_zh": "闲置土地", "first_as_of": dt.date(2026, 6, 30),
            "as_of": dt.date(2026, 6, 30), "rule": "《闲置土地处置办法》第二条", "detail": detail,
            "dispositions": [
                {"status": "investigation_notice", "status_zh": "调查通知书", "date": dt.date(2026, 7, 3),
                 "doc_no": "息自然资闲调〔2026〕3号", "note": "", "who": "张三"},
                {"status": "idle_determination", "status_zh": "认定书", "date": dt.date(2026, 8, 20),
                 "doc_no": "息自然资闲认〔2026〕3号", "note": "", "who": "张三"},
                {"status": "hearing_notice", "status_zh": "听证告知", "date": dt.date(2026, 9, 1),
                 "doc_no": "息自然资听告〔2026〕3号", "note": "", "who": "张三"}]}


def _text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_facts_by_hand():
    f = document_facts(_case(), bureau=BUREAU, doc_no="息自然资闲费〔2026〕3号", date=dt.date(2026, 9, 15))
    assert f["area_m2"] == "6666.67" and f["area_mu"] == "10.00"  # 6666.67 × 15 / 10000 = 10.000005
    assert (f["price_wan"], f["fee_wan"], f["fee_rate_pct"]) == ("500.00", "100.00", "20%")
    assert f["fee_yuan"] == "1,000,000.00" and f["fee_upper"] == "人民币壹佰万元整"
    assert f["date_zh"] == "2026年9月15日" and f["supply_date_zh"] == "2019年3月1日"
    assert f["as_of_zh"] == "2026年6月30日"
    assert (f["notice_no"], f["notice_date_zh"]) == ("息自然资闲调〔2026〕3号", "2026年7月3日")
    assert (f["determination_no"], f["determination_date_zh"]) == ("息自然资闲认〔2026〕3号", "2026年8月20日")
    assert "2019年9月1日" in f["facts_zh"] and "2020年9月1日" in f["facts_zh"] and "2128日" in f["facts_zh"]


def test_facts_of_timestamps_and_text_dates():
    import pandas as pd

    f = document_facts(_case(supply_date=pd.Timestamp("2019-03-01"), idle_date="2020-09-01"), bureau=BUREAU)
    assert (f["supply_date_zh"], f["idle_date_zh"]) == ("2019年3月1日", "2020年9月1日")
    with pytest.raises(DocumentError, match="supply_date.*not a date"):
        document_facts(_case(supply_date="三月"), bureau=BUREAU)


def test_the_latest_disposition_of_a_kind_is_cited():
    case = _case()
    case["dispositions"].insert(1, {"status": "investigation_notice", "date": dt.date(2026, 7, 10),
                                    "doc_no": "息自然资闲调〔2026〕4号"})
    assert document_facts(case, bureau=BUREAU)["notice_no"] == "息自然资闲调〔2026〕4号"


def test_rmb_upper():
    assert rmb_upper(1_005_000) == "人民币壹佰万伍仟元整"
    assert rmb_upper(10_000_000) == "人民币壹仟万元整"
    assert rmb_upper(120_000_000.01) == "人民币壹亿贰仟万元零壹分"
    assert rmb_upper(0) == "人民币零元整"


def test_fee_not_the_audits_is_refused():
    with pytest.raises(DocumentError, match="idle_fee 90.00 .* 100.00"):
        document_facts(_case(idle_fee=90.0), bureau=BUREAU)


def test_unknown_extra_fact_is_an_error():
    with pytest.raises(DocumentError, match="holder_adress.*holder_address"):
        document_facts(_case(), bureau=BUREAU, extra={"holder_adress": "x"})


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_default_template_declares_what_its_spec_lists(kind, tmp_path):
    from docxtpl import DocxTemplate

    (path,) = [p for p in write_templates(tmp_path) if p.stem == kind]
    assert DocxTemplate(str(path)).get_undeclared_template_variables() == set(DOCUMENTS[kind].fields)
    assert set(DOCUMENTS[kind].fields) <= set(FACTS)
    assert "第十" in DOCUMENTS[kind].article or "第五条" in DOCUMENTS[kind].article


def test_write_templates_does_not_overwrite(tmp_path):
    write_templates(tmp_path)
    with pytest.raises(DocumentError, match="refusing to overwrite"):
        write_templates(tmp_path)


def test_drafted_fee_decision_reads_back(tmp_path):
    facts = document_facts(_case(), bureau=BUREAU, doc_no="息自然资闲费〔2026〕3号", date=dt.date(2026, 9, 15))
    out = draft_document(facts, "idle_fee_decision", tmp_path / "fee.docx")
    text = _text(out)
    for expected in ("征缴土地闲置费决定书", "河南金桥食品有限公司", "息自然资闲费〔2026〕3号", "6666.67平方米",
                     "10.00亩", "100.00万元", "人民币壹佰万元整", "息自然资闲认〔2026〕3号", "2026年8月20日",
                     "第十四条第（一）项", "第十六条", "三十日内", "2026年9月15日", BUREAU):
        assert expected in text, expected
    assert "{{" not in text and "}}" not in text
    assert [p.name for p in tmp_path.iterdir()] == ["fee.docx"]  # no temporary file left


@pytest.mark.parametrize("kind", ["investigation_notice", "idle_determination", "recovery_decision"])
def test_every_document_drafts(kind, tmp_path):
    case = _case()
    case["status"] = "idle_recover"
    case["detail"]["recover_date"] = dt.date(2021, 9, 1)
    facts = document_facts(case, bureau=BUREAU, doc_no="息自然资〔2026〕9号", date=dt.date(2026, 9, 15))
    text = _text(draft_document(facts, kind, tmp_path / f"{kind}.docx"))
    assert DOCUMENTS[kind].title_zh in text and "河南金桥食品有限公司" in text and "{{" not in text
    if kind == "idle_determination":
        assert "息自然资闲调〔2026〕3号" in text and "2026年7月3日" in text  # the notice it follows
    if kind == "recovery_decision":
        assert "2021年9月1日" in text and "注销登记" in text


def test_holder_name_is_escaped(tmp_path):
    facts = document_facts(_case(holder="A&B <金桥> 公司"), bureau=BUREAU, doc_no="1号")
    assert "A&B <金桥> 公司" in _text(draft_document(facts, "idle_fee_decision", tmp_path / "f.docx"))


def test_missing_facts_name_the_case_and_where_to_fill_them(tmp_path):
    case = _case(holder=None, price_wan=float("nan"), idle_fee=float("nan"))
    facts = document_facts(case, bureau=BUREAU, doc_no="1号")
    with pytest.raises(DocumentError) as err:
        draft_document(facts, "idle_fee_decision", tmp_path / "f.docx")
    msg = str(err.value)
    assert "IDLE-0003" in msg and "holder (国有建设用地使用权人)" in msg and "受让人" in msg
    assert "price_wan" in msg and "出让价款" in msg and "fee_wan" in msg
    assert not (tmp_path / "f.docx").exists()
    # the notice needs no price: it drafts once the holder is back
    facts = document_facts(_case(price_wan=float("nan"), idle_fee=float("nan")), bureau=BUREAU, doc_no="1号")
    assert draft_document(facts, "investigation_notice", tmp_path / "n.docx").exists()


def test_missing_doc_no_is_an_error(tmp_path):
    with pytest.raises(DocumentError, match="doc_no .*document_facts\\(doc_no=...\\)"):
        draft_document(document_facts(_case(), bureau=BUREAU), "investigation_notice", tmp_path / "n.docx")


def test_unknown_kind(tmp_path):
    with pytest.raises(DocumentError, match="unknown document 'fee'.*idle_fee_decision"):
        draft_document({}, "fee", tmp_path / "x.docx")


def _bureau_template(path, *lines):
    doc = Document()
    for line in lines:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def test_a_bureau_template_is_used(tmp_path):
    tpl = _bureau_template(tmp_path / "ours.docx", "关于{{ holder }}闲置土地的处理意见（{{ doc_no }}）",
                           "宗地{{ supply_id }}，计{{ area_mu }}亩，应缴{{ fee_wan }}万元。", "{{ bureau }}")
    facts = document_facts(_case(), bureau=BUREAU, doc_no="息自然资〔2026〕7号")
    text = _text(draft_document(facts, "idle_fee_decision", tmp_path / "out.docx", template=tpl))
    assert text.splitlines() == ["关于河南金桥食品有限公司闲置土地的处理意见（息自然资〔2026〕7号）",
                                 "宗地411528-2019-004，计10.00亩，应缴100.00万元。", BUREAU]


def test_a_bureau_template_with_an_unknown_placeholder(tmp_path):
    tpl = _bureau_template(tmp_path / "ours.docx", "{{ holder }} {{ legal_representative }}")
    facts = document_facts(_case(), bureau=BUREAU, doc_no="1号")
    with pytest.raises(DocumentError, match="legal_representative.*known facts are: .*holder_address"):
        draft_document(facts, "idle_fee_decision", tmp_path / "out.docx", template=tpl)


def test_never_over_the_template(tmp_path):
    tpl = _bureau_template(tmp_path / "ours.docx", "{{ holder }}")
    facts = document_facts(_case(), bureau=BUREAU)
    with pytest.raises(DocumentError, match="over its template"):
        draft_document(facts, "idle_fee_decision", tpl, template=tpl)
    assert _text(tpl).strip() == "{{ holder }}"


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"),
                    reason="LibreOffice is not installed here (scripts/install-system-deps.sh installs it for CI)")
def test_libreoffice_converts_the_drafted_document(tmp_path):
    """An independent word processor opens the drafted .docx: the PDF it prints holds the holder and the area."""
    assert SOFFICE, "LibreOffice (soffice) is needed: scripts/install-system-deps.sh installs libreoffice-writer-nogui"
    from pypdf import PdfReader

    facts = document_facts(_case(), bureau=BUREAU, doc_no="息自然资闲费〔2026〕3号", date=dt.date(2026, 9, 15))
    docx = draft_document(facts, "idle_fee_decision", tmp_path / "fee.docx")
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(docx)],
                   check=True, timeout=300, capture_output=True)
    pdf = tmp_path / "pdf" / "fee.pdf"
    assert pdf.exists()
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    squeezed = "".join(text.split())  # the PDF's text breaks lines where the page does
    assert "河南金桥食品有限公司" in squeezed and "6666.67平方米" in squeezed and "10.00亩" in squeezed
