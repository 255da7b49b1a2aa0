#!/usr/bin/env bash
# Publishes gwe for a Linux gateway as a self-contained Native AOT binary: no .NET runtime needed on the gateway,
# ~3x less memory than the JIT build (bench/README.md, "supervisor"). Output: artifacts/gwe/<rid>/gwe plus
# libe_sqlite3.so (GMQ's SQLite; keep it beside gwe) and gwe.dbg (symbols, for crash analysis; not needed to run),
# and gdc (the shell apps' device client, Native AOT too) with gdc.dbg. build/package-gwe.sh packs them for gateways.
#
#   build/publish-gwe.sh                  # this machine's architecture
#   build/publish-gwe.sh linux-arm64      # cross-compile (needs the arm64 toolchain below)
#
# Native AOT links with clang against zlib: this script installs `clang` and `zlib1g-dev` from Debian when missing
# (as root). Cross-compiling linux-x64 -> linux-arm64 also needs, once:
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install -y clang llvm binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu zlib1g-dev:arm64
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  aarch64 | arm64) host=linux-arm64 ;;
  *) host=linux-x64 ;;
esac
rids=("$@")
((${#rids[@]})) || rids=("$host")

need=()
command -v clang >/dev/null || need+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "publish-gwe: Native AOT needs ${need[*]}: run  sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "publish-gwe: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64 | linux-arm64) ;;
    *) echo "publish-gwe: unsupported runtime '$rid' (linux-x64 or linux-arm64)" >&2; exit 2 ;;
  esac
  if [[ $rid != "$host" && $rid == linux-arm64 ]] && ! command -v aarch64-linux-gnu-objcopy >/dev/null; then
    echo "publish-gwe: cross-compiling to $rid needs the arm64 toolchain; see the header of $0" >&2
    exit 1
  fi
  out=artifacts/gwe/$rid
  rm -rf "$out"
  echo "publish-gwe: $rid -> $out (gwe and gdc, Native AOT, a few minutes)"
  dotnet publish src/Outpost.Gateway -c Release -r "$rid" -p:PublishAot=true -o "$out" -v quiet -nologo
  dotnet publish src/Outpost.Gdc -c Release -r "$rid" -p:PublishAot=true -o "$out" -v quiet -nologo
  # Referenced projects' documentation and pdbs are not part of a native binary.
  rm -f "$out"/*.pdb "$out"/*.xml
  "$out/gwe" --version >/dev/null 2>&1 || [[ $rid != "$host" ]] || { echo "publish-gwe: $out/gwe does not run" >&2; exit 1; }
  "$out/gdc" --help >/dev/null 2>&1 || [[ $rid != "$host" ]] || { echo "publish-gwe: $out/gdc does not run" >&2; exit 1; }
  ls -l "$out"
done
