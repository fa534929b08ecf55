"""imagegen: a Python SDK for the imagegen image-generation API."""

from ._clock import Clock, SystemClock, VirtualClock

__version__ = "0.1.0"

__all__ = ["Clock", "SystemClock", "VirtualClock", "__version__"]
