#!/usr/bin/env bash
# Several processes through LibTorch's c10d (TCP store + Gloo) on the loopback interface:
#  1. `fingen launch -n 2 -- generate` writes the same .npy and CSV bytes as one process, for
#     GARCH and for a small GAN (whose paths come in 256-path chunks that the shares cut through),
#     also of two series;
#  2. three ranks started by hand with --world-size/--rank/--master-port: the same bytes;
#  3. a rank that never arrives: rank 0 stops within --dist-timeout with a clear error, no file;
#  4. ranks given different options: every rank stops with a clear error, no file;
#  5. `risk var --model` over 2 processes (each rank its share of the paths, rank 0 merges the
#     worst losses): the same VaR/ES table as one process, and the VaR of the same paths in a file;
#  6. `strategy robustness --model` over 2 processes (each rank trades its share, rank 0 gathers the
#     metrics): the same output and JSON results as one process.
#   dist_generate.sh FINGEN DATA_FILE WORK_DIR
set -euo pipefail
fingen=$1 data=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$fingen" fit --model garch --data "$data" --out "$work/garch" -q
"$fingen" fit --model gan --data "$data" --end 2003-12-31 --steps 10 --set window=16 \
  --set hidden=8 --set batch_size=16 --set threads=1 --out "$work/gan" -q

# 1. One process against two launched ones.
for m in garch gan; do
  gen=(generate --model "$work/$m" --paths 1000 --horizon 50 --seed 3 --threads 1 -q)
  "$fingen" "${gen[@]}" --out "$work/$m-1.npy" --csv "$work/$m-1.csv"
  "$fingen" launch -n 2 -- "${gen[@]}" --out "$work/$m-2.npy" --csv "$work/$m-2.csv"
  cmp "$work/$m-1.npy" "$work/$m-2.npy" || fail "$m: 2 processes wrote other bytes than 1"
  cmp "$work/$m-1.csv" "$work/$m-2.csv" || fail "$m: 2 processes wrote another CSV than 1"
  grep -q '"ranks": 2' "$work/$m-2.manifest.json" || fail "$m: the manifest does not say 2 ranks"
  echo "$m: 1 and 2 processes wrote identical files"
done

# 1b. A GAN of two series (its block sizes count both): 1 and 2 processes, the shape in the header.
"$fingen" fit --model gan --data "$(dirname "$data")/dow_jones_30.csv" --series AA,IBM \
  --end 1995-12-31 --steps 10 --set window=16 --set hidden=8 --set batch_size=16 --set threads=1 \
  --out "$work/gan2" -q
gen=(generate --model "$work/gan2" --paths 300 --horizon 20 --seed 3 --threads 1 -q)
"$fingen" "${gen[@]}" --out "$work/gan2-1.npy"
"$fingen" launch -n 2 -- "${gen[@]}" --out "$work/gan2-2.npy"
cmp "$work/gan2-1.npy" "$work/gan2-2.npy" || fail "gan of 2 series: 2 processes wrote other bytes"
head -c 128 "$work/gan2-1.npy" | grep -aq "(300, 20, 2)" || fail "gan of 2 series: wrong shape"
echo "gan of 2 series: 1 and 2 processes wrote identical 300 x 20 x 2 files"

# 2. Three ranks by hand (as on three hosts, or under srun), options on the command line.
port=$(free_port)
pids=()
for r in 0 1 2; do
  "$fingen" generate --model "$work/gan" --paths 1000 --horizon 50 --seed 3 --threads 1 -q \
    --out "$work/gan-3.npy" --world-size 3 --rank $r --master-port "$port" --dist-timeout 60 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a rank of the 3-process run failed"; done
cmp "$work/gan-1.npy" "$work/gan-3.npy" || fail "3 processes wrote other bytes than 1"
echo "gan: 1 and 3 processes wrote identical files"

# 3. Rank 1 never comes: rank 0 gives up after the timeout with a message that says why.
port=$(free_port)
start=$(date +%s)
set +e
"$fingen" generate --model "$work/garch" --paths 10 --horizon 5 --out "$work/alone.npy" \
  --world-size 2 --rank 0 --master-port "$port" --dist-timeout 3 2>"$work/alone.err"
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" -eq 1 ] || fail "a missing rank: exit $rc, expected 1"
grep -q "could not join" "$work/alone.err" || fail "a missing rank: $(cat "$work/alone.err")"
[ "$took" -lt 60 ] || fail "a missing rank: gave up after $took s, the timeout was 3 s"
[ ! -e "$work/alone.npy" ] || fail "a missing rank: an output file was written"
echo "a missing rank: exit 1 after $took s: $(cat "$work/alone.err")"

# 4. Ranks that disagree on the request.
port=$(free_port)
set +e
"$fingen" generate --model "$work/garch" --paths 100 --horizon 5 --out "$work/mixed.npy" \
  --world-size 2 --rank 0 --master-port "$port" --dist-timeout 60 2>"$work/mixed0.err" &
p0=$!
"$fingen" generate --model "$work/garch" --paths 101 --horizon 5 --out "$work/mixed.npy" \
  --world-size 2 --rank 1 --master-port "$port" --dist-timeout 60 2>"$work/mixed1.err"
rc1=$?
wait $p0
rc0=$?
set -e
[ "$rc0" -eq 2 ] && [ "$rc1" -eq 2 ] || fail "different options: exits $rc0 and $rc1, expected 2"
grep -q "rank 1 was started with a different generate request" "$work/mixed0.err" ||
  fail "different options: $(cat "$work/mixed0.err")"
[ ! -e "$work/mixed.npy" ] || fail "different options: an output file was written"
echo "different options: both ranks exit 2: $(cat "$work/mixed0.err")"

# 5. VaR/ES of paths made on the fly, split over two processes.
var=(risk var --model "$work/garch" --paths 5000 --horizon 5 --seed 3 --level 0.95,0.99)
"$fingen" "${var[@]}" >"$work/var-1.txt"
"$fingen" launch -n 2 -- "${var[@]}" >"$work/var-2.txt"
grep -q "2 processes" "$work/var-2.txt" || fail "risk var: $(cat "$work/var-2.txt")"
diff <(tail -n +2 "$work/var-1.txt") <(tail -n +2 "$work/var-2.txt") ||
  fail "risk var: 2 processes gave another table than 1"
"$fingen" generate --model "$work/garch" --paths 5000 --horizon 5 --seed 3 -q --out "$work/v.npy"
"$fingen" risk var --scenarios "$work/v.npy" --horizon 5 --level 0.95,0.99 >"$work/var-f.txt"
# VaR and its interval (columns 1-4 of each level's row) as from the file of the same paths.
diff <(tail -n +3 "$work/var-1.txt" | awk '{print $1, $2, $3, $4}') \
  <(tail -n +3 "$work/var-f.txt" | awk '{print $1, $2, $3, $4}') ||
  fail "risk var: the VaR of the model's paths is not that of the same paths in a file"
echo "risk var: 1 and 2 processes and the file of the same paths agree"

# 6. A strategy over the model's markets, split over two processes.
rob=(strategy robustness --data "$data" --strategy sma --model "$work/garch" --paths 600
     --horizon 300 --seed 4)
"$fingen" "${rob[@]}" --json "$work/rob-1.json" >"$work/rob-1.txt"
"$fingen" launch -n 2 -- "${rob[@]}" --json "$work/rob-2.json" >"$work/rob-2.txt"
cmp "$work/rob-1.txt" "$work/rob-2.txt" || fail "robustness: 2 processes printed another result"
grep -A3 '"sources"' "$work/rob-1.json" >"$work/rob-1.src"
grep -A3 '"sources"' "$work/rob-2.json" >"$work/rob-2.src"
cmp "$work/rob-1.src" "$work/rob-2.src" || fail "robustness: 2 processes wrote other results"
echo "strategy robustness: 1 and 2 processes agree"
