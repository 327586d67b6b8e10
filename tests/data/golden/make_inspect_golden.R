# make_inspect_golden.R -- golden reference statistics for the fingen C++ tests.
#
# Run from the repository root:
#   Rscript tests/data/golden/make_inspect_golden.R
# Writes tests/data/golden/inspect_stats.csv (one row per file/series).
#
# For each listed price series x (bundled CSVs in data/), the log returns
# r = diff(log(x)) are computed (any NA/NaN/Inf is an error), and:
#   n               length(r)
#   mean, sd        mean(r), sample sd with n-1 denominator (stats::sd)
#   skewness        m3 / m2^1.5        with population central moments
#   excess_kurtosis m4 / m2^2 - 3      m_k = mean((r - mean(r))^k)
#                   (the formulas of the R 'moments' package, written out)
#   min, max        range of r
#   acf1            stats::acf(r,   lag.max = 1, plot = FALSE)$acf[2]
#   acf1_sq         stats::acf(r^2, lag.max = 1, plot = FALSE)$acf[2]
#   jb_stat, jb_pvalue   tseries::jarque.bera.test(r)
#   lb_q10, lb_pvalue    stats::Box.test(r, lag = 10, type = "Ljung-Box")
# Numbers are written with sprintf("%.17g"); p-values that underflow print as 0.

suppressPackageStartupMessages(library(tseries))

specs <- list(
  list(file = "sp500_ohlcv_2000_2020.csv",   series = "close"),
  list(file = "msft_ohlcv_2000_2001.csv",    series = "close"),
  list(file = "dow_jones_30.csv",            series = NULL),   # all 30 price columns
  list(file = "eu_stock_markets.csv",        series = NULL),   # all 4
  list(file = "gold_silver.csv",             series = NULL),   # both
  list(file = "swiss_indices_2000_2007.csv", series = NULL),   # all 6
  list(file = "treasury_yields_daily.csv",   series = NULL),   # all 4
  list(file = "usdchf_30min_1996_2001.csv",  series = "usdchf")
)
index_cols <- c("date", "datetime", "obs")

fmt <- function(v) sprintf("%.17g", v)

stats_row <- function(file, series, x) {
  if (anyNA(x) || any(!is.finite(x))) stop(sprintf("%s/%s: missing or non-finite prices", file, series))
  if (any(x <= 0)) stop(sprintf("%s/%s: non-positive prices, log undefined", file, series))
  r <- diff(log(x))
  if (anyNA(r) || any(!is.finite(r))) stop(sprintf("%s/%s: NA in log returns", file, series))
  n <- length(r)
  mu <- mean(r)
  d <- r - mu
  m2 <- mean(d^2); m3 <- mean(d^3); m4 <- mean(d^4)
  jb <- tseries::jarque.bera.test(r)
  lb <- stats::Box.test(r, lag = 10, type = "Ljung-Box")
  vals <- c(n = n, mean = mu, sd = sd(r),
            skewness = m3 / m2^1.5, excess_kurtosis = m4 / m2^2 - 3,
            min = min(r), max = max(r),
            acf1 = stats::acf(r, lag.max = 1, plot = FALSE)$acf[2],
            acf1_sq = stats::acf(r^2, lag.max = 1, plot = FALSE)$acf[2],
            jb_stat = unname(jb$statistic), jb_pvalue = unname(jb$p.value),
            lb_q10 = unname(lb$statistic), lb_pvalue = unname(lb$p.value))
  if (anyNA(vals)) stop(sprintf("%s/%s: NA statistic: %s", file, series,
                                paste(names(vals)[is.na(vals)], collapse = ",")))
  paste(c(file, series, sprintf("%d", n), fmt(vals[-1])), collapse = ",")
}

lines <- "file,series,n,mean,sd,skewness,excess_kurtosis,min,max,acf1,acf1_sq,jb_stat,jb_pvalue,lb_q10,lb_pvalue"
for (s in specs) {
  df <- read.csv(file.path("data", s$file), check.names = FALSE, stringsAsFactors = FALSE)
  cols <- if (is.null(s$series)) setdiff(names(df), index_cols) else s$series
  for (col in cols) {
    if (!col %in% names(df)) stop(sprintf("%s: no column %s", s$file, col))
    x <- df[[col]]
    if (!is.numeric(x)) stop(sprintf("%s/%s: column is not numeric", s$file, col))
    lines <- c(lines, stats_row(s$file, col, as.numeric(x)))
  }
}
out <- file.path("tests", "data", "golden", "inspect_stats.csv")
writeLines(lines, out)
cat(sprintf("wrote %s (%d rows)\n", out, length(lines) - 1L))
