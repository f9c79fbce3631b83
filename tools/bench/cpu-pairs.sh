#!/usr/bin/env bash
# CPU per message of two `safechat score` builds run at the same time, in pairs: on a host shared with other jobs both
# builds then see the same load, so their ratio is far steadier than one run after the other (main against main, the
# ratio stayed within 0.995-1.023 over four pairs with load average 3-4, while single runs varied by 20 %).
#
#   tools/bench/cpu-pairs.sh A_DIR B_DIR FILE [PAIRS]
#
# A_DIR and B_DIR hold published CLIs (`dotnet publish src/SafeChat.Cli -c Release -r linux-x64 --self-contained false
# -o DIR`); FILE is a conversation JSONL (say /tmp/safechat-throughput/dota-x28.jsonl from throughput.sh). Each pair
# runs `A_DIR/safechat score FILE` and `B_DIR/safechat score FILE` together (output thrown away), timed by /usr/bin/time;
# the script prints user + sys CPU microseconds per message of each and their ratio B/A, then the medians. Each process
# has about one core while the other runs, so this compares CPU cost, not the two-core wall-clock throughput.
set -euo pipefail
a=${1:?usage: tools/bench/cpu-pairs.sh A_DIR B_DIR FILE [PAIRS]}
b=${2:?usage: tools/bench/cpu-pairs.sh A_DIR B_DIR FILE [PAIRS]}
input=${3:?usage: tools/bench/cpu-pairs.sh A_DIR B_DIR FILE [PAIRS]}
pairs=${4:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
messages=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['messages']) for l in open(sys.argv[1]) if l.strip()))" "$input")
echo "input: $input ($messages messages), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$pairs"); do
  /usr/bin/time -f "%e %U %S" -o "$work/a.txt" "$a/safechat" score "$input" > /dev/null 2>&1 &
  first=$!
  /usr/bin/time -f "%e %U %S" -o "$work/b.txt" "$b/safechat" score "$input" > /dev/null 2>&1 &
  second=$!
  wait "$first" "$second"
  python3 - "$work/a.txt" "$work/b.txt" "$messages" <<'PY' | tee -a "$work/pairs.txt"
import sys
def cpu(path):
    wall, user, sys_ = map(float, open(path).read().split()[:3])
    return (user + sys_) * 1e6 / int(sys.argv[3])
a, b = cpu(sys.argv[1]), cpu(sys.argv[2])
print(f"A {a:6.2f} µs CPU/message  B {b:6.2f} µs CPU/message  B/A {b / a:.3f}")
PY
done
python3 - "$work/pairs.txt" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1], encoding="utf-8")]
a = [float(r[1]) for r in rows]; b = [float(r[5]) for r in rows]; ratio = [float(r[9]) for r in rows]
print(f"median A {statistics.median(a):.2f}  B {statistics.median(b):.2f} µs CPU/message  B/A {statistics.median(ratio):.3f} "
      f"(min {min(ratio):.3f}, max {max(ratio):.3f}; B lower in {sum(r < 1 for r in ratio)} of {len(ratio)})")
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
