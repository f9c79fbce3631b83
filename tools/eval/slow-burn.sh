#!/usr/bin/env bash
# Slow burns on real chat: does a held-out Perverted-Justice conversation keep its risk across the gaps between
# sessions? For every session of at least 10 messages that follows a gap of more than 2 h (the conversation idle timeout,
# reading HH:MM times as `safechat score` does), the conversation from its first message up to the end of that session is
# replayed with `safechat explain` (message-time clock, 30-day dormancy), and the session alone with `safechat score`
# (what the engine kept before dormancy: an idle conversation started over). Offenders: the held-out ones of
# tools/eval/real-chat.sh. Research data goes to $OUT (default /tmp/safechat-slow-burn), never the repository.
# usage: tools/eval/slow-burn.sh [SHARED_DATA_DIR]   (run from the repository root after a Release build of src/SafeChat.Cli)
set -euo pipefail
DATA="${1:-../shared/data}"
OUT="${OUT:-/tmp/safechat-slow-burn}"
MODEL="${MODEL:-models}"
CLI=src/SafeChat.Cli/bin/Release/net10.0/safechat.dll
rm -rf "$OUT" && mkdir -p "$OUT"
dotnet src/SafeChat.Training/bin/Release/net10.0/SafeChat.Training.dll heldout \
  --real-benign "$DATA/real-benign-chat/ubuntu-irc-train.jsonl" "$DATA/real-benign-chat/convai2-half-a.jsonl" \
  --pj-interleaved "$DATA/perverted-justice-interleaved" --out "$OUT" >/dev/null
python3 - "$OUT" "$DATA/perverted-justice-interleaved/pj-interleaved-shared.jsonl" <<'PY'
import glob, json, os, sys
out, full = sys.argv[1], sys.argv[2]
held = {json.loads(l)["id"].rsplit("-s", 1)[0] for f in glob.glob(os.path.join(out, "pj-heldout-*.jsonl")) for l in open(f)}
mins = lambda t: int(t[:2]) * 60 + int(t[3:5])
with open(os.path.join(out, "prefix.jsonl"), "w") as prefix, open(os.path.join(out, "alone.jsonl"), "w") as alone:
    for line in open(full):
        d = json.loads(line)
        if d["id"] not in held:
            continue
        s, msgs = d["session_starts"], d["messages"]
        for k in range(1, len(s)):
            end = s[k + 1] if k + 1 < len(s) else len(msgs)
            if end - s[k] < 10 or (mins(msgs[s[k]]["time"]) - mins(msgs[s[k] - 1]["time"])) % 1440 <= 120:
                continue
            cid = f"{d['id']}-upto-s{k}"
            prefix.write(json.dumps({"id": cid, "session_start": s[k], "messages": msgs[:end]}) + "\n")
            alone.write(json.dumps({"id": cid, "messages": msgs[s[k]:end]}) + "\n")
PY
dotnet "$CLI" score "$OUT/alone.jsonl" --model "$MODEL" > "$OUT/alone.pred" 2>/dev/null
THRESHOLD=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['thresholds']['grooming'])" "$MODEL/safechat-risk-v1/model.json")
python3 -c "
import json
for l in open('$OUT/prefix.jsonl'):
    d = json.loads(l); print(d['id'], d['session_start'])" | while read -r id start; do
  dotnet "$CLI" explain "$OUT/prefix.jsonl" --id "$id" --model "$MODEL" 2>/dev/null | python3 -c "
import re, sys
start = int(sys.argv[2]); best = 0.0; first = None
for line in sys.stdin:
    m = re.match(r'#(\d+)\s.*?grooming (\d\.\d+)', line)
    if m and int(m.group(1)) >= start:
        best = max(best, float(m.group(2))); first = float(m.group(2)) if first is None else first
print(sys.argv[1], best, first)" "$id" "$start"
done > "$OUT/continued.txt"
python3 - "$OUT" "$THRESHOLD" <<'PY'
import json, os, sys
out, t = sys.argv[1], float(sys.argv[2])
alone = {json.loads(l)["id"]: json.loads(l)["harms"]["grooming"] for l in open(os.path.join(out, "alone.pred"))}
rows = [(i, float(b), float(f)) for i, b, f in (l.split() for l in open(os.path.join(out, "continued.txt")) if l.strip())]
n = len(rows)
print("| resumed sessions (>= 10 messages, after a gap > 2 h) | reach the grooming threshold during the session | at or above it at the session's first message |")
print("|---|---|---|")
print("| continued from the dormant state (now) | %d/%d | %d/%d |" % (sum(b >= t for _, b, _ in rows), n, sum(f >= t for *_, f in rows), n))
print("| started over (before: the idle timeout wiped the window) | %d/%d | – |" % (sum(alone[i] >= t for i, _, _ in rows), n))
PY
