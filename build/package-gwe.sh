#!/usr/bin/env bash
# Makes the Gateway Engine release package, artifacts/GatewayEngine.v<VERSION>.tar.gz (seed 002, "From a Release
# Package"): one folder gateway-engine/ with install.sh, README.md, VERSION, an empty apps_to_install/ and, per
# architecture, bin/<rid>/ holding gwe, libe_sqlite3.so and gdc. install.sh picks the build for the machine it runs on.
#
#   build/package-gwe.sh                          # this machine's architecture: Native AOT gwe + gdc (publish-gwe.sh)
#   build/package-gwe.sh linux-x64 linux-arm64    # one package for both (arm64 cross-compiles; see publish-gwe.sh)
#   build/package-gwe.sh --from DIR [RID]         # package an already built DIR (gwe, gdc and what they need) as RID
#                                                 # (default: this machine's), without publishing: seconds, not minutes
#   --out-dir DIR                                 # where the package goes (default: artifacts/)
#
# VERSION is what the packaged gwe says (gwe --version), or src/Outpost.Gateway's Version when no packaged gwe runs
# here (a cross-compiled one). The package is checked before it is written: gwe and gdc executable in every bin/<rid>/,
# install.sh executable and `sh -n` clean, VERSION a semantic version. GNU tar writes it (names sorted, owner root) and
# it appears atomically.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prog=package-gwe

fail() { echo "$prog: $*" >&2; exit 1; }

from=""
out_dir="$root/artifacts"
rids=()
while (($#)); do
  case "$1" in
    --from) (($# >= 2)) || fail "--from needs a directory"; from=$2; shift 2 ;;
    --out-dir) (($# >= 2)) || fail "--out-dir needs a directory"; out_dir=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set /s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) fail "unknown option '$1' (see $0 --help)" ;;
    *) rids+=("$1"); shift ;;
  esac
done

case "$(uname -m)" in
  aarch64 | arm64) host=linux-arm64 ;;
  *) host=linux-x64 ;;
esac
((${#rids[@]})) || rids=("$host")
for rid in "${rids[@]}"; do
  case "$rid" in
    linux-x64 | linux-arm64) ;;
    *) fail "unsupported runtime '$rid' (linux-x64 or linux-arm64)" ;;
  esac
done

tar --version 2>/dev/null | head -n 1 | grep -q 'GNU tar' || fail "needs GNU tar (apt-get install tar)"
template="$root/build/gateway-engine"
[[ -x $template/install.sh ]] || fail "$template/install.sh is not executable"
sh -n "$template/install.sh" || fail "$template/install.sh does not parse (sh -n)"

# Where each architecture's programs are.
declare -A dirs
if [[ -n $from ]]; then
  ((${#rids[@]} == 1)) || fail "--from DIR packages one architecture; give at most one RID"
  [[ -d $from ]] || fail "--from $from: no such directory"
  dirs[${rids[0]}]=$(cd "$from" && pwd)
else
  "$root/build/publish-gwe.sh" "${rids[@]}"
  for rid in "${rids[@]}"; do dirs[$rid]="$root/artifacts/gwe/$rid"; done
fi

version=""
for rid in "${rids[@]}"; do
  dir=${dirs[$rid]}
  for program in gwe gdc; do
    [[ -f $dir/$program && -x $dir/$program ]] || fail "$dir has no executable $program"
  done
  if [[ -z $version && $rid == "$host" ]]; then
    said=$("$dir/gwe" --version 2>&1) || fail "$dir/gwe --version failed: $(head -n 1 <<<"$said")"
    version=$(sed -n 's/^gwe \([^ ]*\) .*/\1/p' <<<"$said")
  fi
done
if [[ -z $version ]]; then
  version=$(cd "$root" && dotnet msbuild src/Outpost.Gateway -getProperty:Version -nologo 2>/dev/null | tr -d '[:space:]')
fi
[[ $version =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]] \
  || fail "'$version' is not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE]); gwe --download-latest would not find the package"

mkdir -p "$out_dir"
name="GatewayEngine.v$version.tar.gz"
stage=$(mktemp -d)
partial="$out_dir/.$name.part-$$"
trap 'rm -rf "$stage" "$partial"' EXIT
pkg="$stage/gateway-engine"
mkdir -p "$pkg/bin" "$pkg/apps_to_install"
cp -p "$template/install.sh" "$template/README.md" "$pkg/"
echo "$version" >"$pkg/VERSION"
for rid in "${rids[@]}"; do
  cp -R "${dirs[$rid]}" "$pkg/bin/$rid"
  # Symbols for crash analysis stay in artifacts/, not on the gateway.
  find "$pkg/bin/$rid" -name '*.dbg' -delete
done

tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$partial" gateway-engine
mv -f "$partial" "$out_dir/$name"
echo "$out_dir/$name ($(du -h "$out_dir/$name" | cut -f1), ${rids[*]})"
