"""Import heavy optional libraries only when a function needs them, with a message that says what to install."""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingDependency

# module name -> (pip package, why filmkit needs it)
_PACKAGES = {
    "cv2": ("opencv-python-headless", "camera moves, tracking and optical flow"),
    "librosa": ("librosa", "beats, onsets and band envelopes"),
    "moviepy": ("moviepy", "reading and writing clips"),
    "ipywidgets": ("ipywidgets", "the interactive notebook widgets"),
    "httpx": ("httpx", "downloads"),
    "runwayml": ("runwayml", "talking to the Runway API"),
    "c2pa": ("c2pa-python", "content credentials"),
    "imagehash": ("ImageHash", "duplicate detection"),
    "imageio_ffmpeg": ("imageio-ffmpeg", "the ffmpeg binary"),
    "matplotlib": ("matplotlib", "plots"),
    "yaml": ("PyYAML", "YAML files"),
    "tqdm": ("tqdm", "progress bars"),
    "nbgrader": ("nbgrader", "grading exercises"),
}


def require(module: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependency` naming the package to install.

    >>> require("json").dumps([1])
    '[1]'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        pkg, why = _PACKAGES.get(top, (top, "this feature"))
        raise MissingDependency(
            f"{module} is needed for {why} but is not installed ({exc}). Install it with "
            f"`pip install {pkg}`, or re-run `python3 workshop.py`, which installs everything."
        ) from None
