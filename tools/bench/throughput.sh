#!/usr/bin/env bash
# Throughput of `safechat score` against the keyword-filter peer on the same game-chat file, as whole processes.
#
#   tools/bench/throughput.sh ../shared [REPEATS] [RUNS]
#
# SHARED is the shared folder (data/conda-dota2-game-chat, tools/keyword-filter-peer). The input is built in /tmp by
# repeating the Dota 2 conversations REPEATS times with new ids (default 28: about 990,000 messages); it is never
# written into the repository. Both commands then run RUNS times each, alternating (default 3), timed by
# /usr/bin/time; the script prints wall and CPU (user + sys) seconds, messages/s and CPU microseconds per message for
# each run, and the medians. The CLI is published for this machine's RID like the tool package users install
# (ReadyToRun). Needs: .NET 10 SDK, node + npm, python3, /usr/bin/time.
set -euo pipefail
shared=${1:?usage: tools/bench/throughput.sh SHARED_DIR [REPEATS] [RUNS]}
repeats=${2:-28}
runs=${3:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${TMPDIR:-/tmp}/safechat-throughput
mkdir -p "$work"
input=$work/dota-x$repeats.jsonl

if [ ! -s "$input" ]; then
  python3 - "$shared/data/conda-dota2-game-chat/conda_conversations.jsonl" "$input" "$repeats" <<'PY'
import json, sys
src, dst, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = [l for l in open(src, encoding="utf-8") if l.strip()]
messages = 0
with open(dst, "w", encoding="utf-8") as out:
    for r in range(repeats):
        for line in lines:
            o = json.loads(line)
            o["id"] = f"{o['id']}-r{r}"
            messages += len(o["messages"])
            out.write(json.dumps(o) + "\n")
print(f"built {dst}: {len(lines) * repeats} conversations, {messages} messages", file=sys.stderr)
PY
fi
messages=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['messages']) for l in open(sys.argv[1]) if l.strip()))" "$input")

# The peer: a writable copy with its one npm dependency.
if [ ! -d "$work/peer/node_modules" ]; then
  rm -rf "$work/peer" && cp -r "$shared/tools/keyword-filter-peer" "$work/peer" && chmod -R u+w "$work/peer"
  (cd "$work/peer" && npm install --no-audit --no-fund >/dev/null)
fi

# The CLI as `dotnet tool install SafeChat.Cli` installs it: the package for this machine's platform is a publish for
# its RID (ReadyToRun, see SafeChat.Cli.csproj), so publish the same way. (`dotnet build` output has no precompiled code
# and starts about 0.5 s slower.)
rid=$(dotnet --info | awk '/^ *RID:/ && !found {print $2; found = 1}')
rm -rf "$work/cli"
dotnet publish "$root/src/SafeChat.Cli" -c Release -r "$rid" --self-contained false -o "$work/cli" >/dev/null
safechat=("$work/cli/safechat" score "$input")
peer=(node "$work/peer/obscenity_score.js")

run() { # label, then the command; stdin from the input, output thrown away
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" < "$input" > /dev/null 2>>"$work/$label.err"
  read -r wall user sys peak < "$work/time.txt"
  python3 - "$label" "$wall" "$user" "$sys" "$peak" "$messages" <<'PY'
import sys
label, wall, user, sys_, peak, n = sys.argv[1], *map(float, sys.argv[2:6]), int(sys.argv[6])
cpu = user + sys_
print(f"{label:9} wall {wall:7.2f} s  cpu {cpu:7.2f} s  {n / wall:10,.0f} messages/s  {cpu * 1e6 / n:6.2f} µs CPU/message  peak {peak / 1024:6.0f} MiB")
PY
}

: > "$work/results.txt"
echo "input: $input ($messages messages), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"${safechat[@]}" > /dev/null 2>&1   # warm-up (file cache, first run)
for i in $(seq "$runs"); do
  run safechat "${safechat[@]}" | tee -a "$work/results.txt"
  run peer "${peer[@]}" | tee -a "$work/results.txt"
done
python3 - "$work/results.txt" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    label = line.split()[0]
    rate = float(re.search(r"([\d,]+) messages/s", line).group(1).replace(",", ""))
    cpu = float(re.search(r"([\d.]+) µs CPU", line).group(1))
    rows.setdefault(label, []).append((rate, cpu))
for label, values in rows.items():
    print(f"median {label:9} {statistics.median(v[0] for v in values):10,.0f} messages/s  {statistics.median(v[1] for v in values):6.2f} µs CPU/message")
if "safechat" in rows and "peer" in rows:
    ratio = statistics.median(s[0] for s in rows["safechat"]) / statistics.median(p[0] for p in rows["peer"])
    print(f"safechat / peer throughput: {ratio:.2f}x")
PY
