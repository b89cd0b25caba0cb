"""Every error filmkit raises, in one tree.

Each message names the bad value and the fix, so a learner can act on it without reading a traceback::

    FilmkitError                      anything filmkit raises on purpose
    ├── ConfigError                   a bad setting in filmkit.toml, the environment or fk.config.set(...)
    ├── MissingDependency             an optional library is not installed (also an ImportError)
    ├── PromptError
    │   ├── PromptSyntaxError         text that cannot be read as a Midjourney prompt
    │   └── PromptValidationError     a readable prompt that breaks a rule of its model version (.problems)
    ├── FileFormatError               a human-edited file (style bible, library, project) with line-numbered problems
    ├── StudioError                   making images and clips
    │   ├── StudioAuthError           missing or rejected API key
    │   ├── RateLimited               the service said "too many requests" and retries ran out
    │   ├── BudgetExceeded            the request would cross the credit cap; nothing was sent
    │   ├── RequestRejected           the service refused the request body (HTTP 400/422)
    │   ├── ServiceUnavailable        the service kept failing (5xx, timeouts) and retries ran out
    │   ├── TaskFailed                a remote task ended FAILED (.code, .advice)
    │   │   └── SafetyRefused         ... because moderation refused the prompt or image
    │   ├── TaskCancelled             a remote task was cancelled (by you, or Ctrl-C)
    │   └── DownloadError             an output could not be fetched (expired, too large, broken)
    ├── CatalogError                  the visual library (catalogue, imports, exports)
    ├── MediaError                    reading or writing images, audio or video (ffmpeg)
    ├── ScheduleError                 a keyframe/Deforum schedule string that cannot be read (.keyframe)
    ├── TimelineError                 an edit that cannot be rendered as asked
    ├── CourseError                   instructor commands (init, release, grade, gradebook)
    └── ProjectError                  a film project that cannot be rendered

Catch the base class to handle any of them, or a leaf to handle one:

>>> import filmkit as fk
>>> try:
...     fk.config.set(provider="midjourney")
... except fk.FilmkitError as err:
...     print(type(err).__name__, "-", str(err).split(";")[0])
ConfigError - provider must be one of previz, runway
"""
from __future__ import annotations

from typing import Any, Sequence

__all__ = [
    "FilmkitError", "ConfigError", "MissingDependency", "PromptError", "PromptSyntaxError",
    "PromptValidationError", "FileFormatError", "StudioError", "StudioAuthError", "RateLimited",
    "BudgetExceeded", "RequestRejected", "ServiceUnavailable", "TaskFailed", "SafetyRefused",
    "TaskCancelled", "DownloadError", "CatalogError", "MediaError", "ScheduleError", "TimelineError",
    "CourseError", "ProjectError",
]


class FilmkitError(Exception):
    """Base class of every error filmkit raises on purpose.

    Examples
    --------
    >>> import filmkit as fk
    >>> try:
    ...     fk.parse_schedule("0:(1.0), 10:(os.system('ls'))", max_frames=20)
    ... except fk.FilmkitError as err:                  # one except catches every filmkit error
    ...     print(type(err).__name__, "-", str(err).split(": ", 1)[1])
    ScheduleError - attribute access (os.system) is not allowed. ...
    """


class ConfigError(FilmkitError):
    """A setting has a value filmkit cannot use."""


class MissingDependency(FilmkitError, ImportError):
    """An optional library is missing; the message says what to install."""


class PromptError(FilmkitError):
    """Something is wrong with a prompt."""


class PromptSyntaxError(PromptError):
    """Text that cannot be read as a prompt (for example unbalanced ``{`` braces)."""


class PromptValidationError(PromptError):
    """A prompt breaks rules of its model version; ``.problems`` lists each one."""

    def __init__(self, problems: Sequence[Any], prompt: str = "") -> None:
        self.problems = list(problems)
        self.prompt = prompt
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the prompt has {len(self.problems)} problem(s):\n{lines}")


class FileFormatError(FilmkitError):
    """A human-edited file has problems; ``.problems`` holds ``(line, message)`` pairs."""

    def __init__(self, path: object, problems: Sequence[tuple[int | None, str]]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"  {path}:{ln if ln is not None else '?'}: {msg}" for ln, msg in self.problems)
        super().__init__(f"{path} has {len(self.problems)} problem(s):\n{lines}")


class StudioError(FilmkitError):
    """Making an image or clip failed."""


class StudioAuthError(StudioError):
    """The API key is missing or was rejected."""


class RateLimited(StudioError):
    """The service kept answering 429 after every retry."""


class BudgetExceeded(StudioError):
    """The request would cross the credit cap; nothing was sent."""


class RequestRejected(StudioError):
    """The service refused the request (HTTP 400/422); nothing was billed."""


class ServiceUnavailable(StudioError):
    """The service kept failing (5xx or timeouts) after every retry."""


class TaskFailed(StudioError):
    """A remote task ended FAILED. ``.code`` is the service's failure code, ``.advice`` what to change."""

    def __init__(self, message: str, *, code: str | None = None, advice: str = "", task_id: str = "") -> None:
        self.code = code
        self.advice = advice
        self.task_id = task_id
        super().__init__(message + (f" {advice}" if advice else ""))


class SafetyRefused(TaskFailed):
    """Moderation refused the prompt or the image; change them rather than retrying."""


class TaskCancelled(StudioError):
    """A remote task was cancelled."""


class DownloadError(StudioError):
    """An output could not be downloaded."""


class CatalogError(FilmkitError):
    """The visual library could not do what was asked."""


class MediaError(FilmkitError):
    """Reading or writing media failed."""


class ScheduleError(FilmkitError):
    """A schedule string cannot be read; ``.keyframe`` is the broken part."""

    def __init__(self, message: str, *, keyframe: str | None = None) -> None:
        self.keyframe = keyframe
        super().__init__(message)


class TimelineError(FilmkitError):
    """An edit cannot be rendered as asked."""


class CourseError(FilmkitError):
    """An instructor command failed."""


class ProjectError(FilmkitError):
    """A film project cannot be rendered."""
