"""The ``catlearn`` command as a user runs it (a subprocess): every mistake in the input
ends with one message (exit status 2), never a traceback; a closed output pipe ends
quietly (141). Each row: the arguments, the expected status and words of the message.

``{d}`` in an argument is the test's folder, holding the files made by ``files``; the
cases that fail before torch loads are quick, the others load it once each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
RUN = "import sys; from catlearn.cli import main; sys.exit(main(sys.argv[1:]))"

SQUARE = """\
name: tiny
spaces: [{name: Y, comparator: cross_entropy}]
edges:
  - {name: x, src: N, tgt: X, role: data}
  - {name: y, src: N, tgt: Y, role: data}
  - {name: c, src: X, tgt: Y, role: learnable, model: linear,
     args: {in_features: 64, out_features: 10}}
data: {N: {dataset: digits, split: train}}
training: {batch_size: 256}
"""

FILES = {
    "square.yaml": SQUARE,
    "empty.yaml": "",
    "comment.yaml": "# nothing here\n",
    "list.yaml": "- a\n- b\n",
    "syntax.yaml": "edges:\n  - {name: x, src: N\n  - {name: y}\n",
    "tab.yaml": "edges:\n\t- {name: x}\n",
    "python.yaml": "name: !!python/object/apply:os.system ['touch {d}/pwned']\nedges: []\n",
    "timestamp.yaml": "name: !!timestamp x\nedges: []\n",
    "float.yaml": "name: !!float x\nedges: []\n",
    "deep.yaml": "edges: " + "[" * 1000 + "]" * 1000 + "\n",
    "deep.json": '{"edges": ' + "[" * 5000 + "]" * 5000 + "}",
    "dup.yaml": SQUARE + "edges: []\n",
    "hinge.yaml": SQUARE.replace("cross_entropy", '"hinge(margin=1)"'),
    "unknown_model.yaml": SQUARE.replace("model: linear", "model: lineer"),
    "os_model.yaml": SQUARE.replace("model: linear", "model: os.system"),
    "no_teacher.yaml": SQUARE.replace(
        "role: learnable, model: linear,",
        "role: learnable, model: linear, init: {checkpoint: {d}/missing.pt},"),
    "no_column.yaml": SQUARE.replace("split: train}", "split: train, columns: {x: pix}}"),
    "no_data.yaml": SQUARE.replace("data: {N: {dataset: digits, split: train}}\n", ""),
    "bad_shape.yaml": SQUARE.replace("in_features: 64", "in_features: 65"),
    "cycle.yaml": "max_length: 1000\nedges:\n  - {name: x, src: N, tgt: X, role: data}\n"
                  "  - {name: f, src: X, tgt: Y, role: learnable}\n"
                  "  - {name: g, src: Y, tgt: X, role: learnable}\n",
    "diagram.yaml": "edges:\n" + "".join(
        f"  - {{name: e{i}, src: N, tgt: X{i}, role: data}}\n" for i in range(300)),
    "README.md": "not a folder\n",
    "prev/checkpoint.pt": "",
    "failing_plugin.py": "raise RuntimeError('the plugin is broken')\n",
}
BINARY = {"latin1.yaml": b"name: caf\xe9\nedges: []\n"}

# (id, args, status, words in stderr)
CASES = [
    ("lr negative", ["train", "{d}/square.yaml", "--lr", "-1"], 2, ["--lr", "learning rate"]),
    ("lr nan", ["train", "{d}/square.yaml", "--lr", "nan"], 2, ["'nan' is not a learning"]),
    ("lr zero", ["train", "{d}/square.yaml", "--lr", "0"], 2, ["'0' is not a learning"]),
    ("lr inf", ["train", "{d}/square.yaml", "--lr", "inf"], 2, ["'inf' is not a learning"]),
    ("lr word", ["train", "{d}/square.yaml", "--lr", "fast"], 2, ["'fast'"]),
    ("batch size 0", ["train", "{d}/square.yaml", "--batch-size", "0"], 2,
     ["--batch-size", "integer >= 1"]),
    ("epochs -1", ["train", "{d}/square.yaml", "--epochs", "-1"], 2, ["--epochs"]),
    ("seed -1", ["train", "{d}/square.yaml", "--seed", "-1"], 2, ["not a seed"]),
    ("seed huge", ["train", "{d}/square.yaml", "--seed", str(2**40)], 2, ["not a seed"]),
    ("threads 0", ["train", "{d}/square.yaml", "--threads", "0"], 2, ["--threads"]),
    ("resume and force", ["train", "{d}/square.yaml", "--resume", "--force"], 2,
     ["not allowed with"]),
    ("no command", [], 2, []),
    ("unknown command", ["fly"], 2, ["invalid choice"]),
    ("out is a file", ["train", "{d}/square.yaml", "--out", "{d}/README.md"], 2,
     ["is a file", "--out names a folder"]),
    ("out holds a run", ["train", "{d}/square.yaml", "--out", "{d}/prev"], 2,
     ["holds a previous run", "--resume", "--force"]),
    ("resume without run", ["train", "{d}/square.yaml", "--out", "{d}/none", "--resume"],
     2, ["no checkpoint to resume from"]),
    ("missing spec", ["check", "{d}/missing.yaml"], 2, ["cannot read the spec file"]),
    ("spec is a folder", ["check", "{d}"], 2, ["cannot read the spec file"]),
    ("empty spec", ["check", "{d}/empty.yaml"], 2, ["the spec is empty"]),
    ("comment only", ["train", "{d}/comment.yaml"], 2, ["the spec is empty"]),
    ("list root", ["check", "{d}/list.yaml"], 2, ["line 1", "not a list"]),
    ("yaml syntax", ["check", "{d}/syntax.yaml"], 2,
     ["line 3, column 5", "not valid YAML", "\n    ", "^", "while parsing a flow mapping"]),
    ("yaml tab", ["check", "{d}/tab.yaml"], 2, ["line 2, column 1", "'\\t'"]),
    ("python tag", ["check", "{d}/python.yaml"], 2,
     ["!!python/object/apply:os.system", "no tag may build an object"]),
    ("timestamp tag", ["check", "{d}/timestamp.yaml"], 2, ["line 1", "!!timestamp"]),
    ("float tag", ["check", "{d}/float.yaml"], 2, ["cannot read 'x' as !!float"]),
    ("deep yaml", ["check", "{d}/deep.yaml"], 2, ["nested more than 64 deep"]),
    ("deep json", ["check", "{d}/deep.json"], 2, ["nested more than 64 deep"]),
    ("duplicate key", ["check", "{d}/dup.yaml"], 2, ["the key 'edges' is given twice"]),
    ("not utf-8", ["check", "{d}/latin1.yaml"], 2, ["not UTF-8", "0xe9"]),
    ("draw no folder", ["draw", "{d}/square.yaml", "-o", "/no/such/dir/x.svg"], 2,
     ["/no/such/dir", "does not exist"]),
    ("draw into folder", ["draw", "{d}/square.yaml", "-o", "{d}"], 2, ["is a folder"]),
    ("draw bad format", ["draw", "{d}/square.yaml", "-o", "{d}/x.gif"], 2,
     ["unknown picture format"]),
    ("draw bad highlight", ["draw", "{d}/square.yaml", "-o", "{d}/x.dot",
                            "--highlight", "7"], 2, ["7"]),
    ("cycle max_length 1000", ["check", "{d}/cycle.yaml"], 2, ["max_equations"]),
    # these load torch
    ("unknown comparator", ["check", "{d}/hinge.yaml"], 2,
     ["space 'Y': comparator 'hinge(margin=1)'", "no comparator is called 'hinge'",
      "--plugin"]),
    ("unknown model", ["train", "{d}/unknown_model.yaml", "--out", "{d}/r1"], 2,
     ["no model is registered as 'lineer'", "did you mean 'linear'", "--plugin MODULE"]),
    ("a spec imports nothing", ["check", "{d}/os_model.yaml"], 2,
     ["no model is registered as 'os.system'"]),
    ("missing teacher", ["check", "{d}/no_teacher.yaml"], 2,
     ["edge 'c': init: cannot read the checkpoint", "missing.pt"]),
    ("missing column", ["check", "{d}/no_column.yaml"], 2, ["no column 'pix'"]),
    ("no data set", ["check", "{d}/no_data.yaml"], 2, ["the data source 'N' has no data"]),
    ("deep shapes", ["check", "{d}/bad_shape.yaml", "--deep"], 2,
     ["on one batch", "edge 'c'", "shape"]),
    ("missing plugin", ["train", "{d}/square.yaml", "--plugin", "no_such_plugin_x"], 2,
     ["--plugin no_such_plugin_x", "no module"]),
    ("failing plugin", ["check", "{d}/square.yaml", "--plugin", "failing_plugin"], 2,
     ["importing it failed", "RuntimeError: the plugin is broken"]),
]


def _env(d: Path) -> dict[str, str]:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(d), env.get("PYTHONPATH")) if p)
    return env


def run_cli(args: list[str], d: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    """Run ``catlearn ARGS`` in a subprocess (in the folder ``d``)."""
    return subprocess.run([sys.executable, "-c", RUN, *args], cwd=d, env=_env(d),
                          capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    for name, text in FILES.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text.replace("{d}", str(d)))
    for name, data in BINARY.items():
        (d / name).write_bytes(data)
    return d


@pytest.mark.parametrize(("args", "status", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_user_errors_give_one_message_and_status_2(folder, args, status, words):
    if any(a.endswith(("hinge.yaml", "model.yaml", "teacher.yaml", "column.yaml",
                       "data.yaml", "shape.yaml")) for a in args) or "--plugin" in args:
        pytest.importorskip("torch")
    done = run_cli([a.replace("{d}", str(folder)) for a in args], folder)
    err = done.stderr
    assert done.returncode == status, (done.stdout, err)
    assert "Traceback" not in err, err
    assert "Exception ignored" not in err, err
    for word in words:
        assert word in err, (word, err)
    if args and args[0] != "fly" and words:
        assert err.startswith(("catlearn ", "usage: ")), err
    assert not (folder / "pwned").exists()


def test_a_closed_output_pipe_ends_quietly(folder):
    r, w = os.pipe()
    os.close(r)  # whatever check prints meets a closed pipe
    try:
        done = subprocess.run([sys.executable, "-c", RUN, "check", "diagram.yaml"], cwd=folder,
                              env=_env(folder), stdout=w, stderr=subprocess.PIPE, text=True,
                              timeout=120)
    finally:
        os.close(w)
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr


def test_check_piped_into_head(folder):
    script = f"{sys.executable!s} -c '{RUN}' check diagram.yaml | head -3"
    done = subprocess.run(["bash", "-c", script], cwd=folder,
                          env=_env(folder), capture_output=True, text=True, timeout=300)
    assert len(done.stdout.splitlines()) == 3
    assert "Traceback" not in done.stderr, done.stderr
    assert "BrokenPipe" not in done.stderr, done.stderr
