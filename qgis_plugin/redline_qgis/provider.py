"""The ``redline`` Processing provider: one algorithm per audit spec redline registers, and two for the case
register (record a round of every audit into it; show its open cases and disposal table).

The algorithms come from the catalogue redline's own Python writes (``worker.py catalogue``): QGIS's Python
never imports redline. Without a usable redline the same algorithms are listed from the shipped
``catalogue.json`` (written by ``scripts/package_plugin.py`` from the specs), and running one explains how
to install redline.
"""

from __future__ import annotations

import json
import os

from qgis.core import QgsProcessingProvider, QgsSettings

from .algorithm import AuditAlgorithm, MissingRedlineAlgorithm, OpenCasesAlgorithm, RecordRoundAlgorithm, icon
from .catalogue import register_entries
from .i18n import install_translator, tr
from .status import redline_status

HERE = os.path.dirname(__file__)
CATALOGUE = os.path.join(HERE, "catalogue.json")


def read_catalogue() -> list[dict]:
    with open(CATALOGUE, encoding="utf-8") as fh:
        return json.load(fh)["algorithms"]


class RedlineProvider(QgsProcessingProvider):
    """Processing provider ``redline``."""

    def __init__(self):
        super().__init__()
        install_translator()
        self.status = (False, "not loaded")

    def id(self):
        return "redline"

    def name(self):
        return "redline"

    def longName(self):
        ok, version = self.status
        return tr("redline land-use supervision audits") + (f" ({version})" if ok else "")

    def icon(self):
        return icon()

    def loadAlgorithms(self):
        setting = str(QgsSettings().value("redline/python", "") or "") or None
        ok, why, catalogue = redline_status(setting)
        self.status = (ok, why)
        if ok:
            python = catalogue["python"]
            rule_sets, default = catalogue.get("rule_sets", ()), catalogue.get("default_rules", "cn-national")
            for entry in catalogue["algorithms"]:
                self.addAlgorithm(AuditAlgorithm(entry, python, rule_sets, default))
            record, cases = register_entries(catalogue["algorithms"])
            self.addAlgorithm(RecordRoundAlgorithm({**record, "params": [], "outputs": []}, python, rule_sets,
                                                   default))
            self.addAlgorithm(OpenCasesAlgorithm(cases, python))
            return
        audits = read_catalogue()
        for entry in [*audits, *register_entries(audits)]:
            self.addAlgorithm(MissingRedlineAlgorithm(entry, why))
