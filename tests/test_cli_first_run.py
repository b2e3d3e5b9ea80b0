"""A new user's first commands: one database for the demo and the CLI, a note when an empty one
is created, the demo's key reused, plain help."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from app.cli import cli
from tests.test_cli import run


def test_a_new_sqlite_database_is_announced_once(tmp_path: Path) -> None:
    first = run(["migrate"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "creating an empty one" in first.stderr
    assert str(tmp_path / "cli.db") in first.stderr
    again = run(["migrate"], tmp_path)
    assert again.returncode == 0
    assert "creating an empty one" not in again.stderr


def test_keep_in_reuses_a_working_key_and_replaces_a_dead_one(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    kept = tmp_path / ".shadowspend" / "demo-admin-key"
    args = ["create-api-key", "--role", "admin", "--name", "demo admin", "--keep-in", str(kept)]
    first = run(args, tmp_path)
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip().splitlines()[-1]
    assert key.startswith("ssk_")
    assert kept.read_text().strip() == key
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600

    second = run(args, tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().splitlines()[-1] == key
    assert "reusing" in second.stderr

    # Another role is another key; a key from another database is replaced.
    viewer = run(
        ["create-api-key", "--role", "viewer", "--name", "v", "--keep-in", str(kept)], tmp_path
    )
    assert viewer.stdout.strip().splitlines()[-1] != key
    kept.write_text("ssk_abc_def\n")
    fresh = run(args, tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert fresh.stdout.strip().splitlines()[-1] not in {key, "ssk_abc_def"}


def test_the_demo_never_loads_into_a_database_with_a_companys_own_data(tmp_path: Path) -> None:
    assert run(["migrate"], tmp_path).returncode == 0
    statement = tmp_path / "amex.csv"
    statement.write_text("Date,Description,Amount\n01/05/2026,ZOOM.US 888-799-9666 CA,149.90\n")
    assert run(["import", str(statement), "--preset", "amex"], tmp_path).returncode == 0
    demo = run(["demo", "--if-empty"], tmp_path)
    assert demo.returncode != 0
    assert "holds your own transactions" in demo.stderr
    assert "Traceback" not in demo.stderr


def test_help_shows_flags_without_a_type() -> None:
    runner = CliRunner()
    for args in (["--help"], ["demo", "--help"], ["connections", "--help"], ["import", "--help"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, args
        assert "<bool>" not in result.output, args
    assert "<int>" in runner.invoke(cli, ["demo", "--help"]).output  # values keep their type


def test_the_readme_lists_every_command_and_option() -> None:
    import typer

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line") : readme.index("## Sources")]
    group = typer.main.get_command(cli)
    missing: list[str] = []

    def walk(command: object, path: list[str]) -> None:
        ctx = typer.Context(command)  # type: ignore[arg-type]
        names = getattr(command, "list_commands", None)
        if names is not None:
            for name in names(ctx):
                walk(command.get_command(ctx, name), [*path, name])  # type: ignore[attr-defined]
            return
        line = " ".join(path)
        if line not in section:
            missing.append(line)
        for param in command.params:  # type: ignore[attr-defined]
            if param.param_type_name == "option":
                missing.extend(
                    f"{line} {o}" for o in param.opts if o.startswith("--") and o not in section
                )

    walk(group, ["shadowspend"])
    assert not missing, missing
