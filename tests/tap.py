"""TAP for the Python tests: each function registered with @check is one numbered test case, so
meson and .ci/run count every check, not only every script. A failing check is reported and the
rest still run; a check that raises Skip (what it needs is not installed) is counted as skipped."""
checks = []


class Skip(Exception):
    """Raised by a check that cannot run here; the message says why."""


def check(name):
    def register(fn):
        checks.append((name, fn))
        return fn
    return register


def run(cleanup=None):
    """Runs the checks in order, then `cleanup` (whatever happened); returns the exit status."""
    print(f"1..{len(checks)}", flush=True)
    failed = 0
    try:
        for i, (name, fn) in enumerate(checks, 1):
            try:
                fn()
                print(f"ok {i} - {name}", flush=True)
            except Skip as why:
                print(f"ok {i} - {name} # SKIP {why}", flush=True)
            except Exception as e:  # report and go on: every check counts
                failed += 1
                first, *rest = (str(e).strip() or repr(e)).splitlines()
                print(f"not ok {i} - {name}: {first}", *(f"# {line}" for line in rest), sep="\n", flush=True)
    finally:
        if cleanup:
            cleanup()
    return 1 if failed else 0
