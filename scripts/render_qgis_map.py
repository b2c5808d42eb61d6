#!/usr/bin/env python3
"""Render the example county's findings as QGIS draws them (the plugin's styles) to a PNG.

    QT_QPA_PLATFORM=offscreen .venv-test/bin/python scripts/render_qgis_map.py [docs/images/qgis_findings.png]

Runs the plugin's algorithms through Processing on the example county (as a user would in the
Toolbox), styles each output with the QML the plugin ships, and renders with
QgsMapRendererParallelJob. Needs Debian's QGIS (python3-qgis) and redline importable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "qgis_plugin"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

#: (audit, output, legend label, what counts as a finding) drawn over the base map, bottom to top. Some
#: layers hold a row for every input feature (every supply judged, every obligation): the legend counts
#: only the rows that are findings, and the style draws the rest faintly.
FINDINGS = [
    ("deadline_alerts", "deadline_alerts", "到期预警 deadline alerts", "\"level\" IN ('escalated', 'overdue', 'upcoming')"),
    ("three_line_conflicts", "three_line_conflicts", "三线冲突 three-line conflicts", "NOT \"is_sliver\""),
    ("underused", "underused", "用而不足 under-used", "\"underused\""),
    ("supplied_not_used", "idle_land", "供而未用 idle land", "\"status\" IN ('idle', 'idle_recover', 'stalled')"),
    ("approved_not_supplied", "approved_not_supplied", "批而未供 approved, not supplied",
     "\"unsupplied_kind\" = 'land'"),
]


def main(out: Path) -> Path:
    from qgis.core import (
        QgsApplication,
        QgsExpression,
        QgsFeatureRequest,
        QgsFillSymbol,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QRectF, QSize, Qt
    from qgis.PyQt.QtGui import QColor, QFont, QPainter

    QgsApplication.setPrefixPath("/usr", True)
    app = QgsApplication([], False)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing
    os.environ.setdefault("REDLINE_PYTHON", sys.executable)  # redline's own Python runs the audits
    from redline_qgis.algorithm import style_path
    from redline_qgis.provider import RedlineProvider

    from redline.example import example_path
    from redline.registry import get_spec

    Processing.initialize()
    provider = RedlineProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    gpkg = example_path()

    def base(name, fill, line, width="0.3", style="solid"):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        layer.renderer().setSymbol(QgsFillSymbol.createSimple({
            "color": fill, "outline_color": line, "outline_width": width, "outline_style": style}))
        return layer

    layers = [base("county", "250,248,240,255", "80,80,80,255", "0.6"),
              base("farmland", "205,230,190,255", "205,230,190,255", "0"),
              base("admin", "0,0,0,0", "150,150,150,255", "0.25", "dot"),
              base("growth_boundary", "0,0,0,0", "30,90,170,255", "0.5", "dash")]
    legend = []
    extent = QgsRectangle()
    for audit, output, label, finding in FINDINGS:
        spec = get_spec(audit)
        params = {i.name.upper(): f"{gpkg}|layername={i.name}" for i in spec.inputs
                  if i.name in {"approvals", "supplies", "buildings", "parcels", "farmland", "growth_boundary",
                                "eco_redline", "admin"}}
        params.update({"AS_OF": "2026-06-30", "REJECTED": "TEMPORARY_OUTPUT", "SUMMARY": "TEMPORARY_OUTPUT"})
        params.update({o.name.upper(): "TEMPORARY_OUTPUT" for o in spec.outputs})
        result = processing.run(f"redline:{audit}", params)
        layer = result[output.upper()]
        layer = layer if isinstance(layer, QgsVectorLayer) else QgsProject.instance().mapLayer(layer)
        o = next(o for o in spec.outputs if o.name == output)
        layer.loadNamedStyle(style_path({"name": o.name, "style": o.style, "geometry": o.geometry}))
        layers.append(layer)
        legend.append((label, layer, finding))
    # the county seat: the largest urban growth boundary, where most findings are
    seat = max(layers[3].getFeatures(), key=lambda f: f.geometry().area())
    extent.combineExtentWith(seat.geometry().boundingBox())
    extent.scale(1.25)
    settings = QgsMapSettings()
    settings.setLayers(list(reversed(layers)))
    settings.setDestinationCrs(layers[-1].crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1400, 1050))
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(settings.Antialiasing, True)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setFont(QFont("WenQuanYi Micro Hei", 15, QFont.Bold))
    painter.fillRect(QRectF(16, 16, 520, 36 + 30 * len(legend)), QColor(255, 255, 255, 225))
    painter.drawText(28, 42, "redline in QGIS: 息县 example county, as of 2026-06-30")
    painter.setFont(QFont("WenQuanYi Micro Hei", 12))
    for k, (label, layer, finding) in enumerate(legend):
        y = 60 + 30 * k
        items = layer.renderer().legendSymbolItems()  # keep the items alive while using their symbol
        swatch = items[0].symbol().asImage(QSize(34, 20))
        painter.drawImage(28, y, swatch)
        painter.setPen(Qt.black)
        found = sum(1 for _ in layer.getFeatures(QgsFeatureRequest(QgsExpression(finding))))
        painter.drawText(72, y + 16, f"{label}: {found} / {layer.featureCount()}")
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(out), "PNG")
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "qgis_findings.png"
    print(main(target))
    os._exit(0)
