"""Deterministic train/heldout split of every phrase bank (shared by generate.py and check_split.py).

Rule: for each bank (except SHARED slot banks), sort its variants by
sha256("<bank>\\0<variant text>") and reserve the first round(n/3) for heldout.
Banks whose name ends in "@heldout" (held-out-only scenario families) go
entirely to heldout. No randomness is involved, so the split does not depend
on the generator seed.
"""
import hashlib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from banks import benign, common, filler, grooming, sextortion  # noqa: E402

MODULES = [common, grooming, sextortion, benign, filler]


def is_shared(name):
    # slot values: proper nouns, numbers, one-word reactions, emoji
    return name.startswith("slot.")


def entry_text(entry):
    return entry[0] if isinstance(entry, tuple) else entry


def _h(name, text):
    return hashlib.sha256((name + "\0" + text).encode("utf-8")).hexdigest()


def load_raw():
    raw = {}
    for m in MODULES:
        for name, entries in m.BANKS.items():
            if name in raw:
                raise ValueError("duplicate bank " + name)
            raw[name] = list(entries)
    return raw


def split_banks():
    """Returns (train_banks, heldout_banks, meta) keyed by bank name without '@heldout'."""
    train, held, meta = {}, {}, {}
    for name, entries in load_raw().items():
        base = name.split("@")[0]
        if is_shared(name):
            train[base] = list(entries)
            held[base] = list(entries)
            meta[base] = "shared"
        elif name.endswith("@heldout"):
            train[base] = []
            held[base] = list(entries)
            meta[base] = "heldout-only"
        else:
            order = sorted(range(len(entries)), key=lambda i: _h(base, entry_text(entries[i])))
            k = round(len(entries) / 3)
            hset = set(order[:k])
            train[base] = [e for i, e in enumerate(entries) if i not in hset]
            held[base] = [e for i, e in enumerate(entries) if i in hset]
            meta[base] = "split"
    return train, held, meta
