# Each probe prints one JSON value; the result's data is the set of them.
can() { if "$@" 2>/dev/null; then echo true; else echo false; fi; }
uid=$(id -u)
capeff=$(sed -n 's/^CapEff:\s*//p' /proc/self/status)
nonew=$(sed -n 's/^NoNewPrivs:\s*//p' /proc/self/status)
ifaces=$(ls /sys/class/net | tr '\n' ' ' | sed 's/ $//')
root_writable=$(can touch /probe)
tmp_writable=$(can touch /tmp/probe)
input_writable=$(can touch /mlops/input/probe)
output_writable=$(can touch /mlops/output/probe)
params_readable=$(can test -r /mlops/input/params.json)
docker_socket=$(can test -e /var/run/docker.sock)
mem_limit=$(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes)
pids_limit=$(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max)
file_size_limit=$(sed -n 's/^Max file size *\([0-9a-z]*\).*/\1/p' /proc/self/limits)
cat > /mlops/output/result.json <<JSON
{"data": {"uid": $uid, "capeff": "$capeff", "no_new_privs": "$nonew", "interfaces": "$ifaces",
 "root_writable": $root_writable, "tmp_writable": $tmp_writable, "input_writable": $input_writable,
 "output_writable": $output_writable, "params_readable": $params_readable, "docker_socket": $docker_socket,
 "memory_limit": "$mem_limit", "pids_limit": "$pids_limit", "file_size_limit": "$file_size_limit",
 "invocation_id": "$MLOPS_INVOCATION_ID", "function": "$MLOPS_FUNCTION", "traceparent": "${TRACEPARENT:-}"}}
JSON
