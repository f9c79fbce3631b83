#!/usr/bin/env bash
# Measures the shipped models per language on the PAN12/VTPAN validation chats of ../shared/data/pan12-vtpan-val-constien:
# German (de) and Dutch (nl) machine translations (1,054 chats each, rows aligned), each chat as ONE pasted message (author
# unknown, as the English VTPAN rows are measured). Only the held-out chats (the stable-hash split by chat that training
# uses, exported by `safechat-train heldout --vtpan-translated`): the others train and validate the transcript head.
# Research data goes to $OUT (default /tmp/safechat-vtpan-languages), never the repository.
# usage: tools/eval/vtpan-languages.sh [SHARED_DATA_DIR]     (run from the repository root; MODEL=DIR, SKIP_BUILD=1 as in real-chat.sh)
set -euo pipefail
DATA="${1:-../shared/data}"
OUT="${OUT:-/tmp/safechat-vtpan-languages}"
MODEL="${MODEL:-models}"
EVAL="$(dirname "$DATA")/tools/eval.py"
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release src/SafeChat.Cli -v:q -nologo >/dev/null
  dotnet build -c Release src/SafeChat.Training -v:q -nologo >/dev/null
fi
VT="$DATA/pan12-vtpan-val-constien"
dotnet src/SafeChat.Training/bin/Release/net10.0/SafeChat.Training.dll heldout \
  --vtpan-translated "$VT/de/ger_valset.csv" "$VT/nl/val_dutch.csv" --out "$OUT" >/dev/null
for lang in de nl; do mv "$OUT/vtpan-$lang-heldout.jsonl" "$OUT/$lang-pasted.jsonl"; done
printf '| language | chats | grooming | flagged | precision | recall | F0.5 | false-positive rate | AP |\n|---|---|---|---|---|---|---|---|---|\n'
for lang in de nl; do
  gold="$OUT/$lang-pasted.jsonl"; pred="$OUT/$lang-pasted.pred"
  dotnet src/SafeChat.Cli/bin/Release/net10.0/safechat.dll score "$gold" --model "$MODEL" > "$pred" 2>/dev/null
  python3 "$EVAL" "$gold" "$pred" --json | python3 -c '
import json, sys
m = json.load(sys.stdin); lang = sys.argv[1]
cell = lambda k: "%.3f" % m[k] if m.get(k) is not None else "–"
print("| %s | %d | %d | %d | %s | %s | %s | %s | %s |" % (lang, m["n"], m["tp"] + m["fn"], m["tp"] + m["fp"], cell("precision"), cell("recall"), cell("f05"), cell("fpr"), cell("ap")))' "$lang"
done
