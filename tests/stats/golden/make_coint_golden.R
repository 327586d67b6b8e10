#!/usr/bin/env Rscript
# Independent R cross-check of the Engle-Granger golden values in coint_golden.json (made by
# make_coint_golden.py with statsmodels). For each of the same five pairs of bundled series it fits
# lm(log y ~ log x) (rows with a missing value in either series dropped), then runs
# urca::ur.df(residuals, type = "none", lags = p, selectlags = "Fixed") -- the ADF regression
# without constant de_t = g e_{t-1} + sum_{j=1..p} d_j de_{t-j} + u_t -- and records the t-value
# of g (slot @teststat) for p = 1 and for p = the "lags" of coint_aic in coint_golden.json.
# Run from the repository root:
#   Rscript tests/stats/golden/make_coint_golden.R
# Writes tests/stats/golden/coint_urca.csv (file,y,x,lags,statistic,alpha,beta; 17 significant
# digits). Made with R 4.2.2 Patched (2022-11-10 r83330), urca 1.3.3 and jsonlite 1.8.4
# (Debian bookworm packages r-base-core, r-cran-urca 1.3-3-1, r-cran-jsonlite 1.8.4+dfsg-1).
# The C++ tests do not read this file's output; it documents an independent check.
suppressPackageStartupMessages({
  library(urca)
  library(jsonlite)
})

here <- "tests/stats/golden"
data_dir <- "data"
golden <- fromJSON(file.path(here, "coint_golden.json"), simplifyVector = FALSE)

pairs <- list(
  c("eu_stock_markets.csv", "DAX", "CAC"),
  c("eu_stock_markets.csv", "SMI", "FTSE"),
  c("gold_silver.csv", "gold", "silver"),
  c("dow_jones_30.csv", "KO", "PG"),
  c("dow_jones_30.csv", "XOM", "MSFT")
)

fmt <- function(v) format(v, digits = 17)
rows <- list()
for (pr in pairs) {
  file <- pr[1]; yname <- pr[2]; xname <- pr[3]
  d <- read.csv(file.path(data_dir, file), na.strings = c("NA", "", "NaN"))
  keep <- !is.na(d[[yname]]) & !is.na(d[[xname]])
  y <- log(d[[yname]][keep])
  x <- log(d[[xname]][keep])
  fit <- lm(y ~ x)
  e <- unname(residuals(fit))
  alpha <- unname(coef(fit)[1]); beta <- unname(coef(fit)[2])
  case <- Filter(function(c) c$file == file && c$y == yname && c$x == xname, golden$cases)[[1]]
  for (p in unique(c(1L, as.integer(case$coint_aic$lags)))) {
    t <- ur.df(e, type = "none", lags = p, selectlags = "Fixed")
    rows[[length(rows) + 1]] <- c(file, yname, xname, p, fmt(unname(t@teststat[1])),
                                  fmt(alpha), fmt(beta))
  }
}
out <- do.call(rbind, rows)
colnames(out) <- c("file", "y", "x", "lags", "statistic", "alpha", "beta")
write.csv(out, file.path(here, "coint_urca.csv"), row.names = FALSE, quote = FALSE)
print(out, quote = FALSE)
