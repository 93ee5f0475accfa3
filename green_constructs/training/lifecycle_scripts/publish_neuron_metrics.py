"""Read neuron-monitor reports on stdin, publish one CloudWatch data point per metric a minute.

Usage: neuron-monitor -c neuron_monitor.json | python3 publish_neuron_metrics.py PARAMETERS

``NeuronCoreUtilization`` is the busy share of *all* NeuronCores of the node (idle cores count as
0%, so an idle node shows 0), ``NeuronUncorrectedEccErrors`` the most uncorrected DRAM and SRAM
ECC errors of its Neuron devices that one report of the minute counted. Each point is published
twice: with the ``ClusterName`` dimension (what TrainiumCluster.metric_* read) and with
``ClusterName`` and ``InstanceId``.
"""

from __future__ import annotations  # runs on the nodes' Python 3.8+: annotations stay strings

import json
import socket
import subprocess
import sys
import time
from typing import Any

INTERVAL_SECONDS = 60


def utilization(report: dict[str, Any]) -> float:
    """Busy share of all the node's NeuronCores in one neuron-monitor report, in percent."""
    hardware = report.get("neuron_hardware_info") or {}
    cores = hardware.get("neuron_device_count", 0) * hardware.get("neuroncore_per_device_count", 0)
    busy = 0.0
    for runtime in report.get("neuron_runtime_data") or []:
        counters = (runtime.get("report") or {}).get("neuroncore_counters") or {}
        for core in (counters.get("neuroncores_in_use") or {}).values():
            busy += core.get("neuroncore_utilization") or 0.0
    return busy / cores if cores else 0.0


def ecc_errors(report: dict[str, Any]) -> int:
    """Uncorrected DRAM and SRAM ECC errors of the node's Neuron devices in one report."""
    counters = (report.get("system_data") or {}).get("neuron_hw_counters") or {}
    return sum(
        device.get("mem_ecc_uncorrected", 0) + device.get("sram_ecc_uncorrected", 0)
        for device in counters.get("neuron_devices") or []
    )


def publish(settings: dict[str, str], instance_id: str, samples: list[float], errors: int) -> None:
    """Put the minute's mean utilization and most ECC errors, per cluster and per node."""
    cluster = [{"Name": "ClusterName", "Value": settings["cluster_name"]}]
    node = cluster + [{"Name": "InstanceId", "Value": instance_id}]
    values = [
        ("NeuronCoreUtilization", sum(samples) / len(samples), "Percent"),
        ("NeuronUncorrectedEccErrors", errors, "Count"),
    ]
    data = [
        {"MetricName": name, "Dimensions": dimensions, "Value": value, "Unit": unit}
        for name, value, unit in values
        for dimensions in (cluster, node)
    ]
    subprocess.run(
        [
            "aws",
            "cloudwatch",
            "put-metric-data",
            "--region",
            settings["region"],
            "--namespace",
            settings["metrics_namespace"],
            "--metric-data",
            json.dumps(data),
        ],
        check=False,
    )


def main(parameters_path: str) -> None:
    """Read reports from stdin and publish their metrics once a minute, until stdin ends."""
    with open(parameters_path) as parameters:
        settings = json.load(parameters)["green_constructs"]
    samples, errors, started = [], 0, time.monotonic()
    for line in sys.stdin:
        try:
            report = json.loads(line)
        except ValueError:
            continue
        instance_id = (report.get("instance_info") or {}).get("instance_id") or socket.gethostname()
        samples.append(utilization(report))
        errors = max(errors, ecc_errors(report))
        if time.monotonic() - started >= INTERVAL_SECONDS:
            publish(settings, instance_id, samples, errors)
            samples, errors, started = [], 0, time.monotonic()


if __name__ == "__main__":
    main(sys.argv[1])
