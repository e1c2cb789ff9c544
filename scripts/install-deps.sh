#!/usr/bin/env bash
# Installs what qgen needs from Debian bookworm packages (as root). Skips the
# apt step when everything is already installed.
set -euo pipefail
PKGS=(build-essential cmake ninja-build clang catch2 nlohmann-json3-dev libcli11-dev libflatbuffers-dev flatbuffers-compiler libonnx-dev libprotobuf-dev zlib1g-dev python3 python3-venv time gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm dataset-fashion-mnist valgrind
      libhalide14-0-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user bc
      clang-14 libclang-rt-14-dev)
# (clang-14 + libclang-rt-14-dev: the sanitizer build and the libFuzzer targets, scripts/test.sh --sanitize.)
# (--with-data is accepted for compatibility: the Fashion-MNIST dataset is
# always installed, the tests run the trained models on real images.)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
