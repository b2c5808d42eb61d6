#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing:
#   qgis, python3-qgis, qgis-providers  real QGIS 3.22 for the plugin tests and qgis_process
#   postgresql, postgis                 a real PostGIS server on localhost for the database tests
#   chromium                            headless rendering of the HTML report
#   fonts-wqy-microhei                  a font with Chinese glyphs for the report's charts (matplotlib)
#   python3-venv                        venvs from Debian's Python (which sees python3-qgis)
#   qttools5-dev-tools                  lrelease, compiling the QGIS plugin's Chinese translation (.ts -> .qm)
#   libreoffice-calc-nogui              an independent spreadsheet engine reading the ledger back (tests/test_ledger.py)
#   libreoffice-writer-nogui            an independent word processor printing the drafted documents (tests/test_register_documents.py)
#   poppler-utils                       pdftocairo: a printed ledger page as a PNG (scripts/screenshot_ledger.py)
#   fonts-noto-cjk                      宋体/黑体-style CJK fonts (Noto Serif/Sans CJK SC) the drafted documents are drawn in
#   qttranslations5-l10n                Qt's own Chinese words (关闭, 帮助) in the QGIS dialog screenshot (scripts/screenshot_qgis_dialog.py)
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in python3-venv python3-qgis qgis qgis-providers qttools5-dev-tools postgresql postgresql-15-postgis-3 chromium fonts-wqy-microhei xvfb libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-cjk qttranslations5-l10n; do
  have "$pkg" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
