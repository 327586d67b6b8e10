# Golden values for tests/forecast: the Diebold–Mariano test of R's forecast::dm.test (HLN
# correction, acf variance) and AR(p) least squares by lm() with the order chosen by
# n log(SSR/n) + 2(p + 1) on a common sample, on S&P 500 log returns of the bundled data.
#   Rscript tests/forecast/golden/make_forecast_golden.R   (from the repository root)
# Needs r-base-core, r-cran-forecast, r-cran-jsonlite.
suppressMessages({
  library(forecast)
  library(jsonlite)
})
x <- read.csv("data/sp500_ohlcv_2000_2020.csv")
r <- diff(log(x$adjclose))
dates <- x$date[-1]

# DM: errors of two forecasts of the 2019 returns, the zero forecast and a 20-day moving mean,
# plus synthetic heavy-tailed errors with overlapping (MA) structure for h > 1.
y <- r[dates >= "2019-01-01" & dates <= "2019-12-31"]
idx <- which(dates >= "2019-01-01" & dates <= "2019-12-31")
ma <- sapply(idx, function(i) mean(r[(i - 20):(i - 1)]))
set.seed(7)
n <- 300
u <- rt(n + 4, df = 4)
e_ma <- stats::filter(u, rep(1, 5) / 5, sides = 1)[5:(n + 4)]
cases <- list()
add <- function(name, e1, e2, h, power) {
  t <- dm.test(e1, e2, h = h, power = power)
  tl <- dm.test(e1, e2, h = h, power = power, alternative = "less")
  cases[[length(cases) + 1]] <<- list(name = name, e1 = e1, e2 = e2, h = h, power = power,
                                      statistic = unname(t$statistic), p_value = t$p.value,
                                      p_less = tl$p.value)
}
add("sp500_2019_zero_vs_ma20_h1_sq", y - 0, y - ma, 1, 2)
add("sp500_2019_zero_vs_ma20_h1_abs", y - 0, y - ma, 1, 1)
add("sp500_2019_zero_vs_ma20_h3_sq", y - 0, y - ma, 3, 2)
add("synthetic_h5_sq", e_ma, e_ma * 0.9 + rnorm(n, sd = 0.2), 5, 2)
add("synthetic_h2_abs", e_ma, rt(n, df = 5) * 0.3, 2, 1)

# AR by least squares on the first 1,500 returns and on their absolute values, orders 0..8 on the
# common sample t = 9..n.
ar_golden <- function(z, maxp) {
  N <- length(z)
  fits <- list()
  aics <- c()
  yy <- z[(maxp + 1):N]
  for (p in 0:maxp) {
    if (p == 0) {
      fit <- lm(yy ~ 1)
    } else {
      X <- sapply(1:p, function(l) z[(maxp + 1 - l):(N - l)])
      fit <- lm(yy ~ X)
    }
    ssr <- sum(residuals(fit)^2)
    m <- length(yy)
    aic <- m * log(ssr / m) + 2 * (p + 1)
    aics <- c(aics, aic)
    fits[[length(fits) + 1]] <- list(order = p, coef = I(unname(coef(fit))), aic = aic,
                                     sigma2 = ssr / m)
  }
  list(n = N, max_order = maxp, fits = fits, best = which.min(aics) - 1)
}
out <- list(dm = cases, ar = list(returns = ar_golden(r[1:1500], 8),
                                  abs_returns = ar_golden(abs(r[1:1500]), 8)))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = FALSE),
           "tests/forecast/golden/forecast_golden.json")
