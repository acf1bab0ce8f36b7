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
    assert commands[0].endswith("catlearn demo")
    assert commands[1].endswith("pytest -q")
    ci = (README.parent / ".ci" / "run").read_text()
    assert commands[1] in ci


def test_readme_pycon_blocks_hold_as_doctests():
    """Every ``pycon`` block (the tour) runs as a doctest: a comment's claim that an
    output shows is an expected output, so a README that lies fails."""
    import doctest

    found = re.findall(r"```pycon\n(.*?)```", README.read_text(), flags=re.S)
    assert found, "the README has a doctest tour"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for i, text in enumerate(found):
        test = parser.get_doctest(text, {}, f"README.md pycon block {i}", str(README), 0)
        assert test.examples, f"pycon block {i} has no examples"
        result = runner.run(test)
        assert result.failed == 0, f"pycon block {i}: {result.failed} example(s) failed"
