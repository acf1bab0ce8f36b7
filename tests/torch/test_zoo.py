"""Tests of catlearn_torch.zoo: the registry, every model's shapes, errors, learnability."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

from catlearn.errors import CatlearnError  # noqa: E402
from catlearn_torch import zoo  # noqa: E402
from catlearn_torch.datasets import VOCABULARY, ShapesCaptions, tokenize  # noqa: E402
from catlearn_torch.zoo import (  # noqa: E402
    ModelArgumentError,
    UnknownModelError,
    ZooError,
    available,
    build,
    register,
    unregister,
)

BUILT_IN = ["caption_decoder", "cnn_encoder", "identity", "linear", "mlp", "text_encoder"]

# (name, args, input, expected output shape)
CASES = [
    ("mlp", {"in_features": 64, "out_features": 10}, torch.rand(4, 64), (4, 10)),
    ("mlp", {"in_features": 64, "out_features": 3, "hidden": [16, 8], "dropout": 0.1,
             "activation": "gelu"}, torch.rand(4, 1, 8, 8), (4, 3)),
    ("mlp", {"in_features": 5, "out_features": 2, "hidden": []}, torch.rand(3, 5), (3, 2)),
    ("cnn_encoder", {"in_channels": 1, "out_features": 16}, torch.rand(4, 1, 8, 8), (4, 16)),
    ("cnn_encoder", {"in_channels": 3, "out_features": 32, "channels": [8, 16, 16],
                     "grid": 3}, torch.rand(2, 3, 16, 16), (2, 32)),
    ("cnn_encoder", {"in_channels": 3, "out_features": 8, "batch_norm": False,
                     "activation": "silu"}, torch.rand(2, 3, 24, 24), (2, 8)),
    ("caption_decoder", {"in_features": 16, "vocab_size": 15, "length": 8},
     torch.rand(3, 16), (3, 8, 15)),
    ("caption_decoder", {"in_features": 16, "vocab_size": 15, "length": 6, "mode": "mlp",
                         "hidden": 32}, torch.rand(3, 16), (3, 6, 15)),
    ("text_encoder", {"vocab_size": 15, "out_features": 12},
     torch.randint(0, 15, (4, 8)), (4, 12)),
    ("text_encoder", {"vocab_size": 15, "out_features": 12, "mode": "mean", "embed_dim": 8},
     torch.randint(0, 15, (4, 8)), (4, 12)),
    ("linear", {"in_features": 3, "out_features": 2}, torch.rand(5, 3), (5, 2)),
    ("identity", {}, torch.rand(5, 3), (5, 3)),
]


def test_available_lists_the_built_in_models():
    assert available() == BUILT_IN


@pytest.mark.parametrize(("name", "args", "x", "shape"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_model_output_shape_and_gradients(name, args, x, shape):
    torch.manual_seed(0)
    model = build(name, **args)
    assert isinstance(model, nn.Module)
    out = model(x)
    assert tuple(out.shape) == shape
    assert out.dtype == torch.float32
    params = [p for p in model.parameters() if p.requires_grad]
    if name == "identity":
        assert params == []
        return
    assert params, f"{name} has no trainable parameters"
    out.float().pow(2).mean().backward()
    assert all(p.grad is not None for p in params), name
    assert any(float(p.grad.abs().sum()) > 0 for p in params)


def test_builders_are_the_registered_functions():
    assert isinstance(zoo.mlp(4, 2), zoo.MLP)
    assert isinstance(zoo.cnn_encoder(1, 2), zoo.CNNEncoder)
    assert isinstance(zoo.caption_decoder(2, 5, 3), zoo.CaptionDecoder)
    assert isinstance(zoo.text_encoder(5, 2), zoo.TextEncoder)
    assert isinstance(zoo.linear(2, 2), nn.Linear)
    assert isinstance(zoo.identity(), nn.Identity)


@pytest.mark.parametrize("mode", ["gru", "mean"])
def test_text_encoder_ignores_padding(mode):
    torch.manual_seed(0)
    enc = build("text_encoder", vocab_size=len(VOCABULARY), out_features=6, mode=mode).eval()
    text = "red circle left of blue square"
    short = tokenize(text, length=8).unsqueeze(0)
    long = tokenize(text, length=12).unsqueeze(0)
    assert torch.allclose(enc(short), enc(long), atol=1e-6)
    other = tokenize("blue circle left of red square", length=8).unsqueeze(0)
    if mode == "gru":  # word order matters to the GRU, not to the bag of words
        assert not torch.allclose(enc(short), enc(other))
    else:
        assert torch.allclose(enc(short), enc(other), atol=1e-6)
    all_pad = torch.zeros(1, 8, dtype=torch.long)
    assert torch.isfinite(enc(all_pad)).all()


def test_models_report_bad_inputs():
    with pytest.raises(ModelArgumentError, match="model 'mlp': expected inputs .* 64 values"):
        build("mlp", in_features=64, out_features=2)(torch.zeros(2, 10))
    with pytest.raises(ModelArgumentError, match=r"'cnn_encoder': expected images \(n, 3, H"):
        build("cnn_encoder", in_channels=3, out_features=2)(torch.zeros(2, 1, 8, 8))
    with pytest.raises(ModelArgumentError, match=r"'caption_decoder': expected features \(n, 4"):
        build("caption_decoder", in_features=4, vocab_size=5, length=3)(torch.zeros(2, 5))
    with pytest.raises(ModelArgumentError, match="'text_encoder': expected integer token ids"):
        build("text_encoder", vocab_size=5, out_features=2)(torch.zeros(2, 3))


# ------------------------------------------------------------------------------ registry


def test_unknown_model_names_the_model_and_suggests():
    with pytest.raises(UnknownModelError, match=r"no model is registered as 'cnn_encodr' "
                       r"\(available: caption_decoder, .*\); did you mean 'cnn_encoder'\?"):
        build("cnn_encodr", in_channels=1, out_features=2)
    with pytest.raises(UnknownModelError, match="'zzz'"):
        unregister("zzz")
    assert issubclass(UnknownModelError, CatlearnError)
    assert issubclass(ModelArgumentError, ZooError)
    assert issubclass(ZooError, CatlearnError)


def test_unknown_and_missing_arguments_name_model_and_argument():
    with pytest.raises(ModelArgumentError, match="model 'mlp' has no argument 'hiden' .*"
                       "did you mean 'hidden'"):
        build("mlp", in_features=4, out_features=2, hiden=[8])
    with pytest.raises(ModelArgumentError, match="model 'caption_decoder' needs the argument "
                       "'length'"):
        build("caption_decoder", in_features=4, vocab_size=5)
    with pytest.raises(ModelArgumentError, match="model 'identity' has no argument 'size'"):
        build("identity", size=3)
    with pytest.raises(ModelArgumentError, match="pass its arguments by name"):
        build("linear", 3, 2)


@pytest.mark.parametrize(("name", "args", "pattern"), [
    ("mlp", {"in_features": 0, "out_features": 2}, "'mlp': argument 'in_features' must be an "
     "integer >= 1, not 0"),
    ("mlp", {"in_features": True, "out_features": 2}, "'in_features' must be an integer"),
    ("mlp", {"in_features": 4, "out_features": 2.0}, "'out_features' must be an integer"),
    ("mlp", {"in_features": 4, "out_features": 2, "hidden": [8, -1]},
     "'hidden' must be a list of integers >= 1"),
    ("mlp", {"in_features": 4, "out_features": 2, "hidden": "8"}, "'hidden' must be a list"),
    ("mlp", {"in_features": 4, "out_features": 2, "dropout": 1.0},
     r"'dropout' must be a number in \[0.0, 1.0\)"),
    ("mlp", {"in_features": 4, "out_features": 2, "activation": "sigmoid"},
     "'activation' must be one of"),
    ("cnn_encoder", {"in_channels": 1, "out_features": 2, "grid": 0}, "'grid' must be"),
    ("cnn_encoder", {"in_channels": 1, "out_features": 2, "batch_norm": 1},
     "'batch_norm' must be true or false"),
    ("caption_decoder", {"in_features": 4, "vocab_size": 5, "length": 3, "mode": "lstm"},
     r"'caption_decoder': argument 'mode' must be one of \['gru', 'mlp'\], not 'lstm'"),
    ("text_encoder", {"vocab_size": 5, "out_features": 2, "pad_index": 5},
     "'pad_index' must be .* < vocab_size=5"),
    ("text_encoder", {"vocab_size": 5, "out_features": 2, "mode": "max"}, "'mode' must be"),
    ("linear", {"in_features": 2, "out_features": 2, "bias": "yes"}, "'bias' must be true"),
])
def test_bad_argument_values(name, args, pattern):
    with pytest.raises(ModelArgumentError, match=pattern):
        build(name, **args)


def test_register_replace_and_unregister():
    @register("test_tiny")
    def tiny(width: int = 2) -> nn.Module:
        return nn.Linear(width, width)

    try:
        assert "test_tiny" in available()
        assert build("test_tiny").in_features == 2
        assert build("test_tiny", width=3).out_features == 3
        with pytest.raises(ZooError, match="already registered as 'test_tiny'.*replace=True"):
            register("test_tiny")(tiny)
        register("test_tiny", replace=True)(lambda **kw: nn.Identity())
        assert isinstance(build("test_tiny", anything=1), nn.Identity)  # **kwargs: no check
    finally:
        unregister("test_tiny")
    assert "test_tiny" not in available()


def test_register_checks_names_and_results():
    for bad in ("", "two words", 3):
        with pytest.raises(ZooError, match="a model name must be a non-empty string"):
            register(bad)  # type: ignore[arg-type]
    register("test_not_module")(lambda: "oops")
    try:
        with pytest.raises(ZooError, match="model 'test_not_module' returned str"):
            build("test_not_module")
    finally:
        unregister("test_not_module")


# -------------------------------------------------------------------------- learnability


def test_shapes_captions_are_learnable_by_cnn_encoder_and_caption_decoder():
    """A cnn_encoder + caption_decoder trained briefly with plain cross-entropy names the
    colours and shapes far above chance (colours 1/4, shapes 1/3): the data set is
    learnable. Seeds are fixed; the margin is wide (~0.68 vs chance ~0.29). One thread:
    these small convolutions gain nothing from more, and on a busy machine two threads
    fighting for cores made the test up to 5x slower."""
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train = ShapesCaptions(1500, seed=0)
        test = ShapesCaptions(400, seed=1)
        encoder = build("cnn_encoder", in_channels=3, out_features=64)
        decoder = build("caption_decoder", in_features=64, vocab_size=len(VOCABULARY),
                        length=8)
        params = [*encoder.parameters(), *decoder.parameters()]
        optimiser = torch.optim.Adam(params, lr=3e-3)
        images, captions = train.column("image"), train.column("caption")
        gen = torch.Generator().manual_seed(0)
        for _ in range(250):
            idx = torch.randint(0, len(train), (32,), generator=gen)
            logits = decoder(encoder(images[idx]))
            loss = nn.functional.cross_entropy(logits.flatten(0, 1), captions[idx].flatten())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        encoder.eval()
        decoder.eval()
        with torch.no_grad():
            predicted = decoder(encoder(test.column("image"))).argmax(-1)
    finally:
        torch.set_num_threads(threads)
    target = test.column("caption")
    content = (target >= VOCABULARY.index("red")) & (target <= VOCABULARY.index("triangle"))
    content_accuracy = (predicted == target)[content].float().mean().item()
    token_accuracy = (predicted == target).float().mean().item()
    assert content_accuracy > 0.5, content_accuracy
    assert token_accuracy > 0.65, token_accuracy
