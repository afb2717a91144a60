"""Users and roles."""

from __future__ import annotations

from tests.conftest import Invoker


def test_add_list_deactivate(invoke: Invoker) -> None:
    out = invoke(
        "user",
        "add",
        "chen",
        "--name",
        "陳律師",
        "--role",
        "lawyer",
        "--role",
        "staff",
        "--licence",
        "L-123",
    )
    assert "Added user chen" in out.output
    rows = {u["username"]: u for u in invoke.json("user", "list")}
    assert rows["chen"]["roles"] == ["lawyer", "staff"]
    assert rows["chen"]["licence_number"] == "L-123"
    invoke("user", "deactivate", "chen")
    rows = {u["username"]: u for u in invoke.json("user", "list")}
    assert rows["chen"]["active"] is False
    assert "already inactive" in invoke("user", "deactivate", "chen", code=1).output
    invoke("user", "activate", "chen")


def test_only_archivist_or_head_manage_users(invoke: Invoker) -> None:
    result = invoke("user", "add", "x1", "--name", "X", "--role", "staff", user="lin", code=1)
    assert "needs the role 'archivist' or 'head'" in result.output
    assert "has: lawyer" in result.output


def test_bad_role_and_duplicate_username(invoke: Invoker) -> None:
    assert (
        "unknown role"
        in invoke("user", "add", "x2", "--name", "X", "--role", "boss", code=1).output
    )
    assert (
        "already exists"
        in invoke("user", "add", "lin", "--name", "X", "--role", "lawyer", code=1).output
    )
    assert (
        "not allowed"
        in invoke("user", "add", "a b", "--name", "X", "--role", "lawyer", code=1).output
    )


def test_cannot_deactivate_yourself(invoke: Invoker) -> None:
    assert "yourself" in invoke("user", "deactivate", "mei", code=1).output


def test_edit_licence_is_audited(invoke: Invoker) -> None:
    invoke("user", "edit", "zhao", "--licence", "999", "--practice-area", "刑事")
    events = invoke.json("audit", "log", "--action", "user.edit")
    assert events[-1]["details"]["changes"]["licence_number"] == {"old": None, "new": "999"}
