"""Continues the studio's fine-tuning run in PyTorch: one process, or many with torchrun.

    torchrun --nproc_per_node=4 train.py --data PATH [--epochs N]
    python train.py [--data PATH] [--epochs N]

It trains as the studio did (run.json): the loss (cross-entropy on the softmax, or squared error
on the standardized target), the optimizer (SGD, momentum or Adam with tfjs's epsilon), the
learning-rate schedule with its warm-up, and the freezing phases, counting steps on from where the
studio stopped. The optimizer's state (Adam's moments) is not carried over from the studio: it
starts fresh, as the studio's own optimizer does at each freezing phase.

Data: --data PATH (your original files, read by data.py), else data/encoded.npz when the project
has it. Rows: split.json (the studio's train/validation/test split) when present, else a seeded
70/15/15 split. With several processes, DistributedDataParallel trains on disjoint shards of the
training rows each epoch (DistributedSampler, seeded, reshuffled every epoch); the global batch is
the run's batch size (--batch-size to change it), split across the processes.

Rank 0 logs each epoch, saves checkpoints/ (--resume continues from the latest), evaluates the
test rows at the end and writes studio-export/: a zip to import in the studio (Import model), and
predictions.json (the trained model's outputs for check.json's rows).
"""
import argparse
import contextlib
import gc
import json
import math
import os
import re
import sys
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data.distributed import DistributedSampler

import data as studio_data
import model as studio_model

HERE = Path(__file__).resolve().parent

ADAM_EPSILON = 1e-7
"""tfjs's Adam epsilon (PyTorch's default is 1e-8)."""

CLIP = 1e-7
"""tfjs's cross-entropy clips probabilities to [CLIP, 1 - CLIP] (for outputs that are not a softmax)."""

HEAD_PREFIX = "head_"
"""The studio names its task head's layers head_*; every other layer is the encoder."""


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", help="your CSV/TSV, or folder/.zip of images (default: data/encoded.npz when present)")
    p.add_argument("--delimiter", help="the table's delimiter (default: guessed as the studio does)")
    p.add_argument("--epochs", type=int, help="epochs to train now (default: the run's remaining ones, at least 1)")
    p.add_argument("--batch-size", type=int, help="global batch size, split across processes (default: the run's)")
    p.add_argument("--backend", choices=["gloo", "nccl"], help="default: nccl with CUDA, gloo on CPU")
    p.add_argument("--cpu", action="store_true", help="train on the CPU even when CUDA is available")
    p.add_argument("--resume", nargs="?", const="latest", help="continue from a checkpoint (default: the latest)")
    p.add_argument("--out", default=str(HERE), help="where checkpoints/ and studio-export/ go (default: here)")
    p.add_argument("--keep", type=int, default=3, help="checkpoints to keep (the latest ones)")
    p.add_argument("--shard-log", help="for tests: each rank writes the rows it trained on in its first epoch here")
    return p.parse_args()


# ---- Processes -------------------------------------------------------------------------------


class Ranks:
    """This process's place among torchrun's: RANK, LOCAL_RANK and WORLD_SIZE from the environment
    (MASTER_ADDR and MASTER_PORT are read by init_process_group); one plain process without them."""

    def __init__(self, backend, cpu_only):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() and not cpu_only
        self.backend = backend or ("nccl" if cuda else "gloo")
        if cuda:
            self.device = torch.device("cuda", self.local_rank % torch.cuda.device_count())
            torch.cuda.set_device(self.device)
        else:
            self.device = torch.device("cpu")
            # Processes sharing a machine share its cores (torchrun sets this; plain launches may not).
            if self.world > 1 and "OMP_NUM_THREADS" not in os.environ:
                local = int(os.environ.get("LOCAL_WORLD_SIZE", self.world))
                torch.set_num_threads(max(1, (os.cpu_count() or 1) // local))
        self.distributed = self.world > 1
        if self.distributed:
            dist.init_process_group(backend=self.backend, rank=self.rank, world_size=self.world)

    @property
    def main(self):
        return self.rank == 0

    def log(self, *text):
        if self.main:
            print(*text, flush=True)

    def sum(self, *values):
        """The values summed over all processes."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def close(self):
        if self.distributed:
            dist.barrier()
            dist.destroy_process_group()


class ShardSampler(DistributedSampler):
    """DistributedSampler (the same seeded shuffle, reshuffled by set_epoch) without its padding:
    each training row goes to exactly one process once per epoch, so shards may differ by one row
    (DDP's join() evens out the batches)."""

    def __iter__(self):
        g = torch.Generator()
        g.manual_seed(self.seed + self.epoch)
        n = len(self.dataset)
        order = torch.randperm(n, generator=g).tolist() if self.shuffle else list(range(n))
        return iter(order[self.rank :: self.num_replicas])

    def __len__(self):
        return len(range(self.rank, len(self.dataset), self.num_replicas))


# ---- The run's settings, as the studio applies them (src/shared/schedule.ts, train/freeze.ts) ----


def js_round(v):
    """JavaScript's Math.round (halves up; Python's round() halves to even)."""
    return math.floor(v + 0.5)


def head_only(freeze, epoch):
    """Whether `epoch` (1-based) trains the head only (encoder frozen)."""
    return freeze["headEpochs"] > 0 and epoch <= freeze["headEpochs"]


def phase_factor(freeze, epoch):
    """The rate multiplier of the phase: lrFactor after unfreezing, else 1."""
    return freeze["lrFactor"] if freeze["headEpochs"] > 0 and epoch > freeze["headEpochs"] else 1.0


def schedule_factor(schedule, total_epochs, step, steps_per_epoch):
    """The schedule's multiplier at 0-based `step` of a run of total_epochs."""
    total = max(1, total_epochs * steps_per_epoch)
    warmup = js_round(max(0, schedule["warmupEpochs"]) * steps_per_epoch)
    if step < warmup:  # linear warm-up, reaching the full rate at its last step
        return (step + 1) / warmup
    if schedule["kind"] == "step":
        epochs_done = step // steps_per_epoch
        return schedule["stepFactor"] ** math.floor(epochs_done / max(1, schedule["stepEvery"]))
    if schedule["kind"] == "cosine":
        span = max(1, total - warmup - 1)
        t = min(1.0, (step - warmup) / span)
        return schedule["minFactor"] + (1 - schedule["minFactor"]) * 0.5 * (1 + math.cos(math.pi * t))
    return 1.0


def learning_rate_at(run, total_epochs, step, steps_per_epoch):
    """The rate for 0-based `step` (whose epoch is step // steps_per_epoch + 1)."""
    epoch = step // steps_per_epoch + 1
    factor = schedule_factor(run["schedule"], total_epochs, step, steps_per_epoch)
    return run["learningRate"] * factor * phase_factor(run["freeze"], epoch)


def trainable_layers(freeze, epoch):
    """The attributes of the layers that train in `epoch`: the head always; the encoder unless frozen,
    and after unfreezing all of it or only its last lastK layers with weights."""
    layers = studio_model.LAYERS
    named = any(name.startswith(HEAD_PREFIX) for name, _, _ in layers)
    head = [name.startswith(HEAD_PREFIX) if named else i == len(layers) - 1 for i, (name, _, _) in enumerate(layers)]
    frozen = head_only(freeze, epoch)
    unfreezing = freeze["headEpochs"] > 0 and not frozen
    encoder = [i for i, (_, _, attr) in enumerate(layers) if not head[i] and attr]
    last = encoder[-max(0, freeze["lastK"]) :] if unfreezing and freeze["unfreeze"] == "last" else encoder
    return {
        attr
        for i, (_, _, attr) in enumerate(layers)
        if attr and (head[i] or (not frozen and (freeze["unfreeze"] == "all" or not unfreezing or i in last)))
    }


def apply_freeze(net, freeze, epoch):
    """Sets requires_grad per layer for `epoch`; returns the layers that train."""
    train = trainable_layers(freeze, epoch)
    for _, _, attr in studio_model.LAYERS:
        if attr:
            getattr(net, attr).requires_grad_(attr in train)
    return train


def make_optimizer(params, spec, lr):
    """The run's optimizer, fresh (the studio starts one per freezing phase)."""
    if spec["kind"] == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if spec["kind"] == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=spec["momentum"])
    return torch.optim.Adam(params, lr=lr, betas=(spec["beta1"], spec["beta2"]), eps=ADAM_EPSILON)


# ---- Data ------------------------------------------------------------------------------------


def load_data(args, pre, task, ranks):
    """Inputs shaped as the model takes them, and targets (class indices, or standardized values)."""
    encoded = HERE / "data" / "encoded.npz"
    if args.data:
        ds = studio_data.load_dataset(args.data, pre, args.delimiter)
        for note in ds.notes[:20]:
            ranks.log(f"data: {note}")
        x, y, source = ds.x, ds.y, args.data
    elif encoded.exists():
        with np.load(encoded) as arrays:
            x, y = arrays["x"], arrays["y"] if "y" in arrays.files else None
        source = "data/encoded.npz (the rows the studio encoded)"
    else:
        sys.exit("Give your data with --data PATH (this project has no data/encoded.npz).")
    if y is None:
        sys.exit("The data has no labels to train on.")
    x = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32).reshape(len(x), *studio_model.INPUT_SHAPE))
    y = torch.from_numpy(y.astype(np.int64) if task == "classification" else y.astype(np.float32).reshape(-1, 1))
    return x, y, source


def load_split(n, seed, ranks):
    """Train, validation and test row indices: split.json's, or a seeded 70/15/15 split."""
    path = HERE / "split.json"
    if path.exists():
        split = studio_data.read_json(path)
        parts = [np.asarray(split[k], dtype=np.int64) for k in ("train", "val", "test")]
        top = max((int(p.max()) for p in parts if len(p)), default=-1)
        if top >= n:
            sys.exit(
                f"split.json names row {top}, but the data has {n} rows: give the data the studio loaded, "
                "or delete split.json to split these rows afresh."
            )
        used = sum(len(p) for p in parts)
        if used < n:
            ranks.log(f"split.json covers {used} of {n} rows; the other rows are not used (delete it to use all)")
        ranks.log("split: the studio's (split.json)")
        return parts
    order = np.random.RandomState(seed).permutation(n)
    n_val, n_test = js_round(n * 0.15), js_round(n * 0.15)
    ranks.log(f"split: no split.json, so a seeded 70/15/15 split (seed {seed}), not the studio's")
    return [np.sort(order[n_val + n_test :]), np.sort(order[:n_val]), np.sort(order[n_val : n_val + n_test])]


# ---- Training --------------------------------------------------------------------------------


def outputs_and_loss(net, xb, yb, task, with_outputs=False):
    """The run's loss on a batch (mean over samples), and optionally the model's outputs."""
    if task == "regression":
        out = net(xb)
        return F.mse_loss(out.reshape(len(xb), -1), yb), out
    if studio_model.OUTPUT == "softmax":
        logits = net(xb, logits=True)
        out = torch.softmax(logits, dim=-1) if with_outputs else None
        return F.cross_entropy(logits, yb), out
    p = net(xb)
    p = torch.clamp(p / p.sum(dim=-1, keepdim=True), CLIP, 1 - CLIP)
    return -torch.log(p.gather(1, yb[:, None])).mean(), p


def evaluate(net, x, y, rows, task, device, batch=1024):
    """Mean loss, accuracy (classification) and the predictions over `rows` (dropout off)."""
    net.eval()
    loss_sum, outs = 0.0, []
    with torch.no_grad():
        for start in range(0, len(rows), batch):
            idx = rows[start : start + batch]
            loss, out = outputs_and_loss(net, x[idx].to(device), y[idx].to(device), task, with_outputs=True)
            loss_sum += float(loss) * len(idx)
            outs.append(out.reshape(len(idx), -1).cpu())
    if not len(rows):
        return math.nan, math.nan, None
    out = torch.cat(outs)
    accuracy = float((out.argmax(-1) == y[rows]).double().mean()) if task == "classification" else math.nan
    return loss_sum / len(rows), accuracy, out


class Trainer:
    """The training loop across freezing phases: a fresh optimizer (and DDP wrapper) per phase."""

    def __init__(self, net, run, ranks, plan):
        self.net, self.run, self.ranks, self.plan = net, run, ranks, plan
        self.phase = None
        self.optimizer = None
        self.model = net

    def begin_epoch(self, epoch, optimizer_state=None):
        """Freezes or unfreezes for `epoch`; a new phase gets a new optimizer (state restored on resume)."""
        phase = head_only(self.run["freeze"], epoch)
        if phase == self.phase:
            return
        trains = apply_freeze(self.net, self.run["freeze"], epoch)
        params = [p for p in self.net.parameters() if p.requires_grad]
        self.optimizer = make_optimizer(params, self.run["optimizer"], self.run["learningRate"])
        if optimizer_state is not None:
            self.optimizer.load_state_dict(optimizer_state)
        if self.ranks.distributed:
            # DDP registers the parameters that need gradients when it is built: once per phase.
            ids = [self.ranks.device] if self.ranks.device.type == "cuda" else None
            self.model = DistributedDataParallel(self.net, device_ids=ids)
        self.phase = phase
        with_weights = sum(1 for _, _, attr in studio_model.LAYERS if attr)
        what = "the head only (encoder frozen)" if phase else f"{len(trains)} of {with_weights} layers with weights"
        self.ranks.log(f"epoch {epoch}: training {what}")

    def close(self):
        """Drops the DDP wrapper while the process group is still alive. Freed after
        destroy_process_group, its reducer would destroy the group itself, joining Gloo's worker
        thread with the GIL held while that thread waits for the GIL to free a tensor: a hang at
        exit, seen on PyTorch 1.13 about once in 25 two-process runs."""
        self.model = self.net
        gc.collect()

    def train_epoch(self, epoch, x, y, rows, sampler):
        """One epoch over this process's shard; returns the mean training loss over all processes."""
        sampler.set_epoch(epoch)
        mine = rows[list(iter(sampler))]
        self.model.train()
        device, task, bs = self.ranks.device, self.run["task"], self.plan["per_process_batch"]
        step = (epoch - 1) * self.plan["steps_per_epoch"]
        total = torch.zeros((), dtype=torch.float64, device=device)
        joined = self.model.join() if self.ranks.distributed else contextlib.nullcontext()
        with joined:
            for start in range(0, len(mine), bs):
                idx = mine[start : start + bs]
                lr = learning_rate_at(self.run, self.plan["total_epochs"], step, self.plan["steps_per_epoch"])
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                self.optimizer.zero_grad(set_to_none=True)
                loss, _ = outputs_and_loss(self.model, x[idx].to(device), y[idx].to(device), task)
                loss.backward()
                self.optimizer.step()
                total += loss.detach().double() * len(idx)
                step += 1
        loss_sum, count = self.ranks.sum(float(total), len(mine))
        return mine, loss_sum / max(1, count)


# ---- Checkpoints and the way back to the studio ---------------------------------------------


def checkpoint_paths(folder):
    return sorted(folder.glob("epoch-*.pt"))


def save_checkpoint(folder, trainer, epoch, end_epoch, history, keep):
    folder.mkdir(parents=True, exist_ok=True)
    state = {
        "epoch": epoch,
        "end_epoch": end_epoch,
        "head_only": trainer.phase,
        "model": trainer.net.state_dict(),
        "optimizer": trainer.optimizer.state_dict(),
        "history": history,
    }
    torch.save(state, folder / f"epoch-{epoch:04d}.pt")
    for old in checkpoint_paths(folder)[: -max(1, keep)]:
        old.unlink()


def slug(name):
    """The studio's file name for a model name."""
    return re.sub(r"^-+|-+$", "", re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII))[:80] or "model"


def classification_metrics(actual, predicted, classes):
    """Accuracy, macro F1 (over classes present) and support-weighted F1, as the studio computes them."""
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (actual, predicted), 1)
    f1s, present, supports = [], [], []
    for c in range(classes):
        tp, support, guessed = confusion[c, c], confusion[c].sum(), confusion[:, c].sum()
        precision = tp / guessed if guessed else 0.0
        recall = tp / support if support else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        present.append(support > 0 or guessed > 0)
        supports.append(support)
    n = len(actual)
    return {
        "accuracy": float((actual == predicted).mean()) if n else 0.0,
        "macroF1": float(np.mean([f for f, p in zip(f1s, present) if p])) if any(present) else 0.0,
        "weightedF1": float(np.dot(f1s, supports) / sum(supports)) if sum(supports) else 0.0,
    }


def regression_metrics(actual, predicted):
    """MSE, MAE and R² in the label's own units, as the studio computes them."""
    if not len(actual):
        return {}
    d = actual - predicted
    se = float((d**2).sum())
    tot = float(((actual - actual.mean()) ** 2).sum())
    r2 = 1 - se / tot if tot > 0 else (1.0 if se == 0 else 0.0)
    return {"mse": se / len(actual), "mae": float(np.abs(d).mean()), "r2": r2}


def test_metrics(net, x, y, rows, run, pre, device, last_val):
    """The test rows' metrics under the studio's names, with the last epoch's validation numbers."""
    _, _, out = evaluate(net, x, y, rows, run["task"], device)
    metrics = {}
    if out is not None and run["task"] == "classification":
        metrics = classification_metrics(y[rows].numpy(), out.argmax(-1).numpy(), len(pre["classNames"]))
    elif out is not None:
        label = pre.get("label") or {"mean": 0.0, "std": 1.0}

        def unscale(v):  # back to the label's own units
            return v.numpy().astype(np.float64).reshape(-1) * label["std"] + label["mean"]

        metrics = regression_metrics(unscale(y[rows]), unscale(out))
    metrics["valLoss"] = last_val[0]
    if run["task"] == "classification":
        metrics["valAccuracy"] = last_val[1]
    return {k: v for k, v in metrics.items() if v is not None and math.isfinite(v)}


def export_to_studio(net, out_dir, run, pre, metrics, epoch):
    """studio-export/<name>-pytorch.zip: model.json (the studio's topology and manifest), the trained
    weights back in tfjs layouts in one model.weights.bin, and preprocessing.json updated."""
    model_json = studio_data.read_json(HERE / "studio" / "model.json")
    manifest = [w for group in model_json["weightsManifest"] for w in group["weights"]]
    weights = studio_model.tfjs_weights(net)
    data = b"".join(weights[w["name"]].astype("<f4").tobytes() for w in manifest)
    model_json["weightsManifest"] = [{"paths": ["./model.weights.bin"], "weights": manifest}]
    updated = dict(pre)
    updated["metrics"] = metrics
    updated["model"] = dict(
        pre["model"],
        name=f"{pre['model']['name']} (PyTorch)",
        epoch=epoch,
        exportedAt=datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    )
    folder = Path(out_dir) / "studio-export"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug(run['modelName'])}-pytorch.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("model.json", json.dumps(model_json))
        z.writestr("model.weights.bin", data)
        z.writestr("preprocessing.json", json.dumps(updated, indent=2))
    return path


def write_predictions(net, out_dir, device):
    """studio-export/predictions.json: the trained model's outputs for check.json's inputs."""
    path = HERE / "check.json"
    if not path.exists():
        return None
    rows = studio_data.read_json(path)
    outputs = studio_model.predict(net.to(device), np.asarray(rows["inputs"], dtype=np.float32))
    target = Path(out_dir) / "studio-export" / "predictions.json"
    target.write_text(json.dumps({"rows": rows["rows"], "outputs": outputs.tolist()}))
    return target


# ---- Main ------------------------------------------------------------------------------------


def starting_point(args, net, run, checkpoints, ranks):
    """The epochs to train (first, last), the history so far, and the checkpoint resumed (or None).
    Loads the weights: the checkpoint's, or the studio's (weights.npz)."""
    if not args.resume:
        studio_model.load_weights(net)
        remaining = args.epochs if args.epochs else max(1, run["epochs"] - run["epochsDone"])
        return run["epochsDone"] + 1, run["epochsDone"] + remaining, [], None
    found = checkpoint_paths(checkpoints) if args.resume == "latest" else [Path(args.resume)]
    if not found:
        sys.exit(f"No checkpoint to resume in {checkpoints}.")
    state = torch.load(found[-1], map_location="cpu")
    net.load_state_dict(state["model"])
    ranks.log(f"resuming from {found[-1]} (epoch {state['epoch']})")
    end = state["epoch"] + args.epochs if args.epochs else state["end_epoch"]
    return state["epoch"] + 1, end, state["history"], state


def batch_plan(args, run, ranks, train_rows, end):
    """Batch per process (the global batch split across processes), steps per epoch, and the
    epochs the schedule spans (the run's planned ones, or more when training goes beyond them)."""
    per_process = max(1, math.ceil((args.batch_size or run["batchSize"]) / ranks.world))
    shard = math.ceil(train_rows / ranks.world)
    return {
        "per_process_batch": per_process,
        "steps_per_epoch": math.ceil(shard / per_process),
        "total_epochs": max(run["epochs"], end),
    }


def finite_or_none(v):
    return v if isinstance(v, float) and math.isfinite(v) else None


def finish(net, data, run, pre, ranks, out_dir, end, last_val, history):
    """Rank 0, after training: test metrics, the zip for the studio, history and predictions."""
    x, y, test_rows = data
    metrics = test_metrics(net, x, y, test_rows, run, pre, ranks.device, last_val)
    ranks.log("test: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()))
    path = export_to_studio(net, out_dir, run, pre, metrics, end)
    ranks.log(f"wrote {path}: import it in the studio (Import model)")
    (out_dir / "checkpoints").mkdir(parents=True, exist_ok=True)
    (out_dir / "checkpoints" / "history.json").write_text(json.dumps(history, indent=1))
    write_predictions(net, out_dir, ranks.device)


def main():
    args = parse_args()
    ranks = Ranks(args.backend, args.cpu)
    run = studio_data.read_json(HERE / "run.json")
    pre = studio_data.read_preprocessing(HERE / "preprocessing.json")
    torch.manual_seed(run["seed"] * 1000 + ranks.rank)  # dropout differs per process

    x, y, source = load_data(args, pre, run["task"], ranks)
    train_rows, val_rows, test_rows = (torch.from_numpy(r) for r in load_split(len(x), run["seed"], ranks))
    if not len(train_rows):
        sys.exit("There are no training rows.")
    net = studio_model.StudioModel()
    out_dir = Path(args.out)
    start, end, history, resumed = starting_point(args, net, run, out_dir / "checkpoints", ranks)
    net.to(ranks.device)
    plan = batch_plan(args, run, ranks, len(train_rows), end)
    per_process = plan["per_process_batch"]
    ranks.log(
        f"{run['modelName']}: epochs {start}-{end} (the studio trained {run['epochsDone']} of {run['epochs']}); "
        f"data {source}: {len(train_rows)} train, {len(val_rows)} validation, {len(test_rows)} test rows; "
        f"{ranks.world} process(es) on {ranks.device.type} ({ranks.backend if ranks.distributed else 'no backend'}), "
        f"batch {per_process * ranks.world} ({per_process} per process), "
        f"{run['optimizer']['kind']} at {run['learningRate']}"
    )
    if start > end:
        ranks.log(f"nothing to train: the run already reached epoch {end} (give --epochs N to train more)")

    sampler = ShardSampler(range(len(train_rows)), num_replicas=ranks.world, rank=ranks.rank, seed=run["seed"])
    trainer = Trainer(net, run, ranks, plan)
    last_val = (math.nan, math.nan)
    for epoch in range(start, end + 1):
        same_phase = resumed is not None and epoch == start and resumed["head_only"] == head_only(run["freeze"], epoch)
        trainer.begin_epoch(epoch, resumed["optimizer"] if same_phase else None)
        began = time.time()
        mine, loss = trainer.train_epoch(epoch, x, y, train_rows, sampler)
        if args.shard_log and epoch == start:
            Path(args.shard_log).mkdir(parents=True, exist_ok=True)
            trained = {"epoch": epoch, "rows": mine.tolist()}
            Path(args.shard_log, f"rank{ranks.rank}.json").write_text(json.dumps(trained))
        if not ranks.main:
            continue
        last_val = evaluate(net, x, y, val_rows, run["task"], ranks.device)[:2]
        steps = plan["steps_per_epoch"]
        lr = learning_rate_at(run, plan["total_epochs"], epoch * steps - 1, steps)
        val_loss, val_accuracy = (finite_or_none(v) for v in last_val)
        history.append(dict(epoch=epoch, loss=loss, valLoss=val_loss, valAccuracy=val_accuracy, learningRate=lr))
        accuracy = f"  val_accuracy {last_val[1]:.4f}" if run["task"] == "classification" else ""
        ranks.log(
            f"epoch {epoch}/{end}  loss {loss:.4f}  val_loss {last_val[0]:.4f}{accuracy}  "
            f"lr {lr:.3g}  ({time.time() - began:.1f} s)"
        )
        save_checkpoint(out_dir / "checkpoints", trainer, epoch, end, history, args.keep)

    if ranks.main:
        finish(net, (x, y, test_rows), run, pre, ranks, out_dir, end, last_val, history)
    trainer.close()
    ranks.close()


if __name__ == "__main__":
    try:
        main()
    except studio_data.DataError as e:
        sys.exit(str(e))
