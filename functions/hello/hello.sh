# The function contract: parameters in /mlops/input/params.json, the result in /mlops/output/result.json,
# logs on stdout/stderr, exit code 0 for success.
set -eu

# Pre-started for the runner's warm pool (MLOPS_HANDOVER): nothing to warm up here, so wait at once, silently, for
# the invocation: one line '<invocation-id> <traceparent-or-dash> <nonce>' on the hand-over pipe, or its end when
# the container is released unused. However the invocation ends, its last words are the marker
# 'mlops-done <nonce> <exit-code>' on stdout, then on stderr.
if [ -n "${MLOPS_HANDOVER:-}" ]; then
  # A redirection that fails would look like the end of the pipe to '|| exit 0': a missing pipe is said first.
  if [ ! -p "$MLOPS_HANDOVER" ]; then echo "no hand-over pipe at $MLOPS_HANDOVER" >&2; exit 1; fi
  read -r MLOPS_INVOCATION_ID TRACEPARENT nonce < "$MLOPS_HANDOVER" || exit 0
  case $nonce in *[!0-9a-f]*) nonce= ;; esac
  if [ "${#nonce}" -ne 32 ]; then
    echo "malformed hand-over line: '<invocation-id> <traceparent-or-dash> <nonce>' with a 32-hex nonce expected" >&2
    exit 1
  fi
  export MLOPS_INVOCATION_ID
  if [ "$TRACEPARENT" = - ]; then unset TRACEPARENT; else export TRACEPARENT; fi
  done_marker() {
    code=$?
    printf '%s\n' "mlops-done $nonce $code"
    printf '%s\n' "mlops-done $nonce $code" >&2
    exit "$code"
  }
  trap done_marker EXIT
fi

name=$(sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' /mlops/input/params.json)
echo "hello, ${name} (invocation ${MLOPS_INVOCATION_ID})"
printf '{"metrics": {}, "params": {"name": "%s"}, "data": {"greeting": "hello, %s"}}\n' "$name" "$name" > /mlops/output/result.json
