"""Binds every feature file of this folder to pytest-bdd (the steps come from the harness plugin)."""

from pytest_bdd import scenarios

scenarios(".")
