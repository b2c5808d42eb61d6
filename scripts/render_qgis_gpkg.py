#!/usr/bin/env python3
"""Open a results GeoPackage in QGIS as it is (no plugin, no style loaded by hand) and render it to a PNG.

    QT_QPA_PLATFORM=offscreen .venv-test/bin/python scripts/render_qgis_gpkg.py [GPKG] [docs/images/gpkg_styled.png]
    QT_QPA_PLATFORM=offscreen .venv-test/bin/python scripts/render_qgis_gpkg.py GPKG --describe   # JSON

Without GPKG the example county is audited first (as of 2026-06-30) into a temporary folder. Each layer
is opened with ``QgsVectorLayer(path|layername=...)``, so what QGIS shows comes from the file alone: the
default style in its ``layer_styles`` table (colours by status, the Chinese field aliases, the map tip).
The picture draws the county seat's findings and, beside them, the map tip of the idle supply nearest to it as QGIS
evaluates it. ``--describe`` prints, per layer, the renderer, its categories and colours, the aliases,
the map tip evaluated on a feature and the display expression's value (what tests/test_qgis_gpkg.py checks).
Needs Debian's QGIS (python3-qgis).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: the layers drawn, bottom to top
DRAWN = ["growth_boundary_use", "three_line_conflicts", "underused", "deadline_alerts", "idle_land",
         "approved_not_supplied"]
#: the feature whose map tip the picture shows
TIP_LAYER, TIP_FILTER = "idle_land", "\"status\" = 'idle'"


def audit_example(out: Path) -> Path:
    """The example county's results GeoPackage, written by redline as ``redline audit`` writes it."""
    from redline.example import example_path
    from redline.pipeline import run_audits

    gpkg = example_path()
    sources = {name: f"{gpkg}:{name}" for name in ("approvals", "supplies", "buildings", "parcels", "farmland",
                                                    "growth_boundary", "eco_redline", "admin", "landuse")}
    run_audits(sources, as_of="2026-06-30", jurisdiction="息县（示例）", out=out)
    return out / "redline_results.gpkg"


def start_qgis():
    from qgis.core import QgsApplication

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    return app


def styled_layers(gpkg: Path) -> dict:
    """{table: QgsVectorLayer} of every layer the file stores a style for, opened as QGIS opens a file."""
    import sqlite3

    from qgis.core import QgsVectorLayer

    with sqlite3.connect(gpkg) as db:
        tables = [t for (t,) in db.execute("SELECT f_table_name FROM layer_styles WHERE useAsDefault")]
    return {t: QgsVectorLayer(f"{gpkg}|layername={t}", t, "ogr") for t in tables}


def evaluate_tip(layer, feature) -> tuple[str, str]:
    """(map tip HTML, display name) of a feature, as QGIS's map tip and Identify tool show them."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    context.setFeature(feature)
    name = QgsExpression(layer.displayExpression()).evaluate(context)
    return QgsExpression.replaceExpressionText(layer.mapTipTemplate(), context), str(name)


def describe(gpkg: Path) -> dict:
    """What QGIS shows of each styled layer of ``gpkg`` (JSON-able)."""
    out = {}
    for table, layer in styled_layers(gpkg).items():
        renderer = layer.renderer()
        kind = renderer.type() if renderer is not None else None
        cats = []
        if kind == "categorizedSymbol":
            cats = [[str(c.value()), c.label(), c.symbol().color().name()] for c in renderer.categories()]
        fields = layer.fields()
        first = next(layer.getFeatures(), None)
        tip, name = evaluate_tip(layer, first) if first is not None else ("", "")
        out[table] = {"valid": layer.isValid(), "spatial": layer.isSpatial(), "renderer": kind,
                      "attr": renderer.classAttribute() if kind == "categorizedSymbol" else None,
                      "categories": cats,
                      "aliases": {f.name(): layer.attributeDisplayName(i) for i, f in enumerate(fields)},
                      "map_tip": layer.mapTipTemplate(), "display_expression": layer.displayExpression(),
                      "first_tip": tip, "first_name": name, "features": layer.featureCount()}
    return out


def render(gpkg: Path, out: Path) -> Path:
    """The county seat's findings, drawn with the file's own styles, and one feature's map tip."""
    from qgis.core import (
        QgsFeatureRequest,
        QgsFillSymbol,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QPointF, QRectF, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QPainter, QPen, QTextDocument

    from redline.example import example_path

    layers = styled_layers(gpkg)
    county = QgsVectorLayer(f"{example_path()}|layername=county", "county", "ogr")
    county.renderer().setSymbol(QgsFillSymbol.createSimple({"color": "250,248,240,255", "outline_color":
                                                            "80,80,80,255", "outline_width": "0.6"}))
    drawn = [layers[name] for name in DRAWN if name in layers]
    seat = max(layers["growth_boundary_use"].getFeatures(), key=lambda f: f.geometry().area())
    tip_layer = layers[TIP_LAYER]
    centre = seat.geometry().centroid()
    feature = min(tip_layer.getFeatures(QgsFeatureRequest().setFilterExpression(TIP_FILTER)),
                  key=lambda f: f.geometry().distance(centre))
    extent = QgsRectangle(seat.geometry().boundingBox())
    extent.combineExtentWith(feature.geometry().boundingBox())
    extent.scale(1.15)
    settings = QgsMapSettings()
    settings.setLayers(list(reversed([county, *drawn])))
    settings.setDestinationCrs(drawn[-1].crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1500, 1000))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(settings.Antialiasing, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()

    html, name = evaluate_tip(tip_layer, feature)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setFont(QFont("WenQuanYi Micro Hei", 15, QFont.Bold))
    painter.fillRect(QRectF(16, 16, 760, 40), QColor(255, 255, 255, 230))
    painter.drawText(28, 43, "redline_results.gpkg opened in QGIS as it is: styles, aliases, map tips")
    doc = QTextDocument()
    doc.setDefaultFont(QFont("WenQuanYi Micro Hei", 10))
    doc.setHtml(html)
    doc.setTextWidth(520)
    anchor = settings.mapToPixel().transform(feature.geometry().pointOnSurface().asPoint())
    left = 20 if anchor.x() > image.width() / 2 else image.width() - 560  # the tip on the other side
    box = QRectF(left, 80, 540, doc.size().height() + 20)
    painter.setPen(QPen(QColor(60, 60, 60), 2))
    painter.drawLine(QPointF(anchor.x(), anchor.y()), QPointF(box.right() if left == 20 else box.left(), box.top() + 20))
    painter.fillRect(box, QColor(255, 255, 225, 240))
    painter.drawRect(box)
    painter.translate(box.left() + 10, box.top() + 10)
    doc.drawContents(painter)
    painter.resetTransform()
    painter.setPen(Qt.black)
    painter.setFont(QFont("WenQuanYi Micro Hei", 11))
    painter.drawText(int(box.left()), int(box.bottom() + 22), f"Identify: {name}")
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out), "PNG")
    return out


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    gpkg = Path(args[0]) if args and args[0].endswith(".gpkg") else None
    rest = args[1:] if gpkg else args
    if gpkg is None:
        gpkg = audit_example(Path(tempfile.mkdtemp(prefix="redline_gpkg_")))
    app = start_qgis()  # noqa: F841  (kept alive while QGIS is used)
    if "--describe" in argv:
        print("@@JSON@@" + json.dumps(describe(gpkg), ensure_ascii=False))
    else:
        print(render(gpkg, Path(rest[0]) if rest else ROOT / "docs" / "images" / "gpkg_styled.png"))
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
