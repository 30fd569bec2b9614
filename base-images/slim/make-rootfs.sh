#!/usr/bin/env bash
# The slim Debian image's root filesystem: debootstrap minbase, without package lists, caches, docs,
# man pages or translations (none of which a container needs). Usage: make-rootfs.sh DIR LOG MIRROR
# (MIRROR: the host's own Debian mirror, from scripts/debian-mirror.sh; no mirror is written down here).
set -euo pipefail
rootfs="$1"
debootstrap --variant=minbase bookworm "$rootfs" "$3" >"$2" 2>&1
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
       "$rootfs"/var/log/*.log "$rootfs"/var/log/apt
