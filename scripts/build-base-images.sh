#!/usr/bin/env bash
# Builds the offline base images from Debian packages and this machine's .NET SDK:
#   mlops.local/debian:bookworm-slim -> mlops.local/dotnet/runtime-deps:10.0
#     -> mlops.local/dotnet/runtime:10.0, mlops.local/dotnet/aspnet:10.0,
#        mlops.local/dotnet/sdk-base:10.0 -> mlops.local/dotnet/sdk:10.0 (plus the Mlops.Functions package feed)
#          -> mlops.local/dotnet/predict-sdk:10.0 (predict's packages restored)
#          -> mlops.local/dotnet/predict-composite:10.0 (functions/predict's composite ReadyToRun runtime)
# Each image carries a label with a hash of its recipe (these files + the SDK version); an image whose
# label matches is kept, so a second run costs a few `docker image inspect` calls. The SDK image's recipe
# also covers Mlops.Functions' sources: a change to them rebuilds only its last layer, and (through the
# image's id in their digests) the functions built on it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet_root="${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}"
sdk_version="$(dotnet --version)"
runtime_version="$(ls "$dotnet_root/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)"
export DOCKER_BUILDKIT=0

log() { printf '[base-images] %s\n' "$*" >&2; }

# What the images are made of: the recipes under base-images/, the SDK, the host's extra CA certificates (the
# two images made on the SDK image have recipes of their own, below, so that a change to them remakes only them).
recipe="$( { find "$root/base-images" \( -path "$root/base-images/sdk-feed" -o -path "$root/base-images/predict-composite" \) -prune -o -type f -print0 \
               | sort -z | xargs -0 cat; \
             echo "$sdk_version $runtime_version"; cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true; } \
           | sha256sum | cut -c1-16)"
feed_recipe="$( { echo "$recipe"; find "$root/base-images/sdk-feed" "$root/Mlops.Functions" \( -name bin -o -name obj \) -prune -o -type f -print0 \
                  | sort -z | xargs -0 cat; } | sha256sum | cut -c1-16)"

slim=mlops.local/debian:bookworm-slim
deps=mlops.local/dotnet/runtime-deps:10.0
runtime=mlops.local/dotnet/runtime:10.0
aspnet=mlops.local/dotnet/aspnet:10.0
sdk_base=mlops.local/dotnet/sdk-base:10.0
sdk=mlops.local/dotnet/sdk:10.0

current() { [ "$(docker image inspect -f '{{index .Config.Labels "mlops.base-recipe"}}' "$1" 2>/dev/null)" = "${2:-$recipe}" ]; }

work="$(mktemp -d /tmp/mlops-base-images.XXXXXX)"
trap 'rm -rf "$work"' EXIT

build_slim() {
  log "debootstrap bookworm (minbase) -> $slim"
  local rootfs="$work/rootfs"
  local mirror
  mirror="$("$root/scripts/debian-mirror.sh" bookworm)"
  log "Debian packages from $mirror (the host's apt source; MLOPS_DEBIAN_MIRROR overrides)"
  "$root/base-images/slim/make-rootfs.sh" "$rootfs" "$work/debootstrap.log" "$mirror" || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV LANG=C.UTF-8' \
    -c "LABEL mlops.base-recipe=$recipe" \
    -c 'CMD ["bash"]' - "$slim" >/dev/null
  rm -rf "$rootfs"
}

# docker build with a prepared context; the recipe label makes the next run a no-op.
build_from() {
  local image="$1" dir="$2"; shift 2
  log "building $image"
  docker build -q --label "mlops.base-recipe=$recipe" -t "$image" "$@" "$dir" >/dev/null
}

current "$slim" || build_slim
current "$deps" || build_from "$deps" "$root/base-images/runtime-deps" --build-arg "DEBIAN_IMAGE=$slim"

if ! current "$runtime"; then
  ctx="$work/runtime"; mkdir -p "$ctx/dotnet/shared"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$ctx/dotnet/" 2>/dev/null || cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$ctx/dotnet/"
  mkdir -p "$ctx/dotnet/shared/Microsoft.NETCore.App"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$ctx/dotnet/shared/Microsoft.NETCore.App/"
  cp "$root/base-images/runtime/Dockerfile" "$ctx/"
  build_from "$runtime" "$ctx" --build-arg "RUNTIME_DEPS_IMAGE=$deps" --build-arg "DOTNET_VERSION=$runtime_version"
  rm -rf "$ctx"
fi

if ! current "$aspnet"; then
  ctx="$work/aspnet"; mkdir -p "$ctx/dotnet/shared/Microsoft.NETCore.App" "$ctx/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$ctx/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$ctx/dotnet/shared/Microsoft.NETCore.App/"
  aspnet_version="$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | sort -V | tail -n 1)"
  cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version" "$ctx/dotnet/shared/Microsoft.AspNetCore.App/"
  cp "$root/base-images/aspnet/Dockerfile" "$ctx/"
  build_from "$aspnet" "$ctx" --build-arg "RUNTIME_DEPS_IMAGE=$deps" --build-arg "DOTNET_VERSION=$runtime_version"
  rm -rf "$ctx"
fi

# A machine that built the SDK image before it had a feed already holds this layer: reuse it.
if ! current "$sdk_base" && current "$sdk"; then
  docker tag "$sdk" "$sdk_base"
fi
if ! current "$sdk_base"; then
  ctx="$work/sdk"; mkdir -p "$ctx/certs"
  cp -a "$dotnet_root" "$ctx/dotnet"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/certs/" 2>/dev/null || true
  cp "$root/base-images/sdk/Dockerfile" "$ctx/"
  build_from "$sdk_base" "$ctx" --build-arg "RUNTIME_DEPS_IMAGE=$deps"
  rm -rf "$ctx"
fi

# The function SDK as a package (one fixed version: functions reference Mlops.Functions 1.0.0), in a layer
# of its own on top of the SDK, so that a change to it costs a pack and a small layer.
if ! current "$sdk" "$feed_recipe"; then
  ctx="$work/sdk-feed"; mkdir -p "$ctx/packages"
  log "packing Mlops.Functions into $sdk's feed"
  dotnet pack "$root/Mlops.Functions/Mlops.Functions.csproj" -c Release -o "$ctx/packages" -p:ContinuousIntegrationBuild=true -nologo -v quiet >&2
  cp "$root/base-images/sdk-feed/Dockerfile" "$root/base-images/sdk-feed/NuGet.Config" "$ctx/"
  log "building $sdk"
  docker build -q --label "mlops.base-recipe=$feed_recipe" -t "$sdk" --build-arg "SDK_BASE_IMAGE=$sdk_base" "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# functions/predict's composite ReadyToRun runtime (about 90 s to make), so that predict's first build
# compiles only its own code, and the SDK image with predict's packages restored (its build stage's base, so
# that the first build restores from a local cache). Made from predict's project file on the SDK image: a change
# to either remakes them.
composite=mlops.local/dotnet/predict-composite:10.0
predict_sdk=mlops.local/dotnet/predict-sdk:10.0
composite_recipe="$( { echo "$feed_recipe"; cat "$root/base-images/predict-composite/Dockerfile" \
                       "$root/functions/predict/Predict.csproj" "$root/functions/predict/composite-recipe.sh"; } | sha256sum | cut -c1-16)"
if ! current "$composite" "$composite_recipe" || ! current "$predict_sdk" "$composite_recipe"; then
  ctx="$work/predict-composite"; mkdir -p "$ctx"
  cp "$root/base-images/predict-composite/Dockerfile" "$root/functions/predict/Predict.csproj" "$root/functions/predict/composite-recipe.sh" "$ctx/"
  log "building $composite (predict's composite ReadyToRun runtime, about 90 s) and $predict_sdk"
  # Two targets of one Dockerfile: the second reuses the first's layers.
  build_stage() {
    docker build -q --label "mlops.base-recipe=$composite_recipe" --target "$1" -t "$2" \
      --build-arg "DOTNET_SDK_IMAGE=$sdk" --build-arg "DOTNET_RUNTIME_DEPS_IMAGE=$deps" "$ctx" >/dev/null
  }
  build_stage restore "$predict_sdk"
  build_stage final "$composite"
  rm -rf "$ctx"
fi

# Superseded versions of these images would otherwise pile up as dangling images. Every image built on
# them inherits the label, so the functions' build stages (their restore cache, pruned by the runner) are spared.
docker image prune -f --filter "label=mlops.base-recipe" --filter "label!=mlops.build-stage" >/dev/null
log "base images are current (recipe $recipe)"
