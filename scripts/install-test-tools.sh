#!/usr/bin/env bash
# What only the tests need: Debian's Chromium, driven by Playwright in the browser test; the registry and socat
# the two-node swarm test uses (scripts/two-node-swarm.sh).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=PATH "$0" "$@"
fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v socat >/dev/null 2>&1 || missing+=(socat)
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[test-tools] installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the registry it installs on every interface where systemd runs; the test makes its own on the swarm's link.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
