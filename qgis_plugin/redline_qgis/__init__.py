"""redline for QGIS: every redline audit as a Processing algorithm (批而未供, 供而未用, 三区三线, 卫片执法 ...).

The plugin imports only ``qgis.*`` and ``redline``; redline itself never imports qgis.
"""


def classFactory(iface):
    from .plugin import RedlinePlugin

    return RedlinePlugin(iface)
