#!/usr/bin/env bash
# `fingen fit` killed with SIGKILL at random points and resumed until done gives the same generator
# as an uninterrupted run: the scenarios `fingen generate` writes from both are byte-identical.
#   fit_kill_resume.sh FINGEN DATA_FILE WORK_DIR [KILLS]
# The random delays come from $FINGEN_KILL_SEED (printed, so a failure can be replayed).
set -euo pipefail
fingen=$1 data=$2 work=$3 kills_wanted=${4:-3}
rm -rf "$work"
mkdir -p "$work"

fit=(fit --model gan --data "$data" --end 2003-12-31 --steps 60
     --set checkpoint_every=10 --set eval_every=10 --set window=16 --set hidden=8
     --set batch_size=16 --set threads=1 -q)
generate() {  # MODEL_DIR OUT.npy
  "$fingen" generate --model "$1" --paths 64 --horizon 32 --seed 11 --threads 1 --out "$2" -q
}
now_ms() { date +%s%3N; }

# 1. The uninterrupted run, timed: the kills fall within its duration.
t0=$(now_ms)
"$fingen" "${fit[@]}" --out "$work/straight"
duration_ms=$(($(now_ms) - t0))
generate "$work/straight" "$work/straight.npy"
echo "uninterrupted fit: ${duration_ms} ms"

# 2. The same fit, killed $kills_wanted times after random delays, resumed until it completes.
seed=${FINGEN_KILL_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
echo "kill delays seeded with FINGEN_KILL_SEED=$seed"
kills=0 runs=0
while :; do
  args=("${fit[@]}" --out "$work/killed")
  [ -e "$work/killed/checkpoints/last.pt" ] && args+=(--resume)
  runs=$((runs + 1))
  if [ "$runs" -gt $((4 * kills_wanted + 20)) ]; then
    echo "FAIL: fit did not complete after $runs runs" >&2
    exit 1
  fi
  if [ "$kills" -ge "$kills_wanted" ]; then
    "$fingen" "${args[@]}"  # the last run goes to the end
    break
  fi
  # Between 5% and 75% of what is left of the fit (from the last checkpoint's step; start-up
  # included, so a kill may land anywhere: loading, training, writing a checkpoint).
  done_steps=$(sed -n 's/.*"step":\([0-9]*\).*/\1/p' "$work/killed/checkpoints/train_state.json" \
               2>/dev/null || true)
  left_ms=$((duration_ms * (60 - ${done_steps:-0}) / 60))
  delay_ms=$((left_ms / 20 + RANDOM * (left_ms * 7 / 10) / 32768))
  "$fingen" "${args[@]}" &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  if kill -KILL "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    kills=$((kills + 1))
    step=$(sed -n 's/.*"step":\([0-9]*\).*/\1/p' "$work/killed/checkpoints/train_state.json" \
           2>/dev/null || true)
    echo "run $runs: killed after ${delay_ms} ms (checkpoint at step ${step:-none})"
  else
    wait "$pid"  # finished before the kill: its exit status counts
    echo "run $runs: completed before the kill at ${delay_ms} ms"
    [ "$kills" -ge "$kills_wanted" ] && break
    restarts=$((${restarts:-0} + 1))
    if [ "$restarts" -gt 3 ]; then
      echo "FAIL: the fit kept completing before $kills_wanted kills" >&2
      exit 1
    fi
    echo "only $kills kills: starting the interrupted sequence again"
    rm -rf "$work/killed"
    kills=0
  fi
done
[ -e "$work/killed/model.json" ] || { echo "FAIL: no model.json after resuming" >&2; exit 1; }
generate "$work/killed" "$work/killed.npy"

if ! cmp "$work/straight.npy" "$work/killed.npy"; then
  echo "FAIL: the resumed fit's scenarios differ from the uninterrupted fit's ($kills kills)" >&2
  exit 1
fi
echo "OK: $kills kills, $runs runs, identical scenarios ($(stat -c %s "$work/killed.npy") bytes)"
