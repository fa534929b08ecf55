"""Root conftest: the imagegen pytest plugin (sandbox fixtures), enabled as users enable it,
and pytester, to run a user's suite with that plugin."""

pytest_plugins = ["imagegen.testing", "pytester"]
