#!/usr/bin/env bash
# Installs Debian's docker.io when dockerd is missing and starts the engine when it is not answering.
set -euo pipefail
log() { printf '[docker] %s\n' "$*" >&2; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

if timeout 10 docker info >/dev/null 2>&1; then
  exit 0
fi

log "starting dockerd (log: /var/log/dockerd.log)"
# setsid: the engine outlives this script and the shell that ran it.
setsid dockerd --host=unix:///var/run/docker.sock >>/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if timeout 5 docker info >/dev/null 2>&1; then
    log "engine is up"
    exit 0
  fi
  sleep 1
done
log "dockerd did not answer within 60 s; last lines of /var/log/dockerd.log:"
tail -n 20 /var/log/dockerd.log >&2
exit 1
