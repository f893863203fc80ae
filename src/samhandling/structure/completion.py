"""Reading a completion rule (how a decision completes) from YAML: the plain word of a body's ``decision_rule:``
or its mapping form, and a process act's ``rule:``. The engine judges positions by it
(:mod:`samhandling.process.engine`); the format is documented in ``docs/process-format.md``."""

from __future__ import annotations

from typing import Any

from samhandling.errors import SchemaError
from samhandling.formats.maps import MarkedMap
from samhandling.location import Location
from samhandling.structure.model import CompletionRule, DecisionRule

RULE_KEYS = {"kind", "k", "share", "veto", "quorum"}


def parse_share(value: Any, key: str, where: Location) -> tuple[int, int]:
    """«2/3», «1/2», 0.5 or a whole share («1») as (numerator, denominator), between 0 (exclusive) and 1."""
    from fractions import Fraction

    try:
        if isinstance(value, bool):
            raise ValueError
        share = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise SchemaError(
            f"«{key}» skal være en brøk som 2/3 eller 1/2, fant «{value}»", code="invalid-value", location=where
        ) from None
    if not 0 < share <= 1:
        raise SchemaError(f"«{key}» skal ligge mellom 0 og 1, fant «{value}»", code="invalid-value", location=where)
    return share.numerator, share.denominator


def parse_completion_rule(raw: Any, where: Location) -> CompletionRule:
    """A completion rule from a word (``consensus``) or a mapping (``{kind: k_of_n, k: 5}``); bad input raises
    :class:`~samhandling.errors.SchemaError` naming the line."""
    if isinstance(raw, str):
        try:
            return CompletionRule(kind=DecisionRule(raw), location=where)
        except ValueError:
            raise SchemaError(
                f"ukjent beslutningsregel «{raw}»; forventet en av: {', '.join(r.value for r in DecisionRule)}",
                code="invalid-value",
                location=where,
            ) from None
    m = MarkedMap(raw, "en beslutningsregel", where, RULE_KEYS)
    kind = m.enum("kind", DecisionRule)
    k = m.int("k")
    if kind is DecisionRule.K_OF_N and not k:
        raise SchemaError("regelen k_of_n krever k (et helt tall, minst 1)", code="missing-key", location=m.loc())
    if k is not None and kind is not DecisionRule.K_OF_N:
        raise SchemaError("«k» hører bare til regelen k_of_n", code="invalid-value", location=m.loc("k"))
    share = (1, 2)
    if m.has("share"):
        if kind is not DecisionRule.MAJORITY:
            raise SchemaError("«share» hører bare til regelen majority", code="invalid-value", location=m.loc("share"))
        share = parse_share(m.raw("share"), "share", m.loc("share"))
    quorum: int | tuple[int, int] | None = None
    if m.has("quorum"):
        value = m.raw("quorum")
        if isinstance(value, int) and not isinstance(value, bool):
            if value < 1:
                raise SchemaError("«quorum» må være minst 1", code="invalid-value", location=m.loc("quorum"))
            quorum = value
        else:
            quorum = parse_share(value, "quorum", m.loc("quorum"))
    return CompletionRule(kind=kind, k=k, share=share, veto=m.strs("veto"), quorum=quorum, location=m.loc())
