"""Commands in a backtest (LEAN's Command, add_command, link, broadcast_command, on_command)
and notifications (``self.notify``): links as LEAN writes them, with the query strings of
LEAN's CallbackCommandRegressionAlgorithm."""

from __future__ import annotations

import pytest
from runner_helpers import run_algorithm

from local_lean.algorithm import QCAlgorithm
from local_lean.commands import Command, command_fields, command_link
from local_lean.enums import Resolution


class BoolCommand(Command):
    something_else = {}
    array_test = []
    result = False

    def run(self, algorithm):
        return self.result


class VoidCommand:
    quantity = 0
    target = []
    parameters = {}

    def run(self, algorithm):
        return None


class NotACommand:
    variable = 10


def bool_command() -> BoolCommand:
    command = BoolCommand()
    command.result = True
    command.something_else = {"Property": 10}
    command.array_test = ["SPY", "BTCUSD"]
    return command


def test_a_command_subclass_serializes_its_members_alphabetically_without_methods():
    assert command_fields(bool_command()) == {
        "array_test": ["SPY", "BTCUSD"],
        "result": True,
        "something_else": {"Property": 10},
    }
    # Members without a value are left out.
    assert command_fields(BoolCommand()) == {}


def test_links_as_leans_regression_algorithm_expects_them():
    link = command_link(21805137, bool_command(), {"BoolCommand"})
    assert link.startswith("https://www.quantconnect.com/api/v2/live/commands/create?")
    assert (
        "&command%5barray_test%5d%5b0%5d=SPY&command%5barray_test%5d%5b1%5d=BTCUSD"
        "&command%5bresult%5d=True&command%5bsomething_else%5d%5bProperty%5d=10"
        "&command%5b%24type%5d=BoolCommand"
    ) in link
    void = VoidCommand()
    void.target = ["BAC"]
    void.quantity = 10
    void.parameters = {"tag": "Signal X"}
    assert (
        "&command%5btarget%5d%5b0%5d=BAC&command%5bquantity%5d=10"
        "&command%5bparameters%5d%5btag%5d=Signal+X&command%5b%24type%5d=VoidCommand"
    ) in command_link(0, void, {"VoidCommand"})
    untyped = command_link(0, {"symbol": "SPY", "parameters": {"quantity": 10}}, set())
    assert untyped.endswith(
        "projectId=0&command%5bsymbol%5d=SPY&command%5bparameters%5d%5bquantity%5d=10"
    )
    # An unregistered class gets no $type.
    assert "%24type" not in command_link(0, void, set())


def test_the_base_command_asks_for_run():
    with pytest.raises(NotImplementedError, match="implement the 'def run"):
        Command().run(None)


class UsesCommands(QCAlgorithm):
    def initialize(self):
        self.set_start_date(2013, 10, 7)
        self.set_end_date(2013, 10, 8)
        self.add_equity("SPY", Resolution.DAILY)
        self.add_command(BoolCommand)
        self.add_command(VoidCommand)
        try:
            self.add_command(NotACommand)
            self.refused = False
        except TypeError:
            self.refused = True
        self.project_id = 7
        self.link_text = self.link(bool_command())
        self.broadcasts = [self.broadcast_command(bool_command()) for _ in range(2)]
        self.emailed = self.notify.email("a@b.c", "subject", "message")
        self.on_command_default = self.on_command({"x": 1})


def test_a_backtest_registers_links_and_sends_nothing():
    algorithm, outcome = run_algorithm(UsesCommands)
    assert outcome.runtime_error is None
    assert algorithm.refused
    assert "projectId=7&" in algorithm.link_text
    assert "command%5b%24type%5d=BoolCommand" in algorithm.link_text
    assert algorithm.broadcasts == [None, None]
    warnings = [line for line in outcome.record.logs if "broadcast commands" in line]
    assert len(warnings) == 1
    assert algorithm.emailed is False
    assert algorithm.on_command_default is True
