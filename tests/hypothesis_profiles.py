"""Hypothesis profiles: "dev" (local runs, 200 examples) and "ci" (1,000), chosen by HYPOTHESIS_PROFILE or,
when that is unset, by the CI variable. Database-backed properties share one test transaction and take
their fixtures once per test, hence the health checks turned off and no deadline."""

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}

settings.register_profile("dev", max_examples=200, **_COMMON)
settings.register_profile("ci", max_examples=1000, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
