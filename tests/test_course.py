"""The nbgrader round trip on a temporary course: init, release, submissions, parallel grade, feedback, gradebook.

Also the sync check (``exercises/`` is exactly what generation makes from ``solutions/``, like fastbook's
``clean.py --verify-only``). Grading runs once per module (two worker processes, a 15 s cell timeout), and the
tests read what it produced: scores from nbgrader's gradebook, the executed notebooks, the feedback HTML.

How nbgrader treats learners' edits, pinned here:
- an edited locked test cell is restored from the source before grading;
- a deleted test cell is not re-inserted: that part scores 0, even with a right answer;
- a duplicated graded cell makes nbgrader refuse the whole notebook (0, explained by filmkit);
- a cell that loops forever is interrupted after the timeout; a cell that kills the kernel is recorded and the
  kernel restarted (filmkit's addition): both keep the points earned elsewhere.
"""
from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pytest
from filmkit import course as C
from filmkit.cli import main as cli
from filmkit.errors import CourseError
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
EX1, EX2 = "01_visual_language", "02_prompt_anatomy"
# every exercise round-trips: discovered, never listed (a new solution is covered the moment it exists)
EXERCISES = sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb"))


def _normalised(path: Path) -> list[tuple[Any, ...]]:
    nb = nbformat.read(str(path), as_version=4)
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("nbgrader", {}).items())) for c in nb.cells]


def _edit(src: Path, dest: Path, fn: Any) -> Path:
    nb = nbformat.read(str(src), as_version=4)
    fn(nb)
    nbformat.write(nb, str(dest))
    return dest


def _cell(nb: Any, grade_id: str) -> Any:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[C.Course, Path]:
    tmp = tmp_path_factory.mktemp("course")
    course = C.init_course(tmp / "filmart", course_id="filmart-test", timeout=15)
    C.release(course=course, exercises_dir=tmp / "exercises")
    return course, tmp / "exercises"


@pytest.fixture(scope="module")
def graded(released: tuple[C.Course, Path], tmp_path_factory: pytest.TempPathFactory) -> C.GradeReport:
    course, learner = released
    tmp = tmp_path_factory.mktemp("subs")
    sol2 = ROOT / "solutions" / f"{EX2}.ipynb"
    for ex in EXERCISES:  # one learner submitting every exercise at once: workers share that new learner
        C.add_submission(course, "sol", ROOT / "solutions" / f"{ex}.ipynb")
        C.add_submission(course, "stub", learner / f"{ex}.ipynb")

    def loop(nb: Any) -> None:
        _cell(nb, "brief_answer").source = "while True:\n    pass"

    def delete(nb: Any) -> None:
        nb.cells.remove(_cell(nb, "test_perm"))

    def duplicate(nb: Any) -> None:
        i = nb.cells.index(_cell(nb, "test_seed"))
        twin = copy.deepcopy(nb.cells[i])
        twin.id = "a-copied-cell"
        nb.cells.insert(i, twin)

    def tamper(nb: Any) -> None:  # a wrong answer, and a test cell "fixed" to pass
        _cell(nb, "perm_answer").source = "variants = []\ndusk_coverage = []"
        _cell(nb, "test_perm").source = "pass"

    def crash(nb: Any) -> None:  # the kernel dies in the third answer
        _cell(nb, "perm_answer").source = "import os\nos._exit(1)"

    for student, fn in [("loop", loop), ("deleted", delete), ("dup", duplicate), ("tampered", tamper),
                        ("crash", crash)]:
        C.add_submission(course, student, _edit(sol2, tmp / f"{student}.ipynb", fn), exercise=EX2)
    return C.grade(course=course, workers=2, progress=False)


def _sub(report: C.GradeReport, student: str, exercise: str = EX2) -> C.Submission:
    return next(s for s in report.submissions if s.student == student and s.exercise == exercise)


# --- init and release -----------------------------------------------------------------------------------------------
def test_init_writes_an_nbgrader_course(released: tuple[C.Course, Path]) -> None:
    course, _ = released
    cfg = (course.root / "nbgrader_config.py").read_text()
    assert 'c.CourseDirectory.course_id = \'filmart-test\'' in cfg
    assert 'c.ExecutePreprocessor.kernel_name = "python3"' in cfg and "timeout = 15" in cfg
    assert "max_file_size = 100000" in cfg
    names = [p.name for p in course.exercises()]
    assert names == sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb")) and {EX1, EX2} <= set(names)
    assert _normalised(course.root / "source" / EX1 / f"{EX1}.ipynb") == _normalised(ROOT / "solutions" / f"{EX1}.ipynb")


def test_exercises_folder_is_in_sync_with_generation(released: tuple[C.Course, Path]) -> None:
    """exercises/ must be exactly what `filmkit course release` generates from solutions/ (never hand-edited)."""
    _, fresh = released
    committed = sorted(p.name for p in (ROOT / "exercises").glob("*.ipynb"))
    assert committed == sorted(p.name for p in fresh.glob("*.ipynb")), "run `filmkit course release` to refresh"
    for name in committed:
        assert _normalised(ROOT / "exercises" / name) == _normalised(fresh / name), (
            f"exercises/{name} differs from what solutions/{name} generates: run `filmkit course release`.")


def test_learner_versions_hide_solutions_and_hidden_tests(released: tuple[C.Course, Path]) -> None:
    _, fresh = released
    for nb in fresh.glob("*.ipynb"):
        text = nb.read_text()
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        assert "raise NotImplementedError()" in text and "YOUR ANSWER HERE" in text
        assert "hidden tests" in text.lower()  # the learner is told they exist


def test_open_course_and_bad_arguments_explain_themselves(tmp_path: Path) -> None:
    with pytest.raises(CourseError, match="not a course directory.*filmkit course init"):
        C.open_course(tmp_path)
    with pytest.raises(CourseError, match="no source notebooks"):
        C.init_course(tmp_path / "c", solutions=tmp_path)


# --- grading --------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ex", EXERCISES)
def test_the_solutions_earn_every_autograded_point(graded: C.GradeReport, ex: str) -> None:
    s = _sub(graded, "sol", ex)
    assert s.ok, s.message
    assert s.auto_max > 0 and s.auto_score == s.auto_max
    assert s.needs_manual_grade and s.max_score > s.auto_max  # the written answer waits for a person


@pytest.mark.parametrize("ex", EXERCISES)
def test_the_untouched_learner_version_scores_zero_without_crashing(graded: C.GradeReport, ex: str) -> None:
    s = _sub(graded, "stub", ex)
    assert s.ok and s.score == 0 and not s.needs_manual_grade, s.message


def test_each_submission_is_graded_in_a_fresh_workspace_of_its_own(graded: C.GradeReport,
                                                                    released: tuple[C.Course, Path]) -> None:
    course, _ = released
    capstone = next((e for e in EXERCISES if "capstone" in e), None)
    assert capstone, "the capstone is one of the exercises"
    film = C.workspace_of(course, "sol", capstone) / "capstone" / "film" / "film.mp4"
    assert film.is_file() and film.stat().st_size > 10_000  # the instructor can watch what the notebook rendered
    # nothing of a workspace is copied into the feedback that goes back to learners
    assert not list((course.root / "feedback").rglob("filmkit.sqlite"))
    assert not list((course.root / "autograded").rglob("filmkit.sqlite"))


def test_every_solution_is_covered() -> None:
    assert len(EXERCISES) >= 8 and EX1 in EXERCISES and EX2 in EXERCISES


def test_an_endless_loop_is_interrupted_and_the_rest_still_graded(graded: C.GradeReport,
                                                                  released: tuple[C.Course, Path]) -> None:
    s = _sub(graded, "loop")
    assert s.ok and s.auto_score == 5  # only the 2 points of the looping part are lost
    nb = nbformat.read(str(released[0].root / "autograded" / "loop" / EX2 / f"{EX2}.ipynb"), as_version=4)
    errors = [o for o in _cell(nb, "brief_answer").outputs if o.output_type == "error"]
    assert errors and errors[0].ename in {"KeyboardInterrupt", "CellTimeoutError"}


def test_a_crashed_kernel_keeps_the_points_earned_before_the_crash(graded: C.GradeReport) -> None:
    s = _sub(graded, "crash")
    assert s.ok and s.auto_score == 4  # parts 1 and 2 before the crash; part 3 crashed; part 4 lost its imports


def test_a_deleted_test_cell_scores_zero_for_its_part(graded: C.GradeReport) -> None:
    s = _sub(graded, "deleted")
    assert s.ok and s.auto_score == 5  # test_perm (2 points) is gone and is not re-inserted


def test_a_tampered_test_cell_is_restored(graded: C.GradeReport) -> None:
    s = _sub(graded, "tampered")
    assert s.ok and s.auto_score == 5  # "pass" was replaced by the real test, which the wrong answer fails


def test_a_duplicated_graded_cell_is_explained(graded: C.GradeReport) -> None:
    s = _sub(graded, "dup")
    assert not s.ok and s.score == 0
    assert "'test_seed' appear more than once" in s.message and s in graded.failed


def _text_of(html: Path) -> str:
    """The text a learner reads in a feedback page (tags and syntax-highlighting spans removed)."""
    import html as h
    import re

    return h.unescape(re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8")))


def test_feedback_is_written_without_hidden_tests(graded: C.GradeReport) -> None:
    # every graded notebook, the refused one excepted: sol and stub for each exercise, plus 4 edge cases
    assert len(graded.feedback) == 2 * len(EXERCISES) + 4
    for html in graded.feedback:
        text = _text_of(html)
        assert "HIDDEN TESTS" not in text and "expect_prompt(_new)" not in text and "_want = " not in text
    stub = next(p for p in graded.feedback if p.parts[-3] == "stub" and p.parts[-2] == EX2)
    text = _text_of(stub)
    assert "hidden tests: they run when your work is graded" in text
    assert "expect_prompt(shot_prompt, version=" in text  # the visible test stays visible


def test_strip_hidden_tests_stays_inside_one_block() -> None:
    html = ("<pre>a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\n</pre>"
            "<pre>### BEGIN HIDDEN TESTS (a stray marker)</pre><pre>keep me\n### END HIDDEN TESTS</pre>")
    out = C.strip_hidden_tests(html)
    assert "secret" not in out and "keep me" in out


# --- gradebook and CLI ---------------------------------------------------------------------------------------------------
def test_gradebook_exports_csv_summary_and_histogram(graded: C.GradeReport, released: tuple[C.Course, Path],
                                                     tmp_path: Path) -> None:
    out = C.gradebook(course=released[0], out=tmp_path)
    rows = list(csv.DictReader(out.csv.open()))
    by = {(r["assignment"], r["student_id"]): r for r in rows}
    assert float(by[(EX2, "sol")]["score"]) == 7 and float(by[(EX2, "loop")]["score"]) == 5
    assert float(by[(EX1, "loop")]["score"]) == 0 and by[(EX1, "loop")]["timestamp"] == ""  # no submission
    assert out.summary[EX2]["n"] == 7 and out.summary[EX2]["max"] == 7  # dup was refused: it is there with 0
    assert float(by[(EX2, "dup")]["score"]) == 0
    with Image.open(out.histogram) as im:
        png = np.asarray(im.convert("RGB"))
    assert png.shape[1] > 300 and (png != 255).any()  # a drawn figure, not a blank file


def test_cli_init_and_gradebook(graded: C.GradeReport, released: tuple[C.Course, Path], tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["course", "init", str(tmp_path / "c2"), "--id", "c2", "--timeout", "30"]) == 0
    assert "timeout = 30" in (tmp_path / "c2" / "nbgrader_config.py").read_text()
    assert cli(["course", "gradebook", "--course", str(released[0].root), "--out", str(tmp_path)]) == 0
    assert EX2 in capsys.readouterr().out
    assert cli(["course", "grade", "--course", str(tmp_path / "c2")]) == 2  # nothing submitted: one clear line
    assert "nothing to grade" in capsys.readouterr().err


def test_collect_from_a_folder_of_downloads(released: tuple[C.Course, Path], tmp_path: Path) -> None:
    course = C.init_course(tmp_path / "c3", course_id="c3")
    downloads = tmp_path / "downloads"
    (downloads / "bob").mkdir(parents=True)
    learner = released[1] / f"{EX2}.ipynb"
    (downloads / "alice.ipynb").write_bytes(learner.read_bytes())
    (downloads / "bob" / "my work (1).ipynb").write_bytes(learner.read_bytes())
    subs = C.collect(EX2, course=course, from_dir=downloads)
    assert [p.relative_to(course.root).as_posix() for p in subs] == [
        f"submitted/alice/{EX2}/{EX2}.ipynb", f"submitted/bob/{EX2}/{EX2}.ipynb"]
    assert _normalised(subs[1]) == _normalised(learner)
    assert (subs[0].parent / "timestamp.txt").read_text().endswith("UTC")
    assert course.submissions(EX2) == ["alice", "bob"]
    with pytest.raises(CourseError, match="say which exercise"):
        C.collect(course=course, from_dir=downloads)
