import json
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "codepii", *args], capture_output=True, text=True)


def test_help_does_not_import_torch():
    code = "import sys, codepii.cli; codepii.cli.build_parser().format_help(); print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_every_subcommand_has_help():
    from codepii.cli import COMMANDS

    top = run("--help")
    assert top.returncode == 0
    for name in COMMANDS:
        assert name in top.stdout
        r = run(name, "--help")
        assert r.returncode == 0 and "usage:" in r.stdout, name


def test_validate_ok_and_bad_input_is_one_line_exit_2(tmp_path):
    good = tmp_path / "g.jsonl"
    good.write_text(json.dumps({"id": "a", "content": "ann@x.io", "entities": [{"start": 0, "end": 8, "category": "EMAIL"}]}) + "\n")
    r = run("validate", str(good))
    assert r.returncode == 0 and "EMAIL" in r.stdout
    bad = tmp_path / "b.jsonl"
    bad.write_text(good.read_text() + "{oops\n")
    r = run("validate", str(bad))
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0
    assert "b.jsonl line 2 (byte 94): invalid JSON" in r.stderr and "Traceback" not in r.stderr
