#!/usr/bin/env bash
# Installs everything shotgen needs on a fresh Debian 12 machine, then configures and builds.
# Idempotent: packages already present are skipped by apt, the build is incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  libtorch-dev libopenblas0-pthread
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  libpng-dev libssl-dev
  # finishing shaders: Vulkan loader + headers, GLSL -> SPIR-V compiler, lavapipe (Vulkan on the CPU)
  libvulkan-dev glslc mesa-vulkan-drivers
  libgtest-dev
  clang libclang-rt-14-dev
  python3 python3-jsonschema python3-torch python3-numpy
  slurmctld slurmd slurm-client munge   # the farm's real-Slurm test starts its own one-node cluster
  libcpp-httplib-dev
  chromium
)
# The review room's browser test runs on Node.js with playwright-core from npm; a machine without
# Node.js gets Debian's.
command -v npm >/dev/null || PACKAGES+=(nodejs npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's libtorch multiplies matrices through whatever libblas.so.3 is selected; the reference
# BLAS is ~25x slower than OpenBLAS here, so select OpenBLAS explicitly.
if command -v update-alternatives >/dev/null; then
  blas=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas-pthread | head -n1 || true)
  if [ -n "$blas" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas" >/dev/null
  fi
  lapack=$(update-alternatives --list liblapack.so.3-x86_64-linux-gnu 2>/dev/null | grep openblas-pthread | head -n1 || true)
  if [ -n "$lapack" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lapack" >/dev/null
  fi
fi

# playwright-core for the browser test, exactly as package-lock.json pins it (only when it changed).
e2e=tests/serve/e2e
if [ ! -f "$e2e/node_modules/.package-lock.json" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
  (cd "$e2e" && npm ci --no-audit --no-fund)
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
