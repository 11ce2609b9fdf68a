"""The package stands on its own: the installed application never imports the repository's
benchmarks or tests, whatever command is loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from signing import PROJECT_DIR

_LOADED = """
import json, sys
import signing.cli
from signing import create_app
app = create_app({"SECRET_KEY": "boundaries", "DATABASE_URL": "sqlite://"})
print(json.dumps({
    "modules": sorted(m for m in sys.modules if m.split(".")[0] in ("bench", "tests")),
    "commands": sorted(app.cli.commands),
}))
"""


def test_loading_the_cli_imports_neither_bench_nor_tests(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Run outside the checkout's root so that "bench" and "tests" are not importable by
    # accident from the working directory; the package is found through the installation.
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SIGNING_")}
    environment["SIGNING_INSTANCE_PATH"] = str(tmp_path / "instance")
    result = subprocess.run(
        [sys.executable, "-c", _LOADED],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["modules"] == []
    assert "bench" in loaded["commands"]


def test_nothing_in_the_package_imports_bench_or_tests() -> None:
    offenders = []
    for path in (PROJECT_DIR / "signing").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            words = line.strip().split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                top = words[1].split(".")[0]
                if top in ("bench", "tests"):
                    offenders.append(f"{path.relative_to(PROJECT_DIR)}:{number}: {line.strip()}")
    assert offenders == []


#: A module a newcomer can read in one sitting (issue 19); split by responsibility beyond it.
MODULE_LINES_MAX = 600


def test_no_module_of_the_package_is_over_600_lines() -> None:
    package = PROJECT_DIR / "signing"
    too_long = {
        path.relative_to(package).as_posix(): lines
        for path in sorted(package.rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_MAX
    }
    assert package.is_dir() and too_long == {}
