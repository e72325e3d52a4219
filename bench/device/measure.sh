#!/usr/bin/env bash
# Issue #11's GPU-machine measurements in one go, from a checkout that carries the kit
# pack.mjs made (.device/kit.tar.xz, or an unpacked .device/kit): unpacks it, unpacks the
# Vulkan libraries it brings (dpkg -x, no root), points Vulkan at the NVIDIA driver's ICD when
# the machine has one, and runs measure.mjs. One JSON line per measurement goes to
# $OUT/measure.jsonl (OUT defaults to a temporary folder, printed at the end).
#
# usage: bash bench/device/measure.sh [full|gpu|profiles|products|quick] [budget seconds, default 420]
#   MEASURE_KIT=DIR   where kit.tar.xz or kit/ is (default: the checkout's .device)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kit_from=${MEASURE_KIT:-$here/../../.device}
plan=${1:-full}
budget=${2:-420}
work=$(mktemp -d)

if [ -f "$kit_from/kit.tar.xz" ]; then
  tar -C "$work" -xJf "$kit_from/kit.tar.xz"
  kit=$work/kit
elif [ -d "$kit_from/kit" ]; then
  kit=$(cd "$kit_from/kit" && pwd)
else
  echo "measure.sh: no kit in $kit_from; make one with: node bench/device/pack.mjs" >&2
  exit 2
fi

shopt -s nullglob
debs=("$kit"/debs/*.deb)
if [ ${#debs[@]} -gt 0 ]; then
  for deb in "${debs[@]}"; do dpkg -x "$deb" "$work/sys"; done
  export LD_LIBRARY_PATH="$work/sys/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$nvidia_icd" ]; then export VK_DRIVER_FILES=$nvidia_icd; fi

out=${OUT:-$work/out}
mkdir -p "$out"
"$kit/node" "$here/measure.mjs" --kit "$kit" --out "$out/measure.jsonl" --plan "$plan" --budget "$budget"
echo "measure.sh: results in $out/measure.jsonl"
