"""Runs Python scripts for the Node tests, each as its own `__main__`, in a child forked from a
process that has imported torch once (an import costs about a second of CPU; a test file runs up
to six scripts). One request a line on stdin, {"script": text}; one reply a line on stdout,
{"code", "out", "err"}: the script's exit status and what it wrote to fd 1 and fd 2.

    printf '%s\n' '{"script": "print(1)"}' | /usr/bin/python3 tests/tools/torch_scripts.py
"""
import json
import os
import sys
import tempfile
import traceback

import torch  # noqa: F401  (imported once, before the forks)


def run_child(script, out_fd, err_fd):
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdin = open(os.devnull)
    code = 0
    try:
        main = {"__name__": "__main__", "__builtins__": __builtins__}
        exec(compile(script, "<stdin>", "exec"), main)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, (int, type(None))):
            print(e.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        script = json.loads(line)["script"]
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                run_child(script, out.fileno(), err.fileno())
            _, status = os.waitpid(pid, 0)
            code = os.waitstatus_to_exitcode(status)
            texts = []
            for f in (out, err):
                f.seek(0)
                texts.append(f.read().decode("utf-8", "replace"))
        reply = {"code": code, "out": texts[0], "err": texts[1]}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
