#!/usr/bin/env bash
# Installs Debian's NGINX without letting its package start a server on port 80: the system runs its own,
# on loopback, from a rendered config.
set -euo pipefail
command -v nginx >/dev/null 2>&1 && exit 0
echo "[nginx] installing nginx-light" >&2
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
