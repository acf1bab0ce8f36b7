"""Test configuration: hypothesis profiles.

``ci`` (the default) runs every property test with at least 200 examples, no deadline and
a fixed (derandomised) example sequence, so a CI run is reproducible; ``explore`` is the
same with fresh random examples each run (``HYPOTHESIS_PROFILE=explore pytest``, for bug
hunting); ``dev`` runs 30 random examples for quick local iterations.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    database=None, print_blob=True, derandomize=True,
)
settings.register_profile(
    "explore", max_examples=200, deadline=None,
    suppress_health_check=[HealthCheck.too_slow], print_blob=True,
)
settings.register_profile(
    "dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
