#!/usr/bin/env bash
# The browser test tier needs Debian's Chromium. Install it when missing and we are root;
# otherwise say how, and the browser tests report themselves as skipped (never silently).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "==> Installation de Chromium (Debian) pour les tests navigateur"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "!!  Chromium absent : les tests navigateur seront ignorés (skipped)."
  echo "    Pour les lancer : sudo apt-get install chromium"
fi
