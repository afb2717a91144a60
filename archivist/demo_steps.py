"""The steps of `make demo`, one function per capability, in the order of the policy."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archivist.demo import Demo


def setup(demo: Demo) -> None:
    from archivist.demo import DEMO_FIRM, MARK

    print("== 1. A home for the firm, its users and roles")
    demo.run("init", "--home", str(demo.home), "--firm", DEMO_FIRM, "--user", "mei",
             "--name", "王美")
    (demo.home / MARK).write_text("created by `make demo`; the demo may reset this home\n")
    demo.run("user", "add", "lin", "--name", "林志明", "--role", "lawyer",
             "--licence", "13101200910123456", "--practice-area", "民商事訴訟")
    demo.run("user", "add", "zhao", "--name", "趙小雲", "--role", "lawyer",
             "--licence", "13101201510654321")
    demo.run("user", "add", "wu", "--name", "吳大同", "--role", "staff")
    demo.run("user", "list")


def clients(demo: Demo) -> None:
    print("\n== 2. Clients get numbered archive folders with the policy's five sections")
    demo.run("client", "add", "--name", "陳大文", "--kind", "person",
             "--id-number", "A123456789", "--phone", "0912-345-678")
    demo.run("client", "add", "--name", "歐陽志遠", "--kind", "person")
    demo.run("client", "add", "--name", "宏達科技股份有限公司", "--kind", "company",
             "--id-number", "12345678")
    demo.run("client", "add", "--name", "Acme Trading & Sons <HK>", "--kind", "company")
    demo.run("client", "list")


def audit_verify(demo: Demo) -> None:
    print("\n== Audit trail: every change and every read, hash-chained")
    demo.run("audit", "log", "--client", "C0001")
    demo.run("audit", "verify")


STEPS = [setup, clients, audit_verify]

__all__ = ["STEPS", "json"]
