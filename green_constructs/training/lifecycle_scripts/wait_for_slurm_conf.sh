#!/bin/bash
# Wait until HyperPod has written the Slurm configuration slurmctld reads.
#
# Usage: bash wait_for_slurm_conf.sh [CONTROLLER_ADDRESS...]
#
# HyperPod's agent writes slurm.conf (SLURM_CONF, by default /opt/slurm/etc/slurm.conf) while
# the lifecycle scripts run, and fills in the controller's address once it knows the nodes of
# the cluster. Ready means: the file exists, is not empty and, when addresses are given, names
# one of them. Checks every SLURM_CONF_INTERVAL seconds (default 5), logging progress; gives up
# after SLURM_CONF_TIMEOUT seconds (default 300) with an error on stderr and exit status 1.
set -euo pipefail

conf=${SLURM_CONF:-/opt/slurm/etc/slurm.conf}
timeout=${SLURM_CONF_TIMEOUT:-300}
interval=${SLURM_CONF_INTERVAL:-5}

ready() {
  [[ -s "$conf" ]] || return 1
  (($# == 0)) && return 0
  local address
  for address in "$@"; do
    grep -qwF -- "$address" "$conf" && return 0
  done
  return 1
}

start=$SECONDS
until ready "$@"; do
  elapsed=$((SECONDS - start))
  if ((elapsed >= timeout)); then
    if [[ -s "$conf" ]]; then
      why="it does not name the controller ($*)"
    else
      why="it does not exist or is empty"
    fi
    echo "ERROR: slurm.conf not ready after ${timeout}s: $conf: $why;" \
      "not starting Slurm" >&2
    exit 1
  fi
  echo "waiting for HyperPod to write $conf (${elapsed}s of ${timeout}s)"
  sleep "$interval"
done
echo "slurm.conf ready: $conf"
