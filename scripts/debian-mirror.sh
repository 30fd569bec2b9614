#!/usr/bin/env bash
# Prints the Debian mirror this host's apt uses for bookworm, so that the base images come from the same
# place as everything else here (an air-gapped site's own mirror, say). MLOPS_DEBIAN_MIRROR wins.
# Reads deb822 sources (/etc/apt/sources.list.d/*.sources), then one-line ones (sources.list, *.list).
set -euo pipefail
release="${1:-bookworm}"

if [ -n "${MLOPS_DEBIAN_MIRROR:-}" ]; then
  echo "$MLOPS_DEBIAN_MIRROR"
  exit 0
fi

from_deb822() {
  # One stanza per paragraph: the first URI of an enabled "deb" stanza whose Suites name the release itself.
  awk -v release="$release" 'BEGIN { RS = ""; FS = "\n" }
    {
      uris = ""; suites = ""; types = ""; enabled = "yes"
      for (i = 1; i <= NF; i++) {
        line = $i
        if (line ~ /^URIs:/)    { sub(/^URIs:[ \t]*/, "", line); uris = line }
        if (line ~ /^Suites:/)  { sub(/^Suites:[ \t]*/, "", line); suites = " " line " " }
        if (line ~ /^Types:/)   { types = " " line " " }
        if (line ~ /^Enabled:/) { enabled = tolower(line) ~ /no/ ? "no" : "yes" }
      }
      if (enabled == "yes" && types ~ / deb / && suites ~ " " release " " && uris != "") { split(uris, u, " "); print u[1]; exit }
    }' "$@"
}

from_one_line() {
  # deb [options] URI SUITE COMPONENTS...
  awk -v release="$release" '$1 == "deb" { n = 2; if ($2 ~ /^\[/) { while (n <= NF && $n !~ /\]$/) n++; n++ } if ($(n + 1) == release) { print $n; exit } }' "$@"
}

mirror=""
shopt -s nullglob
sources=(/etc/apt/sources.list.d/*.sources)
lists=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list)
[ ${#sources[@]} -gt 0 ] && mirror="$(from_deb822 "${sources[@]}" | head -n 1)"
if [ -z "$mirror" ]; then
  existing=()
  for list in "${lists[@]}"; do [ -f "$list" ] && existing+=("$list"); done
  [ ${#existing[@]} -gt 0 ] && mirror="$(from_one_line "${existing[@]}" | head -n 1)"
fi

if [ -z "$mirror" ]; then
  echo "no apt source for Debian $release was found on this host; set MLOPS_DEBIAN_MIRROR to your mirror's URL" >&2
  exit 1
fi
echo "$mirror"
