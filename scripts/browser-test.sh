#!/usr/bin/env bash
# Run the browser tests (tests/test_browser.py) for real: a missing Chromium or Playwright is a
# failure here, never a skip. Uses Debian's chromium; never `playwright install`.
#   scripts/browser-test.sh [--install-chromium] [pytest args...]
#   --install-chromium  apt-get install chromium first if /usr/bin/chromium is missing (root)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" = "--install-chromium" ]; then
  shift
  if [ ! -x "${REGSEC_CHROMIUM:-/usr/bin/chromium}" ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
  fi
fi

REGSEC_REQUIRE_BROWSER=1 exec .venv/bin/pytest -m browser -p no:cacheprovider "$@"
