"""The ``redline`` Processing provider: one algorithm per audit spec redline registers.

Without a usable redline the same algorithms are listed from ``catalogue.json`` (written by
``scripts/package_plugin.py`` from the specs), and running one explains how to install redline.
"""

from __future__ import annotations

import json
import os

from qgis.core import QgsProcessingProvider

from .algorithm import AuditAlgorithm, MissingRedlineAlgorithm, icon
from .i18n import install_translator, tr
from .status import redline_status

HERE = os.path.dirname(__file__)
CATALOGUE = os.path.join(HERE, "catalogue.json")


def read_catalogue() -> list[dict]:
    with open(CATALOGUE, encoding="utf-8") as fh:
        return json.load(fh)["algorithms"]


class RedlineProvider(QgsProcessingProvider):
    """Processing provider ``redline``; ``extra_specs`` adds audits not in redline's registry (tests)."""

    def __init__(self, extra_specs=()):
        super().__init__()
        install_translator()
        self.extra_specs = tuple(extra_specs)
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
        self.status = redline_status()
        ok, why = self.status
        if ok:
            try:
                from redline.registry import all_specs

                specs = list(all_specs()) + list(self.extra_specs)
            except Exception as exc:  # a broken audit module must not hide the provider
                self.status = (False, f"redline's audits cannot be loaded ({type(exc).__name__}: {exc})")
                ok, why = self.status
            else:
                for spec in specs:
                    self.addAlgorithm(AuditAlgorithm(spec))
                return
        for entry in read_catalogue():
            self.addAlgorithm(MissingRedlineAlgorithm(entry, why))
