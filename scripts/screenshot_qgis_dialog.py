#!/usr/bin/env python3
"""Screenshot a redline algorithm's Processing dialog in Chinese, as QGIS shows it, for the README.

    .venv-test/bin/python scripts/screenshot_qgis_dialog.py                  # docs/images/qgis_dialog_zh.png
    .venv-test/bin/python scripts/screenshot_qgis_dialog.py --algorithm approved_not_supplied --out x.png

QGIS runs offscreen (``QT_QPA_PLATFORM=offscreen``) in a throw-away profile whose language is 简体中文
(``locale/userLocale`` = ``zh-Hans``, and QGIS's own ``qgis_zh-Hans`` translation): the plugin's provider is
registered, the example county's layers are added to the project, and the algorithm's dialog (QGIS's own
``AlgorithmDialog``) is drawn with ``grab()``. The dialog's Help button is then pressed, with the
``file`` scheme handed to this script instead of a browser, to record the page it opens. ``--json`` prints
what was shown (title, parameter labels, help page opened) for the tests, which run this same code.

redline's Python for the plugin's worker is ``REDLINE_PYTHON``, else this interpreter; QGIS's Python here
never imports redline. Needs Debian's QGIS (python3-qgis).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "redline" / "data" / "example_county.gpkg"
#: the example county's layers put into the project, under the names a bureau would give them
LAYERS = {"approvals": "报批红线", "supplies": "供地红线", "buildings": "建筑物"}
_KEEP: list = []  # QGIS's objects must outlive the call (destroying them before exit crashes headless QGIS)


def screenshot(out: Path, algorithm: str = "supplied_not_used", size: tuple[int, int] = (1100, 760)) -> dict:
    """Draw ``redline:<algorithm>``'s dialog in Chinese into PNG ``out``; what it showed, as a dict."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QGIS_CUSTOM_CONFIG_PATH", tempfile.mkdtemp(prefix="redline_dialog_profile_"))
    os.environ.setdefault("REDLINE_PYTHON", sys.executable)
    sys.path.insert(0, str(ROOT / "qgis_plugin"))
    from qgis.core import QgsApplication, QgsProject, QgsSettings, QgsVectorLayer

    QgsApplication.setPrefixPath("/usr", True)
    QgsApplication.setTranslation("zh-Hans")  # QGIS's own words (运行, 关闭, 帮助 ...) in Chinese too
    app = QgsApplication([], True)
    app.initQgis()
    QgsSettings().setValue("locale/userLocale", "zh-Hans")  # what QGIS writes when 简体中文 is chosen
    from qgis.PyQt.QtCore import QLibraryInfo, QTranslator

    qt_words = QTranslator()  # Qt's standard buttons (Close, Help), from Debian's qttranslations5-l10n
    if qt_words.load("qt_zh_CN", QLibraryInfo.location(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt_words)
        _KEEP.append(qt_words)
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    from processing.gui.AlgorithmDialog import AlgorithmDialog
    from qgis.PyQt.QtCore import QObject, QUrl, pyqtSlot
    from qgis.PyQt.QtGui import QDesktopServices
    from qgis.PyQt.QtWidgets import QDialogButtonBox, QLabel
    from redline_qgis.provider import RedlineProvider

    Processing.initialize()
    provider = RedlineProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    if not provider.status[0]:
        raise SystemExit(f"redline is not usable by the plugin: {provider.status[1]}")
    for layer, name in LAYERS.items():
        loaded = QgsVectorLayer(f"{EXAMPLE}|layername={layer}", name, "ogr")
        if not loaded.isValid():
            raise SystemExit(f"{EXAMPLE} has no layer {layer}")
        QgsProject.instance().addMapLayer(loaded)
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"redline:{algorithm}")
    if alg is None:
        raise SystemExit(f"no algorithm redline:{algorithm}")

    class Opened(QObject):  # where the Help button sends the user: recorded, no browser started
        def __init__(self):
            super().__init__()
            self.urls: list[str] = []

        @pyqtSlot(QUrl)
        def open(self, url):
            self.urls.append(url.toString())

    opened = Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    dialog = AlgorithmDialog(alg, False, None)
    dialog.resize(*size)
    dialog.show()
    for _ in range(5):
        app.processEvents()
    image = dialog.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise SystemExit(f"could not write {out}")
    help_button = dialog.buttonBox().button(QDialogButtonBox.Help)
    shown = {"title": dialog.windowTitle(), "size": [image.width(), image.height()],
             "labels": sorted({w.text() for w in dialog.findChildren(QLabel) if w.isVisible() and w.text()}),
             "buttons": sorted(b.text() for b in dialog.buttonBox().buttons() if b.isVisible()),
             "help_url": alg.helpUrl(), "help_visible": bool(help_button and help_button.isVisible())}
    if help_button is not None:
        help_button.click()
        app.processEvents()
    shown["help_opened"] = opened.urls
    QDesktopServices.unsetUrlHandler("file")
    _KEEP.extend([app, provider, dialog, opened, alg])
    return shown


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--algorithm", default="supplied_not_used", help="a redline algorithm id")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "qgis_dialog_zh.png")
    ap.add_argument("--json", action="store_true", help="print what the dialog showed, as JSON")
    args = ap.parse_args(argv)
    shown = screenshot(args.out, args.algorithm)
    if args.json:
        sys.stdout.write("\n@@JSON@@" + json.dumps(shown, ensure_ascii=False) + "\n")
    else:
        print(args.out)
    sys.stdout.flush()
    os._exit(0)  # skip QGIS's teardown, which may crash on exit in headless runs


if __name__ == "__main__":
    sys.exit(main())
