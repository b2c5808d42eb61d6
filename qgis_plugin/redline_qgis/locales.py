"""Which shipped translation a QGIS locale name gets (no QGIS import: tested without QGIS).

QGIS names its interface languages inconsistently across versions and platforms: ``zh_CN``, ``zh-Hans``
(what QGIS writes for 简体中文 in its settings), ``zh_Hans_CN``, ``zh-CN``, ``zh_TW``, or the bare ``zh``.
redline ships one Chinese translation (``zh_CN``); every Chinese locale gets it.
"""

from __future__ import annotations

SHIPPED_CHINESE = "zh_CN"


def translation_candidates(locale: str) -> list[str]:
    """Translation file suffixes to try for ``locale``, best first.

    >>> translation_candidates("zh-Hans")
    ['zh_CN']
    >>> translation_candidates("en_US")
    ['en_US', 'en']
    """
    name = (locale or "").strip().replace("-", "_")
    if name.lower().split("_")[0] == "zh":
        return [SHIPPED_CHINESE]
    if not name:
        return []
    out = [name]
    if name.split("_")[0] != name:
        out.append(name.split("_")[0])
    return out
