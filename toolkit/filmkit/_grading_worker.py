"""nbgrader preprocessors filmkit adds to grading (imported only while grading; it imports nbgrader).

- :class:`RecoveringExecute` replaces nbgrader's ``Execute`` in autograde: when a learner's cell kills the
  kernel (``os._exit``, a segfault, memory), nbgrader would fail the whole notebook and score it 0. Here the
  crashed cell gets an error output, the kernel is restarted, and grading goes on, so the learner keeps the
  points earned before the crash (later cells run in a fresh kernel, without the earlier variables).
- :class:`HideHiddenTests` runs in feedback: test cells lose their hidden-test region, and a failing test's
  traceback is cut to its message (the traceback would otherwise quote the hidden lines).
"""
from __future__ import annotations

import re
from typing import Any

from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

HIDDEN_SRC = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.DOTALL)
HIDDEN_NOTE = "# (hidden tests: they run when your work is graded)"
CRASH = ("The kernel crashed while running this cell (it exited or ran out of memory). It was restarted, so the "
         "cells after this one ran without the variables made before it.")


class RecoveringExecute(Execute):  # type: ignore[misc]
    """nbgrader's Execute, but a dead kernel costs the crashed cell, not the whole notebook."""

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self.log.warning("kernel died in cell %s; restarting it and going on", index)
            cell.outputs.append(NotebookNode(output_type="error", ename="DeadKernelError", evalue=CRASH,  # type: ignore[no-untyped-call]
                                             traceback=[f"DeadKernelError: {CRASH}"]))
            try:
                if self.kc is not None:
                    self.kc.stop_channels()
                run_sync(self.km.restart_kernel)(now=True)
                self.start_new_kernel_client()
            except Exception:  # noqa: BLE001 - cannot recover: let nbgrader fail the notebook as it would
                raise DeadKernelError("Kernel died and could not be restarted") from None
            return cell, self.resources


class HideHiddenTests(Preprocessor):
    """Feedback: hidden-test regions out of test cells, their tracebacks cut to the message."""

    enabled = True

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> Any:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = HIDDEN_SRC.sub(HIDDEN_NOTE, cell.source)
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources
