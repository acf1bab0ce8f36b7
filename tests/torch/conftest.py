"""Fixtures and helpers shared by the torch tests."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator

import pytest
import torch


@pytest.fixture
def restore_threads() -> Iterator[None]:
    """Put torch's thread count back after a test (the command line changes it)."""
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Tiny models train fastest on one thread (and two contend on a busy host)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a process group)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def traceable() -> None:
    """Skip a test that traces the loss whole with ``torch.compile(fullgraph=True)`` when the
    code under test is a mutmut copy: mutmut's trampoline around every mutated function reads
    a context variable that dynamo cannot trace (the run would fail for every mutant alike)."""
    if "mutmut" in sys.modules:
        pytest.skip("mutmut's trampoline is not traceable by torch.compile(fullgraph=True)")
