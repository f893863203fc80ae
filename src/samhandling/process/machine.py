"""The shared Machine: ``transitions``' Machine with its dispatch trimmed to what the engine uses.

One :class:`SharedMachine` is compiled per process definition and fires every act of every case of it (``Case`` is a
plain object with a ``_state`` slot; the Machine holds no model). It is ``transitions.Machine`` with the three
classes transitions lets a subclass replace (``state_cls``, ``transition_cls``, ``event_cls``): the same states,
transitions, conditions, callbacks and errors, with less work per trigger:

- ``Event.trigger`` calls ``_trigger`` directly when the Machine has no queue (transitions wraps it in a
  ``functools.partial`` and hands it to ``Machine._process``, which then only calls it: its queue stays empty); a
  queued Machine queues as transitions does (the queued call then runs the methods below);
- empty callback lists (prepare, before, after, on_enter, on_exit, on_final, prepare_event) are not walked;
- transitions' debug/info log lines are not written (``logging.getLogger("transitions")``): the engine records
  every act as an event, which is the log a user reads; a failing ``finalize_event`` callback is still logged as
  an error, as transitions does;
- the conditions are checked in order as ``Transition._eval_conditions`` does, without its log line (a further
  subclass that overrides ``_eval_conditions`` is not asked).

This overrides private methods of transitions (``Event._trigger``, ``Event._process``, ``Transition._change_state``),
so the dependency is pinned below 0.10 (``pyproject.toml``); a release inside that range that changed them would
show in ``tests/test_machine.py``, which compares with the installed release.

Why: the engine judges an act before it fires it, so transitions' dispatch is work done a second time; trimmed, a
trigger costs about half (``benchmarks/engine.py`` prints the engine against both the stock and this Machine).
``tests/test_machine.py`` drives this Machine and the stock one side by side on random machines with conditions,
callbacks, internal and final transitions, and requires the same states, results, callback order and errors.
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

from transitions import Event, EventData, Machine, State, Transition

_LOGGER = logging.getLogger("transitions.core")  # transitions' own logger, for the one line kept (a failing finalizer)


class SharedState(State):
    """A state whose enter/exit skip an empty callback list."""

    def enter(self, event_data: Any) -> None:
        if self.on_enter:
            event_data.machine.callbacks(self.on_enter, event_data)

    def exit(self, event_data: Any) -> None:
        if self.on_exit:
            event_data.machine.callbacks(self.on_exit, event_data)


class SharedTransition(Transition):
    """A transition that walks only the callback lists that hold something."""

    def execute(self, event_data: Any) -> bool:
        machine = event_data.machine
        if self.prepare:
            machine.callbacks(self.prepare, event_data)
        for condition in self.conditions:
            if not condition.check(event_data):
                return False
        if self.before or machine.before_state_change:
            machine.callbacks(itertools.chain(machine.before_state_change, self.before), event_data)
        if self.dest:  # None: an internal transition, no change of state
            self._change_state(event_data)
        if self.after or machine.after_state_change:
            machine.callbacks(itertools.chain(self.after, machine.after_state_change), event_data)
        return True

    def _change_state(self, event_data: Any) -> None:
        # transitions' own steps (its errors for a state it does not know, the state read back from the model),
        # less the walks over empty callback lists.
        machine = event_data.machine
        machine.get_state(self.source).exit(event_data)
        machine.set_state(self.dest, event_data.model)
        event_data.update(getattr(event_data.model, machine.model_attribute))
        dest = machine.get_state(self.dest)
        dest.enter(event_data)
        if dest.final and machine.on_final:
            machine.callbacks(machine.on_final, event_data)


class SharedEvent(Event):
    """An event that runs its transitions directly when the Machine has no queue."""

    def trigger(self, model: Any, *args: Any, **kwargs: Any) -> bool:
        machine = self.machine
        if machine.has_queue:  # transitions' own path (without a queue, Machine._process only calls the partial)
            result: bool = super().trigger(model, *args, **kwargs)
            return result
        result = self._trigger(EventData(None, self, machine, model, args, kwargs))
        return result

    def _trigger(self, event_data: Any) -> bool:
        machine = self.machine
        event_data.state = machine.get_model_state(event_data.model)
        try:
            if self._is_valid_source(event_data.state):
                self._process(event_data)
        except BaseException as err:
            event_data.error = err
            if machine.on_exception:
                machine.callbacks(machine.on_exception, event_data)
            else:
                raise
        finally:
            if machine.finalize_event:
                try:
                    machine.callbacks(machine.finalize_event, event_data)
                except BaseException as err:  # as transitions: a failing finalizer is logged, not raised
                    _LOGGER.error(
                        "%sWhile executing finalize callbacks a %s occurred: %s.",
                        machine.name,
                        type(err).__name__,
                        str(err),
                    )
        result: bool = event_data.result  # as transitions: whatever an on_exception callback left there
        return result

    def _process(self, event_data: Any) -> bool:
        machine = self.machine
        if machine.prepare_event:
            machine.callbacks(machine.prepare_event, event_data)
        for transition in self.transitions[event_data.state.name]:
            event_data.transition = transition
            if transition.execute(event_data):
                event_data.result = True
                break
        result: bool = event_data.result
        return result


class SharedMachine(Machine):
    """``transitions.Machine`` with the trimmed state, transition and event classes above."""

    state_cls = SharedState
    transition_cls = SharedTransition
    event_cls = SharedEvent
