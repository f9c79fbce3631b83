#!/usr/bin/env bash
# Per-language table: recall per harm and false-positive rate, per language, on data the models never saw.
#   - data/external-check-2/conversations.jsonl: independent hand-written conversations, every harm x en/es/de/nl/hi-en
#     (EVALUATION ONLY: never trained or tuned on);
#   - the held-out part (the stable-hash split by chat that training uses, `safechat-train heldout --vtpan-translated`) of
#     the PAN12/VTPAN validation chats translated to German and Dutch (../shared/data/pan12-vtpan-val-constien; research
#     use), each chat as ONE pasted message; the rest of those chats trains and validates the transcript head;
#   - ../shared/data/sextortion-catfishing-es-mini (Spanish adult sextortion/catfishing openers, evaluation only): the
#     messages of one sextortion conversationId as one conversation, each harmless example as one.
# Every conversation goes through `safechat score` (the engine's own alerts, no policy). "caught" = the conversation
# alerted for any harm; "right harm" = the conversation's risk for the gold harm reached that harm's alert threshold (from
# the risk model card); "lang ok" = share whose reported `language` equals the gold language.
# Research data goes to $OUT (default /tmp/safechat-languages), never the repository.
# usage: tools/eval/languages.sh [SHARED_DATA_DIR]   (run from the repository root; MODEL=DIR, SKIP_BUILD=1 as in real-chat.sh)
set -euo pipefail
DATA="${1:-../shared/data}"
OUT="${OUT:-/tmp/safechat-languages}"
MODEL="${MODEL:-models}"
CLI="${CLI:-src/SafeChat.Cli/bin/Release/net10.0/safechat.dll}"
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release src/SafeChat.Cli -v:q -nologo >/dev/null
  dotnet build -c Release src/SafeChat.Training -v:q -nologo >/dev/null
fi
VT="$DATA/pan12-vtpan-val-constien"
if [ -f "$VT/de/ger_valset.csv" ] && [ -f "$VT/nl/val_dutch.csv" ]; then
  dotnet src/SafeChat.Training/bin/Release/net10.0/SafeChat.Training.dll heldout \
    --vtpan-translated "$VT/de/ger_valset.csv" "$VT/nl/val_dutch.csv" --out "$OUT" >/dev/null
  mv "$OUT/vtpan-de-heldout.jsonl" "$OUT/vtpan-de.jsonl"
  mv "$OUT/vtpan-nl-heldout.jsonl" "$OUT/vtpan-nl.jsonl"
fi
python3 - "$DATA" "$OUT" <<'PY'
import ast, csv, json, os, sys
data, out = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)
def write(name, rows):
    with open(f"{out}/{name}.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
xc = "data/external-check-2/conversations.jsonl"
if os.path.exists(xc):
    rows = [json.loads(l) for l in open(xc, encoding="utf-8") if l.strip()]
    write("xc2", rows)
es = f"{data}/sextortion-catfishing-es-mini/testDataSet_real"
if os.path.isdir(es):
    rows, groups = [], {}
    for name, label in [("2.- sextortion_examples.json", "sextortion"), ("3.- harmless_examples.json", "benign"),
                        ("1.- catfishing_examples.json", "catfishing")]:
        for i, e in enumerate(json.load(open(f"{es}/{name}", encoding="utf-8"))["examples"]):
            key = (label, e.get("conversationId") or f"{label}-{i}")
            groups.setdefault(key, []).append(e["text"])
    for (label, cid), texts in groups.items():
        messages = []
        for t in texts:
            messages += [{"author": "sender", "text": t}, {"author": "recipient", "text": "?"}]
        rows.append({"id": f"es-mini-{label}-{cid}", "label": label, "lang": "es", "messages": messages[:-1]})
    write("es-mini", rows)
PY
for gold in "$OUT"/*.jsonl; do
  dotnet "$CLI" score "$gold" --model "$MODEL" > "${gold%.jsonl}.pred" 2>/dev/null
done
python3 - "$OUT" "$MODEL" <<'PY'
import glob, json, os, sys
out, model = sys.argv[1], sys.argv[2]
card = json.load(open(f"{model}/safechat-risk-v1/model.json", encoding="utf-8"))
thresholds = card["thresholds"]
names = {"xc2": "external-check-2 (hand-written, evaluation only)", "vtpan-de": "VTPAN German (machine translation, pasted; held-out chats)",
         "vtpan-nl": "VTPAN Dutch (machine translation, pasted; held-out chats)", "es-mini": "sextortion-catfishing-es-mini (real, adult)"}
order = ["en", "es", "de", "nl", "hi-en"]
print("| data set | language | harm | conversations | caught | recall | right harm | false-positive rate (benign flagged) | lang ok |")
print("|---|---|---|---|---|---|---|---|---|")
for gold_path in sorted(glob.glob(f"{out}/*.jsonl")):
    stem = os.path.basename(gold_path)[:-6]
    gold = [json.loads(l) for l in open(gold_path, encoding="utf-8") if l.strip()]
    pred = {p["id"]: p for p in (json.loads(l) for l in open(gold_path[:-6] + ".pred", encoding="utf-8") if l.strip())}
    langs = sorted({g.get("lang", "en") for g in gold}, key=lambda l: order.index(l) if l in order else 99)
    for lang in langs:
        rows = [g for g in gold if g.get("lang", "en") == lang]
        benign = [g for g in rows if g["label"] == "benign"]
        fp = sum(1 for g in benign if pred.get(g["id"], {}).get("flagged"))
        fpr = f"{fp / len(benign):.1%} ({fp}/{len(benign)})" if benign else "–"
        ok = sum(1 for g in rows if pred.get(g["id"], {}).get("language") == lang)
        harms = sorted({g["label"] for g in rows if g["label"] != "benign"})
        for i, harm in enumerate(harms or ["–"]):
            pos = [g for g in rows if g["label"] == harm]
            caught = sum(1 for g in pos if pred.get(g["id"], {}).get("flagged"))
            right = "–"
            if harm in thresholds:
                r = sum(1 for g in pos if pred.get(g["id"], {}).get("harms", {}).get(harm, 0) >= thresholds[harm])
                right = f"{r}/{len(pos)}"
            rec = f"{caught / len(pos):.3f}" if pos else "–"
            first = i == 0
            print(f"| {names.get(stem, stem)} | {lang} | {harm} | {len(pos)} | {caught} | {rec} | {right} | "
                  f"{fpr if first else '″'} | {f'{ok}/{len(rows)}' if first else '″'} |")
PY
