#!/usr/bin/env bash
# Turns a bare Debian bookworm machine with the .NET SDK into one that can build and run functions:
# a Docker engine from Debian's docker.io, NGINX, clang (the runner is compiled ahead of time), and the
# offline base images built from Debian packages and this machine's SDK (no container registry is needed at any step). Safe to run again: every step
# checks first and does nothing when its result is already there.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { printf '[bootstrap] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=PATH "$0" "$@"
fi

"$here/install-docker.sh"
"$here/install-nginx.sh"
"$here/install-native-toolchain.sh"
"$here/build-base-images.sh"
log "ready: $(docker version --format 'Docker Engine {{.Server.Version}} (API {{.Server.APIVersion}})')"
