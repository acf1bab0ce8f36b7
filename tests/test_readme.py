"""The README's Python examples run as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_python_blocks_run():
    found = blocks()
    assert found, "the README has Python examples"
    for code in found:
        namespace: dict = {}
        exec(compile(code, str(README), "exec"), namespace)


def test_readme_opens_with_the_two_commands():
    text = README.read_text()
    commands = re.findall(r"```bash\n(.*?)```", text, flags=re.S)[0].strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith("catlearn demo") and commands[1].endswith("pytest -q")
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1] in ci
