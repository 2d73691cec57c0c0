#!/usr/bin/env bash
# The Debian packages as a café gets them (docs/operations.md): builds them
# (scripts/build-debs: Release, build-pkg), checks them with lintian (fails on
# errors) and the units with systemd-analyze verify, installs them with apt,
# then with the installed binaries: a sale on a temporary ledger, a
# journeyd on 127.0.0.1 with a temporary data folder, the terminal enrolled
# and synced once; loyalpos-sync's ExecStart run as its user telling a
# NOTIFY_SOCKET READY=1 and STOPPING=1, loyalpos-serve's answering
# /v1/health; then purge, leaving no process and no package. Needs root
# (skips without); puts the machine back as it was, even when it fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/packaging/deb_lib.sh
source "$root/tests/packaging/deb_lib.sh"
deb_require_root deb_test
deb_require_clean_machine deb_test

tmp=$(mktemp -d /tmp/loyalpos-deb-test.XXXXXX)
journeyd_pid='' notify_pid=''
on_exit() {
  local rc=$?
  local pid
  for pid in $journeyd_pid $notify_pid; do kill "$pid" 2>/dev/null || true; done
  deb_cleanup
  rm -rf "$tmp"
  if ((rc != 0)); then echo "deb_test: FAILED" >&2; fi
}
trap on_exit EXIT

step() { echo "deb_test: $*"; }
fail() {
  echo "deb_test: $*" >&2
  exit 1
}
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

step "building the packages (build-pkg)"
start=$(date +%s)
mapfile -t debs < <("$root/scripts/build-debs")
step "built ${debs[*]##*/} in $(($(date +%s) - start)) s"
((${#debs[@]} == 2)) || fail "expected two .deb files, got: ${debs[*]}"
for deb in "${debs[@]}"; do
  step "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB; $(dpkg-deb -f "$deb" Depends)"
  if dpkg-deb -c "$deb" | grep -E '\.(a|h)$|/include/|/cmake/'; then
    fail "$(basename "$deb") holds the Development component's files (above)"
  fi
done

step "lintian"
lintian_out=$tmp/lintian.txt
lintian --fail-on error "${debs[@]}" >"$lintian_out" 2>&1 || {
  cat "$lintian_out"
  fail "lintian found errors (E: above)"
}
cat "$lintian_out"
step "lintian: $(grep -c '^E:' "$lintian_out" || true) errors, $(grep -c '^W:' "$lintian_out" || true) warnings"

step "apt-get install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${debs[@]}" >"$tmp/apt-install.log" 2>&1 || {
  cat "$tmp/apt-install.log"
  fail "apt-get install failed"
}

step "systemd-analyze verify"
# verify needs the units' binaries installed; the kiosk is a user unit.
systemd-analyze verify /usr/lib/systemd/system/loyalpos-serve.service \
  /usr/lib/systemd/system/loyalpos-sync.service /usr/lib/systemd/system/journeyd.service
mkdir -m 0700 "$tmp/runtime"
XDG_RUNTIME_DIR=$tmp/runtime systemd-analyze --user verify /usr/lib/systemd/user/loyalpos-kiosk.service

step "versions"
version=$(sed -n 's/^project(loyalpos VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[[ $(loyalpos --version) == "loyalpos $version" ]] || fail "loyalpos --version says: $(loyalpos --version)"
[[ $(journeyd --version) == "journeyd $version" ]] || fail "journeyd --version says: $(journeyd --version)"

step "users, folders, conffile"
id loyalpos | grep -q '(lp)' || fail "the loyalpos user is not in the lp group: $(id loyalpos)"
id journeyd >/dev/null
[[ $(stat -c '%U:%G %a' /var/lib/loyalpos) == "loyalpos:loyalpos 750" ]] ||
  fail "/var/lib/loyalpos is $(stat -c '%U:%G %a' /var/lib/loyalpos)"
[[ $(stat -c '%U:%G %a' /var/lib/journeyd) == "journeyd:journeyd 700" ]] ||
  fail "/var/lib/journeyd is $(stat -c '%U:%G %a' /var/lib/journeyd)"
[[ $(stat -c '%U:%G %a' /etc/journeyd) == "root:journeyd 750" ]] ||
  fail "/etc/journeyd is $(stat -c '%U:%G %a' /etc/journeyd)"
cmp /etc/loyalpos/loyalpos.toml "$root/packaging/config.toml" || fail "/etc/loyalpos/loyalpos.toml is not the sample config"
grep -qx /etc/loyalpos/loyalpos.toml /var/lib/dpkg/info/loyalpos.conffiles ||
  fail "/etc/loyalpos/loyalpos.toml is not a conffile"
[[ $(readlink /var/lib/loyalpos/config.toml) == /etc/loyalpos/loyalpos.toml ]] ||
  fail "/var/lib/loyalpos/config.toml does not point at /etc/loyalpos/loyalpos.toml"
[[ -f /usr/share/doc/loyalpos/changelog.Debian.gz && -f /usr/share/doc/journeyd/copyright ]] ||
  fail "the changelog or the copyright is missing"

step "a sale on a temporary ledger"
till=$tmp/till
loyalpos --home "$till" init --store "Main St" --terminal till-1 --sample-catalog >/dev/null
token=$(loyalpos --home "$till" --json card issue | json_field token)
sale=$(loyalpos --home "$till" --json sale --card "$token" CROISSANT LATTE)
[[ $(json_field total <<<"$sale") != 0 && $(json_field sale_id <<<"$sale") == 1 ]] ||
  fail "the sale's JSON: $sale"

step "journeyd on 127.0.0.1, the terminal enrolled and synced"
head_office=$tmp/head-office
port=$(deb_free_port)
journeyd init --data "$head_office" --listen "127.0.0.1:$port" >/dev/null
journeyd enroll --data "$head_office" --store "Main St" --terminal till-1 \
  --out "$tmp/till-1.json" >/dev/null
journeyd serve --data "$head_office" >"$tmp/journeyd.log" 2>&1 &
journeyd_pid=$!
deb_wait_listening "$journeyd_pid" "$tmp/journeyd.log"
loyalpos --home "$till" enroll "$tmp/till-1.json" >/dev/null
synced=$(loyalpos --home "$till" --json sync)
status=$(loyalpos --home "$till" --json sync status)
[[ $(json_field pushed <<<"$synced") -gt 0 && $(json_field unsent <<<"$status") == 0 ]] ||
  fail "sync: $synced; status: $status"
purchases=$(journeyd report journey --data "$head_office" --json |
  /usr/bin/python3 -c 'import json,sys; print([s["entered"] for s in json.load(sys.stdin)["stages"] if s["stage"]=="purchase"][0])')
[[ $purchases == 1 ]] || fail "head office's journey map shows $purchases first purchases, not 1"

step "loyalpos-sync's ExecStart as the loyalpos user: enrolled, READY=1, STOPPING=1"
as_loyalpos() { setpriv --reuid=loyalpos --regid=loyalpos --init-groups -- "$@"; }
as_loyalpos loyalpos --home /var/lib/loyalpos init --store "Main St" --terminal till-2 >/dev/null
journeyd enroll --data "$head_office" --store "Main St" --terminal till-2 \
  --out "$tmp/till-2.json" >/dev/null
install -o loyalpos -g loyalpos -m 0600 "$tmp/till-2.json" /var/lib/loyalpos/bundle.json
as_loyalpos loyalpos --home /var/lib/loyalpos enroll /var/lib/loyalpos/bundle.json >/dev/null
rm /var/lib/loyalpos/bundle.json
mkdir -m 0755 "$tmp/notify" && chmod 0711 "$tmp"
notify_pid=$(deb_notify_listener "$tmp/notify/socket" "$tmp/notify.log")
while [[ ! -S $tmp/notify/socket ]]; do sleep 0.01; done
sync_pid=$(deb_start_unit_command loyalpos-sync.service "$tmp/sync.log" \
  "NOTIFY_SOCKET=$tmp/notify/socket")
deb_wait_line "$tmp/notify.log" READY=1 || fail "the sync daemon said no READY=1: $(cat "$tmp/sync.log")"
kill -TERM "$sync_pid"
deb_wait_line "$tmp/notify.log" STOPPING=1 || fail "the sync daemon said no STOPPING=1"
for ((tries = 500; tries > 0; tries--)); do kill -0 "$sync_pid" 2>/dev/null || break; sleep 0.01; done
((tries > 0)) || fail "the sync daemon did not stop on SIGTERM"
notify_pid=
kill "$journeyd_pid"
wait "$journeyd_pid" || fail "journeyd did not stop cleanly on SIGTERM"
journeyd_pid=

step "loyalpos-serve's ExecStart as the loyalpos user"
api_port=$(deb_free_port)
printf '\n[api]\nlisten = "127.0.0.1:%s"\n' "$api_port" >>/etc/loyalpos/loyalpos.toml
serve_pid=$(deb_start_unit_command loyalpos-serve.service "$tmp/serve.log")
deb_wait_listening "$serve_pid" "$tmp/serve.log"
health=$(deb_health "127.0.0.1:$api_port" /var/lib/loyalpos/api-token)
[[ $(json_field terminal <<<"$health") == till-2 ]] || fail "/v1/health: $health"
[[ $(stat -c '%U %a' /var/lib/loyalpos/api-token) == "loyalpos 600" ]] ||
  fail "the API token is $(stat -c '%U %a' /var/lib/loyalpos/api-token)"

step "reinstall, as an upgrade does: the café's config edit and the ledger stay"
loyalpos_deb=$(printf '%s\n' "${debs[@]}" | grep '/loyalpos_')
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "$loyalpos_deb" >"$tmp/reinstall.log" 2>&1 || {
  cat "$tmp/reinstall.log"
  fail "reinstalling loyalpos failed"
}
grep -q "^listen = \"127.0.0.1:$api_port\"" /etc/loyalpos/loyalpos.toml || fail "the reinstall lost the config's edit"
health=$(deb_health "127.0.0.1:$api_port" /var/lib/loyalpos/api-token)
[[ $(json_field terminal <<<"$health") == till-2 ]] || fail "/v1/health after the reinstall: $health"

step "purge (serve still running)"
deb_purge "$tmp/purge.log" || {
  cat "$tmp/purge.log"
  fail "apt-get purge failed"
}
left=$(deb_leftover_pids)
[[ -z $left ]] || fail "processes left after purge: $left"
for p in "${deb_packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed\|config-files'; then
    fail "$p is still known to dpkg after purge"
  fi
done
[[ ! -e /etc/loyalpos && ! -e /etc/journeyd && ! -e /usr/bin/loyalpos ]] ||
  fail "purge left /etc/loyalpos, /etc/journeyd or /usr/bin/loyalpos"
[[ -f /var/lib/loyalpos/ledger.db && ! -e /var/lib/loyalpos/config.toml ]] ||
  fail "purge did not keep the ledger, or kept the config link"
kept=$(grep "kept /var/lib/loyalpos" "$tmp/purge.log") || fail "purge did not say it kept the ledger"
step "purge said: $kept"
[[ ! -e /var/lib/journeyd ]] || fail "purge kept an empty /var/lib/journeyd"
step "all checks passed"
