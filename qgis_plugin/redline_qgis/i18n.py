"""The plugin's two interface languages: Simplified Chinese (zh_CN) and English.

Strings are translated with ``QCoreApplication.translate`` in the context ``"redline"``; the
translations live in ``i18n/redline_qgis_zh_CN.ts`` (compiled to ``.qm`` by the packaging
command). The .ts file is generated from redline's audit specs, which carry both languages, so
a spec that lands after the .qm was compiled still shows its Chinese label: :func:`pick` falls
back to the spec's own ``label_zh`` when the translator does not know the English text.
"""

from __future__ import annotations

import os

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .locales import translation_candidates

CONTEXT = "redline"
HERE = os.path.dirname(__file__)
_translator = None


def locale_name() -> str:
    """The interface locale QGIS uses: the setting ``locale/userLocale``, else the system's.

    QGIS writes ``locale/userLocale`` at every start, also when the user has not overridden the system
    language (then with the system's name, so that plugins follow QGIS's language: ``src/app/main.cpp``),
    and ``zh-Hans`` when 简体中文 is chosen; ``qgis_process`` reads the same profile's settings."""
    name = str(QgsSettings().value("locale/userLocale", "") or "")
    return name or QLocale.system().name()


def is_chinese() -> bool:
    return locale_name().lower().startswith("zh")


def install_translator() -> bool:
    """Load ``i18n/redline_qgis_<locale>.qm`` once; return whether a translation is active."""
    global _translator
    if _translator is not None:
        return True
    name = locale_name()
    for candidate in translation_candidates(name):  # zh-Hans, zh_Hans_CN, zh_TW ... -> zh_CN
        path = os.path.join(HERE, "i18n", f"redline_qgis_{candidate}.qm")
        if os.path.exists(path):
            translator = QTranslator()
            if translator.load(path):
                QCoreApplication.installTranslator(translator)
                _translator = translator
                return True
    return False


def tr(text: str, disambiguation: str | None = None) -> str:
    """Translate an English interface string (``disambiguation``: which spec item it labels)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation)


def pick(zh: str, en: str, key: str | None = None) -> str:
    """The label for the interface language: the translation of ``en`` (for spec item ``key``, e.g.
    ``"output:change_patches.change_patches"``), else ``zh`` in Chinese, else ``en``."""
    if not en:
        return zh
    translated = tr(en, key)
    if translated != en:
        return translated
    return zh if (zh and is_chinese()) else en
