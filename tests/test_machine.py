"""The engine's trimmed Machine (process/machine.py) behaves as transitions' own Machine.

Random machines (states, transitions with conditions and ``unless``, internal transitions, final states, every kind
of callback, queued or not, invalid triggers raised or ignored, a callback that raises) are built twice, once with
``transitions.Machine`` and once with ``SharedMachine``, and driven by the same random triggers: every trigger must
give the same result, the same state, the same callbacks in the same order, and the same error.
"""

from __future__ import annotations

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


class Boom(Exception):
    pass


class Model:
    def __init__(self) -> None:
        self.log: list[str] = []


def _recorder(model: Model, log_name: str, raises: bool = False) -> Any:
    def callback(*args: Any, **kwargs: Any) -> None:
        model.log.append(log_name)
        if raises:
            raise Boom(log_name)

    return callback


def _condition(flag: str) -> Any:
    def check(*args: Any, **kwargs: Any) -> bool:
        data = args[0].kwargs if args and hasattr(args[0], "kwargs") else kwargs
        return bool(data.get(flag))

    return check


transition_spec = st.fixed_dictionaries(
    {
        "trigger": st.sampled_from(TRIGGERS),
        "source": st.sampled_from(STATES),
        "dest": st.one_of(st.none(), st.sampled_from(STATES)),
        "conditions": st.lists(st.sampled_from(FLAGS), max_size=2),
        "unless": st.lists(st.sampled_from(FLAGS), max_size=1),
        "hooks": st.lists(st.sampled_from(HOOKS), max_size=3),
    }
)

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
        "raising": st.one_of(st.none(), st.sampled_from(["before", "enter_c", "finalize_event"])),
        "on_exception": st.booleans(),
        "queued": st.booleans(),
        "send_event": st.booleans(),
        "ignore_invalid": st.booleans(),
    }
)

drive = st.lists(
    st.tuples(st.sampled_from([*TRIGGERS, "t_unknown"]), st.booleans(), st.booleans()), min_size=1, max_size=15
)


def _build(cls: type[Any], state_cls: type[Any], spec: dict[str, Any], model: Model) -> Any:
    raising = spec["raising"]
    states = []
    for name in STATES:
        kwargs: dict[str, Any] = {"final": name in spec["final"]}
        if name in spec["enter_exit"]:
            kwargs["on_enter"] = [_recorder(model, f"enter_{name}", raises=raising == f"enter_{name}")]
            kwargs["on_exit"] = [_recorder(model, f"exit_{name}")]
        states.append(state_cls(name, **kwargs))
    transitions = []
    for i, t in enumerate(spec["transitions"]):
        item: dict[str, Any] = {
            "trigger": t["trigger"],
            "source": t["source"],
            "dest": t["dest"],
            "conditions": [_condition(f) for f in t["conditions"]],
            "unless": [_condition(f) for f in t["unless"]],
        }
        for hook in t["hooks"]:
            item[hook] = [_recorder(model, f"{hook}{i}", raises=raising == hook)]
        transitions.append(item)
    hooks: dict[str, Any] = {
        h: [_recorder(model, h, raises=raising == h and h == "finalize_event")] for h in spec["machine_hooks"]
    }
    if spec["on_exception"]:
        hooks["on_exception"] = [_recorder(model, "on_exception")]
    return cls(
        model=model,
        states=states,
        transitions=transitions,
        initial="a",
        auto_transitions=False,
        send_event=spec["send_event"],
        queued=spec["queued"],
        ignore_invalid_triggers=spec["ignore_invalid"],
        **hooks,
    )


def _run(machine: Any, model: Model, trigger: str, x: bool, y: bool) -> tuple[Any, ...]:
    if trigger not in machine.events:
        return (None, model.state, tuple(model.log))
    try:
        result: Any = machine.events[trigger].trigger(model, x=x, y=y)
    except (MachineError, Boom) as err:
        result = (type(err).__name__, str(err))
    return (result, model.state, tuple(model.log))


@settings(max_examples=300, deadline=None)
@given(spec=machine_spec, steps=drive)
def test_the_trimmed_machine_does_what_transitions_does(
    spec: dict[str, Any], steps: list[tuple[str, bool, bool]]
) -> None:
    stock_model, trimmed_model = Model(), Model()
    stock = _build(Machine, State, spec, stock_model)
    trimmed = _build(SharedMachine, SharedState, spec, trimmed_model)
    for trigger, x, y in steps:
        assert _run(trimmed, trimmed_model, trigger, x, y) == _run(stock, stock_model, trigger, x, y)


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
