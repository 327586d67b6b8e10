#!/usr/bin/env bash
# Reproduces the GAN-vs-baselines table of the README: on each bundled daily price series with at
# least 2,500 observations, fit the default GAN (several seeds), GARCH(1,1)-t and the block
# bootstrap on the first 80% of the returns, generate 1,000 x 252 paths from each, and evaluate
# them with `fingen evaluate` against the last 20% (out of sample) and against the training period
# itself (in sample). Prints one line per dataset and model and writes
# OUT/summary.json. Takes about (datasets x seeds) x 5 minutes on 2 cores.
#   bench/gan_fidelity.sh [OUT_DIR] [SEEDS_SP500] [SEEDS_OTHER]
# Environment: GAN_SET="key=value ..." passes options to the GAN (--set), e.g. GAN_SET=output=sv
# for the earlier default; DATASETS="sp500 dj5" runs only those datasets.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/gan_fidelity}"
seeds_sp="${2:-1 2 3 4 5}"
seeds_other="${3:-1 2}"
fingen=build/release/apps/fingen/fingen
[ -x "$fingen" ] || ./scripts/build release
mkdir -p "$out"

# name|file|series (empty: the file's default)|posthoc window
datasets=(
  "sp500|data/sp500_ohlcv_2000_2020.csv||24"
  "gold|data/gold_silver.csv|gold|24"
  "silver|data/gold_silver.csv|silver|24"
  "dj5|data/dow_jones_30.csv|AA,IBM,KO,MSFT,XOM|24"
)

split_dates() {  # file -> "last_train_date first_test_date" at 80% of the rows
  awk -F, 'NR > 1 { gsub(/"/, "", $1); d[++n] = $1 } END { k = int(0.8 * n); print d[k], d[k + 1] }' "$1"
}

gan_set=()
for kv in ${GAN_SET:-}; do gan_set+=(--set "$kv"); done

for entry in "${datasets[@]}"; do
  IFS='|' read -r name file series window <<< "$entry"
  if [ -n "${DATASETS:-}" ] && [[ " $DATASETS " != *" $name "* ]]; then continue; fi
  read -r train_end test_start < <(split_dates "$file")
  sel=(); [ -n "$series" ] && sel=(--series "$series")
  seeds="$seeds_other"; [ "$name" = sp500 ] && seeds="$seeds_sp"
  d="$out/$name"; mkdir -p "$d"
  echo "== $name: train .. $train_end, test $test_start .. (seeds: $seeds)"
  # A baseline that cannot be fitted (GARCH on an integrated series, say) is left out of the
  # comparison, with the reason in OUT/NAME/MODEL.error.
  baselines=()
  for m in garch bootstrap; do
    if [ ! -f "$d/$m.npy" ] && [ ! -f "$d/$m.error" ]; then
      "$fingen" fit --model "$m" --data "$file" "${sel[@]}" --end "$train_end" --out "$d/$m" -q \
        2> "$d/$m.error" &&
        "$fingen" generate --model "$d/$m" --paths 1000 --horizon 252 --seed 7 --out "$d/$m.npy" -q &&
        rm -f "$d/$m.error"
    fi
    if [ -f "$d/$m.npy" ]; then baselines+=("$m"); else echo "   $m left out: $(cat "$d/$m.error")"; fi
  done
  scen=(); names=gan
  for m in "${baselines[@]}"; do scen+=(--scenarios "$d/$m.npy"); names+=",$m"; done
  for s in $seeds; do
    g="$d/gan_s$s"
    if [ ! -f "$g.npy" ]; then
      /usr/bin/time -f "%e" -o "$g.seconds" "$fingen" fit --model gan --data "$file" "${sel[@]}" \
        --end "$train_end" --out "$g" --seed "$s" "${gan_set[@]}" -q
      "$fingen" generate --model "$g" --paths 1000 --horizon 252 --seed 7 --out "$g.npy" -q
    fi
    for where in oos ins; do
      [ -f "$g.$where.json" ] && continue
      if [ "$where" = oos ]; then range=(--start "$test_start"); else range=(--start "$(awk -F, 'NR == 22 { gsub(/"/, "", $1); print $1 }' "$file")" --end "$train_end"); fi
      "$fingen" evaluate --real "$file" "${sel[@]}" "${range[@]}" \
        --scenarios "$g.npy" "${scen[@]}" --names "$names" --posthoc-window "$window" --posthoc-iterations 1000 \
        --json "$g.$where.json" > "$g.$where.txt"
    done
  done
done
python3 bench/gan_fidelity_table.py "$out"
