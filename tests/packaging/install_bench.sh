#!/usr/bin/env bash
# The issue's install benchmark (scripts/bench, LOYALPOS_BENCH_ONLY=install):
# from `apt-get install ./loyalpos_*.deb` on a machine whose dependencies
# are there to loyalpos-serve answering /v1/health (goal: < 5 s). PID 1 here
# need not be systemd, so the service is started as its unit would start it:
# its ExecStart as the loyalpos user (tests/packaging/deb_lib.sh). The ledger
# must exist before serve answers: `loyalpos init` as that user is timed too.
# Median of LOYALPOS_INSTALL_RUNS runs (5), purged between runs; and the
# sizes of the .deb files. Needs root (skips without).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/packaging/deb_lib.sh
source "$root/tests/packaging/deb_lib.sh"
deb_require_root install_bench
deb_require_clean_machine install_bench

tmp=$(mktemp -d /tmp/loyalpos-install-bench.XXXXXX)
on_exit() {
  deb_cleanup
  rm -rf "$tmp"
}
trap on_exit EXIT

mapfile -t debs < <("$root/scripts/build-debs")
loyalpos_deb=$(printf '%s\n' "${debs[@]}" | grep '/loyalpos_')
# The dependencies first (the benchmark's premise), with one untimed install.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$loyalpos_deb" >/dev/null 2>&1
deb_purge /dev/null
deb_cleanup

now() { echo "$EPOCHREALTIME"; }
seconds() { /usr/bin/python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

runs=${LOYALPOS_INSTALL_RUNS:-5}
: >"$tmp/totals"
echo "run  apt-install  init  serve->health  total (seconds)"
for ((run = 1; run <= runs; run++)); do
  port=$(deb_free_port)
  t0=$(now)
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$loyalpos_deb" >"$tmp/apt.log" 2>&1
  t1=$(now)
  setpriv --reuid=loyalpos --regid=loyalpos --init-groups -- \
    loyalpos --home /var/lib/loyalpos init --store "Main St" --terminal till-1 >/dev/null
  t2=$(now)
  # The café's [api] listen: a free port, so that nothing else on 8080 matters.
  printf '\n[api]\nlisten = "127.0.0.1:%s"\n' "$port" >>/etc/loyalpos/loyalpos.toml
  pid=$(deb_start_unit_command loyalpos-serve.service "$tmp/serve.log")
  until deb_health "127.0.0.1:$port" /var/lib/loyalpos/api-token >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || {
      cat "$tmp/serve.log"
      exit 1
    }
    sleep 0.005
  done
  t3=$(now)
  echo "$run    $(seconds "$t0" "$t1")         $(seconds "$t1" "$t2")  $(seconds "$t2" "$t3")           $(seconds "$t0" "$t3")"
  seconds "$t0" "$t3" >>"$tmp/totals"
  deb_purge /dev/null
  deb_cleanup
done
echo "install to /v1/health: median $(median <"$tmp/totals") s over $runs runs (goal: < 5 s)"
# How much of it is apt reading its lists and resolving, before dpkg starts.
: >"$tmp/resolve"
for ((run = 1; run <= 3; run++)); do
  t0=$(now)
  apt-get install -s -q "$loyalpos_deb" >/dev/null 2>&1
  seconds "$t0" "$(now)" >>"$tmp/resolve"
done
echo "of which apt resolving alone (apt-get install -s): median $(median <"$tmp/resolve") s"
for deb in "${debs[@]}"; do
  echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB ($(stat -c %s "$deb") bytes)," \
    "installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
done
