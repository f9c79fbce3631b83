#!/usr/bin/env python3
"""Checks for the SafeChat synthetic corpus.

1. Leakage: no literal fragment (>= MIN_FRAG chars after normalisation) of any
   held-out bank variant occurs in any train conversation message or train line.
2. Schema: every line is JSON, labels/splits/signals use the vocabulary, ids unique,
   alert_by within the conversation and at/after the first signal message,
   12-80 messages, predator_authors are participants.
3. Shorthand-rate table per label (u, ur, lol, ya per 100 tokens).

    python3 tools/synth/check_split.py --data data/synthetic
Exit code 1 on any failure.
"""
import argparse
import glob
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import split as splitmod  # noqa: E402

MIN_FRAG = 14
SIGNALS = {"age_probe", "flattery", "gifts", "risk_check", "secrecy", "off_platform", "image_request", "sexual",
           "meeting", "image_claim", "threat_audience", "payment_demand", "deadline"}
NORM_MAP = [(r"\byou'?re\b", "ur"), (r"\byour\b", "ur"), (r"\byou\b", "u"), (r"\bare\b", "r"), (r"\bi'?m\b", "im"),
            (r"\bplease\b", "pls"), (r"\byeah\b", "ya"), (r"\bright now\b", "rn"), (r"\bokay\b", "ok")]
NORM_RE = [(re.compile(a), b) for a, b in NORM_MAP]
ZW = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def norm(t):
    t = unicodedata.normalize("NFKC", t).translate(ZW).lower().replace("'", "").replace("\u2019", "")
    t = re.sub(r"[^\w\s]", " ", t)
    for rx, rep in NORM_RE:
        t = rx.sub(rep, t)
    return " " + re.sub(r"\s+", " ", t).strip() + " "


def fragments(text):
    for part in text.split("||"):
        for frag in re.split(r"\{\w+\}", part):
            f = norm(frag).strip()
            if len(f) >= MIN_FRAG:
                yield f


def load(pattern):
    rows = []
    for fn in sorted(glob.glob(pattern)):
        with open(fn, encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise SystemExit(f"{fn}:{ln}: invalid JSON: {e}")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="data/synthetic")
    args = ap.parse_args()
    errors = []

    train_c = load(os.path.join(args.data, "conversations-train*.jsonl"))
    held_c = load(os.path.join(args.data, "conversations-heldout*.jsonl"))
    train_l = load(os.path.join(args.data, "lines-train*.jsonl"))
    held_l = load(os.path.join(args.data, "lines-heldout*.jsonl"))
    print(f"loaded: {len(train_c)} train convs, {len(held_c)} heldout convs, {len(train_l)} train lines, {len(held_l)} heldout lines")
    for fn in glob.glob(os.path.join(args.data, "*.jsonl")):
        if os.path.getsize(fn) >= 1_500_000:
            errors.append(f"{fn} is >= 1.5 MB")

    # ---- 1. leakage ----
    train_b, held_b, meta = splitmod.split_banks()
    frags = {}
    for name, entries in held_b.items():
        if meta[name] == "shared":
            continue
        for e in entries:
            for f in fragments(splitmod.entry_text(e)):
                frags.setdefault(f, name)
    corpus = "\n".join(norm(m["text"]) for c in train_c for m in c["messages"])
    corpus += "\n" + "\n".join(norm(r["text"]) for r in train_l)
    leaks = [(f, b) for f, b in frags.items() if f in corpus]
    print(f"held-out fragments checked: {len(frags)} (>= {MIN_FRAG} chars); leaked into train: {len(leaks)}")
    for f, b in leaks[:30]:
        errors.append(f"leak: '{f}' (heldout bank {b}) occurs in train")
    # also: no held-out-only scenario in train
    ho_scen = {c["scenario"] for c in held_c} - {c["scenario"] for c in train_c}
    print(f"held-out-only scenarios: {len(ho_scen)}: {sorted(ho_scen)}")

    # ---- 2. schema ----
    ids = Counter()
    for split, convs in (("train", train_c), ("heldout", held_c)):
        for c in convs:
            ids[c["id"]] += 1
            if c.get("split") != split:
                errors.append(f"{c['id']}: split {c.get('split')} in {split} file")
            if c["label"] not in ("grooming", "sextortion", "benign") or c["source"] != "safechat-synthetic":
                errors.append(f"{c['id']}: bad label/source")
            msgs = c["messages"]
            if not 12 <= len(msgs) <= 80:
                errors.append(f"{c['id']}: {len(msgs)} messages")
            pids = {p["id"] for p in c["participants"]}
            for p in c["participants"]:
                if "age" in p and not isinstance(p["age"], int):
                    errors.append(f"{c['id']}: non-integer age")
            if c["room"]["kind"] not in ("public", "group", "private", "direct"):
                errors.append(f"{c['id']}: room kind")
            for m in msgs:
                if m["author"] not in pids:
                    errors.append(f"{c['id']}: author {m['author']} not a participant")
                if not set(m["signals"]) <= SIGNALS:
                    errors.append(f"{c['id']}: unknown signal {m['signals']}")
                if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m["time"]):
                    errors.append(f"{c['id']}: time {m['time']}")
            times = [m["time"] for m in msgs]
            if times != sorted(times):
                errors.append(f"{c['id']}: times not ordered")
            first_sig = next((i for i, m in enumerate(msgs) if m["signals"]), None)
            if c["label"] == "benign":
                if c["predator_authors"] or "alert_by" in c or first_sig is not None:
                    errors.append(f"{c['id']}: benign with predator/alert/signals")
            else:
                if not c["predator_authors"] or not set(c["predator_authors"]) <= pids:
                    errors.append(f"{c['id']}: predator_authors")
                ab = c.get("alert_by")
                if first_sig is None or not isinstance(ab, int) or not (first_sig <= ab < len(msgs)):
                    errors.append(f"{c['id']}: alert_by {ab} (first signal {first_sig}, n {len(msgs)})")
    dup = [i for i, n in ids.items() if n > 1]
    if dup:
        errors.append(f"duplicate ids: {dup[:5]}")
    for r in train_l + held_l:
        if set(r) != {"text", "signals", "harm", "speaker"} or r["harm"] not in ("grooming", "sextortion", "benign") \
                or r["speaker"] not in ("predator", "target", "benign") or not set(r["signals"]) <= SIGNALS:
            errors.append(f"bad line row {r}")
            break

    # ---- 3. shorthand rates ----
    print("\nshorthand tokens per 100 tokens (conversations):")
    for split, convs in (("train", train_c), ("heldout", held_c)):
        for label in ("grooming", "sextortion", "benign"):
            tok, cnt = 0, Counter()
            for c in convs:
                if c["label"] != label:
                    continue
                for m in c["messages"]:
                    ts = re.findall(r"[a-z']+", m["text"].lower())
                    tok += len(ts)
                    cnt.update(t for t in ts if t in ("u", "ur", "lol", "ya"))
            tot = 100.0 * sum(cnt.values()) / max(tok, 1)
            print(f"  {split:8s} {label:10s} all={tot:5.2f}  " + "  ".join(f"{t}={100.0 * cnt[t] / max(tok, 1):.2f}" for t in ("u", "ur", "lol", "ya")))

    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors[:60]:
            print("  " + e)
        sys.exit(1)
    print("\nOK: no leakage, schema valid")


if __name__ == "__main__":
    main()
