"""Which instance group this node belongs to, and where the Slurm controller is.

Usage: python3 node_role.py group|controller-ip PROVISIONING_PARAMETERS RESOURCE_CONFIG

HyperPod writes the resource config (instance groups with each instance's CustomerIpAddress);
the node finds itself by its own address on the cluster network.
"""

from __future__ import annotations  # runs on the nodes' Python 3.8+: annotations stay strings

import json
import socket
import sys
from typing import Any


def own_address() -> str:
    """This node's IPv4 address on the cluster network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
        return probe.getsockname()[0]


def addresses(group: dict[str, Any]) -> list[str]:
    """The ``CustomerIpAddress`` of each instance of an instance group of the resource config."""
    return [instance.get("CustomerIpAddress") for instance in group.get("Instances", [])]


def main(what: str, params_path: str, resource_path: str) -> str:
    """This node's instance group (``group``) or the controller's address (``controller-ip``)."""
    with open(params_path) as params_file, open(resource_path) as resource_file:
        params, resources = json.load(params_file), json.load(resource_file)
    groups = resources["InstanceGroups"]
    if what == "controller-ip":
        controller = next(g for g in groups if g["Name"] == params["controller_group"])
        return addresses(controller)[0]
    address = own_address()
    return next(g["Name"] for g in groups if address in addresses(g))


if __name__ == "__main__":
    print(main(*sys.argv[1:4]))
