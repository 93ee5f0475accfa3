"""Which cdk-nag major is installed (2.x: Aspects; 3.x: validation plugins)."""

from __future__ import annotations

from importlib.metadata import version

CDK_NAG_VERSION = version("cdk-nag")
CDK_NAG_MAJOR = int(CDK_NAG_VERSION.split(".", 1)[0])
