#!/usr/bin/env bash
# What the runner's ahead-of-time compilation links with: clang (Debian's; .NET brings its own zlib, OpenSSL is
# the system's, already there for the SDK). The AppHost's build publishes the runner natively with it.
set -euo pipefail
command -v clang >/dev/null 2>&1 && exit 0
echo "[native-toolchain] installing clang" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang >/dev/null
