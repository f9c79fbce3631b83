#!/usr/bin/env bash
# Measures the shipped models on real chat they were never trained on, with `safechat score` and ../shared/tools/eval.py:
# the held-out part of #ubuntu IRC and ConvAI2 (the stable-hash split training uses), all of DailyDialog's validation
# split (evaluation-only licence), and the Perverted-Justice sessions (>= 10 messages) of the held-out offenders, one
# row per offender. Research data is written to a scratch folder ($OUT, default /tmp/safechat-real-chat), never the repo.
# usage: tools/eval/real-chat.sh [SHARED_DATA_DIR]     (run from the repository root; default ../shared/data)
#        MODEL=DIR scores with the models in DIR (default: the shipped ones, ./models)
#        SCORE_ARGS="..." passes extra arguments to `safechat score` (e.g. "--clock wall", the behaviour before message-time replay)
set -euo pipefail
DATA="${1:-../shared/data}"
OUT="${OUT:-/tmp/safechat-real-chat}"
MODEL="${MODEL:-models}"
EVAL="$(dirname "$DATA")/tools/eval.py"
rm -rf "$OUT" && mkdir -p "$OUT"
if [ -z "${SKIP_BUILD:-}" ]; then   # SKIP_BUILD=1: use the Release builds as they are
  dotnet build -c Release src/SafeChat.Training -v:q -nologo >/dev/null
  dotnet build -c Release src/SafeChat.Cli -v:q -nologo >/dev/null
fi
dotnet src/SafeChat.Training/bin/Release/net10.0/SafeChat.Training.dll heldout \
  --real-benign "$DATA/real-benign-chat/ubuntu-irc-train.jsonl" "$DATA/real-benign-chat/convai2-half-a.jsonl" \
  --pj-interleaved "$DATA/perverted-justice-interleaved" --out "$OUT" >/dev/null
cp "$DATA/real-benign-chat/dailydialog-validation.jsonl" "$OUT/dailydialog-validation.jsonl"
cat "$OUT"/pj-heldout-*.jsonl > "$OUT/pj-heldout-all.jsonl"
cat "$OUT"/ubuntu-heldout.jsonl "$OUT"/convai2-heldout.jsonl "$OUT"/dailydialog-validation.jsonl "$OUT/pj-heldout-all.jsonl" > "$OUT/mixed.jsonl"
printf '| held-out file | conversations | flagged | false-positive rate | recall | AP | recall at 1%% FPR |\n|---|---|---|---|---|---|---|\n'
for gold in "$OUT"/ubuntu-heldout.jsonl "$OUT"/convai2-heldout.jsonl "$OUT"/dailydialog-validation.jsonl "$OUT"/pj-heldout-*.jsonl "$OUT/mixed.jsonl"; do
  pred="${gold%.jsonl}.pred"
  dotnet src/SafeChat.Cli/bin/Release/net10.0/safechat.dll score "$gold" --model "$MODEL" ${SCORE_ARGS:-} > "$pred" 2>/dev/null
  python3 "$EVAL" "$gold" "$pred" --json | python3 -c '
import json, sys
m = json.load(sys.stdin); name = sys.argv[1]
neg = m["fp"] + m["tn"]; pos = m["tp"] + m["fn"]
cell = lambda k: "%.3f" % m[k] if k in m else "–"
print("| %s | %d | %d | %s | %s | %s | %s |" % (name, m["n"], m["tp"] + m["fp"],
      "%.1f%% (%d/%d)" % (100 * m["fpr"], m["fp"], neg) if neg else "–",
      "%.3f (%d/%d)" % (m["recall"], m["tp"], pos) if pos else "–", cell("ap"), cell("recall_at_1pct_fpr")))' "$(basename "$gold")"
done
