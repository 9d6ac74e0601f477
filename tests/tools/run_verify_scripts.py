#!/usr/bin/python3
"""Runs many verification scripts (bnlab --verify-script) in one Python process, for the tests.

    /usr/bin/python3 tests/tools/run_verify_scripts.py SCRIPT.py...

Importing torch takes seconds, so the scripts run here one after another, each as __main__ in a
fresh namespace (as `python3 SCRIPT.py` would run it), with its stdout captured. Prints one JSON
line per script: {"path", "code" (the exit status: 0, or sys.exit's), "stdout"}. A script that
raises gets code 2 and the exception's last line.
"""
import contextlib
import io
import json
import runpy
import sys


def run(path):
    out = io.StringIO()
    code = 0
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # noqa: BLE001 -- reported to the test, not hidden
        code = 2
        out.write(f"{type(e).__name__}: {e}\n")
    return {"path": path, "code": code, "stdout": out.getvalue()}


def main():
    for path in sys.argv[1:]:
        print(json.dumps(run(path)), flush=True)


if __name__ == "__main__":
    main()
