"""YAML templates: PyYAML's libyaml loader with the CloudFormation short-form tags (``!Ref``,
``!GetAtt``, ``!Sub``...) turned into their long form, and the line of each resource."""

from __future__ import annotations

from typing import Any

import yaml

from .decode import TemplateDecodeError

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CfnLoader(_Loader):
    """Safe loader that knows the CloudFormation tags and leaves dates as strings."""


def _short_form(loader: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)
_CfnLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _yaml_resource_lines(node: Any) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def load_yaml(text: str) -> Any:
    """YAML with CloudFormation short-form tags, as plain data (no template checks)."""
    return yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def decode_yaml(text: str, path: str) -> tuple[Any, dict[str, int]]:
    """A YAML template's data (``None`` when empty) and the line of each resource."""
    loader = _CfnLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        return loader.construct_document(node), _yaml_resource_lines(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise TemplateDecodeError(f"{path}{where}: invalid YAML: {problem}") from None
    except (ValueError, TypeError, RecursionError) as error:
        raise TemplateDecodeError(f"{path}: invalid YAML: {error}") from None
    finally:
        loader.dispose()
