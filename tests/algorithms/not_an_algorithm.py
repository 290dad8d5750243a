# ruff: noqa: F403, F405 - LEAN algorithms star-import AlgorithmImports
"""A module with no QCAlgorithm subclass: the runner must refuse it."""

from AlgorithmImports import *


class JustAHelper:
    pass
