#!/usr/bin/env bash
# Runs every test of the solution on this machine, after bootstrapping it (Docker engine + base images),
# then checks that no function container was left behind.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/bootstrap.sh"
"$root/scripts/install-test-tools.sh"
cd "$root"
# The fault suite may restart the Docker engine: safe here, where the test projects run one at a time.
export MLOPS_TEST_RESTART_ENGINE=1

# A test run that was killed (not failed: killed) could not remove its containers, and their runner instance
# died with it, so no janitor ever will. Test instances are named test-, proc- or e2e-: remove theirs now, so
# the check after this suite counts only what this suite leaves behind.
stale="$( { docker ps -a --filter label=mlops.runner --format '{{.ID}} {{.Label "mlops.runner"}}';
           docker ps -a --filter label=mlops.edge --format '{{.ID}} {{.Label "mlops.edge"}}'; } | awk '$2 ~ /^(test|proc|e2e)-/ { print $1 }')"
if [ -n "$stale" ]; then
  echo "[test] removing $(echo "$stale" | wc -l) container(s) an interrupted earlier test run left behind"
  echo "$stale" | xargs docker rm -f -v >/dev/null
fi

# Nor could it take down the two-node swarm the Swarm backend's tests make.
"$root/scripts/two-node-swarm.sh" down

output="$(mktemp /tmp/mlops-test-output.XXXXXX)"
trap 'rm -f "$output"' EXIT

status=0
dotnet build Mlops.sln 2>&1 | tee "$output" || status=$?
# The fast projects first (tests/Mlops.<Project>.Tests): with DOCKER_HOST pointing nowhere, so that one that
# reached for an engine fails here instead of passing by luck. Then the engine-backed and whole-system suites,
# one at a time: each wants both cores.
if [ "$status" -eq 0 ]; then
  for project in tests/*.Tests/*.csproj; do
    DOCKER_HOST=unix:///nonexistent/docker.sock dotnet test "$project" --no-build 2>&1 | tee -a "$output" || status=$?
  done
  for project in tests/*.IntegrationTests/*.csproj tests/*.EndToEndTests/*.csproj; do
    dotnet test "$project" --no-build 2>&1 | tee -a "$output" || status=$?
  done
fi

# One plain summary line over all test assemblies.
awk '/(Passed|Failed)! +- Failed: / {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$output"

for label in mlops.invocation mlops.replica; do
  left="$(docker ps -aq --filter "label=$label" | wc -l)"
  if [ "$left" -ne 0 ]; then
    echo "error: $left container(s) labelled $label were left behind:" >&2
    docker ps -a --filter "label=$label" >&2
    status=1
  fi
done

exit "$status"
