"""Reads your original data exactly as Pretrain Studio encoded it, following preprocessing.json.

    python data.py --data PATH --check    # compares with the studio's rows in check.json
    python data.py --data PATH            # what it read: rows, shape, classes

Tables (CSV/TSV): the header row names the columns; cells are cleaned and missing values spotted
as the studio does; rows without a label (and, with "drop", rows missing a feature) are left out;
numbers are standardized and categories one-hot encoded with the studio's statistics; classes
become indices in classNames' order, a numeric label is standardized. Row k here is row k of the
studio's dataset, so split.json's indices pick the same rows.

Images: a folder of class folders (cat/001.png, dog/002.png), or the .zip you loaded in the studio
(its entries are read in the zip's order, as the studio reads them; a folder is read in sorted path
order, which can differ from the order a browser listed it in). Each image is centre-cropped to a
square, resized, made grey (0.299 R + 0.587 G + 0.114 B) when the model reads one channel, and its
pixels multiplied by the scale. The browser's canvas and this resampling cannot agree to the bit:
--check accepts a difference of up to IMAGE_TOLERANCE (see below).

Only the standard library and numpy (plus Pillow for images).
"""
import argparse
import csv
import io
import json
import math
import re
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent

TABLE_TOLERANCE = 1e-5
"""Tables are encoded exactly as the studio does: any difference means the data changed."""

IMAGE_TOLERANCE = 0.1
"""Largest difference --check accepts for a pixel value on the 0..1 scale. Measured against Chromium
(scripts/pytorch-image-check.mjs in the studio's repository): PNG and JPEG test pictures with
1-pixel stripes and noise, 28 to 1024 pixels, read at 28 (grey), 32 and 64 (RGB): at worst 18 of
255 levels (0.071) apart, 0.5 levels on average; most sizes agree within 1 level."""

IMAGE_LIMIT = 50_000
"""The studio loads at most this many images from one folder or zip."""

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "webp", "gif", "bmp"}

JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
"""What JavaScript's String.trim() removes (Python's str.strip() differs at the edges)."""


class DataError(Exception):
    """The data does not fit the model's preprocessing (a message for the user)."""


class Dataset:
    """Encoded rows: x (float32, one sample per row, shaped as the model takes it), y (class
    indices, standardized values, or None), and notes on what was left out."""

    def __init__(self, x, y, notes):
        self.x = x
        self.y = y
        self.notes = notes

    def __len__(self):
        return len(self.x)


# ---- Tables ----------------------------------------------------------------------------------


def clean_cell(raw):
    """A field as the studio sees it: trimmed only when it starts or ends with a space or control character."""
    if raw and (ord(raw[0]) <= 32 or ord(raw[-1]) <= 32):
        return raw.strip(JS_WHITESPACE)
    return raw


def is_missing(cell, tokens):
    """Whether a cleaned cell is a missing value ("", "NA", "n/a", "?", ... compared in lower case)."""
    return len(cell) <= 4 and cell.lower() in tokens


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)\Z")
_RADIX = re.compile(r"0(?:[xX](?P<x>[0-9a-fA-F]+)|[oO](?P<o>[0-7]+)|[bB](?P<b>[01]+))\Z")


def js_number(text):
    """JavaScript's Number(text): the studio reads cells with it (Python's float() accepts other spellings)."""
    s = text.strip(JS_WHITESPACE)
    if not s:
        return 0.0
    if s in ("Infinity", "+Infinity", "-Infinity"):
        return -math.inf if s[0] == "-" else math.inf
    if _DECIMAL.match(s):
        return float(s)
    m = _RADIX.match(s)
    if m:
        digits, base = next((v, {"x": 16, "o": 8, "b": 2}[k]) for k, v in m.groupdict().items() if v)
        try:
            return float(int(digits, base))
        except OverflowError:
            return math.inf
    return math.nan


def as_number(cell):
    """The cell's value when the studio counts it a number (finite, within float32's range), else None."""
    n = js_number(cell)
    return n if math.isfinite(n) and abs(n) <= 3.4e38 else None


def decode_text(raw):
    """File bytes as the browser decodes them: UTF-8 (or UTF-16 when a byte-order mark says so)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace")


def is_blank(fields):
    """A line the studio skips: nothing but whitespace in all its fields."""
    return "".join(fields).strip(JS_WHITESPACE) == ""


def guess_delimiter(text):
    """Papa Parse's guess (the studio's CSV reader): the delimiter giving the most consistent field
    count over the first 10 rows, ties to the one giving more fields."""
    best, best_delta, best_fields = ",", None, 0
    for delimiter in [",", "\t", "|", ";", "\x1e", "\x1f"]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        preview = [row for _, row in zip(range(10), reader)]
        counts = [len(row) for row in preview if not is_blank(row)]
        if not counts:
            continue
        delta = sum(abs(b - a) for a, b in zip(counts, counts[1:]) if b > 0)
        average = sum(counts) / len(counts)
        better = best_delta is None or delta < best_delta or (delta == best_delta and average > best_fields)
        if average > 1.99 and better:
            best, best_delta, best_fields = delimiter, delta, average
    return best


def normalize_header(header):
    """Unique, non-empty column names, as the studio names them: blanks become column_N, repeats get _2, _3."""
    seen = {}
    names = []
    for i, h in enumerate(header):
        base = h.strip(JS_WHITESPACE) or f"column_{i + 1}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        names.append(f"{base}_{n + 1}" if n else base)
    return names


def read_table(path, delimiter=None):
    """The header (column names) and the data rows (lists of raw fields) of a CSV/TSV, read as the
    studio reads it: blank lines skipped, rows with another field count than the header's left out."""
    text = decode_text(Path(path).read_bytes())
    csv.field_size_limit(1 << 30)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or guess_delimiter(text))
    header, rows, malformed = None, [], 0
    for fields in reader:
        if is_blank(fields):
            continue
        if header is None:
            if fields[0].startswith("\ufeff"):
                fields[0] = fields[0][1:]
            header = normalize_header(fields)
        elif len(fields) != len(header):
            malformed += 1
        else:
            rows.append(fields)
    if header is None or not rows:
        raise DataError(f"{path} has no header and data rows.")
    return header, rows, malformed


def encode_numeric(cells, missing, spec, row_numbers):
    """A numeric feature: float32 values standardized with the studio's mean and std (missing: its impute value)."""
    values = np.empty(len(cells), dtype=np.float64)
    for i, cell in enumerate(cells):
        if missing[i]:
            values[i] = spec["impute"]
            continue
        n = as_number(cell)
        if n is None:
            raise DataError(f'"{spec["column"]}" must be a number; "{cell}" (data row {row_numbers[i] + 1}) is not.')
        values[i] = np.float32(n)  # the studio keeps numbers as float32
    return ((values - spec["mean"]) / spec["std"]).astype(np.float32)[:, None]


def encode_onehot(cells, missing, spec, _row_numbers):
    """A categorical feature: one column per category, plus "other" for unseen ones when the studio had it."""
    categories = spec["categories"]
    width = len(categories) + (1 if spec["other"] else 0)
    slots = {}
    for k, c in enumerate(categories):
        slots.setdefault(c, k)
    impute = slots.get(spec["impute"], -1)
    out = np.zeros((len(cells), width), dtype=np.float32)
    for i, cell in enumerate(cells):
        k = impute if missing[i] else slots.get(cell, len(categories) if spec["other"] else -1)
        if k >= 0:
            out[i, k] = 1
    return out


def encode_label(cells, label, class_names):
    """Class indices in classNames' order, or the standardized numeric value."""
    if label["type"] == "classes":
        index = {name: i for i, name in enumerate(class_names)}
        unknown = sorted({c for c in cells if c not in index})
        if unknown:
            raise DataError(
                f'The label "{label["column"]}" has values the model has no class for: {", ".join(unknown[:5])}. '
                f"Its classes: {', '.join(class_names)}."
            )
        return np.array([index[c] for c in cells], dtype=np.int64)
    values = []
    for cell in cells:
        n = as_number(cell)
        if n is None:
            raise DataError(f'The label "{label["column"]}" must be a number; "{cell}" is not.')
        values.append(np.float32(n))
    return ((np.array(values, dtype=np.float64) - label["mean"]) / label["std"]).astype(np.float32)


def load_table(path, pre, delimiter=None):
    """The table's rows encoded as the studio encoded them, in the studio's row order."""
    header, rows, malformed = read_table(path, delimiter)
    position = {name: i for i, name in enumerate(header)}
    label = pre.get("label")
    columns = [f["column"] for f in pre["features"]] + ([label["column"]] if label else [])
    absent = [c for c in columns if c not in position]
    if absent:
        raise DataError(f"{path} has no column {', '.join(repr(c) for c in absent)} (it has {', '.join(header)}).")
    tokens = {t.lower() for t in pre["missingTokens"]}
    cells = {c: [clean_cell(row[position[c]]) for row in rows] for c in columns}
    missing = {c: np.array([is_missing(v, tokens) for v in cells[c]], dtype=bool) for c in columns}
    # Rows kept: a label is never imputed; with "drop", neither are features.
    keep = np.ones(len(rows), dtype=bool)
    if label:
        keep &= ~missing[label["column"]]
    if pre["missing"] == "drop":
        for f in pre["features"]:
            keep &= ~missing[f["column"]]
    kept = np.flatnonzero(keep)
    parts = []
    for f in pre["features"]:
        col_cells = [cells[f["column"]][r] for r in kept]
        col_missing = missing[f["column"]][kept]
        encode = encode_numeric if f["type"] == "numeric" else encode_onehot
        parts.append(encode(col_cells, col_missing, f, kept))
    x = np.concatenate(parts, axis=1) if parts else np.zeros((len(kept), 0), np.float32)
    y = encode_label([cells[label["column"]][r] for r in kept], label, pre["classNames"]) if label else None
    notes = []
    if malformed:
        notes.append(f"{malformed} rows with another number of fields than the header were left out")
    if len(kept) < len(rows):
        # The studio keeps rows without a label too (its unlabeled rows, numbered after these), for
        # pretraining and semi-supervised fine-tuning; train.py reads labelled rows only.
        notes.append(f"{len(rows) - len(kept)} rows with missing values were left out, as the studio's labelled rows leave them out")
    return Dataset(x, y, notes)


# ---- Images ----------------------------------------------------------------------------------


def is_image_name(name):
    return name.lower().rsplit(".", 1)[-1] in IMAGE_EXTENSIONS


def is_junk(path):
    """Entries the studio ignores: folders, hidden files, macOS resource forks."""
    return path.endswith("/") or any(part.startswith(".") or part == "__MACOSX" for part in path.split("/"))


def labels_from_paths(paths):
    """Class = the folder an image is in (a single top folder holding everything is skipped); None outside any."""
    parts = [[p for p in path.split("/") if p] for path in paths]
    tops = {p[0] if len(p) > 1 else None for p in parts}
    single_top = len(tops) == 1 and None not in tops
    labels = []
    for p in parts:
        rest = p[1:] if single_top else p
        labels.append(rest[-2] if len(rest) > 1 else None)
    return labels


def image_entries(path):
    """(path, bytes reader) of each image, in the order the studio reads them."""
    path = Path(path)
    if path.is_dir():
        # A picked folder's paths start with its own name, as the browser gives them.
        files = sorted(p for p in path.rglob("*") if p.is_file())
        names = [f"{path.name}/{p.relative_to(path).as_posix()}" for p in files]
        return [(n, p.read_bytes) for n, p in zip(names, files) if not is_junk(n) and is_image_name(n)]
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        return [
            (info.filename, lambda info=info: archive.read(info))
            for info in archive.infolist()
            if not is_junk(info.filename) and is_image_name(info.filename)
        ]
    raise DataError(f"{path} is neither a folder of images nor a .zip.")


def _taps(coords, size):
    """Bilinear taps along one axis: the two source indices (clamped to the edge) and the weight of
    the second, in sixteenths as Skia's bilinear filter has them (Chrome's canvas: measured closer)."""
    low = np.floor(coords)
    weight = np.floor((coords - low) * 16) / 16
    low = low.astype(int)
    return np.clip(low, 0, size - 1), np.clip(low + 1, 0, size - 1), weight


def resize_bilinear(rgba, box, height, width):
    """Bilinear resampling of box (left, top, box width, box height) to height x width: sampling at
    pixel centres, clamped at the image's edges, on premultiplied alpha (as a canvas draws)."""
    left, top, box_w, box_h = box
    y0, y1, wy = _taps(top + (np.arange(height) + 0.5) * box_h / height - 0.5, rgba.shape[0])
    x0, x1, wx = _taps(left + (np.arange(width) + 0.5) * box_w / width - 0.5, rgba.shape[1])
    a = rgba.astype(np.float64)
    a[..., :3] *= a[..., 3:4] / 255.0
    wx = wx[None, :, None]
    upper = a[y0][:, x0] * (1 - wx) + a[y0][:, x1] * wx
    lower = a[y1][:, x0] * (1 - wx) + a[y1][:, x1] * wx
    out = upper * (1 - wy[:, None, None]) + lower * wy[:, None, None]
    alpha = out[..., 3:4]
    rgb = np.where(alpha > 0, out[..., :3] * 255.0 / np.maximum(alpha, 1e-12), 0.0)
    return np.clip(np.floor(rgb + 0.5), 0, 255)


def decode_image(data, height, width, channels):
    """One image file as the studio decodes it: centre square, resized, RGB or grey, uint8 [h, w, c]."""
    from PIL import Image, ImageOps  # only images need Pillow

    with Image.open(io.BytesIO(data)) as img:
        img.seek(0)  # an animation's first frame, as the browser draws it
        img = ImageOps.exif_transpose(img).convert("RGBA")
        rgba = np.asarray(img)
    h, w = rgba.shape[:2]
    side = min(w, h)
    rgb = resize_bilinear(rgba, ((w - side) / 2, (h - side) / 2, side, side), height, width)
    if channels == 1:
        grey = np.floor(0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2] + 0.5)
        return grey[..., None].astype(np.uint8)
    return rgb.astype(np.uint8)


def load_images(path, pre):
    """The images decoded as the studio decoded them, in its order; classes from folder names."""
    spec = pre["image"]
    entries = image_entries(path)
    if not entries:
        raise DataError(f"{path} holds no PNG, JPEG, WebP, GIF or BMP images.")
    labels = labels_from_paths([name for name, _ in entries])
    notes = []
    if any(lb is None for lb in labels) and any(lb is not None for lb in labels):
        notes.append(f"{sum(lb is None for lb in labels)} images outside any class folder were left out")
        entries, labels = zip(*[(e, lb) for e, lb in zip(entries, labels) if lb is not None])
    if len(entries) > IMAGE_LIMIT:
        notes.append(f"{len(entries) - IMAGE_LIMIT} images over the studio's limit of {IMAGE_LIMIT} were left out")
        entries, labels = entries[:IMAGE_LIMIT], labels[:IMAGE_LIMIT]
    pixels, kept_labels = [], []
    for (name, read), label in zip(entries, labels):
        try:
            pixels.append(decode_image(read(), spec["height"], spec["width"], spec["channels"]))
            kept_labels.append(label)
        except Exception as e:  # the studio skips files it cannot decode, and names them
            notes.append(f"{name} could not be decoded ({e})")
    if not pixels:
        raise DataError(f"None of the images in {path} could be decoded.")
    x = (np.stack(pixels).astype(np.float64) * spec["scale"]).astype(np.float32)
    y = None
    if pre["classNames"] and all(lb is not None for lb in kept_labels):
        y = encode_label(kept_labels, {"type": "classes", "column": "class folder"}, pre["classNames"])
    return Dataset(x, y, notes)


# ---- Both ------------------------------------------------------------------------------------


def read_json(path):
    """A JSON file of the project (UTF-8, as the studio writes it, whatever the system's locale)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_preprocessing(path=HERE / "preprocessing.json"):
    pre = read_json(path)
    if pre.get("format") != "pretrain-studio/preprocessing":
        raise DataError(f"{path} is not a Pretrain Studio preprocessing.json.")
    return pre


def load_dataset(path, pre=None, delimiter=None):
    """Your data at `path` encoded for the model: a Dataset (x, y, notes)."""
    pre = pre or read_preprocessing()
    kind = pre["input"]["kind"]
    if kind == "table":
        return load_table(path, pre, delimiter)
    if kind == "image":
        return load_images(path, pre)
    raise DataError(f"Inputs of kind {kind!r} are not supported here (text models stay in the studio).")


def check(ds, pre, check_path=HERE / "check.json", split_path=HERE / "split.json", tolerance=None):
    """Compares the rows read here with the studio's encoded rows in check.json; True when they agree."""
    rows = read_json(check_path)
    if tolerance is None:
        tolerance = TABLE_TOLERANCE if pre["input"]["kind"] == "table" else IMAGE_TOLERANCE
    ok = True
    if Path(split_path).exists():
        split = read_json(split_path)
        studio_rows = sum(len(split[k]) for k in ("train", "val", "test"))
        if studio_rows != len(ds):
            print(f"the studio's dataset had {studio_rows} rows; this data has {len(ds)}")
            ok = False
    index = rows["rows"]
    if index and max(index) >= len(ds):
        print(f"check.json names row {max(index)}, but this data has {len(ds)} rows")
        return False
    expected = np.asarray(rows["inputs"], dtype=np.float32).reshape(len(index), -1)
    got = ds.x[index].reshape(len(index), -1)
    diff = float(np.abs(got - expected).max()) if len(index) else 0.0
    values = f"{len(index)} rows x {expected.shape[1]} values"
    print(f"max |data.py - studio| = {diff:.3g} over {values} (tolerance {tolerance:g})")
    ok = ok and diff <= tolerance
    if "labels" in rows and ds.y is not None:
        labels = np.asarray(rows["labels"], dtype=np.float64)
        label_diff = float(np.abs(ds.y[index].astype(np.float64) - labels).max()) if len(index) else 0.0
        print(f"max label difference = {label_diff:.3g}")
        ok = ok and label_diff <= TABLE_TOLERANCE
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="your CSV/TSV, or a folder (or .zip) of class folders of images")
    parser.add_argument("--check", action="store_true", help="compare with the studio's rows in check.json")
    parser.add_argument("--tolerance", type=float, help="largest difference --check accepts")
    parser.add_argument("--delimiter", help="the table's delimiter (default: guessed as the studio does)")
    args = parser.parse_args()
    pre = read_preprocessing()
    try:
        ds = load_dataset(args.data, pre, args.delimiter)
    except DataError as e:
        sys.exit(str(e))
    for note in ds.notes[:20]:
        print(note)
    classes = f", {len(pre['classNames'])} classes" if pre["classNames"] else ""
    print(f"{len(ds)} rows of shape {tuple(ds.x.shape[1:])}{classes}")
    if args.check:
        if not (HERE / "check.json").exists():
            sys.exit("check.json is missing: the studio adds it when the model's dataset is loaded at export.")
        sys.exit(0 if check(ds, pre, tolerance=args.tolerance) else 1)


if __name__ == "__main__":
    main()
