#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for texstim's tests: install | start [--owner PID] | stop [--owner PID] | env.
# Runs as root without systemd (Debian 12: slurmctld, slurmd, slurm-client, munge). Everything
# lives under $TEXSTIM_SLURM_BASE (default /run/texstim-slurm; short: slurmstepd's socket paths
# are limited to 108 bytes), on ports $TEXSTIM_SLURM_PORT and +1 (default 6817, 6818); daemons are
# stopped by their own pid files only. Clients need SLURM_CONF (see `env`).
#
# `start --owner PID` starts the daemons for process PID (a test run): they are stopped when PID
# ends (a detached watcher; the tests also stop them on exit), and `stop --owner PID` stops them
# only if PID started them. A cluster that is already running is used as it is and left running.
set -euo pipefail
BASE=${TEXSTIM_SLURM_BASE:-/run/texstim-slurm}
PORT=${TEXSTIM_SLURM_PORT:-6817}
CONF=$BASE/slurm.conf
SCRIPT=$(readlink -f "$0")

install_packages() {
  command -v slurmctld >/dev/null && command -v munged >/dev/null && command -v sbatch >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || { echo "local-slurm: installing Slurm needs root" >&2; exit 1; }
  # Keep the packages' maintainer scripts from starting services (Debian's policy-rc.d mechanism).
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  [ "$created" -eq 1 ] && rm -f "$policy"
  return 0
}

write_config() {
  local node
  node=$(slurmd -C | head -1)
  cat > "$CONF" <<CONFIG
ClusterName=texstim
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$BASE/munge/munge.socket.2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MinJobAge=600
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONFIG
}

running() {
  [ -f $BASE/slurmctld.pid ] && kill -0 "$(cat $BASE/slurmctld.pid)" 2>/dev/null \
    && SLURM_CONF=$CONF timeout 5 sinfo -h >/dev/null 2>&1
}

start() {
  local owner=${1:-}
  install_packages
  if running; then echo "local-slurm: already running (SLURM_CONF=$CONF); left as it is"; return 0; fi
  stop >/dev/null 2>&1 || true
  mkdir -p $BASE/munge $BASE/state $BASE/spool $BASE/log
  chmod 755 /run $BASE $BASE/munge
  [ -f $BASE/munge.key ] || { dd if=/dev/urandom bs=1 count=1024 of=$BASE/munge.key 2>/dev/null; chmod 400 $BASE/munge.key; }
  munged --socket=$BASE/munge/munge.socket.2 --key-file=$BASE/munge.key --pid-file=$BASE/munged.pid \
    --log-file=$BASE/log/munged.log --seed-file=$BASE/munge.seed --origin=127.0.0.1
  write_config
  SLURM_CONF=$CONF slurmctld
  SLURM_CONF=$CONF slurmd
  if [ -n "$owner" ]; then
    echo "$owner" > $BASE/owner
    # Detached from the caller's session and descriptors, so the caller's waiters do not wait for it.
    TEXSTIM_SLURM_BASE=$BASE TEXSTIM_SLURM_PORT=$PORT setsid bash -c \
      'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec "$2" stop --owner "$1"' watcher "$owner" "$SCRIPT" \
      </dev/null >/dev/null 2>&1 &
  fi
  for _ in $(seq 1 100); do
    state=$(SLURM_CONF=$CONF sinfo -h -o %T 2>/dev/null | head -1 || true)
    [ "$state" = "idle" ] && { echo "local-slurm: running (SLURM_CONF=$CONF)"; return 0; }
    sleep 0.2
  done
  echo "local-slurm: the node did not become idle; logs in $BASE/log" >&2
  tail -5 $BASE/log/*.log >&2 || true
  exit 1
}

stop() {
  local owner=${1:-}
  if [ -n "$owner" ]; then [ "$(cat $BASE/owner 2>/dev/null || true)" = "$owner" ] || return 0; fi
  for daemon in slurmd slurmctld munged; do
    [ -f $BASE/$daemon.pid ] || continue
    pid=$(cat $BASE/$daemon.pid)
    kill "$pid" 2>/dev/null || true
    # Wait for it to go: a second munged cannot bind the socket while the first holds it.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f $BASE/$daemon.pid
  done
  rm -f $BASE/owner
}

owner_argument() {
  if [ "${1:-}" = "--owner" ] && [ -n "${2:-}" ]; then echo "$2"; elif [ -n "${1:-}" ]; then echo "usage: $0 start|stop [--owner PID]" >&2; exit 2; fi
}

case "${1:-}" in
  install) install_packages ;;
  start) start "$(owner_argument "${2:-}" "${3:-}")" ;;
  stop) stop "$(owner_argument "${2:-}" "${3:-}")" ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
