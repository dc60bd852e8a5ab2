"""Validation rule expressions: arithmetic over element codes, evaluated safely.

`large_classes + huge_classes` or `pupils / classes` — names, numbers, + - * / and
parentheses, nothing else. Parsed with Python's ast and walked by hand: no eval.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

BINARY: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
COMPARE = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
    "!=": operator.ne,
}


class RuleSyntaxError(ValueError):
    pass


def _parse(expression: str) -> ast.expr:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise RuleSyntaxError(f"not an arithmetic expression: {expression!r}") from None
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.USub,
            ast.Name,
            ast.Load,
            ast.Constant,
        )
        if not isinstance(node, allowed + tuple(BINARY)):
            raise RuleSyntaxError(f"only names, numbers and + - * / are allowed: {expression!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise RuleSyntaxError(f"only numbers may appear as constants: {expression!r}")
    return tree.body


def rule_names(expression: str) -> set[str]:
    """The element codes an expression reads."""
    return {n.id for n in ast.walk(_parse(expression)) if isinstance(n, ast.Name)}


def evaluate(expression: str, values: dict[str, Decimal]) -> Decimal | None:
    """The expression's value, or None when a value it needs is missing or it divides by 0."""

    def walk(node: ast.expr) -> Decimal:
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            if value is None:
                raise LookupError(node.id)
            return value
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            return BINARY[type(node.op)](walk(node.left), walk(node.right))
        raise RuleSyntaxError("unexpected expression")

    try:
        return walk(_parse(expression))
    except (LookupError, DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None


def holds(left: str, op: str, right: str, values: dict[str, Any]) -> bool | None:
    """Whether `left op right` holds; None when it cannot be judged (missing values)."""
    a, b = evaluate(left, values), evaluate(right, values)
    if a is None or b is None:
        return None
    return bool(COMPARE[op](a, b))
