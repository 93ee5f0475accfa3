"""Tokens for the prop-token tests of training, storage and monitoring: each is a CloudFormation
parameter's value, or (``context``) the same parameter's ``Ref`` put in the app's context and read
back from it, so both reach the template as ``{"Ref": name}``."""

from __future__ import annotations

from collections.abc import Iterable

import aws_cdk as cdk

from green_constructs import props

SOURCES = ("parameter", "context")
"""Where a test's tokens come from."""


class Tokens:
    """One stack whose props are tokens from ``source`` (one of :data:`SOURCES`); with
    ``context``, ``numbers`` and ``strings`` name the context values the app holds."""

    def __init__(
        self,
        source: str,
        *,
        numbers: Iterable[str] = (),
        strings: Iterable[str] = (),
        env: cdk.Environment | None = None,
    ) -> None:
        context: dict[str, object] = {}
        if source == "context":
            context.update({name: cdk.Token.as_number(cdk.Fn.ref(name)) for name in numbers})
            context.update({name: cdk.Fn.ref(name) for name in strings})
        self.source = source
        self.stack = cdk.Stack(cdk.App(context=context), "Tokens", env=env)

    def number(self, name: str) -> float:
        value = cdk.CfnParameter(self.stack, name, type="Number").value_as_number
        return value if self.source == "parameter" else self._context(name)

    def string(self, name: str) -> str:
        value = cdk.CfnParameter(self.stack, name).value_as_string
        return value if self.source == "parameter" else self._context(name)

    def days(self, name: str) -> cdk.Duration:
        return cdk.Duration.days(self.number(name))

    def _context(self, name: str):  # noqa: ANN202 - a number or a string, as put
        value = self.stack.node.get_context(name)
        assert props.is_token(value), f"{name} is not in the app's context as a token"
        return value


def notes(construct) -> list[str]:  # noqa: ANN001 - any construct
    """The props ``construct`` noted as unchecked tokens, in order."""
    return [
        entry.data.split(" is a token", 1)[0]
        for entry in construct.node.metadata
        if entry.type == props.UNCHECKED
    ]
