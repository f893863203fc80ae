"""The engine's trimmed Machine (process/machine.py) behaves as transitions' own Machine.

Random machines (states by name or as an Enum, transitions with conditions and ``unless``, wildcard sources,
reflexive and internal transitions, final states, every kind of callback, callbacks that raise or fire a nested
event, queued or not, invalid triggers raised or ignored per machine or per state, a model attribute of another
name) are built twice, once with ``transitions.Machine`` and once with ``SharedMachine``, and driven by the same
random triggers: every trigger must give the same result, the same state, the same callbacks in the same order
seeing the same event data (state, transition, error), and the same error.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transitions import Machine, MachineError, State

from samhandling.process.machine import SharedMachine, SharedState

STATES = ["a", "b", "c", "d"]
TRIGGERS = ["t0", "t1", "t2"]
FLAGS = ["x", "y"]
HOOKS = ["prepare", "before", "after"]


class Letters(enum.Enum):
    a = 1
    b = 2
    c = 3
    d = 4


class Boom(Exception):
    pass


class Model:
    def __init__(self) -> None:
        self.log: list[Any] = []


def _name(value: Any) -> Any:
    return value.name if isinstance(value, enum.Enum) else value


def _seen(model: Model, attr: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a callback sees: the model's state, and with ``send_event`` the event data's state, transition and
    error."""
    now = getattr(model, attr, None)  # as it is: an Enum member must stay one
    if not args or not hasattr(args[0], "machine"):
        return (now,)
    ed = args[0]
    transition = ed.transition
    return (
        now,
        None if ed.state is None else _name(ed.state.name),
        None if transition is None else (_name(transition.source), _name(transition.dest)),
        None if ed.error is None else type(ed.error).__name__,
        ed.result,
    )


def _recorder(model: Model, attr: str, log_name: str, raises: bool = False, fire: Any = None) -> Any:
    def callback(*args: Any, **kwargs: Any) -> None:
        model.log.append((log_name, *_seen(model, attr, args)))
        if fire is not None:
            fire()
        if raises:
            raise Boom(log_name)

    return callback


def _condition(model: Model, flag: str, raises: bool) -> Any:
    def check(*args: Any, **kwargs: Any) -> bool:
        if raises:
            model.log.append(("condition raises", flag))
            raise Boom(f"condition {flag}")
        data = args[0].kwargs if args and hasattr(args[0], "kwargs") else kwargs
        return bool(data.get(flag))

    return check


transition_spec = st.fixed_dictionaries(
    {
        "trigger": st.sampled_from(TRIGGERS),
        "source": st.sampled_from([*STATES, "*"]),
        "dest": st.one_of(st.none(), st.sampled_from([*STATES, "="])),
        "conditions": st.lists(st.sampled_from(FLAGS), max_size=2),
        "unless": st.lists(st.sampled_from(FLAGS), max_size=1),
        "hooks": st.lists(st.sampled_from(HOOKS), max_size=3),
    }
)

RAISING = [
    None,
    "prepare",
    "before",
    "after",
    "condition",
    "enter_c",
    "exit_b",
    "on_final",
    "on_exception",
    "finalize_event",
]

machine_spec = st.fixed_dictionaries(
    {
        "transitions": st.lists(transition_spec, min_size=1, max_size=10),
        "final": st.sets(st.sampled_from(STATES), max_size=2),
        "enter_exit": st.sets(st.sampled_from(STATES), max_size=4),
        "machine_hooks": st.sets(
            st.sampled_from(
                ["prepare_event", "finalize_event", "before_state_change", "after_state_change", "on_final"]
            ),
            max_size=5,
        ),
        "raising": st.sampled_from(RAISING),
        "nested": st.booleans(),  # entering d fires t0 again
        "on_exception": st.booleans(),
        "queued": st.booleans(),
        "send_event": st.booleans(),
        "ignore_invalid": st.booleans(),
        "ignoring_state": st.one_of(st.none(), st.sampled_from(STATES)),
        "enum": st.booleans(),
        "attr": st.sampled_from(["state", "status"]),
    }
)

drive = st.lists(
    st.tuples(st.sampled_from([*TRIGGERS, "t_unknown"]), st.booleans(), st.booleans()), min_size=1, max_size=15
)


def _build(cls: type[Any], state_cls: type[Any], spec: dict[str, Any], model: Model) -> Any:
    raising, attr = spec["raising"], spec["attr"]

    def ref(name: str | None) -> Any:
        if name is None or name in ("*", "="):
            return name
        return Letters[name] if spec["enum"] else name

    holder: dict[str, Any] = {}

    def nested() -> None:
        # At most twice per machine: a queued nested event that enters d again would otherwise queue another one
        # for ever (and a direct one recurse).
        fired = holder.get("fired", 0)
        if fired >= 2 or "t0" not in holder["machine"].events:
            return
        holder["fired"] = fired + 1
        holder["machine"].events["t0"].trigger(model, x=True, y=False)

    states = []
    for name in STATES:
        kwargs: dict[str, Any] = {"final": name in spec["final"]}
        if name == spec["ignoring_state"]:
            kwargs["ignore_invalid_triggers"] = True
        enter_hooks = []
        if name in spec["enter_exit"]:
            enter_hooks.append(_recorder(model, attr, f"enter_{name}", raises=raising == f"enter_{name}"))
            kwargs["on_exit"] = [_recorder(model, attr, f"exit_{name}", raises=raising == f"exit_{name}")]
        if name == "d" and spec["nested"]:
            enter_hooks.append(_recorder(model, attr, "enter_d_fires", fire=nested))
        if enter_hooks:
            kwargs["on_enter"] = enter_hooks
        states.append(state_cls(ref(name), **kwargs))
    transitions = []
    for i, t in enumerate(spec["transitions"]):
        item: dict[str, Any] = {
            "trigger": t["trigger"],
            "source": ref(t["source"]),
            "dest": ref(t["dest"]),
            "conditions": [_condition(model, f, raising == "condition" and i == 0) for f in t["conditions"]],
            "unless": [_condition(model, f, False) for f in t["unless"]],
        }
        for hook in t["hooks"]:
            item[hook] = [_recorder(model, attr, f"{hook}{i}", raises=raising == hook)]
        transitions.append(item)
    hooks: dict[str, Any] = {h: [_recorder(model, attr, h, raises=raising == h)] for h in spec["machine_hooks"]}
    if spec["on_exception"]:
        hooks["on_exception"] = [_recorder(model, attr, "on_exception", raises=raising == "on_exception")]
    machine = cls(
        model=model,
        states=states,
        transitions=transitions,
        initial=ref("a"),
        auto_transitions=False,
        send_event=spec["send_event"],
        queued=spec["queued"],
        ignore_invalid_triggers=spec["ignore_invalid"],
        model_attribute=attr,
        **hooks,
    )
    holder["machine"] = machine
    return machine


def _run(machine: Any, model: Model, attr: str, trigger: str, x: bool, y: bool) -> tuple[Any, ...]:
    if trigger not in machine.events:
        return (None, getattr(model, attr), tuple(model.log))
    try:
        result: Any = machine.events[trigger].trigger(model, x=x, y=y)
    except (MachineError, Boom, ValueError) as err:
        result = (type(err).__name__, str(err))
    return (result, getattr(model, attr), tuple(model.log))


@settings(max_examples=400, deadline=None)
@given(spec=machine_spec, steps=drive)
def test_the_trimmed_machine_does_what_transitions_does(
    spec: dict[str, Any], steps: list[tuple[str, bool, bool]]
) -> None:
    stock_model, trimmed_model = Model(), Model()
    stock = _build(Machine, State, spec, stock_model)
    trimmed = _build(SharedMachine, SharedState, spec, trimmed_model)
    for trigger, x, y in steps:
        expected = _run(stock, stock_model, spec["attr"], trigger, x, y)
        assert _run(trimmed, trimmed_model, spec["attr"], trigger, x, y) == expected


@pytest.mark.parametrize("cls", [Machine, SharedMachine])
def test_a_destination_the_machine_does_not_know_is_the_same_error(cls: type[Any]) -> None:
    model = Model()
    machine = cls(model=model, states=["a"], initial="a", auto_transitions=False)
    machine.add_transition("go", "a", "nowhere")
    with pytest.raises(ValueError, match="State 'nowhere' is not a registered state"):
        machine.events["go"].trigger(model)


class Mapping:
    """A model whose state setter maps «b» to «c» (the event data must show what the model holds)."""

    def __init__(self) -> None:
        self.log: list[Any] = []
        self._st = "a"

    @property
    def st(self) -> str:
        return self._st

    @st.setter
    def st(self, value: str) -> None:
        self._st = "c" if value == "b" else value


@pytest.mark.parametrize("cls", [Machine, SharedMachine])
def test_the_event_data_shows_the_state_the_model_holds(cls: type[Any]) -> None:
    model = Mapping()
    seen: list[str] = []
    machine = cls(
        model=model,
        states=["a", "b", "c"],
        transitions=[{"trigger": "go", "source": "a", "dest": "b"}],
        initial="a",
        auto_transitions=False,
        send_event=True,
        model_attribute="st",
        after_state_change=[lambda ed: seen.append(ed.state.name)],
    )
    machine.events["go"].trigger(model)
    assert (model.st, seen) == ("c", ["c"])


@pytest.mark.parametrize("cls", [Machine, SharedMachine])
def test_on_exception_may_leave_a_result_and_it_is_returned_as_it_is(cls: type[Any]) -> None:
    model = Model()

    def handled(ed: Any) -> None:
        ed.result = "handled"

    def boom(ed: Any) -> None:
        raise Boom("x")

    machine = cls(
        model=model,
        states=["a", "b"],
        transitions=[{"trigger": "go", "source": "a", "dest": "b", "before": [boom]}],
        initial="a",
        auto_transitions=False,
        send_event=True,
        on_exception=[handled],
    )
    assert machine.events["go"].trigger(model) == "handled"


@pytest.mark.parametrize("cls", [Machine, SharedMachine])
def test_a_failing_finalizer_is_logged_as_transitions_logs_it(cls: type[Any], caplog: pytest.LogCaptureFixture) -> None:
    model = Model()

    def boom(ed: Any) -> None:
        raise Boom("ferdig")

    machine = cls(
        model=model,
        states=["a", "b"],
        transitions=[{"trigger": "go", "source": "a", "dest": "b"}],
        initial="a",
        auto_transitions=False,
        send_event=True,
        finalize_event=[boom],
    )
    with caplog.at_level(logging.ERROR, logger="transitions.core"):
        assert machine.events["go"].trigger(model) is True
    assert [r.getMessage() for r in caplog.records] == ["While executing finalize callbacks a Boom occurred: ferdig."]


def test_a_shared_machine_fires_plain_objects_without_a_model() -> None:
    class Plain:
        __slots__ = ("_state",)

        def __init__(self) -> None:
            self._state = "a"

    machine = SharedMachine(
        model=None,
        states=[SharedState("a"), SharedState("b", final=True)],
        transitions=[{"trigger": "go", "source": "a", "dest": "b"}],
        initial="a",
        auto_transitions=False,
        send_event=True,
        model_attribute="_state",
    )
    one, two = Plain(), Plain()
    assert machine.events["go"].trigger(one) is True
    assert (one._state, two._state) == ("b", "a")
    with pytest.raises(MachineError, match="Can't trigger event go from state b"):
        machine.events["go"].trigger(one)


def test_the_engine_compiles_its_process_into_the_trimmed_machine() -> None:
    import samhandling
    from samhandling.process.loader import get_process

    definition = get_process(samhandling.load("sor-rogaland"), "tjenestemodell")
    assert type(definition.machine) is SharedMachine
    assert all(type(s) is SharedState for s in definition.machine.states.values())
