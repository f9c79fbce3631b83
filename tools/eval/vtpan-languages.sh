#!/usr/bin/env bash
# Measures the shipped models per language on the PAN12/VTPAN validation chats of ../shared/data/pan12-vtpan-val-constien:
# German (de) and Dutch (nl) machine translations (1,318 chats each, rows aligned), each chat as ONE pasted message (author
# unknown, as the English VTPAN rows are measured). Never trained or tuned on (measurement only; a later training split
# must hold chats out by row, the de and nl rows being the same chats). Research data goes to $OUT (default
# /tmp/safechat-vtpan-languages), never the repository.
# usage: tools/eval/vtpan-languages.sh [SHARED_DATA_DIR]     (run from the repository root; MODEL=DIR, SKIP_BUILD=1 as in real-chat.sh)
set -euo pipefail
DATA="${1:-../shared/data}"
OUT="${OUT:-/tmp/safechat-vtpan-languages}"
MODEL="${MODEL:-models}"
EVAL="$(dirname "$DATA")/tools/eval.py"
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -z "${SKIP_BUILD:-}" ]; then
  dotnet build -c Release src/SafeChat.Cli -v:q -nologo >/dev/null
fi
python3 - "$DATA/pan12-vtpan-val-constien" "$OUT" <<'PY'
import ast, csv, json, sys
src, out = sys.argv[1], sys.argv[2]
csv.field_size_limit(1 << 30)
for lang, path, col in [("de", "de/ger_valset.csv", "messages_de"), ("nl", "nl/val_dutch.csv", "messages_dutch")]:
    with open(f"{src}/{path}", encoding="utf-8") as f, open(f"{out}/{lang}-pasted.jsonl", "w") as pasted:
        for row in csv.DictReader(f):
            messages = [m for m in ast.literal_eval(row[col]) if isinstance(m, str) and m.strip()]
            label = "grooming" if row["label"].strip() == "1" else "benign"
            base = {"id": f"vtpan-{lang}-{row['row_id']}", "label": label, "language": lang}
            pasted.write(json.dumps({**base, "messages": [{"author": "log", "text": " ".join(messages)}]}, ensure_ascii=False) + "\n")
PY
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
