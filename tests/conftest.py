"""Root conftest: the imagegen pytest plugin (sandbox fixtures), as users enable it."""

pytest_plugins = ["imagegen.testing"]
