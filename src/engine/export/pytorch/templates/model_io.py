"""The fixed part of every model.py: modelPy.ts writes the network (HERE, INPUT_SHAPE, OUTPUT,
LAYERS, WEIGHTS, StudioModel and the imports) and appends what follows the marker below."""
# ---8<---
# ---- Weights: the studio's (tfjs) layouts <-> PyTorch's, converted once on the way in and out ----


def _to_torch(array, layout):
    """One tfjs weight array in PyTorch's layout."""
    if layout == "dense":  # [in, out] -> [out, in]
        return array.T
    if layout in ("conv2d", "conv_transpose2d"):
        # Conv2D [kh, kw, in, out] -> [out, in, kh, kw];
        # Conv2DTranspose [kh, kw, out, in] -> [in, out, kh, kw]: the same permutation.
        return array.transpose(3, 2, 0, 1)
    return array


def _to_tfjs(array, layout):
    """The inverse of _to_torch."""
    if layout == "dense":
        return array.T
    if layout in ("conv2d", "conv_transpose2d"):
        return array.transpose(2, 3, 1, 0)
    return array


def load_weights(model, path=HERE / "weights.npz"):
    """Loads weights.npz (tfjs layouts, keyed by tfjs weight names) into `model`."""
    params = dict(model.named_parameters())
    with np.load(path) as arrays, torch.no_grad():
        for key, param, layout in WEIGHTS:
            value = np.ascontiguousarray(_to_torch(arrays[key], layout), dtype=np.float32)
            if tuple(value.shape) != tuple(params[param].shape):
                raise ValueError(f"{key}: shape {value.shape} does not fit {param} {tuple(params[param].shape)}")
            params[param].copy_(torch.from_numpy(value))
    return model


def tfjs_weights(model):
    """The weights in the studio's layouts: {tfjs name: float32 array}, in the manifest's order."""
    params = dict(model.named_parameters())
    return {
        key: np.ascontiguousarray(_to_tfjs(params[param].detach().cpu().numpy(), layout), dtype=np.float32)
        for key, param, layout in WEIGHTS
    }


def studio_model(weights=HERE / "weights.npz"):
    """StudioModel with the studio's weights, in eval mode (dropout off)."""
    return load_weights(StudioModel(), weights).eval()


def predict(model, inputs, batch_size=1024):
    """The model's outputs for `inputs` (a float32 array, one row per sample), as a numpy array."""
    model.eval()
    device = next(model.parameters()).device
    outputs = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            batch = torch.as_tensor(np.asarray(inputs[start : start + batch_size], dtype=np.float32), device=device)
            outputs.append(model(batch).reshape(len(batch), -1).cpu().numpy())
    return np.concatenate(outputs) if outputs else np.zeros((0, 0), np.float32)


def check(path=HERE / "check.json", tolerance=1e-4, weights=HERE / "weights.npz"):
    """Predicts check.json's held-out rows and compares with the studio's outputs for them."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    expected = np.asarray(rows["outputs"], dtype=np.float32)
    got = predict(studio_model(weights), np.asarray(rows["inputs"], dtype=np.float32))
    diff = float(np.abs(got - expected.reshape(len(expected), -1)).max()) if len(expected) else 0.0
    print(f"max |torch - studio| = {diff:.3g} over {len(expected)} held-out rows (tolerance {tolerance:g})")
    return diff <= tolerance


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the studio's outputs in check.json")
    parser.add_argument("--tolerance", type=float, default=1e-4, help="largest difference --check accepts")
    parser.add_argument("--weights", default=str(HERE / "weights.npz"), help="weights in the studio's layouts")
    args = parser.parse_args()
    if not args.check:
        model = studio_model(args.weights)
        print(model)
        print(f"{sum(p.numel() for p in model.parameters()):,} parameters; input {INPUT_SHAPE}, output {OUTPUT}")
        return
    if not (HERE / "check.json").exists():
        sys.exit("check.json is missing: the studio adds it when the model's dataset is loaded at export.")
    sys.exit(0 if check(tolerance=args.tolerance, weights=args.weights) else 1)


if __name__ == "__main__":
    main()
