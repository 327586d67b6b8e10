#!/usr/bin/env bash
# The forecasting tables of the README: walk-forward comparisons (every model against the random
# walk / zero forecast and AR, Diebold–Mariano p-values) on S&P 500 and the Dow Jones panel, the
# gaps/outliers robustness table and the augmentation experiment.
#   bench/forecast_tables.sh [FINGEN] [OUTDIR]
# Takes about an hour on 2 cores (most of it training the neural forecasters and the GANs).
set -euo pipefail
cd "$(dirname "$0")/.."
fingen=${1:-build/release/apps/fingen/fingen}
out=${2:-runs/forecast_tables}
mkdir -p "$out"
sp=data/sp500_ohlcv_2000_2020.csv
dj=data/dow_jones_30.csv
all=zero,naive,mean,ar,garch,lstm,gru,tcn,mlp,lstm-gan
run() { local name=$1; shift; echo "== $name: fingen $*"; "$fingen" "$@" --json "$out/$name.json" 2>"$out/$name.log" | tee "$out/$name.txt"; }
run sp500_returns forecast evaluate --data $sp --test-start 2016-01-04 --refit-every 21 \
  --models $all --quantiles 0.05,0.95
run sp500_volatility forecast evaluate --data $sp --kind volatility --horizon 5 \
  --test-start 2016-01-04 --refit-every 63 --models $all
run dj_ibm_returns forecast evaluate --data $dj --target IBM --features IBM,MSFT,INTC,HWP,IBM:rv \
  --test-start 1998-01-02 --refit-every 63 --models $all
run dj_ibm_volatility forecast evaluate --data $dj --target IBM --kind volatility --horizon 5 \
  --features IBM,IBM:rv,MSFT:rv,INTC:rv,HWP:rv --test-start 1998-01-02 --refit-every 63 --models $all
run sp500_volatility_robustness forecast robustness --data $sp --kind volatility --horizon 5 \
  --test-start 2016-01-04 --refit-every 63 --models naive,mean,ar,garch,lstm
run sp500_volatility_augment forecast augment --data $sp --kind volatility --sizes 250,500,1000,4000 \
  --seeds 1,2 --test-rows 500 --set gan.steps=400
