"""GBK shapefiles without a .cpg: QGIS reads their attributes as UTF-8 and shows mojibake.

QGIS honours a shapefile's ``.cpg`` file and its DBF language-driver byte. A shapefile from a Chinese system
often has neither, and QGIS then decodes the GBK bytes as UTF-8: 批准文号 appears as ``��׼�ĺ�``. redline
reads file layers itself, by path, with its own detector (``.cpg`` → language driver → a decoding
heuristic), so the audit gets the right text whatever QGIS shows; this module only tells the user, when
redline's reading differs from QGIS's, how to make QGIS show the layer right too. The user's layer is
left as it is.
"""

from __future__ import annotations

__all__ = ["QT_CODECS", "encoding_advice"]

#: redline's (Python) codec names -> Qt's
QT_CODECS = {"gb18030": "GB18030", "utf-8": "UTF-8", "latin-1": "ISO-8859-1", "big5": "Big5",
             "cp1252": "windows-1252"}


def _same(a: str, b: str) -> bool:
    norm = {"gbk": "gb18030", "gb2312": "gb18030", "gbk/gb18030": "gb18030", "system": "", "iso-8859-1": "latin-1",
            "utf8": "utf-8"}
    a, b = (norm.get(x.strip().lower(), x.strip().lower()) for x in (a, b))
    return a == b


def encoding_advice(name: str, path: str, qgis_encoding: str, redline_encoding: str) -> list[str]:
    """Warnings (Chinese, then English) when redline decoded a shapefile by its heuristic differently from QGIS.

    ``redline_encoding`` is how redline's reader describes its choice, e.g. ``"GBK/GB18030 (from heuristic)"``.
    """
    codec, _, how = redline_encoding.partition(" (from ")
    if not path.lower().endswith(".shp") or not how.startswith("heuristic") or _same(qgis_encoding, codec):
        return []
    qt = QT_CODECS.get("gb18030" if codec.upper().startswith("GBK") else codec.lower(), codec)
    cpg = "GBK" if qt == "GB18030" else qt
    return [
        f"{name}: {path} 未声明编码 (无 .cpg), QGIS 按 {qgis_encoding} 读取, redline 按 {qt} 读取其属性; "
        f"在图层属性 > 源 > 数据源编码中选 {qt}, 或在 .shp 旁放一个内容为 {cpg} 的 .cpg 文件。",
        f"{name}: {path} declares no encoding (no .cpg) and QGIS reads it as {qgis_encoding}; redline read its "
        f"attributes as {redline_encoding}. To see them right in QGIS too: Layer Properties > Source > Data source "
        f"encoding = {qt}, or put a .cpg file containing {cpg} beside the .shp.",
    ]
