"""Shared test settings: every floating-point exception is an error, as in the book's build."""

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("ci", deadline=None, max_examples=200, derandomize=True)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _raise_on_floating_point_errors() -> Iterator[None]:
    with np.errstate(all="raise"):
        yield
