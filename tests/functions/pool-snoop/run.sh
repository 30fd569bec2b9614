# Waits for its invocation (when pooled), then reports what it can see and leaves its secret behind.
set -u
nonce=""
if [ -n "${MLOPS_HANDOVER:-}" ]; then
  read -r MLOPS_INVOCATION_ID TRACEPARENT nonce < "$MLOPS_HANDOVER" || exit 0
fi
can() { if "$@" 2>/dev/null; then echo true; else echo false; fi; }
list() { ls -A "$1" | tr '\n' ' ' | sed 's/ $//'; }
secret=$(sed -n 's/.*"secret": *"\([^"]*\)".*/\1/p' /mlops/input/params.json)
pause=$(sed -n 's/.*"sleep": *\([0-9.]*\).*/\1/p' /mlops/input/params.json)
input=$(list /mlops/input)
output=$(list /mlops/output)
tmp=$(list /tmp)
found=$(cat /mlops/output/secret /tmp/secret 2>/dev/null | tr '\n' ' ')
echo "$secret" > /tmp/secret
echo "$secret" > /mlops/output/secret
sleep "${pause:-0}"
cat > /mlops/output/result.json <<JSON
{"data": {"secret": "$secret", "found": "$found", "input": "$input", "output": "$output", "tmp": "$tmp",
 "uid": $(id -u), "capeff": "$(sed -n 's/^CapEff:\s*//p' /proc/self/status)", "interfaces": "$(list /sys/class/net)",
 "root_writable": $(can touch /probe), "input_writable": $(can touch /mlops/input/probe), "handover_writable": $(can test -w /mlops/input/.handover),
 "hostname": "$(hostname)", "pooled": "${nonce:+yes}", "invocation_id": "$MLOPS_INVOCATION_ID", "traceparent": "${TRACEPARENT:-}"}}
JSON
echo "snooped as $MLOPS_INVOCATION_ID"
if [ -n "$nonce" ]; then
  printf 'mlops-done %s 0\n' "$nonce"
  printf 'mlops-done %s 0\n' "$nonce" >&2
fi
