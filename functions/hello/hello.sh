# The function contract: parameters in /mlops/input/params.json, the result in /mlops/output/result.json,
# logs on stdout/stderr, exit code 0 for success.
set -eu
name=$(sed -n 's/.*"name": *"\([^"]*\)".*/\1/p' /mlops/input/params.json)
echo "hello, ${name} (invocation ${MLOPS_INVOCATION_ID})"
printf '{"metrics": {}, "params": {"name": "%s"}, "data": {"greeting": "hello, %s"}}\n' "$name" "$name" > /mlops/output/result.json
