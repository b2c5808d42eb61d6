"""GBK shapefiles without a .cpg: QGIS reads their attributes as UTF-8, and redline would get mojibake.

QGIS honours a shapefile's ``.cpg`` file and its DBF language-driver byte. A shapefile from a Chinese system
often has neither, and QGIS then decodes the GBK bytes as UTF-8: 批准文号 arrives as ``��׼�ĺ�``, the bytes are
lost, and no field is recognised. redline's own detector (:func:`redline.io.encoding.detect_shapefile_encoding`,
which only reads the DBF's bytes) decides such a file's encoding by a heuristic; when it finds one QGIS is not
using, the audit reads a private copy of the layer opened with that encoding, and says so. The user's layer in
the project is left as it is.
"""

from __future__ import annotations

from qgis.core import QgsVectorLayer

__all__ = ["QT_CODECS", "decoded_as_detected"]

#: redline's (Python) codec names -> Qt's
QT_CODECS = {"gb18030": "GB18030", "utf-8": "UTF-8", "latin-1": "ISO-8859-1", "big5": "Big5",
             "cp1252": "windows-1252"}


def _same(a: str, b: str) -> bool:
    norm = {"gbk": "gb18030", "gb2312": "gb18030", "system": "", "iso-8859-1": "latin-1", "utf8": "utf-8"}
    a, b = (norm.get(x.strip().lower(), x.strip().lower()) for x in (a, b))
    return a == b


def decoded_as_detected(layer, name: str, feedback=None) -> QgsVectorLayer | None:
    """A copy of ``layer`` decoding its attributes as redline detects them, or None when ``layer`` is right.

    Only shapefiles read by QGIS's OGR provider whose encoding is declared nowhere (no ``.cpg``, no language
    driver) are reopened, and only when the detected encoding differs from the one QGIS uses.
    """
    if layer is None or not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
        return None
    path = layer.source().split("|")[0]
    if not path.lower().endswith(".shp"):
        return None
    from redline.io.encoding import detect_shapefile_encoding

    try:
        found = detect_shapefile_encoding(path)
    except OSError:
        return None
    current = layer.dataProvider().encoding()
    if not found.how.startswith("heuristic") or _same(current, found.encoding):
        return None
    codec = QT_CODECS.get(found.encoding, found.encoding.upper())
    copy = QgsVectorLayer(layer.source(), layer.name(), "ogr")
    if not copy.isValid():
        return None
    copy.setProviderEncoding(codec)
    if feedback is not None:
        cpg = "GBK" if codec == "GB18030" else codec
        feedback.pushWarning(
            f"{name}: {path} 未声明编码 (无 .cpg), QGIS 按 {current} 读取, redline 按 {codec} 读取其属性; "
            f"在图层属性 > 源 > 数据源编码中选 {codec}, 或在 .shp 旁放一个内容为 {cpg} 的 .cpg 文件。")
        feedback.pushWarning(
            f"{name}: {path} declares no encoding (no .cpg) and QGIS reads it as {current}; its attributes "
            f"were read as {found}. To see them right in QGIS too: Layer Properties > Source > Data source "
            f"encoding = {codec}, or put a .cpg file containing {cpg} beside the .shp.")
    return copy
