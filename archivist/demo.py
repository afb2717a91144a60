"""`make demo`: the main job, end to end, on the embedded default store.

Runs the real `archivist` commands (as a user would type them) against a home in this folder
(or --home DIR): registers users and clients, opens a matter with a conflict check, generates
the service contract, files documents, searches in both Chinese scripts, runs a loan through the
head's approval, takes a complaint to resolution, closes the matter with its closure letter,
reports, backs up and checks. Re-runnable: it resets the home it created last time and refuses
to touch a home it did not create."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from archivist.core.i18n import _
from archivist.demo_steps import MARK, STEPS


class Demo:
    def __init__(self, home: Path, work: Path) -> None:
        self.home = home
        self.work = work
        self.env = {
            **os.environ,
            "ARCHIVIST_HOME": str(home),
            "ARCHIVIST_USER": "mei",
            "PYTHONIOENCODING": "utf-8",
        }
        self.failures: list[str] = []
        self.matter = ""

    def run(
        self,
        *args: str,
        user: str = "mei",
        show: bool = True,
        check: bool = True,
        stdin: str | None = None,
    ) -> str:
        env = {**self.env, "ARCHIVIST_USER": user}
        line = " ".join(shlex.quote(a) for a in args)
        if show:
            print(f"\n$ ARCHIVIST_USER={user} archivist {line}", flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "archivist", *args],
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            input=stdin,
        )
        out = (proc.stdout + proc.stderr).rstrip()
        if show and out:
            print("\n".join("  " + s for s in out.splitlines()[:25]), flush=True)
        if proc.returncode != 0 and check:
            self.failures.append(f"archivist {line}: exit {proc.returncode}")
        return proc.stdout.strip()

    def available(self, group: str) -> bool:
        from archivist.cli import LAZY, _module_exists

        spec = LAZY.get(group)
        return spec is not None and _module_exists(spec[0])


def reset_home(home: Path) -> None:
    config = home / "archivist.toml"
    if config.exists() and not (home / MARK).exists():
        sys.exit(
            f"Error: {home} holds an archivist home that the demo did not create; "
            "it is left alone. Run `make demo DEMO_HOME=some/other/folder`."
        )
    for name in ("archivist.toml", MARK):
        (home / name).unlink(missing_ok=True)
    for sub in ("archive_store", "index", "templates", "demo_output"):
        d = home / sub
        if not d.is_dir():
            continue
        for child in d.iterdir():
            if child.name == "README.md":
                continue
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", default=".", help="the demo home (default: this folder)")
    args = parser.parse_args(argv)
    from archivist.core import i18n

    # the demo speaks the language its commands will: ARCHIVIST_LANG, else a new home's
    i18n.set_language(i18n.resolve(None, firm=i18n.NEW_HOME_LANGUAGE))
    home = Path(args.home).absolute()
    home.mkdir(parents=True, exist_ok=True)
    reset_home(home)
    with tempfile.TemporaryDirectory(prefix="archivist-demo-") as tmp:
        demo = Demo(home, Path(tmp))
        run_steps(demo)
        web_passwords(demo)
        ok = not demo.failures
    print("\n" + "=" * 72)
    if ok:
        print(
            _(
                "Demo finished. The home is {home} (settings archivist.toml, archive_store/, index/)."
            ).format(home=home)
        )
    else:
        print(
            _("Demo finished with failures:\n  {failures}").format(
                failures="\n  ".join(demo.failures)
            )
        )
    print(_("Try next (the same home):"))
    bindir = Path(sys.executable).parent
    print(f'  export PATH="{bindir}:$PATH" ARCHIVIST_HOME={home} ARCHIVIST_USER=mei')
    for hint in (
        "archivist client list",
        "archivist client show C0001",
        "archivist search 違約 --json",
        "archivist --as lin search 违约",
        "archivist audit log --client C0001",
        "archivist check",
    ):
        print(f"  {hint}")
    print(_("The web front end (issue 18):"))
    print(f"  archivist --home {home} serve --port 8000")
    print(
        _(
            "  then open http://127.0.0.1:8000/ and sign in as lin (lawyer) or mei (archivist, head), password {DEMO_PASSWORD}"
        ).format(DEMO_PASSWORD=DEMO_PASSWORD)
    )
    return 0 if ok else 1


DEMO_PASSWORD = "demo-password-2026"


def web_passwords(demo: Demo) -> None:
    """Demo users get a known password for the web front end (a real home sets each user's
    with `archivist user password USER`, changed at first sign-in)."""
    print(_("\n== Web sign-in for the demo users"))
    for user in ("mei", "lin"):
        demo.run("user", "password", user, "--stdin", "--no-change", stdin=DEMO_PASSWORD + "\n")


def run_steps(demo: Demo) -> None:
    for step in STEPS:
        step(demo)


if __name__ == "__main__":
    sys.exit(main())
