#!/usr/bin/env bash
# What only the tests need: Debian's Chromium, driven by Playwright in the browser test.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=PATH "$0" "$@"
fi
command -v chromium >/dev/null 2>&1 && exit 0
echo "[test-tools] installing chromium" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
