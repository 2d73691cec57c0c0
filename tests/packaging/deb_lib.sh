# shellcheck shell=bash
# What tests/packaging/deb_test.sh and install_bench.sh share: installing the
# two packages as root, running a unit's ExecStart as its user, the checks
# that nothing is left behind, and a cleanup that puts the machine back as it
# was. Sourced, never run.

deb_packages=(loyalpos journeyd)
deb_state_dirs=(/var/lib/loyalpos /var/lib/journeyd)
deb_users=(loyalpos journeyd)

# Skips (exit 0) with a message when not root: apt-get install needs it.
deb_require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    echo "$1: skipped: it installs the .deb files with apt-get and needs root (CI runs it as root)"
    exit 0
  fi
}

# Refuses to run on a machine that holds a real install: the test purges the
# packages and removes their data folders.
deb_require_clean_machine() {
  local p d
  for p in "${deb_packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
      echo "$1: the package $p is installed here; this test installs and purges its own. Remove it first (apt-get purge $p)." >&2
      exit 1
    fi
  done
  for d in "${deb_state_dirs[@]}"; do
    if [[ -e $d ]]; then
      echo "$1: $d exists (data kept from an earlier install?); move it away first." >&2
      exit 1
    fi
  done
  deb_users_before=()
  for p in "${deb_users[@]}"; do
    if getent passwd "$p" >/dev/null; then deb_users_before+=("$p"); fi
  done
}

# The pids of processes running the installed binaries (a removed binary
# shows as "(deleted)").
deb_leftover_pids() {
  local exe pid
  for exe in /proc/[0-9]*/exe; do
    pid=${exe#/proc/}
    pid=${pid%/exe}
    case $(readlink "$exe" 2>/dev/null) in
      /usr/bin/loyalpos | /usr/bin/journeyd | "/usr/bin/loyalpos (deleted)" | "/usr/bin/journeyd (deleted)")
        echo "$pid" ;;
    esac
  done
}

# The packages dpkg knows (installed, or their config files left).
deb_known_packages() {
  local p
  for p in "${deb_packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed\|config-files'; then
      echo "$p"
    fi
  done
}

deb_installed_any() { [[ -n $(deb_known_packages) ]]; }

# Purges what is there (apt refuses a package it never saw); its output to
# the file $1.
deb_purge() {
  local known
  known=$(deb_known_packages)
  [[ -n $known ]] || return 0
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q $known >"$1" 2>&1
}

# Puts the machine back: purges, stops what runs the installed binaries
# (processes this test started), removes the data folders the packages kept
# and the users they made.
deb_cleanup() {
  local pid u
  if deb_installed_any; then deb_purge /dev/null || true; fi
  for pid in $(deb_leftover_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "${deb_state_dirs[@]}"
  for u in "${deb_users[@]}"; do
    if [[ " ${deb_users_before[*]:-} " != *" $u "* ]] && getent passwd "$u" >/dev/null; then
      deluser --quiet --system "$u" >/dev/null 2>&1 || true
      if getent group "$u" >/dev/null; then delgroup --quiet --system "$u" >/dev/null 2>&1 || true; fi
    fi
  done
}

deb_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts an installed system unit's ExecStart the way systemd would: as its
# User= and Group= with their groups, umask from UMask=, HOME the user's,
# a clean environment (plus $3, e.g. NOTIFY_SOCKET=PATH, when given). Prints
# the pid (the program itself: setpriv execs).
deb_start_unit_command() {
  local unit=/usr/lib/systemd/system/$1 log=$2 extra_env=${3:-DEB_TEST=1}
  local user command umask_value home
  user=$(sed -n 's/^User=//p' "$unit")
  command=$(sed -n 's/^ExecStart=//p' "$unit")
  umask_value=$(sed -n 's/^UMask=//p' "$unit")
  home=$(getent passwd "$user" | cut -d: -f6)
  # The units' ExecStart lines are plain words (no quotes, no variables).
  (
    umask "${umask_value:-0022}"
    # shellcheck disable=SC2086
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$home" LANG=C.UTF-8 "$extra_env" \
      setpriv --reuid="$user" --regid="$user" --init-groups -- $command >"$log" 2>&1
  ) &
  echo $!
}

# Waits up to $3 seconds (10) until the log $2 of process $1 says
# "listening on"; fails with the log when the process ends first.
deb_wait_listening() {
  local pid=$1 log=$2 tries=$((${3:-10} * 100))
  while ((tries-- > 0)); do
    if grep -q '^listening on' "$log" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.01
  done
  echo "it did not start listening; its output:" >&2
  cat "$log" >&2
  return 1
}

# GET /v1/health of the loopback API at $1 (HOST:PORT) with the token file $2.
deb_health() {
  curl -fsS --max-time 5 -H "Authorization: Bearer $(cat "$2")" "http://$1/v1/health"
}

# Listens on the datagram socket $1 as systemd's NOTIFY_SOCKET (anyone may
# send to it) and writes each message to the file $2 until STOPPING=1 or 60 s.
# Prints the listener's pid.
deb_notify_listener() {
  /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
os.umask(0o111)  # the socket is writable by all from the moment it exists
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a") as out:
    while True:
        message = s.recv(4096).decode()
        out.write(message + "\n")
        out.flush()
        if "STOPPING=1" in message:
            break
' "$1" "$2" >>"$2.err" 2>&1 &
  echo $!
}

# Waits up to 10 seconds until the file $1 has a line $2.
deb_wait_line() {
  local tries=1000
  while ((tries-- > 0)); do
    if grep -qx "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.01
  done
  echo "no \"$2\" in $1: $(cat "$1" 2>/dev/null)" >&2
  return 1
}
