#!/bin/sh
# The browser of the e2e tests, from Debian: chromium, fonts with every Vietnamese glyph
# (fonts-noto-core) and the Vietnamese locale for date inputs (chromium-l10n). Installs only
# what is missing, and only as root (CI runs as root); Playwright's own browser download
# (`playwright install`) is never used.
set -eu

CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
missing=""
[ -x "$CHROMIUM" ] || missing=" chromium"
[ -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || missing="$missing fonts-noto-core"
[ -e /usr/lib/chromium/locales/vi.pak ] || missing="$missing chromium-l10n"
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -ne 0 ]; then
    if [ ! -x "$CHROMIUM" ]; then
        echo "e2e: cần Chromium tại $CHROMIUM: sudo apt-get install -y chromium fonts-noto-core chromium-l10n" >&2
        echo "e2e: Chromium is missing and only root can install it (or set E2E_CHROMIUM)." >&2
        exit 1
    fi
    echo "e2e: thiếu gói (missing, screenshots may differ):$missing" >&2
    exit 0
fi

echo "e2e: apt-get install$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
apt-get install -y -qq --no-install-recommends $missing >/dev/null
