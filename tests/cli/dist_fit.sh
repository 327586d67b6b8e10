#!/usr/bin/env bash
# Data-parallel GAN training over several processes through LibTorch's c10d (TCP store + Gloo) on
# the loopback interface:
#  1. `fingen launch -n 2 -- fit` (each rank 8 of the 16 windows of a batch, gradients all-reduced)
#     trains the model one process trains with the whole batch, up to the order of float additions:
#     paths generated from the two models differ by less than 1e-3 of their sd (measured: 6e-5),
#     and so do the logged losses;
#  2. resume with the same world size: 10 steps, then --resume to 20, gives the generator of an
#     uninterrupted 20-step run byte for byte;
#  3. a rank killed during training: the other stops within seconds with a clear error;
#  4. ranks given different options: both stop with exit 2 and a clear error.
#   dist_fit.sh FINGEN DATA_FILE WORK_DIR
set -euo pipefail
fingen=$1 data=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Largest |a - b| over the values of two .npy files of float64, relative to the sd of a's
# (the interpreter on PATH may lack NumPy: the format is read with the standard library).
npy_relative_difference() {
  python3 - "$1" "$2" <<'EOF'
import array, struct, sys
def values(path):
    with open(path, 'rb') as f:
        blob = f.read()
    assert blob[:6] == b'\x93NUMPY', path
    n = struct.unpack('<H', blob[8:10])[0]
    v = array.array('d')
    v.frombytes(blob[10 + n:])
    return v
a, b = values(sys.argv[1]), values(sys.argv[2])
assert len(a) == len(b) and len(a) > 1
mean = sum(a) / len(a)
sd = (sum((x - mean) ** 2 for x in a) / (len(a) - 1)) ** 0.5
print(max(abs(x - y) for x, y in zip(a, b)) / sd)
EOF
}

# A small GAN whose kept weights are those of the last step (one validation, at the end).
fit=(fit --model gan --data "$data" --end 2005-12-31 --window 32 --batch 16 --hidden 8
     --output sv --threads 1 -q)

# 1. One process, batch 16, against two processes with 8 windows each.
"$fingen" "${fit[@]}" --steps 20 --eval-every 20 --out "$work/one"
"$fingen" launch -n 2 -- "${fit[@]}" --steps 20 --eval-every 20 --out "$work/two"
[ ! -e "$work/two/checkpoints/last.pt.tmp" ] || fail "a temporary checkpoint was left"
grep -q '"ranks": 2' "$work/two/manifest.json" || fail "the manifest does not say 2 ranks"
gen=(generate --paths 200 --horizon 50 --seed 3 --threads 1 -q)
"$fingen" "${gen[@]}" --model "$work/one" --out "$work/one.npy"
"$fingen" "${gen[@]}" --model "$work/two" --out "$work/two.npy"
d=$(npy_relative_difference "$work/one.npy" "$work/two.npy")
python3 -c "import sys; sys.exit(0 if 0 < $d < 1e-3 else 1)" ||
  fail "1 and 2 processes: paths differ by $d sd (expected > 0, float order, and < 1e-3)"
# The losses of the whole batch: columns 2 and 3 of train_log.csv, step by step.
python3 - "$work/one/train_log.csv" "$work/two/train_log.csv" <<'EOF' || fail "losses differ"
import csv, sys
rows = [list(csv.reader(open(p)))[1:] for p in sys.argv[1:]]
assert len(rows[0]) == len(rows[1]) == 20
for r1, r2 in zip(*rows):
    for c in (1, 2):
        x, y = float(r1[c]), float(r2[c])
        assert abs(x - y) <= 1e-3 * abs(x), (r1, r2)
EOF
echo "1 and 2 processes: paths differ by $d sd, losses agree"

# 2. Resume with the same world size.
"$fingen" launch -n 2 -- "${fit[@]}" --steps 20 --eval-every 10 --checkpoint-every 10 \
  --out "$work/full"
"$fingen" launch -n 2 -- "${fit[@]}" --steps 10 --eval-every 10 --checkpoint-every 10 \
  --out "$work/part"
"$fingen" launch -n 2 -- "${fit[@]}" --steps 20 --eval-every 10 --checkpoint-every 10 \
  --out "$work/part" --resume
cmp "$work/full/generator.pt" "$work/part/generator.pt" ||
  fail "10 + 10 steps resumed on 2 processes is not the 20-step model"
echo "2 processes: 10 steps + resume to 20 = 20 steps, byte for byte"

# 3. Rank 1 is killed while training: rank 0 stops with a clear error rather than wait.
port=$(free_port)
long=("${fit[@]}" --steps 1000000 --out "$work/die" --world-size 2 --master-port "$port"
      --dist-timeout 120)
"$fingen" "${long[@]}" --rank 0 2>"$work/die0.err" &
p0=$!
"$fingen" "${long[@]}" --rank 1 2>/dev/null &
p1=$!
for _ in $(seq 1 100); do  # until training has started (the first checkpoint, at step 100)
  [ -e "$work/die/checkpoints/last.pt" ] && break
  sleep 0.2
done
kill -9 "$p1"
start=$(date +%s)
set +e
wait "$p0"
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" -eq 1 ] || fail "a killed rank: rank 0 exit $rc, expected 1"
grep -q "a rank stopped or the network failed" "$work/die0.err" ||
  fail "a killed rank: $(cat "$work/die0.err")"
[ "$took" -lt 60 ] || fail "a killed rank: rank 0 stopped after $took s"
echo "a killed rank: rank 0 exit 1 after $took s: $(cat "$work/die0.err")"

# 4. Ranks that disagree on the model's options.
port=$(free_port)
set +e
"$fingen" "${fit[@]}" --steps 20 --out "$work/mixed" --world-size 2 --rank 0 \
  --master-port "$port" --dist-timeout 60 2>"$work/mixed0.err" &
p0=$!
"$fingen" "${fit[@]}" --steps 21 --out "$work/mixed" --world-size 2 --rank 1 \
  --master-port "$port" --dist-timeout 60 2>"$work/mixed1.err"
rc1=$?
wait $p0
rc0=$?
set -e
[ "$rc0" -eq 2 ] && [ "$rc1" -eq 2 ] || fail "different options: exits $rc0 and $rc1, expected 2"
grep -q "rank 1 was started with a different model, options" "$work/mixed0.err" ||
  fail "different options: $(cat "$work/mixed0.err")"
[ ! -e "$work/mixed" ] || fail "different options: a model directory was made"
echo "different options: both ranks exit 2: $(cat "$work/mixed0.err")"
