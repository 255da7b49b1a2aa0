#!/bin/sh
# Installs (or upgrades) Outpost's Gateway Engine from this release package: run it from the unpacked gateway-engine/.
#
#   ./install.sh                      # as root: /opt/outpost-gwe, commands in /usr/local/bin, systemd unit if systemd runs
#   ./install.sh --prefix ~/gwe --bin-dir ~/bin --no-service     # anywhere, no root needed
#   ./install.sh --uninstall [--purge]  # the same --prefix/--bin-dir: removes what it installed (below)
#
# The prefix is also gwe's home (docs/gwe.md): PREFIX/bin/ holds the programs, and Gateway.cfg, engine.conf, apps/,
# gmq/queue.db and the rest live beside it. Re-running it (or a newer package's) upgrades the programs and the unit and
# leaves the home's configuration, CIK, queue and apps alone. Every check runs before anything is changed: a refusal
# is one line on stderr and exit 1 (2 for a bad command line), and changes nothing.
#
# What it does:
#  1. checks: Linux, a build for this machine's architecture in bin/, the prefix (its real path: symlinks, . and ..
#     resolved) not /, PREFIX/bin absent or this installer's (its .outpost-gwe marker), the bin dir not PREFIX/bin
#     (nor the prefix BIN_DIR/gwe or BIN_DIR/gdc),
#     the prefix and bin dir writable (or the nearest parent that exists; nothing is created before every check
#     passed), the commands it would write in the bin dir absent or its own, the packaged gwe runs here
#  2. PREFIX/bin <- bin/<rid>/ + the marker (staged beside it, then swapped in; the old PREFIX/bin is deleted)
#  3. PREFIX/apps_to_install/ <- apps_to_install/*.tar.gz (gwe installs them on its first start)
#  4. BIN_DIR/gwe: a two-line wrapper running PREFIX/bin/gwe with GWE_HOME=PREFIX (unless GWE_HOME or --home says
#     otherwise); BIN_DIR/gdc: a symlink to PREFIX/bin/gdc
#  5. when systemd runs (and not --no-service): /etc/systemd/system/outpost-gwe.service, enabled; restarted when it was
#     running (an upgrade), otherwise left for you to start once Gateway.cfg is configured
#
# --uninstall removes what an install with the same --prefix and --bin-dir wrote: the systemd unit (stopped and
# disabled first) when it runs this prefix's gwe, the gwe wrapper and gdc link when they point into the prefix, and
# PREFIX/bin. The home's data stays (Gateway.cfg with the CIK, engine.conf, conf.d/, apps/, gmq/ with any values not yet
# forwarded, logs/, state/): installing again picks them up. --purge removes the prefix as a whole, which it does
# only when the prefix holds nothing but what gwe and this installer write. It refuses, changing nothing, when
# PREFIX/bin is not this installer's or a gwe daemon it cannot stop (not run by this unit) is running from the prefix.
set -u

prog=install.sh
prefix=/opt/outpost-gwe
bin_dir=/usr/local/bin
service=yes
# Where systemd's units go and how to tell it runs; the variables exist for the tests (no systemd in a container).
unit_dir=${OUTPOST_INSTALL_UNIT_DIR:-/etc/systemd/system}
systemd_booted=${OUTPOST_INSTALL_SYSTEMD_RUN_DIR:-/run/systemd/system}
unit_name=outpost-gwe.service

mode=install
purge=no

fail() { echo "$prog: $*" >&2; exit 1; }
usage() { echo "$prog: $*; usage: ./install.sh [--prefix DIR] [--bin-dir DIR] [--no-service] | --uninstall [--purge] [--prefix DIR] [--bin-dir DIR]" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || usage "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#*=}; shift ;;
    --bin-dir) [ $# -ge 2 ] || usage "--bin-dir needs a directory"; bin_dir=$2; shift 2 ;;
    --bin-dir=*) bin_dir=${1#*=}; shift ;;
    --no-service) service=no; shift ;;
    --uninstall) mode=uninstall; shift ;;
    --purge) purge=yes; shift ;;
    -h | --help) sed -n '2,/^set /s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) usage "unknown argument '$1'" ;;
  esac
done

[ "$purge" = no ] || [ "$mode" = uninstall ] || usage "--purge goes with --uninstall"

here=$(cd "$(dirname "$0")" && pwd) || fail "cannot find the package directory"
version=$(cat "$here/VERSION" 2>/dev/null) || fail "$here/VERSION is missing: run install.sh from an unpacked release package"

# 1. Checks, before anything changes.
[ "$(uname -s)" = Linux ] || fail "Gateway Engine runs on Linux; this is $(uname -s)"
machine=$(uname -m)
case "$machine" in
  x86_64 | amd64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) rid=linux-$machine ;;
esac
if [ "$mode" = install ] && [ ! -x "$here/bin/$rid/gwe" ]; then
  fail "this package has no build for $machine ($rid); it holds: $(echo $(ls "$here/bin" 2>/dev/null))"
fi

# The paths go into a shell wrapper and a systemd unit: keep them to characters neither needs to quote.
for path in "$prefix" "$bin_dir"; do
  case "$path" in
    /*) ;;
    *) usage "'$path' must be an absolute path" ;;
  esac
  case "$path" in
    *[!A-Za-z0-9._/+@:-]*) usage "'$path' may hold only letters, digits and . _ / + @ : -" ;;
  esac
done

# PATH's real path, creating nothing: . and .. resolved, and every part that exists (symlinks included) through
# pwd -P; the parts that do not exist yet are taken as written. So // and /opt/.. are /, and a symlink to /usr is /usr.
resolve() {
  r=
  saved_ifs=$IFS
  IFS=/
  for part in $1; do
    case "$part" in
      '' | .) ;;
      ..) r=${r%/*} ;;
      *)
        if [ -d "$r/$part" ]; then
          r=$(cd "$r/$part" && pwd -P) || { IFS=$saved_ifs; return 1; }
          [ "$r" != / ] || r=
        else
          r=$r/$part
        fi ;;
    esac
  done
  IFS=$saved_ifs
  echo "${r:-/}"
}
given_prefix=$prefix
prefix=$(resolve "$prefix") || fail "cannot resolve $given_prefix"
bin_dir=$(resolve "$bin_dir") || fail "cannot resolve $bin_dir"
[ "$prefix" != / ] || usage "the prefix cannot be / ('$given_prefix' is /)"
for path in "$prefix" "$bin_dir"; do
  case "$path" in
    *[!A-Za-z0-9._/+@:-]*) usage "'$path' (a real path) may hold only letters, digits and . _ / + @ : -" ;;
  esac
done

# PREFIX/bin is replaced as a whole: only ever one this installer wrote, holding nothing else. Its marker says so and
# names every entry the installer put there: a file someone added later (PREFIX/bin may be on the PATH, e.g. ~/bin for
# --prefix ~) makes the install refuse instead of deleting it. The first installer wrote
# none: its PREFIX/bin held exactly the package's programs (gwe, gdc, libe_sqlite3.so), so a PREFIX/bin whose entries
# are exactly this package's bin/<rid>/ ones (same names, files as files, directories as directories, no symlinks) is
# taken as its own.
marker=.outpost-gwe
ours() { # DIR
  [ -d "$1" ] && [ ! -L "$1" ] || return 1
  [ -f "$1/$marker" ] && return 0
  [ "$(cd "$1" && LC_ALL=C ls -A)" = "$(cd "$here/bin/$rid" && LC_ALL=C ls -A)" ] || return 1
  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    packaged="$here/bin/$rid/${entry##*/}"
    [ ! -L "$entry" ] || return 1
    if [ -f "$entry" ]; then [ -f "$packaged" ]; else [ -d "$entry" ] && [ -d "$packaged" ]; fi || return 1
  done
}
unlisted() { # DIR: prints the first entry of DIR that its marker does not name
  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    name=${entry##*/}
    [ "$name" = "$marker" ] || grep -qxF -- "$name" "$1/$marker" || { echo "$name"; return; }
  done
}
writable() { # DIR: a file can be written in DIR, or (when DIR does not exist yet) in the nearest parent that exists
  d=$1
  while [ ! -e "$d" ] && [ ! -L "$d" ]; do d=$(dirname "$d"); done
  [ -d "$d" ] && probe=$(mktemp "$d/.install-probe-XXXXXX" 2>/dev/null) && rm -f "$probe"
}
wrapper_mark="# written by Outpost's install.sh"

# --uninstall: the same checks first (PREFIX/bin this installer's and holding nothing else; every directory it removes
# from writable; no daemon it cannot stop), then the unit, the commands, PREFIX/bin and, with --purge, the home's data.
uninstall() {
  [ -e "$prefix/bin" ] || [ -L "$prefix/bin" ] || fail "nothing to uninstall in $prefix: it has no bin/ (installed with another --prefix?)"
  ours "$prefix/bin" || fail "$prefix/bin is not this installer's (no $marker in it); nothing removed"
  if [ -f "$prefix/bin/$marker" ]; then
    extra=$(unlisted "$prefix/bin")
    [ -z "$extra" ] || fail "$prefix/bin/$extra was not written by this installer; move it elsewhere first (nothing removed)"
  fi
  writable "$prefix" || fail "cannot write to $prefix (run as root)"
  left= # what is not this installation's, said once every check passed
  unit_ours=no
  if [ -f "$unit_dir/$unit_name" ] && grep -q "^# written by Outpost's install.sh" "$unit_dir/$unit_name" \
    && grep -qxF "ExecStart=$prefix/bin/gwe run --home $prefix" "$unit_dir/$unit_name"; then
    unit_ours=yes
    writable "$unit_dir" || fail "removing $unit_dir/$unit_name needs root"
  elif [ -f "$unit_dir/$unit_name" ]; then
    left="${left}left $unit_dir/$unit_name: it does not run $prefix/bin/gwe
"
  fi
  wrapper=no
  if [ -f "$bin_dir/gwe" ] && grep -q "^$wrapper_mark" "$bin_dir/gwe" && grep -qxF "exec $prefix/bin/gwe \"\$@\"" "$bin_dir/gwe"; then
    wrapper=yes
  elif [ -e "$bin_dir/gwe" ] || [ -L "$bin_dir/gwe" ]; then
    left="${left}left $bin_dir/gwe: it does not run $prefix/bin/gwe
"
  fi
  link=no
  if [ -L "$bin_dir/gdc" ] && [ "$(readlink "$bin_dir/gdc")" = "$prefix/bin/gdc" ]; then
    link=yes
  elif [ -e "$bin_dir/gdc" ] || [ -L "$bin_dir/gdc" ]; then
    left="${left}left $bin_dir/gdc: it is not a link to $prefix/bin/gdc
"
  fi
  if [ "$wrapper" = yes ] || [ "$link" = yes ]; then
    writable "$bin_dir" || fail "cannot write to $bin_dir (run as root)"
  fi
  # --purge removes the prefix as a whole, so only a prefix holding nothing but what gwe and this installer write (a
  # --prefix ~ would hold much else).
  if [ "$purge" = yes ]; then
    for entry in "$prefix"/* "$prefix"/.[!.]* "$prefix"/..?*; do
      [ -e "$entry" ] || [ -L "$entry" ] || continue
      case "${entry##*/}" in
        bin | Gateway.cfg | engine.conf | conf.d | apps | apps_to_install | gmq | logs | state | downloads | gwe.sock) ;;
        .Gateway.cfg.*.tmp | .engine.conf.*.tmp | .write-probe-* | .bin-new-* | .bin-old-*) ;;
        *) fail "--purge removes $prefix as a whole, and $entry is not gwe's; move it elsewhere first (nothing removed)" ;;
      esac
    done
    writable "$(dirname "$prefix")" || fail "cannot remove $prefix: its parent is not writable (run as root)"
  fi
  # A daemon this uninstall does not stop would go on running programs and writing a home that is being removed.
  if GWE_HOME=$prefix "$prefix/bin/gwe" status >/dev/null 2>&1; then
    if [ "$unit_ours" = no ] || [ ! -d "$systemd_booted" ] || ! systemctl is-active --quiet "$unit_name"; then
      fail "a gwe daemon is running from $prefix and not as $unit_name; stop it first (nothing removed)"
    fi
  fi

  printf '%s' "$left"
  if [ "$unit_ours" = yes ]; then
    if [ -d "$systemd_booted" ]; then
      systemctl disable --now "$unit_name" >/dev/null 2>&1 || fail "systemctl disable --now $unit_name failed (nothing removed)"
    fi
    rm -f "$unit_dir/$unit_name" || fail "cannot remove $unit_dir/$unit_name"
    [ ! -d "$systemd_booted" ] || systemctl daemon-reload || fail "systemctl daemon-reload failed"
    echo "removed $unit_dir/$unit_name (stopped and disabled)"
  fi
  if [ "$wrapper" = yes ]; then rm -f "$bin_dir/gwe" && echo "removed $bin_dir/gwe"; fi
  if [ "$link" = yes ]; then rm -f "$bin_dir/gdc" && echo "removed $bin_dir/gdc"; fi
  rm -rf "$prefix/bin" || fail "cannot remove $prefix/bin"
  echo "removed $prefix/bin"
  if [ "$purge" = yes ]; then
    rm -rf "$prefix" || fail "cannot remove $prefix"
    echo "removed $prefix (Gateway.cfg with the CIK, the queue, the apps and their logs)"
    return
  fi
  kept=
  for entry in Gateway.cfg engine.conf conf.d apps gmq; do
    [ ! -e "$prefix/$entry" ] || kept="$kept $entry"
  done
  [ -z "$kept" ] || echo "kept in $prefix:$kept (installing again uses them; ./install.sh --uninstall --purge removes them)"
}
if [ "$mode" = uninstall ]; then
  uninstall
  exit 0
fi

if [ -e "$prefix/bin" ] || [ -L "$prefix/bin" ]; then
  ours "$prefix/bin" || fail "$prefix/bin exists and is not this installer's (no $marker in it), and installing replaces it as a whole; choose another --prefix DIR"
  if [ -f "$prefix/bin/$marker" ]; then
    extra=$(unlisted "$prefix/bin")
    [ -z "$extra" ] || fail "$prefix/bin/$extra was not written by this installer, and installing replaces $prefix/bin as a whole; move it elsewhere first"
  fi
fi
case "$bin_dir" in
  "$prefix/bin" | "$prefix/bin/"*) fail "the bin dir $bin_dir is in $prefix/bin, which installing replaces as a whole; choose another --bin-dir DIR" ;;
esac
case "$prefix" in
  "$bin_dir/gwe" | "$bin_dir/gwe/"* | "$bin_dir/gdc" | "$bin_dir/gdc/"*) fail "the prefix $prefix would hold or be the $bin_dir/gwe or $bin_dir/gdc command; choose another --prefix DIR" ;;
esac

writable "$prefix" || fail "cannot write to $prefix (run as root, or choose --prefix DIR)"
writable "$bin_dir" || fail "cannot write to $bin_dir (run as root, or choose --bin-dir DIR)"

if [ -e "$bin_dir/gwe" ] || [ -L "$bin_dir/gwe" ]; then
  grep -q "^$wrapper_mark" "$bin_dir/gwe" 2>/dev/null || fail "$bin_dir/gwe exists and is not this installer's; remove it or choose --bin-dir DIR"
fi
if [ -e "$bin_dir/gdc" ] || [ -L "$bin_dir/gdc" ]; then
  case "$(readlink "$bin_dir/gdc" 2>/dev/null)" in
    */bin/gdc) ;;
    *) fail "$bin_dir/gdc exists and is not this installer's link; remove it or choose --bin-dir DIR" ;;
  esac
fi

with_systemd=no
if [ "$service" = yes ] && [ -d "$systemd_booted" ]; then
  with_systemd=yes
  writable "$unit_dir" || fail "installing the systemd unit needs root (or run with --no-service)"
fi

if ! ran=$("$here/bin/$rid/gwe" --version 2>&1); then
  fail "the packaged gwe does not run on this machine: $(echo "$ran" | head -n 1)"
fi

# Every check passed: from here on things change.
mkdir -p "$prefix" "$bin_dir" || fail "cannot create $prefix or $bin_dir"
[ "$with_systemd" = no ] || mkdir -p "$unit_dir" || fail "cannot create $unit_dir"
stage="$prefix/.bin-new-$$"
rm -rf "$stage"
trap 'rm -rf "$stage"' EXIT
cp -R "$here/bin/$rid" "$stage" || fail "cannot copy the programs to $stage"
{
  echo "# written by Outpost's install.sh: $prefix/bin holds Gateway Engine's programs and is replaced as a whole on every install;"
  echo "# these are its entries (a file not named here stops the next install):"
  (cd "$here/bin/$rid" && LC_ALL=C ls -A)
} >"$stage/$marker" || fail "cannot write $stage/$marker"

log_dir="$prefix/logs"
mkdir -p "$log_dir" "$prefix/apps_to_install" || fail "cannot create $log_dir"
log="$log_dir/gwe_install_$(date -u +%Y%m%dT%H%M%SZ).log"
say() { echo "$*"; echo "$*" >>"$log"; }
upgrading=no
if [ -x "$prefix/bin/gwe" ]; then
  upgrading=yes
  say "upgrading $prefix: $("$prefix/bin/gwe" --version 2>/dev/null || echo 'gwe (unknown version)') -> $ran"
else
  say "installing $ran into $prefix"
fi

# 2. The programs: the staged copy replaces PREFIX/bin. A running daemon keeps running its (deleted) old files until
# it is restarted below.
if [ -d "$prefix/bin" ]; then
  old="$prefix/.bin-old-$$"
  mv "$prefix/bin" "$old" || fail "cannot move the old $prefix/bin aside"
  if ! mv "$stage" "$prefix/bin"; then
    mv "$old" "$prefix/bin"
    fail "cannot move the new programs into $prefix/bin; the old ones are back"
  fi
  rm -rf "$old"
else
  mv "$stage" "$prefix/bin" || fail "cannot move the new programs into $prefix/bin"
fi
trap - EXIT
say "  $prefix/bin: gwe and gdc for $rid ($(ls "$prefix/bin" | wc -l) files)"

# 3. Bundled apps. gwe installs apps_to_install/ once, on its first start (state/apps_to_install.done records it).
first_start_done=no
[ -f "$prefix/state/apps_to_install.done" ] && first_start_done=yes
for tarball in "$here"/apps_to_install/*.tar.gz; do
  [ -f "$tarball" ] || continue
  name=$(basename "$tarball")
  if [ -f "$prefix/apps_to_install/$name" ] && cmp -s "$tarball" "$prefix/apps_to_install/$name"; then
    continue
  fi
  cp "$tarball" "$prefix/apps_to_install/$name.tmp" && mv "$prefix/apps_to_install/$name.tmp" "$prefix/apps_to_install/$name" \
    || fail "cannot copy $name into $prefix/apps_to_install"
  if [ "$first_start_done" = yes ]; then
    say "  apps_to_install/$name: copied, but this gateway's first start is past; install it with: gwe -I $prefix/apps_to_install/$name (daemon stopped) or over the air"
  else
    say "  apps_to_install/$name: gwe installs it on its first start"
  fi
done

# 4. Commands on the PATH.
tmp="$bin_dir/.gwe-$$"
{
  echo '#!/bin/sh'
  echo "$wrapper_mark: gwe with its home in $prefix unless GWE_HOME or --home says otherwise."
  echo "GWE_HOME=\${GWE_HOME:-$prefix}; export GWE_HOME"
  echo "exec $prefix/bin/gwe \"\$@\""
} >"$tmp" && chmod 755 "$tmp" && mv -f "$tmp" "$bin_dir/gwe" || fail "cannot write $bin_dir/gwe"
ln -s "$prefix/bin/gdc" "$bin_dir/.gdc-$$" && mv -f "$bin_dir/.gdc-$$" "$bin_dir/gdc" || fail "cannot link $bin_dir/gdc"
say "  $bin_dir/gwe, $bin_dir/gdc"

# 5. Start at boot.
if [ "$with_systemd" = yes ]; then
  cat >"$unit_dir/$unit_name.tmp" <<EOF || fail "cannot write $unit_dir/$unit_name"
# written by Outpost's install.sh (Gateway Engine $version)
[Unit]
Description=Outpost Gateway Engine (gwe): hosts the gateway's apps, GMQ and over-the-air installs
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=$prefix/bin/gwe run --home $prefix
# gwe stops its apps itself on SIGTERM (stopsignal, then SIGKILL after stopwaitsecs; up to 2 minutes in all):
# signal only gwe, and kill what is left only after that.
KillMode=mixed
TimeoutStopSec=150
# A configuration problem exits 1 with one line in the journal; retrying picks up the fix (gwe -P, --set-host, ...).
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF
  mv -f "$unit_dir/$unit_name.tmp" "$unit_dir/$unit_name" || fail "cannot write $unit_dir/$unit_name"
  systemctl daemon-reload || fail "systemctl daemon-reload failed"
  systemctl enable "$unit_name" >/dev/null 2>&1 || fail "systemctl enable $unit_name failed"
  if systemctl is-active --quiet "$unit_name"; then
    systemctl restart "$unit_name" || fail "systemctl restart $unit_name failed"
    say "  $unit_name: enabled, restarted with the new gwe"
  else
    say "  $unit_name: enabled (starts at boot); start it now with: systemctl start $unit_name"
  fi
elif [ "$service" = yes ]; then
  say "  no systemd running: start '$prefix/bin/gwe run --home $prefix' from your init system"
fi
if [ "$upgrading" = yes ] && [ "$with_systemd" = no ]; then
  say "  a gwe daemon already running keeps the old version until it is restarted"
fi

if [ ! -f "$prefix/Gateway.cfg" ]; then
  say "next: gwe --set-product-id PID --set-uuid SERIAL --set-host URL   (or --set-iface IFACE instead of --set-uuid)"
fi
say "log: $log"
