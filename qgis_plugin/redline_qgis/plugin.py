"""The QGIS plugin object: registers the Processing provider (also headless, for qgis_process)."""

from __future__ import annotations

from qgis.core import QgsApplication

from .provider import RedlineProvider


class RedlinePlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):
        if self.provider is None:
            self.provider = RedlineProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
