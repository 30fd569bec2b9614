#!/usr/bin/env bash
# A real two-node Docker Swarm on one machine, for the Swarm backend's tests and for trying it out:
#   up     the local engine becomes the manager; a second dockerd (own data-root, exec-root, socket and
#          hostname) runs in a network namespace of its own, joined over a veth pair with addresses picked
#          here; a registry (Debian's docker-registry) serves images to both, at 127.0.0.1:PORT on each node.
#          Prints the facts a caller needs as KEY=VALUE lines (also kept in $STATE/env).
#   down   undoes all of it: the second engine and its files, the namespace, the registry, the swarm.
# Idempotent both ways. Needs root; installs docker-registry and socat from Debian when missing.
set -euo pipefail

NAME="${MLOPS_SWARM_NAME:-mlops-swarm}"
STATE="/run/$NAME"
NODE2_DATA="/var/lib/$NAME-node2"
NETNS="$NAME"
HOST_VETH="${NAME:0:10}-v0"
NODE_VETH="${NAME:0:10}-v1"
NODE2_SOCKET="$STATE/node2/docker.sock"

log() { echo "[two-node-swarm] $*" >&2; }

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {
  local file=$1
  if pid_alive "$file"; then
    local pid
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# A /24 in 10.77-10.126 that no interface or route here uses yet.
pick_subnet() {
  local used
  used=$(ip -4 -o addr show; ip -4 route show)
  for second in $(seq 77 126); do
    if ! grep -q "10\.$second\.0\." <<<"$used"; then
      echo "10.$second.0"
      return
    fi
  done
  log "no free 10.x.0.0/24 subnet for the second node"
  exit 1
}

free_port() {
  for port in $(seq 5000 5099); do
    if ! ss -ltnH "sport = :$port" | grep -q .; then
      echo "$port"
      return
    fi
  done
  log "no free port 5000-5099 for the registry"
  exit 1
}

wait_engine() {
  local socket=$1
  for _ in $(seq 1 120); do
    docker -H "unix://$socket" info >/dev/null 2>&1 && return
    sleep 0.5
  done
  log "the engine at $socket did not answer within 60 s"
  exit 1
}

up() {
  if [[ -f "$STATE/env" ]] && pid_alive "$STATE/node2/dockerd.pid"; then
    cat "$STATE/env"
    return
  fi

  down quiet
  local missing=()
  command -v docker-registry >/dev/null || missing+=(docker-registry)
  command -v socat >/dev/null || missing+=(socat)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts the registry it installs on every interface where systemd runs: ours listens on the swarm's link only.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi
  fi

  if [[ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != inactive ]]; then
    log "the local engine is in a swarm already; leave it first (docker swarm leave --force)"
    exit 1
  fi

  mkdir -p "$STATE/node2" "$STATE/registry" "$NODE2_DATA"
  local subnet port
  subnet=$(pick_subnet)
  port=$(free_port)
  local manager="$subnet.1" node2="$subnet.2"

  log "namespace $NETNS, manager $manager, node2 $node2"
  ip netns add "$NETNS"
  ip link add "$HOST_VETH" type veth peer name "$NODE_VETH"
  ip link set "$NODE_VETH" netns "$NETNS"
  ip addr add "$manager/24" dev "$HOST_VETH"
  ip link set "$HOST_VETH" up
  ip netns exec "$NETNS" ip addr add "$node2/24" dev "$NODE_VETH"
  ip netns exec "$NETNS" ip link set "$NODE_VETH" up
  ip netns exec "$NETNS" ip link set lo up

  # The registry listens on the swarm's own link only; each node reaches it at 127.0.0.1:PORT (an engine
  # trusts a plain-HTTP registry on loopback without configuration) through a forwarder of its own.
  cat >"$STATE/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE/registry/data
  delete:
    enabled: true
http:
  addr: $manager:$port
EOF
  setsid docker-registry serve "$STATE/registry/config.yml" >"$STATE/registry/log" 2>&1 </dev/null &
  echo $! >"$STATE/registry.pid"
  setsid socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:$manager:$port" >/dev/null 2>&1 </dev/null &
  echo $! >"$STATE/forward-manager.pid"
  nsenter --net="/run/netns/$NETNS" setsid socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:$manager:$port" \
    >/dev/null 2>&1 </dev/null &
  echo $! >"$STATE/forward-node2.pid"

  # nsenter, not `ip netns exec`: that remounts /sys and hides the cgroup hierarchy dockerd needs.
  log "starting the second engine (log: $STATE/node2/dockerd.log)"
  nsenter --net="/run/netns/$NETNS" unshare --uts sh -c "hostname $NAME-node2; exec dockerd \
    --data-root '$NODE2_DATA' --exec-root '$STATE/node2/exec' --pidfile '$STATE/node2/dockerd.pid' \
    -H 'unix://$NODE2_SOCKET' --cgroup-parent '$NAME-node2' --log-level warn" \
    >"$STATE/node2/dockerd.log" 2>&1 </dev/null &
  wait_engine "$NODE2_SOCKET"

  log "making the swarm"
  docker swarm init --advertise-addr "$manager" --listen-addr "$manager:2377" --data-path-addr "$manager" >/dev/null
  touch "$STATE/swarm-made"
  docker -H "unix://$NODE2_SOCKET" swarm join --token "$(docker swarm join-token -q worker)" \
    --advertise-addr "$node2" --listen-addr "$node2:2377" "$manager:2377" >/dev/null
  for _ in $(seq 1 60); do
    [[ "$(docker node ls --filter role=worker --format '{{.Status}}')" == Ready ]] && break
    sleep 0.5
  done

  cat >"$STATE/env" <<EOF
MLOPS_SWARM_MANAGER=$manager
MLOPS_SWARM_NODE2=$node2
MLOPS_SWARM_NODE2_HOST=unix://$NODE2_SOCKET
MLOPS_SWARM_NODE2_NAME=$NAME-node2
MLOPS_SWARM_REGISTRY=127.0.0.1:$port
EOF
  cat "$STATE/env"
}

down() {
  local quiet=${1:-}
  [[ -n "$quiet" ]] || log "removing the two-node swarm $NAME"
  if [[ -S "$NODE2_SOCKET" ]]; then
    docker -H "unix://$NODE2_SOCKET" swarm leave --force >/dev/null 2>&1 || true
  fi
  stop_pid "$STATE/node2/dockerd.pid"
  # The engine's own containerd and shims, should it have died without them.
  pkill -f -- "$STATE/node2/exec" 2>/dev/null || true
  if [[ -f "$STATE/swarm-made" ]]; then
    docker swarm leave --force >/dev/null 2>&1 || true
  fi
  # The manager's tags of images in the registry (each push tags, each task there pulls); the images stay.
  if [[ -f "$STATE/env" ]]; then
    local registry
    registry=$(sed -n 's/^MLOPS_SWARM_REGISTRY=//p' "$STATE/env")
    docker images --format '{{.Repository}}:{{.Tag}}' | grep "^$registry/" | xargs -r docker rmi >/dev/null 2>&1 || true
  fi
  stop_pid "$STATE/forward-node2.pid"
  stop_pid "$STATE/forward-manager.pid"
  stop_pid "$STATE/registry.pid"
  ip link del "$HOST_VETH" 2>/dev/null || true
  ip netns del "$NETNS" 2>/dev/null || true
  # Whatever the second engine left mounted under its folders goes before its files.
  grep -oE " ($NODE2_DATA|$STATE)[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$NODE2_DATA" "$STATE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
