"""Which instance group this node belongs to, and where the Slurm controller is.

Usage: python3 node_role.py group|controller-ip PROVISIONING_PARAMETERS RESOURCE_CONFIG

HyperPod writes the resource config (instance groups with each instance's CustomerIpAddress);
the node finds itself by its own address on the cluster network.
"""

import json
import socket
import sys


def own_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # no packet is sent: this only picks a route
        return probe.getsockname()[0]


def addresses(group: dict) -> list:
    return [instance.get("CustomerIpAddress") for instance in group.get("Instances", [])]


def main(what: str, params_path: str, resource_path: str) -> str:
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
