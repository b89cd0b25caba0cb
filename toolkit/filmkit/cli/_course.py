"""``filmkit course …``: the instructor's commands. Each calls one function of :mod:`filmkit.course`.

    filmkit course init COURSE_DIR [--id filmart101] [--timeout 60]
    filmkit course release [EXERCISE] [--course COURSE_DIR] [--exchange]
    filmkit course collect [EXERCISE] [--course COURSE_DIR] [--from DOWNLOADS_DIR]
    filmkit course grade [EXERCISE] [--course COURSE_DIR] [--workers 2]
    filmkit course gradebook [--course COURSE_DIR] [--out DIR]
"""
from __future__ import annotations

import argparse


def _init(args: argparse.Namespace) -> int:
    from ..course import init_course

    c = init_course(args.directory, course_id=args.id, solutions=args.solutions, timeout=args.timeout,
                    max_file_size=args.max_file_size, link=args.link)
    print(f"course {c.course_id!r} ready at {c.root} with {len(c.exercises())} exercise(s): "
          f"{', '.join(p.name for p in c.exercises())}")
    print(f"next: filmkit course release --course {args.directory}")
    return 0


def _release(args: argparse.Namespace) -> int:
    from ..course import release

    for p in release(args.exercise, course=args.course, exchange=args.exchange):
        print(f"released {p}")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from ..course import collect

    subs = collect(args.exercise, course=args.course, from_dir=args.from_dir)
    print(f"{len(subs)} submission(s) under submitted/")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from ..course import grade

    report = grade(args.exercise, course=args.course, workers=args.workers, feedback=not args.no_feedback,
                   progress=True)
    print(report)
    for s in report.failed:
        print(f"! {s.student} / {s.exercise}: {s.message}")
    if report.feedback:
        print(f"feedback: {len(report.feedback)} HTML file(s) under feedback/ (hidden tests removed)")
    return 0


def _gradebook(args: argparse.Namespace) -> int:
    from ..course import gradebook

    print(gradebook(course=args.course, out=args.out))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``filmkit course`` and its subcommands."""
    p = sub.add_parser("course", help="instructor: init, release, grade, gradebook (nbgrader)",
                       description="Run the graded exercises with nbgrader: init, release, grade, gradebook.")
    cs = p.add_subparsers(dest="course_command", metavar="STEP")

    i = cs.add_parser("init", help="create an nbgrader course directory from solutions/")
    i.add_argument("directory")
    i.add_argument("--id", default=None, help="course id (default: the folder name)")
    i.add_argument("--solutions", default=None, help="folder of source notebooks (default: the repo's solutions/)")
    i.add_argument("--timeout", type=int, default=60, help="seconds a cell may run while grading (default 60)")
    i.add_argument("--max-file-size", type=int, default=100_000, help="largest submitted file in KB")
    i.add_argument("--link", action="store_true", help="symlink sources instead of copying them")
    i.set_defaults(func=_init)

    r = cs.add_parser("release", help="generate learner versions (release/ and exercises/)")
    r.add_argument("exercise", nargs="?", default=None)
    r.add_argument("--course", default=".", help="the course directory (default: here)")
    r.add_argument("--exchange", action="store_true", help="also release to nbgrader's exchange (JupyterHub)")
    r.set_defaults(func=_release)

    k = cs.add_parser("collect", help="gather submissions (nbgrader exchange, or a folder of notebooks)")
    k.add_argument("exercise", nargs="?", default=None)
    k.add_argument("--course", default=".", help="the course directory (default: here)")
    k.add_argument("--from", dest="from_dir", default=None,
                   help="a folder of <student>.ipynb files (LMS download) instead of the exchange")
    k.set_defaults(func=_collect)

    g = cs.add_parser("grade", help="autograde every submission in parallel, then write feedback")
    g.add_argument("exercise", nargs="?", default=None)
    g.add_argument("--course", default=".", help="the course directory (default: here)")
    g.add_argument("--workers", type=int, default=None,
                   help="worker processes (default: CPU cores + 1; 1 grades serially)")
    g.add_argument("--no-feedback", action="store_true", help="skip the feedback HTML")
    g.set_defaults(func=_grade)

    b = cs.add_parser("gradebook", help="export grades.csv, a per-exercise summary and grades.png")
    b.add_argument("--course", default=".", help="the course directory (default: here)")
    b.add_argument("--out", default=None, help="where to write the files (default: the course directory)")
    b.set_defaults(func=_gradebook)

    p.set_defaults(func=lambda args: (p.print_help(), 0)[1])
