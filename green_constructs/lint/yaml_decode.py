"""YAML templates: PyYAML's libyaml loader with the CloudFormation short-form tags (``!Ref``,
``!GetAtt``, ``!Sub``...) turned into their long form, and the line of each resource.

Documents are composed first and checked before any Python value is built: aliases may add
at most :data:`~.limits.MAX_ALIAS_NODES` nodes once expanded, and an alias inside its own
anchor (data that contains itself) is refused, so no walk over the data can go on forever.
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import TemplateDecodeError
from .limits import MAX_ALIAS_NODES, MAX_DEPTH

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


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def check_aliases(root: yaml.Node, path: str) -> None:
    """Refuse a composed document whose aliases expand it by more than
    :data:`~.limits.MAX_ALIAS_NODES` nodes, or that contains itself. Each node is visited
    once (expanded sizes are memoised), without recursion."""
    expanded: dict[int, int] = {}  # id(node) -> nodes in its expanded subtree
    open_nodes: set[int] = set()  # nodes whose subtree is being visited
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_nodes.discard(key)
            expanded[key] = 1 + sum(expanded[id(child)] for child in _children(node))
            if expanded[key] - len(expanded) > MAX_ALIAS_NODES:
                raise TemplateDecodeError(
                    f"{path}: YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes, the limit"
                )
            continue
        if key in expanded:
            continue
        if key in open_nodes:
            mark = node.start_mark
            raise TemplateDecodeError(
                f"{path}:{mark.line + 1}: nested more than {MAX_DEPTH} levels deep "
                "(an alias inside its own anchor)"
            )
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _yaml_resource_lines(node: Any) -> dict[str, int]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if key.value == "Resources" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def _load(text: str, path: str) -> tuple[Any, dict[str, int]]:
    loader = _CfnLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if "*" in text:  # no alias without an asterisk: most templates skip the walk
            check_aliases(node, path)
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


def load_yaml(text: str, path: str = "<yaml>") -> Any:
    """YAML with CloudFormation short-form tags, as plain data (no template checks); aliases
    bounded as in :func:`check_aliases`."""
    return _load(text, path)[0]


def decode_yaml(text: str, path: str) -> tuple[Any, dict[str, int]]:
    """A YAML template's data (``None`` when empty) and the line of each resource."""
    return _load(text, path)
