#!/bin/bash
# HyperPod OnCreate entry point (runs as root, once per node, from the lifecycle script folder).
#
# Reads provisioning_parameters.json (written by TrainiumCluster next to this script) and the
# node's resource config (written by HyperPod), then:
#   1. mounts the FSx for Lustre file system, when the cluster has one;
#   2. starts slurmctld on the controller group, once HyperPod has written slurm.conf naming
#      the controller (wait_for_slurm_conf.sh: bounded, fails the node on timeout), and slurmd
#      on worker groups (configless: slurmd fetches the configuration from the controller);
#   3. on Neuron nodes, runs neuron-monitor and publishes NeuronCore utilization to CloudWatch.
set -euo pipefail

cd "$(dirname "$0")"
mkdir -p /var/log/provision
exec > >(tee -a /var/log/provision/green-constructs.log) 2>&1

PARAMS=provisioning_parameters.json
RESOURCE_CONFIG=${SAGEMAKER_RESOURCE_CONFIG_PATH:-/opt/ml/config/resource_config.json}

param() {  # param KEY: a top-level value of provisioning_parameters.json, empty when absent
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]) or "")' \
    "$PARAMS" "$1"
}

mount_fsx() {
  local dns_name mount_name mount_path
  dns_name=$(param fsx_dns_name)
  mount_name=$(param fsx_mountname)
  mount_path=$(param fsx_mount_path)
  [[ -n "$dns_name" && -n "$mount_name" ]] || return 0
  mkdir -p "$mount_path"
  echo "$dns_name@tcp:/$mount_name $mount_path lustre defaults,noatime,flock,_netdev 0 0" >> /etc/fstab
  mount "$mount_path"
  chmod 1777 "$mount_path"
}

start_slurm() {  # start_slurm GROUP: the Slurm daemon this node's instance group runs
  local controller_ip
  controller_ip=$(python3 node_role.py controller-ip "$PARAMS" "$RESOURCE_CONFIG")
  if [[ "$1" == "$(param controller_group)" ]]; then
    bash wait_for_slurm_conf.sh "$controller_ip"
    systemctl enable --now slurmctld
  else
    mkdir -p /etc/systemd/system/slurmd.service.d
    printf '[Service]\nEnvironment="SLURMD_OPTIONS=--conf-server %s"\n' "$controller_ip" \
      > /etc/systemd/system/slurmd.service.d/conf-server.conf
    systemctl daemon-reload
    systemctl enable --now slurmd
  fi
}

start_neuron_metrics() {
  command -v neuron-monitor >/dev/null || [[ -x /opt/aws/neuron/bin/neuron-monitor ]] || return 0
  install -d /opt/green-constructs
  install -m 0644 neuron_monitor.json provisioning_parameters.json /opt/green-constructs/
  install -m 0755 publish_neuron_metrics.py /opt/green-constructs/
  install -m 0644 neuron-metrics.service /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now neuron-metrics
}

main() {
  local group
  group=$(python3 node_role.py group "$PARAMS" "$RESOURCE_CONFIG")
  echo "node of instance group $group"
  mount_fsx
  start_slurm "$group"
  start_neuron_metrics
}

main
