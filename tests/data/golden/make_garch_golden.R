# make_garch_golden.R -- golden GARCH(1,1) maximum-likelihood fits for the fingen C++ tests.
#
# Run from the repository root:
#   Rscript tests/data/golden/make_garch_golden.R
# Writes tests/data/golden/garch_fits.csv.
# Needs R (>= 4.2) and fGarch (Debian: r-cran-fgarch; generated with fGarch 4022.89).
#
# Series (returns in PERCENT, r = 100 * diff(log(price)); any NA/non-finite is an error):
#   sp500  close column of data/sp500_ohlcv_2000_2020.csv
#   dax    DAX column of data/eu_stock_markets.csv
# Each series is fitted twice with
#   fGarch::garchFit(~garch(1,1), data = r, cond.dist = d, include.mean = TRUE, trace = FALSE)
# (all other arguments at their defaults: init.rec = "mci", algorithm = "nlminb",
#  shape start 4), d = "norm" (Gaussian) and d = "std" (unit-variance Student-t).
#
# Columns: case,series,dist,n,mu,omega,alpha,beta,shape,loglik,converged
#   n          number of returns (= number of terms in the log-likelihood sum)
#   mu..beta   coef(fit) on the percent-return scale (fGarch fits x / sd(x) internally
#              and maps mu and omega back; the values here are the mapped-back ones)
#   shape      Student-t degrees of freedom nu; NA for "norm"
#   loglik     the maximised LOG-LIKELIHOOD itself, i.e. -fit@fit$llh
#              (fGarch stores the NEGATIVE log-likelihood in fit@fit$llh), on the
#              percent-return data, including all normalising constants (-0.5*log(2*pi), ...)
#   converged  TRUE when the fGarch estimate is verified to be the maximum: an independent
#              maximisation of the R transcription fgarch_loglik() (nlminb from fGarch's
#              generic start, polished by a second nlminb run) reaches parameters within
#              1e-4 absolute and a log-likelihood within 1e-6 of fGarch's. NOTE: this is NOT
#              nlminb's own flag inside garchFit: fGarch asks nlminb for rel.tol = x.tol =
#              1e-14, so nlminb typically stops with fit@fit$convergence = 1, message
#              "singular convergence (7)", even at the optimum (all four fits here do).
#
# Rows with case suffix "_at_fixed": fGarch's log-likelihood evaluated (not optimised) at
# fixed parameters mu = 0.05, omega = 0.02, alpha = 0.08, beta = 0.9 (and shape = 6 for
# "std") on the same percent returns, for checking the C++ likelihood independently of the
# optimizer; converged is NA there. The value is computed by calling fGarch's own compiled
# likelihood (Fortran routine GARCHLLH, the one garchFit uses by default, llh = "internal")
# directly through .Fortran(), with exactly the arguments garchFit passes it; it is
# cross-checked against an independent R transcription (fgarch_loglik() below) and the script
# stops if the two differ by more than 1e-9 relative.
#
# The likelihood fGarch maximises (GARCH(1,1), delta = 2, no leverage), for x_1..x_n:
#   z_t = x_t - mu                                  for ALL t = 1..n (z_1 included)
#   h_1 = omega + (alpha + beta) * mean(z^2)        mean over all n, divisor n, same mu
#   h_t = omega + alpha * z_{t-1}^2 + beta * h_{t-1},  t = 2..n
#   loglik = sum_{t=1..n} log f(z_t / sqrt(h_t)) - 0.5 * log(h_t)
#   norm: log f(e) = -0.5*log(2*pi) - 0.5*e^2
#   std:  log f(e) = lgamma((nu+1)/2) - lgamma(nu/2) - 0.5*log(pi*(nu-2))
#                    - (nu+1)/2 * log(1 + e^2/(nu-2))
# garchFit maximises this on x/sd(x) (nlminb; bounds there: |mu| <= 10*|mean(x/sd(x))|,
# 1e-6 <= omega <= 100, 1e-8 <= alpha, beta <= 1-1e-8, 1 <= shape <= 10; start mu = mean,
# omega = 0.1, alpha = 0.1, beta = 0.8, shape = 4) and maps back mu*sd, omega*sd^2; the
# likelihood is scale-equivariant (loglik(x) = loglik(x/sd) - n*log(sd)), so the optimum
# is the same as fitting x directly. No bound is active in any of the fits here.
# Numbers are written with sprintf("%.17g").

suppressPackageStartupMessages(library(fGarch))

fmt <- function(v) if (is.na(v)) "NA" else sprintf("%.17g", v)

pct_returns <- function(file, column) {
  d <- read.csv(file.path("data", file), check.names = FALSE)
  x <- d[[column]]
  if (is.null(x)) stop(sprintf("%s: no column %s", file, column))
  if (anyNA(x) || any(!is.finite(x)) || any(x <= 0)) stop(sprintf("%s/%s: bad prices", file, column))
  r <- 100 * diff(log(x))
  if (anyNA(r) || any(!is.finite(r))) stop(sprintf("%s/%s: non-finite returns", file, column))
  r
}

# Independent R transcription of fGarch's GARCHLLH (src/llhGarch.f + src/dist.f) for
# GARCH(1,1), init.rec = "mci", delta = 2: returns the LOG-likelihood (not negated).
fgarch_loglik <- function(x, mu, omega, alpha, beta, dist, shape = NA) {
  n <- length(x)
  z <- x - mu
  h <- numeric(n)
  h[1] <- omega + (alpha + beta) * mean(z^2)
  for (t in 2:n) h[t] <- omega + alpha * z[t - 1]^2 + beta * h[t - 1]
  e <- z / sqrt(h)
  lf <- if (dist == "norm") {
    -0.5 * log(2 * pi) - 0.5 * e^2
  } else {
    nu <- shape
    lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(pi * (nu - 2)) -
      (nu + 1) / 2 * log1p(e^2 / (nu - 2))
  }
  sum(lf - 0.5 * log(h))
}

# fGarch's own compiled likelihood, called exactly as fGarch:::.aparchLLH.internal calls it
# for garchFit(~garch(1,1), include.mean = TRUE, init.rec = "mci"); returns the LOG-likelihood.
fgarch_fortran_loglik <- function(x, mu, omega, alpha, beta, dist, shape = NA) {
  n <- length(x)
  std <- dist == "std"
  params <- c(mu, omega, alpha, beta, if (std) shape)
  MYPAR <- c(REC = 1L, LEV = 0L, MEAN = 1L, DELTA = 0L, SKEW = 0L, SHAPE = as.integer(std),
             u = 0L, v = 0L, p = 1L, q = 1L, NORM = as.integer(n))
  res <- .Fortran(fGarch:::garchllh, N = as.integer(n), Y = as.double(x),
                  Z = as.double(rep(0, n)), H = as.double(rep(var(x), n)),
                  NF = as.integer(length(params)), X = as.double(params),
                  DPARM = as.double(c(2, 1, if (std) shape else 4)),
                  MDIST = as.integer(if (std) 20 else 10), MYPAR = as.integer(MYPAR),
                  F = as.double(0))
  -res$F
}

check_close <- function(a, b, what, rtol = 1e-9) {
  if (!is.finite(a) || !is.finite(b) || abs(a - b) > rtol * max(1, abs(b)))
    stop(sprintf("%s: %.17g vs %.17g", what, a, b))
}

series_list <- list(
  list(series = "sp500", x = pct_returns("sp500_ohlcv_2000_2020.csv", "close")),
  list(series = "dax",   x = pct_returns("eu_stock_markets.csv", "DAX"))
)
dists <- c("norm", "std")
fixed <- c(mu = 0.05, omega = 0.02, alpha = 0.08, beta = 0.9, shape = 6)

header <- "case,series,dist,n,mu,omega,alpha,beta,shape,loglik,converged"
fit_rows <- character(0)
fixed_rows <- character(0)

for (s in series_list) {
  x <- s$x
  n <- length(x)
  for (d in dists) {
    case <- paste(s$series, d, sep = "_")
    fit <- garchFit(~garch(1, 1), data = x, cond.dist = d, include.mean = TRUE, trace = FALSE)
    cf <- coef(fit)
    shape <- if (d == "std") unname(cf["shape"]) else NA
    loglik <- -fit@fit$llh          # fGarch stores the negative log-likelihood
    # independent check that the fGarch estimate is the maximum (see header: converged)
    negll <- function(p) {
      v <- -fgarch_loglik(x, p[1], p[2], p[3], p[4], d, if (d == "std") p[5] else NA)
      if (is.finite(v)) v else 1e10
    }
    st <- c(mean(x), 0.1 * var(x), 0.1, 0.8, if (d == "std") 4)
    lw <- c(-Inf, 1e-10, 0, 0, if (d == "std") 2.01)
    up <- c(Inf, Inf, 1, 1, if (d == "std") 200)
    o <- nlminb(st, negll, lower = lw, upper = up, control = list(eval.max = 5000, iter.max = 5000))
    o <- nlminb(o$par, negll, scale = 1 / abs(o$par), lower = lw, upper = up,
                control = list(eval.max = 5000, iter.max = 5000))
    p_fg <- c(cf["mu"], cf["omega"], cf["alpha1"], cf["beta1"], if (d == "std") cf["shape"])
    dpar <- max(abs(o$par - p_fg))
    dll <- abs(-o$objective - loglik)
    converged <- o$convergence == 0 && dpar < 1e-4 && dll < 1e-6
    message(sprintf("%-10s independent re-fit: max |param diff| = %.2g, |loglik diff| = %.2g; garchFit's nlminb: convergence = %d, \"%s\"",
                    case, dpar, dll, fit@fit$convergence, fit@fit$message))
    # consistency: stored value == fGarch Fortran == R transcription at the fitted parameters
    ll_f <- fgarch_fortran_loglik(x, cf["mu"], cf["omega"], cf["alpha1"], cf["beta1"], d, shape)
    ll_r <- fgarch_loglik(x, cf["mu"], cf["omega"], cf["alpha1"], cf["beta1"], d, shape)
    check_close(ll_f, loglik, paste(case, "Fortran vs fit@fit$llh"))
    check_close(ll_r, loglik, paste(case, "R transcription vs fit@fit$llh"))
    # report whether any bound of nlminb (in the internal sd-scaled units) is active
    sc <- sd(x); xs <- x / sc
    lo <- c(mu = -10 * abs(mean(xs)), omega = 1e-6 * var(xs), alpha1 = 1e-8, beta1 = 1e-8, shape = 1)
    hi <- c(mu =  10 * abs(mean(xs)), omega = 100 * var(xs), alpha1 = 1 - 1e-8, beta1 = 1 - 1e-8, shape = 10)
    par_s <- c(mu = unname(cf["mu"]) / sc, omega = unname(cf["omega"]) / sc^2,
               alpha1 = unname(cf["alpha1"]), beta1 = unname(cf["beta1"]), shape = shape)
    nm <- names(par_s)[!is.na(par_s)]
    at_bound <- nm[abs(par_s[nm] - lo[nm]) < 1e-6 * pmax(1, abs(lo[nm])) |
                   abs(par_s[nm] - hi[nm]) < 1e-6 * pmax(1, abs(hi[nm]))]
    message(sprintf("%-10s n=%d mu=%.6f omega=%.6f alpha=%.6f beta=%.6f shape=%s persistence=%.6f loglik=%.6f converged=%s%s",
                    case, n, cf["mu"], cf["omega"], cf["alpha1"], cf["beta1"],
                    if (is.na(shape)) "NA" else sprintf("%.4f", shape),
                    cf["alpha1"] + cf["beta1"], loglik, converged,
                    if (length(at_bound)) paste(" AT BOUND:", paste(at_bound, collapse = " ")) else ""))
    fit_rows <- c(fit_rows, paste(case, s$series, d, n, fmt(cf["mu"]), fmt(cf["omega"]),
                                  fmt(cf["alpha1"]), fmt(cf["beta1"]), fmt(shape),
                                  fmt(loglik), if (converged) "TRUE" else "FALSE", sep = ","))

    # log-likelihood at fixed parameters
    fshape <- if (d == "std") unname(fixed["shape"]) else NA
    llx_f <- fgarch_fortran_loglik(x, fixed["mu"], fixed["omega"], fixed["alpha"], fixed["beta"], d, fshape)
    llx_r <- fgarch_loglik(x, fixed["mu"], fixed["omega"], fixed["alpha"], fixed["beta"], d, fshape)
    check_close(llx_r, llx_f, paste(case, "at_fixed: R transcription vs Fortran"))
    fixed_rows <- c(fixed_rows, paste(paste0(case, "_at_fixed"), s$series, d, n,
                                      fmt(fixed["mu"]), fmt(fixed["omega"]), fmt(fixed["alpha"]),
                                      fmt(fixed["beta"]), fmt(fshape), fmt(llx_f), "NA", sep = ","))
  }
}

out <- file.path("tests", "data", "golden", "garch_fits.csv")
writeLines(c(header, fit_rows, fixed_rows), out)
message("wrote ", out)
