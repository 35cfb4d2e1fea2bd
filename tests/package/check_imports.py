"""Import every public module of an installed losslab, as a user with nothing else would.

Usage: ``python tests/package/check_imports.py`` in an environment holding losslab and its
runtime dependencies only (``nox -s package`` makes one). Every public module must import;
``losslab.plotting`` must instead fail with an ImportError that names the ``plot`` extra, since
matplotlib is not a runtime dependency. Exits non-zero and lists the failures otherwise.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys

# What the `plot` extra adds; the check means something only where it is absent.
EXTRA = "matplotlib"


def public_modules() -> list[str]:
    import losslab

    names = ["losslab"]
    for info in pkgutil.walk_packages(losslab.__path__, "losslab."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def main() -> int:
    if importlib.util.find_spec(EXTRA) is not None:
        print(f"{EXTRA} is installed here: this check needs an environment without it")
        return 2
    failures = []
    for name in public_modules():
        try:
            importlib.import_module(name)
        except ImportError as error:
            if name == "losslab.plotting" and "losslab[plot]" in str(error):
                print(f"{name}: ImportError naming the extra, as it should: {error}")
                continue
            failures.append(f"{name}: {type(error).__name__}: {error}")
        else:
            if name == "losslab.plotting":
                failures.append(f"{name} imported without {EXTRA}")
            else:
                print(f"{name}: imported")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
