"""The instructor's side of the course: ``init``, ``release``, ``collect``, ``grade`` and ``gradebook``, on nbgrader.

The workflow (each step is one ``filmkit course`` command calling one function here)::

    filmkit course init filmart101 --timeout 60     # init_course: nbgrader course dir + config, sources copied
    filmkit course release --course filmart101      # release: release/ and the repo's exercises/
    filmkit course collect --course filmart101      # collect: from nbgrader's exchange, or --from DOWNLOADS
    filmkit course grade --course filmart101        # grade: parallel autograde + feedback HTML
    filmkit course gradebook --course filmart101    # gradebook: grades.csv, grades.png, a summary

Everything here uses nbgrader's Python API (:class:`nbgrader.apps.NbGraderAPI`, its converters and
:class:`nbgrader.api.Gradebook`); nothing shells out to the ``nbgrader`` command. What filmkit adds:

- **one source per exercise**: ``solutions/NN_topic.ipynb`` is copied (or linked) into the course's
  ``source/NN_topic/``; :func:`release` generates the learner version into ``release/`` *and* refreshes the
  repository's ``exercises/`` folder, so the two can never drift;
- **parallel grading** (nbgrader's own autograde is strictly serial): :func:`grade` autogrades every
  submission in worker processes, each grading a disjoint set of students against the shared gradebook, with a
  progress bar. A cell that loops forever is interrupted after the course's timeout and the rest of the
  notebook still runs; a cell that kills the kernel gets an error, the kernel is restarted and grading goes on
  (nbgrader alone would score that notebook 0). Either way the learner scores what they earned and nobody
  else waits;
- **feedback without leaks**: nbgrader copies hidden tests into the feedback HTML (nbgrader#917); filmkit
  removes every ``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS`` region from it, and cuts a failing test's
  traceback to its message (the traceback would quote the hidden lines);
- **explained failures**: a notebook in which a graded cell was duplicated fails as a whole in nbgrader, with a
  misleading message about an "old metadata format"; :func:`grade` finds the duplicate and says so.

How nbgrader treats learners' edits (filmkit keeps these rules and documents them):

- a locked test cell that was *edited* is restored from the source before grading (hidden tests included);
- a test cell that was *deleted* is **not** re-inserted: that part scores 0, even with a correct answer;
- an answer cell left at ``raise NotImplementedError()`` scores 0 on its tests; an untouched written answer
  (``YOUR ANSWER HERE``) scores 0 and is not flagged for manual grading.

Examples
--------
>>> import filmkit as fk, tempfile, pathlib
>>> course = fk.course.init_course(pathlib.Path(tempfile.mkdtemp()) / "filmart101", course_id="filmart101")
>>> course.course_id, sorted(p.name for p in course.exercises())[:1]
('filmart101', ['01_visual_language'])
>>> (course.root / "nbgrader_config.py").read_text().count("kernel_name")
1
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import CourseError

__all__ = [
    "REPO_ROOT",
    "Course",
    "GradeReport",
    "GradebookExport",
    "Submission",
    "add_submission",
    "collect",
    "duplicate_grade_ids",
    "grade",
    "gradebook",
    "init_course",
    "open_course",
    "release",
    "strip_hidden_tests",
    "workspace_of",
]

#: the repository this package lives in (``solutions/`` and ``exercises/`` sit beside ``toolkit/``)
REPO_ROOT = Path(__file__).resolve().parents[2]
_META = ".filmkit-course.json"
# a hidden region never spans two <pre> blocks of the HTML (so a stray marker cannot swallow other cells)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(?:(?!</pre>).)*?### END HIDDEN TESTS", re.DOTALL)
_HIDDEN_NOTE = "# (hidden tests: they run when your work is graded)"  # same words as _grading_worker


# --- values ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Course:
    """An nbgrader course directory made by :func:`init_course`."""

    root: Path
    course_id: str
    solutions: Path | None = None
    timeout: int = 60

    def exercises(self) -> list[Path]:
        """The exercise folders under ``source/``, in order."""
        src = self.root / "source"
        return sorted(p for p in src.iterdir() if p.is_dir()) if src.is_dir() else []

    def submissions(self, exercise: str) -> list[str]:
        """Student ids with a submission of ``exercise`` under ``submitted/``."""
        sub = self.root / "submitted"
        if not sub.is_dir():
            return []
        return sorted(p.name for p in sub.iterdir() if (p / exercise).is_dir())

    def __repr__(self) -> str:
        return f"Course({self.course_id!r} at {self.root}, {len(self.exercises())} exercise(s))"


@dataclass(frozen=True)
class Submission:
    """How one learner's submission of one exercise graded."""

    student: str
    exercise: str
    score: float
    max_score: float
    ok: bool
    message: str = ""
    auto_score: float = 0.0
    auto_max: float = 0.0
    needs_manual_grade: bool = False

    def __str__(self) -> str:
        mark = "" if self.ok else f"  ({self.message.splitlines()[0] if self.message else 'failed'})"
        manual = "  + written answer to mark" if self.needs_manual_grade else ""
        return (f"{self.student:<16} {self.exercise:<24} {self.score:g}/{self.max_score:g} "
                f"(autograded {self.auto_score:g}/{self.auto_max:g}){manual}{mark}")


@dataclass(frozen=True)
class GradeReport:
    """The result of :func:`grade`: one :class:`Submission` per learner and exercise."""

    submissions: tuple[Submission, ...]
    feedback: tuple[Path, ...] = ()

    @property
    def failed(self) -> tuple[Submission, ...]:
        """Submissions nbgrader could not grade (they score 0; ``message`` says why)."""
        return tuple(s for s in self.submissions if not s.ok)

    def score(self, student: str, exercise: str | None = None) -> float:
        """One learner's score (on one exercise, or summed)."""
        return sum(s.score for s in self.submissions
                   if s.student == student and (exercise is None or s.exercise == exercise))

    def __str__(self) -> str:
        return "\n".join(str(s) for s in self.submissions) or "no submissions"


@dataclass(frozen=True)
class GradebookExport:
    """What :func:`gradebook` wrote: a CSV, a histogram PNG, and a per-exercise summary."""

    csv: Path
    histogram: Path
    summary: dict[str, dict[str, float]] = field(hash=False)

    def __str__(self) -> str:
        rows = [f"{'exercise':<24} {'n':>3} {'mean':>6} {'median':>6} {'max':>5}"]
        for name, s in self.summary.items():
            rows.append(f"{name:<24} {s['n']:>3g} {s['mean']:>6.2f} {s['median']:>6.2f} {s['max_score']:>5g}")
        return "\n".join(rows + [f"csv: {self.csv}", f"histogram: {self.histogram}"])


# --- helpers -----------------------------------------------------------------------------------------------
def _tools_on_path() -> None:
    """nbgrader runs ``alembic`` by name; make sure this interpreter's bin folder is on PATH."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])


def open_course(course: str | Path | Course = ".") -> Course:
    """The course at ``course`` (a folder made by :func:`init_course`)."""
    if isinstance(course, Course):
        return course
    root = Path(course).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise CourseError(f"{root} is not a course directory (no nbgrader_config.py). "
                          f"Create one with `filmkit course init {course}`, or pass --course DIR.")
    meta: dict[str, Any] = {}
    if (root / _META).is_file():
        meta = json.loads((root / _META).read_text())
    sol = meta.get("solutions")
    return Course(root=root, course_id=meta.get("course_id", root.name), solutions=Path(sol) if sol else None,
                  timeout=int(meta.get("timeout", 60)))


def _config(course: Course) -> Any:
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    cfg.CourseDirectory.root = str(course.root)
    return cfg


def _api(course: Course, *, feedback: bool = False) -> Any:
    _tools_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = _config(course)
    from . import _grading_worker as W

    if feedback:
        from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
        from nbgrader.preprocessors import GetGrades

        cfg.GenerateFeedback.preprocessors = [GetGrades, W.HideHiddenTests, CSSHTMLHeaderPreprocessor]
    else:
        from nbgrader.converters import Autograde

        steps = Autograde.class_traits()["autograde_preprocessors"].default()
        cfg.Autograde.autograde_preprocessors = [W.RecoveringExecute if s.__name__ == "Execute" else s
                                                 for s in steps]
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def _db_url(course: Course) -> str:
    return f"sqlite:///{course.root / 'gradebook.db'}"


def _check(result: dict[str, Any], what: str) -> None:
    if not result.get("success"):
        detail = (result.get("error") or result.get("log") or "").strip().splitlines()
        raise CourseError(f"nbgrader could not {what}: {detail[-1] if detail else 'no details'}. "
                          "Run it again with the full log: `nbgrader " + what.split()[0] + " --debug`.")


def _exercise_names(course: Course, exercise: str | None) -> list[str]:
    names = [p.name for p in course.exercises()]
    if exercise is None:
        return names
    if exercise not in names:
        raise CourseError(f"no exercise {exercise!r} in {course.root / 'source'}; choose one of {names}.")
    return [exercise]


# --- init ------------------------------------------------------------------------------------------------------
_CONFIG = '''\
# nbgrader configuration written by `filmkit course init`. Edit freely; filmkit reads it on every command.
c = get_config()  # noqa: F821 (provided by traitlets)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.CourseDirectory.max_file_size = {max_file_size}  # KB per file copied from a submission (nbgrader#874)

# grade with the kernel every machine has, whatever a learner's notebook names (nbgrader#1375, #417)
c.ExecutePreprocessor.kernel_name = "python3"
# a cell that runs longer than this is interrupted; the rest of the notebook still runs
c.ExecutePreprocessor.timeout = {timeout}
c.Execute.timeout = {timeout}

c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Exchange.root = {exchange!r}
'''


def init_course(directory: str | Path, *, course_id: str | None = None, solutions: str | Path | None = None,
                timeout: int = 60, max_file_size: int = 100_000, link: bool = False,
                exchange: str | Path | None = None) -> Course:
    """Create an nbgrader course directory whose sources are this kit's ``solutions/`` notebooks.

    Parameters
    ----------
    directory
        The course folder to create (or refresh: existing grades are kept).
    course_id
        nbgrader's course id; defaults to the folder's name.
    solutions
        Where the source notebooks live (default: the repository's ``solutions/``). Each
        ``NN_topic.ipynb`` becomes the exercise ``NN_topic`` (``source/NN_topic/NN_topic.ipynb``).
    timeout
        Seconds a single cell may run while grading before it is interrupted.
    max_file_size
        Largest file (in KB) nbgrader copies from a submission.
    link
        Symlink the sources instead of copying them (edits in ``solutions/`` show at once).
    exchange
        nbgrader's exchange folder for ``release_assignment``/``collect`` (default: ``DIR/exchange``).

    Examples
    --------
    >>> import filmkit as fk, tempfile, pathlib
    >>> c = fk.course.init_course(pathlib.Path(tempfile.mkdtemp()) / "demo", timeout=20)
    >>> c.timeout, (c.root / "source" / "02_prompt_anatomy" / "02_prompt_anatomy.ipynb").is_file()
    (20, True)
    """
    root = Path(directory).resolve()
    sol = Path(solutions).resolve() if solutions is not None else REPO_ROOT / "solutions"
    notebooks = sorted(sol.glob("*.ipynb")) if sol.is_dir() else []
    if not notebooks:
        raise CourseError(f"no source notebooks in {sol}; pass solutions=DIR (--solutions DIR) pointing at the "
                          "folder of nbgrader source notebooks (NN_topic.ipynb).")
    if timeout <= 0:
        raise CourseError(f"timeout must be a positive number of seconds; got {timeout}.")
    cid = course_id or re.sub(r"[^A-Za-z0-9_-]", "-", root.name)
    root.mkdir(parents=True, exist_ok=True)
    ex = Path(exchange).resolve() if exchange is not None else root / "exchange"
    (root / "nbgrader_config.py").write_text(_CONFIG.format(course_id=cid, root=str(root), timeout=int(timeout),
                                                            max_file_size=int(max_file_size), exchange=str(ex)))
    (root / _META).write_text(json.dumps({"course_id": cid, "solutions": str(sol), "timeout": int(timeout),
                                          "link": bool(link)}, indent=2))
    for nb in notebooks:
        _sync_source(root, nb, link=link)
    return open_course(root)


def _sync_source(root: Path, nb: Path, *, link: bool) -> Path:
    dest = root / "source" / nb.stem / nb.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.is_symlink() or dest.exists():
        if dest.is_symlink() and dest.resolve() == nb.resolve():
            return dest
        dest.unlink()
    if link:
        dest.symlink_to(nb.resolve())
    else:
        shutil.copy2(nb, dest)
    return dest


# --- release -----------------------------------------------------------------------------------------------------
def release(exercise: str | None = None, *, course: str | Path | Course = ".",
            exercises_dir: str | Path | None = None, exchange: bool = False) -> list[Path]:
    """Generate the learner version of one exercise (or all) into ``release/`` and refresh ``exercises/``.

    The sources are first refreshed from the course's ``solutions/`` folder, so edit the solutions, never
    ``source/`` or ``exercises/``. Returns the learner notebooks written to ``exercises_dir``
    (default: ``exercises/`` beside the solutions). With ``exchange=True`` the learner versions are also put in
    nbgrader's exchange, where learners on a shared JupyterHub fetch them. ``filmkit course release`` calls this.
    """
    c = open_course(course)
    meta = json.loads((c.root / _META).read_text()) if (c.root / _META).is_file() else {}
    if c.solutions is not None and c.solutions.is_dir():
        for nb in sorted(c.solutions.glob("*.ipynb")):
            if exercise is None or nb.stem == exercise:
                _sync_source(c.root, nb, link=bool(meta.get("link")))
    out_dir = Path(exercises_dir) if exercises_dir is not None else (
        (c.solutions.parent if c.solutions is not None else REPO_ROOT) / "exercises")
    api = _api(c)
    written: list[Path] = []
    for name in _exercise_names(c, exercise):
        _check(api.generate_assignment(name, force=True, create=True), f"generate_assignment {name}")
        out_dir.mkdir(parents=True, exist_ok=True)
        for nb in sorted((c.root / "release" / name).glob("*.ipynb")):
            dest = out_dir / nb.name
            shutil.copyfile(nb, dest)
            written.append(dest)
        if exchange:
            _check(api.release_assignment(name), f"release_assignment {name}")
    return written


def collect(exercise: str | None = None, *, course: str | Path | Course = ".",
            from_dir: str | Path | None = None) -> list[Path]:
    """Gather learners' notebooks into ``submitted/<student>/<exercise>/``; returns the submitted notebooks.

    Without ``from_dir``, this is nbgrader's ``collect`` from the exchange (the newest submission of each
    learner). With ``from_dir`` (notebooks downloaded from an LMS or e-mail), each ``<student>.ipynb`` or
    ``<student>/<anything>.ipynb`` in it becomes that student's submission of ``exercise``.
    """
    c = open_course(course)
    if from_dir is not None:
        if exercise is None:
            raise CourseError("say which exercise these notebooks answer: collect(EXERCISE, from_dir=...) "
                              "(`filmkit course collect EXERCISE --from DIR`).")
        src = Path(from_dir)
        if not src.is_dir():
            raise CourseError(f"{src} is not a folder of notebooks.")
        found = [(p.stem, p) for p in sorted(src.glob("*.ipynb"))]
        found += [(d.name, nb) for d in sorted(src.iterdir()) if d.is_dir() for nb in sorted(d.glob("*.ipynb"))[:1]]
        if not found:
            raise CourseError(f"no notebooks in {src}; expected <student>.ipynb or <student>/<notebook>.ipynb.")
        return [add_submission(c, student, nb, exercise=exercise) for student, nb in found]
    api = _api(c)
    for name in _exercise_names(c, exercise):
        _check(api.collect(name, update=True), f"collect {name}")
    return sorted((c.root / "submitted").glob(f"*/{exercise or '*'}/*.ipynb"))


def add_submission(course: str | Path | Course, student: str, notebook: str | Path, *,
                   exercise: str | None = None, timestamp: str | None = None) -> Path:
    """Place a learner's notebook under ``submitted/<student>/<exercise>/`` as nbgrader's ``collect`` would.

    Use it when notebooks arrive by e-mail or LMS download rather than through nbgrader's exchange.
    """
    c = open_course(course)
    src = Path(notebook)
    name = exercise or src.stem
    _exercise_names(c, name)
    dest = c.root / "submitted" / student / name / f"{name}.ipynb"
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    stamp = timestamp or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (dest.parent / "timestamp.txt").write_text(stamp)
    return dest


# --- grade ---------------------------------------------------------------------------------------------------------
def duplicate_grade_ids(notebook: str | Path) -> list[str]:
    """The nbgrader cell ids that appear more than once in ``notebook`` (a copied graded cell).

    nbgrader fails such a notebook as a whole and blames an "old metadata format"; this names the real cause.
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)  # type: ignore[no-untyped-call]
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    return sorted(k for k, n in Counter(i for i in ids if i).items() if n > 1)


def strip_hidden_tests(html: str) -> str:
    """Remove every hidden-test region from feedback HTML (nbgrader copies them in, nbgrader#917).

    >>> strip_hidden_tests("assert a\\n### BEGIN HIDDEN TESTS\\nassert b == 42\\n### END HIDDEN TESTS\\n")
    'assert a\\n# (hidden tests: they run when your work is graded)\\n'
    """
    return _HIDDEN.sub(_HIDDEN_NOTE, html)


_WORKER_API: Any = None


def _worker_log(path: str) -> None:
    """Send a worker's stderr (kernel start-up chatter, SQLAlchemy warnings) to a log file in the course."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)
    os.close(fd)


def workspace_of(course: str | Path | Course, student: str, exercise: str) -> Path:
    """The filmkit workspace a submission was graded in: what its notebook generated and rendered (a capstone's
    film is at ``capstone/film/film.mp4`` in it). Made fresh each time the submission is graded.

    Examples
    --------
    >>> import tempfile
    >>> from filmkit import course
    >>> c = course.init_course(tempfile.mkdtemp(), course_id="demo")
    >>> course.workspace_of(c, "ada", "13_capstone").relative_to(c.root).as_posix()
    'workspaces/ada/13_capstone'
    """
    return open_course(course).root / "workspaces" / student / exercise


def _grade_one(root: str, exercise: str, student: str) -> tuple[str, str, bool, str]:
    """Autograde one submission in a worker process (the API is built once per worker)."""
    global _WORKER_API
    import warnings

    warnings.filterwarnings("ignore", message=".*not in session.*")  # nbgrader's SQLAlchemy noise
    course = open_course(root)
    if _WORKER_API is None:
        _WORKER_API = _api(course)
    # Each submission runs in a workspace of its own, made fresh: no learner's renders, cache or library can
    # leak into another's grade (parallel workers never share one), and what a notebook rendered (a capstone
    # film) stays where the instructor can watch it: workspaces/<student>/<exercise>/ in the course.
    ws = workspace_of(course, student, exercise)
    shutil.rmtree(ws, ignore_errors=True)
    before = os.environ.get("FILMKIT_WORKSPACE")
    os.environ["FILMKIT_WORKSPACE"] = str(ws)  # the kernel inherits it
    result: dict[str, Any] = {}
    try:
        for attempt in range(3):  # sqlite may be busy while another worker commits
            result = _WORKER_API.autograde(exercise, student, force=True, create=True)
            text = (result.get("error") or "") + (result.get("log") or "")
            if result.get("success") or not ("database is locked" in text or "UNIQUE constraint failed" in text):
                break
    finally:
        if before is None:
            os.environ.pop("FILMKIT_WORKSPACE", None)
        else:
            os.environ["FILMKIT_WORKSPACE"] = before
    message = ""
    if not result.get("success"):
        nb = course.root / "submitted" / student / exercise
        dups = [d for f in sorted(nb.glob("*.ipynb")) for d in duplicate_grade_ids(f)]
        if dups:
            message = (f"the graded cell(s) {', '.join(map(repr, dups))} appear more than once (a copied cell keeps "
                       "its nbgrader id), so nbgrader refused the whole notebook. Delete the copy, keep one "
                       "cell per id, and grade again.")
        else:
            lines = [ln for ln in (result.get("error") or result.get("log") or "").splitlines() if ln.strip()]
            message = "nbgrader could not grade it: " + (lines[-1] if lines else "no details")
    return student, exercise, bool(result.get("success")), message


def _scores(course: Course, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    from nbgrader.api import Gradebook, MissingEntry

    out: dict[tuple[str, str], dict[str, Any]] = {}
    with Gradebook(_db_url(course)) as gb:
        for student, exercise in pairs:
            a = gb.find_assignment(exercise)
            try:
                sub = gb.find_submission(exercise, student)
                out[(student, exercise)] = {"score": float(sub.score), "max_score": float(sub.max_score),
                                            "auto_score": float(sub.code_score), "auto_max": float(sub.max_code_score),
                                            "needs_manual_grade": bool(sub.needs_manual_grade)}
            except MissingEntry:
                out[(student, exercise)] = {"score": 0.0, "max_score": float(a.max_score), "auto_score": 0.0,
                                            "auto_max": float(a.max_code_score), "needs_manual_grade": False}
    return out


def grade(exercise: str | None = None, *, course: str | Path | Course = ".", workers: int | None = None,
          students: Sequence[str] | None = None, feedback: bool = True,
          progress: bool | None = None) -> GradeReport:
    """Autograde every submission in parallel worker processes, then write feedback.

    Each worker process grades a disjoint set of learners against the course's gradebook. A cell that runs past
    the course's timeout is interrupted and the notebook goes on, so an endless loop costs its author that
    part only. Feedback HTML goes to ``feedback/<student>/<exercise>/`` with the hidden tests removed. What the
    workers print (kernel start-up notes, nbgrader's warnings) goes to ``logs/grade-workers.log`` in the course.

    Parameters
    ----------
    exercise
        One exercise, or every exercise that has submissions.
    course
        The course folder (default: the current one).
    workers
        Worker processes (``1`` grades in this process, like ``nbgrader autograde``). Default: one more than
        the CPU cores, because each worker spends part of its time waiting on its kernel.
    students
        Only these learners (default: everyone under ``submitted/``).
    feedback
        Also generate feedback HTML.
    progress
        Show a progress bar (default: in terminals and notebooks).
    """
    c = open_course(course)
    if workers is None:
        workers = min(32, (os.cpu_count() or 1) + 1)
    if workers < 1:
        raise CourseError(f"workers must be at least 1; got {workers}.")
    jobs = [(s, name) for name in _exercise_names(c, exercise) for s in c.submissions(name)
            if students is None or s in students]
    if not jobs:
        raise CourseError(f"nothing to grade: no submissions under {c.root / 'submitted'} "
                          f"for {exercise or 'any exercise'}. Put them at submitted/<student>/<exercise>/.")
    _tools_on_path()
    missing = sorted({e for _, e in jobs if not (c.root / "release" / e).is_dir()})
    if missing:  # the gradebook must know the exercise before workers start
        api = _api(c)
        for name in missing:
            _check(api.generate_assignment(name, force=True, create=True), f"generate_assignment {name}")
        del api
    import nbgrader.apps  # noqa: F401 - imported once here, inherited by forked workers
    from nbgrader.api import Gradebook

    from ._progress import progress as bar

    # Every learner is in the gradebook before the workers start: two workers grading one new learner's two
    # exercises would otherwise both try to create that learner (UNIQUE constraint failed: student.id).
    with Gradebook(_db_url(c)) as gb:
        for s in sorted({s for s, _ in jobs}):
            gb.update_or_create_student(s)

    results: dict[tuple[str, str], tuple[bool, str]] = {}
    if workers == 1 or len(jobs) == 1:
        for s, e in bar(jobs, total=len(jobs), desc="grading", enabled=progress):
            _, _, ok, msg = _grade_one(str(c.root), e, s)
            results[(s, e)] = (ok, msg)
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from ._progress import _in_notebook

        # fork is quickest (workers inherit the imported nbgrader); a notebook kernel runs threads, and forking
        # a threaded process can hang, so there (and on Windows) workers start fresh
        ctx = mp.get_context("fork" if sys.platform != "win32" and not _in_notebook() else "spawn")
        log = str(c.root / "logs" / "grade-workers.log")  # what workers print goes here, not over the progress bar
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx, initializer=_worker_log,
                                 initargs=(log,)) as pool:
            futs = [pool.submit(_grade_one, str(c.root), e, s) for s, e in jobs]
            for fut in bar(as_completed(futs), total=len(futs), desc="grading", enabled=progress):
                s, e, ok, msg = fut.result()
                results[(s, e)] = (ok, msg)
    scores = _scores(c, jobs)
    subs = []
    for s, e in jobs:
        ok, msg = results[(s, e)]
        got = scores[(s, e)]
        subs.append(Submission(student=s, exercise=e, score=got["score"] if ok else 0.0, max_score=got["max_score"],
                               ok=ok, message=msg, auto_score=got["auto_score"] if ok else 0.0,
                               auto_max=got["auto_max"], needs_manual_grade=ok and got["needs_manual_grade"]))
    written: list[Path] = []
    if feedback:
        api = _api(c, feedback=True)
        for name in sorted({e for _, e in jobs}):
            _check(api.generate_feedback(name, force=True), f"generate_feedback {name}")
            for html in sorted((c.root / "feedback").glob(f"*/{name}/*.html")):
                text = html.read_text(encoding="utf-8")
                clean = strip_hidden_tests(text)
                if clean != text:
                    html.write_text(clean, encoding="utf-8")
                written.append(html)
    return GradeReport(submissions=tuple(subs), feedback=tuple(written))


# --- gradebook ---------------------------------------------------------------------------------------------------
def gradebook(*, course: str | Path | Course = ".", out: str | Path | None = None) -> GradebookExport:
    """Export every grade as CSV, with a per-exercise summary and a histogram of scores (PNG).

    The CSV has nbgrader's export columns (``assignment, duedate, timestamp, student_id, last_name, first_name,
    email, raw_score, late_submission_penalty, score, max_score``); learners who did not submit an exercise get
    a row with score 0 and an empty timestamp. Files go to ``out`` (default: the course folder) as
    ``grades.csv`` and ``grades.png``.
    """
    import statistics

    _tools_on_path()
    from nbgrader.api import Gradebook, MissingEntry

    c = open_course(course)
    out_dir = Path(out) if out is not None else c.root
    out_dir.mkdir(parents=True, exist_ok=True)
    if not (c.root / "gradebook.db").is_file():
        raise CourseError(f"{c.root} has no gradebook yet; run `filmkit course release` and "
                          "`filmkit course grade` first.")
    header = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
              "raw_score", "late_submission_penalty", "score", "max_score"]
    rows: list[list[Any]] = []
    per: dict[str, list[float]] = {}
    maxes: dict[str, float] = {}
    with Gradebook(_db_url(c)) as gb:
        for a in gb.assignments:
            maxes[a.name] = float(a.max_score)
            per.setdefault(a.name, [])
            for st in gb.students:
                try:
                    sub = gb.find_submission(a.name, st.id)
                except MissingEntry:
                    rows.append([a.name, a.duedate or "", "", st.id, st.last_name or "", st.first_name or "",
                                 st.email or "", 0.0, 0.0, 0.0, a.max_score])
                    continue
                rows.append([a.name, a.duedate or "", sub.timestamp or "", st.id, st.last_name or "",
                             st.first_name or "", st.email or "", sub.score, sub.late_submission_penalty,
                             max(sub.score - sub.late_submission_penalty, 0.0), sub.max_score])
                per[a.name].append(float(sub.score))
    csv_path = out_dir / "grades.csv"
    with open(csv_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    summary = {name: {"n": float(len(v)), "mean": statistics.fmean(v) if v else 0.0,
                      "median": statistics.median(v) if v else 0.0, "min": min(v) if v else 0.0,
                      "max": max(v) if v else 0.0, "max_score": maxes[name]} for name, v in per.items()}
    png = out_dir / "grades.png"
    _histogram(per, maxes, png)
    return GradebookExport(csv=csv_path, histogram=png, summary=summary)


def _histogram(per: dict[str, list[float]], maxes: dict[str, float], png: Path) -> None:
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:  # a script or worker: draw off-screen
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    names = [n for n in per if per[n]] or list(per)
    fig, axes = plt.subplots(1, max(len(names), 1), figsize=(4 * max(len(names), 1), 3), squeeze=False)
    for ax, name in zip(axes[0], names):
        top = maxes.get(name, 1.0) or 1.0
        ax.hist([100.0 * v / top for v in per[name]], bins=10, range=(0, 100), color="#c8553d",
                edgecolor="white")
        ax.set_title(f"{name} (n={len(per[name])})", fontsize=9)
        ax.set_xlabel("score (% of max)")
        ax.set_ylabel("learners")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
