"""Properties of template decoding: JSON and YAML text decode to the data they were written
from, with the line of every resource; any other text is refused with one line naming the
file; YAML aliases are read up to the limit and refused past it. Every case has a time limit."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import templates
from time_limits import time_limit

from green_constructs.lint.decode import TemplateDecodeError, decode_text
from green_constructs.lint.limits import MAX_ALIAS_NODES

SECONDS = 5
CASES = settings(max_examples=150, deadline=None, derandomize=True)


@CASES
@given(template=templates, indent=st.sampled_from([None, 1, 2]))
def test_json_decodes_to_its_data_with_each_resource_line(template: dict, indent: int) -> None:
    text = json.dumps(template, indent=indent)
    with time_limit(SECONDS):
        decoded = decode_text(text, "t.json")
    assert decoded.template == template
    assert set(decoded.lines) == set(template["Resources"])
    lines = text.splitlines()
    for logical_id, line in decoded.lines.items():
        assert json.dumps(logical_id) + ":" in lines[line - 1]


@CASES
@given(template=templates, flow=st.booleans())
def test_yaml_decodes_to_its_data_with_each_resource_line(template: dict, flow: bool) -> None:
    text = yaml.safe_dump(template, default_flow_style=None if flow else False, width=10**6)
    with time_limit(SECONDS):
        decoded = decode_text(text, "t.yaml")
    assert decoded.template == template
    assert set(decoded.lines) == set(template["Resources"])


@CASES
@given(text=st.text(max_size=300) | st.binary(max_size=300).map(lambda b: b.decode("latin-1")))
@pytest.mark.parametrize("path", ["t.json", "t.yaml", "template"])
def test_any_text_decodes_or_is_refused_in_one_line(text: str, path: str) -> None:
    try:
        with time_limit(SECONDS):
            decoded = decode_text(text, path)
    except TemplateDecodeError as error:
        message = str(error)
        assert message.startswith(path) and "\n" not in message
    else:
        assert isinstance(decoded.template["Resources"], dict)


def _alias_levels(leaves: int, widths: list[int]) -> tuple[str, int]:
    """A template whose last anchor nests ``widths`` levels of aliases over ``leaves``
    scalars, used once; and how many nodes that anchor expands to."""
    lines = [f"a0: &a0 [{', '.join(['x'] * leaves)}]"]
    expanded = leaves + 1
    for level, width in enumerate(widths, start=1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
        expanded = 1 + width * expanded
    top = len(widths)
    lines.append(f"Resources: {{L: {{Type: AWS::Logs::LogGroup, Properties: {{X: *a{top}}}}}}}")
    return "\n".join(lines) + "\n", expanded


@CASES
@given(leaves=st.integers(1, 60), widths=st.lists(st.integers(1, 60), min_size=1, max_size=5))
def test_aliases_are_read_up_to_the_limit_and_refused_beyond(leaves: int, widths: list) -> None:
    text, expanded = _alias_levels(leaves, widths)
    try:
        with time_limit(SECONDS):
            decode_text(text, "a.yaml")
        refused = False
    except TemplateDecodeError as error:
        assert "aliases expand to more than" in str(error)
        refused = True
    if expanded <= MAX_ALIAS_NODES // 2:
        assert not refused
    if expanded > 2 * MAX_ALIAS_NODES:
        assert refused
