"""Linting CloudFormation templates and cdk.out assemblies: decoding, running, reporting."""
