# make_risk_golden.R -- golden reference values for the fingen C++ risk module
# (include/fingen/risk/measures.hpp, include/fingen/risk/var_backtest.hpp).
#
# Run from the repository root:
#   Rscript tests/data/golden/make_risk_golden.R
# Base R only (stats: pbinom, pchisq, qnorm, dnorm, qt, dt, t.test, quantile, integrate;
# generated with R 4.2.2). Writes, in tests/data/golden/:
#   risk_hits.csv       case,t,hit,loss,var,es,sigma     input sequences for the backtests
#   risk_tests.csv      case,n,level,exceptions,lr_pof,p_pof,n00,n01,n10,n11,lr_ind,p_ind,
#                       lr_cc,p_cc,binom_cdf,zone,mf_n,mf_t,mf_p,z2          one row per case
#   risk_measures.csv   case,level,horizon,mu,sigma,nu,var,es    parametric VaR/ES
#   risk_losses.csv     loss                                     1000 sample losses
#   risk_empirical.csv  level,var,es,var_lo,var_hi               empirical VaR/ES of risk_losses
# Numbers are written with sprintf("%.17g"); a missing value is written NA. CSV with a header
# line, no quotes, no row names.
#
# CONVENTIONS
#   Losses are positive: L = -R (R the return). A VaR "exception" (hit) on day t is L_t > VaR_t.
#   level a (e.g. 0.99); p = 1 - a (computed as 1 - level in double) is the expected exception rate.
#   t is 1-based. 0^0 = 1 throughout, i.e. every term k*log(q) with k = 0 is taken to be 0 (even
#   when q is 0 or 0/0 = NaN); see xlogy() below.
#
# 1. risk_hits.csv. Each case's hit sequence, then, from the SAME random stream right after the
#    hits, u_t ~ U(0,1) for t = 1..n (u <- runif(n)), and
#      sigma_t = 0.01 * (1 + 0.5 * sin(t / 30)),  var_t = 2.326 sigma_t,  es_t = 2.665 sigma_t,
#      loss_t  = var_t * (1 + 0.3 u_t)  if hit_t = 1   (so loss_t > var_t, u_t > 0),
#      loss_t  = var_t * u_t * 0.9      if hit_t = 0   (so loss_t < var_t),
#    hence hit_t == (loss_t > var_t) on every row (checked).
#    Cases:
#      binom_500_99        n = 500,  a = 0.99,  set.seed(1); hit <- rbinom(n, 1, 0.01)
#      binom_250_too_many  n = 250,  a = 0.99,  set.seed(2); hit <- rbinom(n, 1, 0.03)
#      clustered_1000_99   n = 1000, a = 0.99,  set.seed(3); 2-state Markov chain started in state
#                          0: hit_1 = 0 (no draw), then for t = 2..n
#                          hit_t <- rbinom(1, 1, if (hit_{t-1} == 1) 0.3 else 0.008)
#                          (P(1|0) = 0.008, P(1|1) = 0.3)
#      none_250_99         n = 250,  a = 0.99,  hit_t = 0 for all t (no draws); set.seed(6) for u
#      isolated_750_975    n = 750,  a = 0.975, set.seed(5); hit <- rbinom(n, 1, 0.025), then one
#                          forward pass t = 2..n: if hit_{t-1} = 1 and hit_t = 1, set hit_t = 0
#                          (so no two consecutive hits, n11 = 0)
#
# 2. risk_tests.csv, from hit (and loss/var/es/sigma) of each case; x = sum(hit).
#    Kupiec (1995), proportion of failures:
#      LR_pof = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x],
#      p_pof  = P(chi^2_1 > LR_pof) = pchisq(LR_pof, 1, lower.tail = FALSE).
#      Kupiec, P. (1995), "Techniques for verifying the accuracy of risk measurement models",
#      Journal of Derivatives 3(2), 73-84.
#    Christoffersen (1998), independence: over the n-1 consecutive pairs (t-1, t), t = 2..n,
#      n_ij = #{t : hit_{t-1} = i, hit_t = j};
#      pi01 = n01/(n00+n01), pi11 = n11/(n10+n11), pi = (n01+n11)/(n00+n01+n10+n11);
#      LR_ind = -2 ln[(1-pi)^(n00+n10) pi^(n01+n11)]
#               + 2 ln[(1-pi01)^n00 pi01^n01 (1-pi11)^n10 pi11^n11]
#      (if n10+n11 = 0, pi11 = 0/0 and its terms are absent, i.e. 0, by the 0^0 = 1 rule);
#      p_ind = pchisq(LR_ind, 1, lower.tail = FALSE);
#      LR_cc = LR_pof + LR_ind, p_cc = pchisq(LR_cc, 2, lower.tail = FALSE).
#      Christoffersen, P. F. (1998), "Evaluating interval forecasts", International Economic
#      Review 39(4), 841-862.
#    Basel traffic light: binom_cdf = pbinom(x, n, p) = P(X <= x), X ~ Binomial(n, p);
#      zone = "green" if binom_cdf < 0.95, "yellow" if binom_cdf < 0.9999, else "red".
#      Basel Committee on Banking Supervision (1996), "Supervisory framework for the use of
#      'backtesting' in conjunction with the internal models approach to market risk capital
#      requirements".
#    McNeil & Frey (2000), ES exceedance residuals: on exception days r_t = (L_t - ES_t)/sigma_t;
#      mf_n = number of residuals (= x); mf_t, mf_p = statistic and p-value of
#      t.test(r, mu = 0, alternative = "greater") (t = mean(r)/(sd(r)/sqrt(mf_n)), sd with n-1,
#      p = P(t_{mf_n - 1} > t)); NA when mf_n < 2.
#      McNeil, A. J. and Frey, R. (2000), "Estimation of tail-related risk measures for
#      heteroscedastic financial time series: an extreme value approach", Journal of Empirical
#      Finance 7, 271-300.
#    Acerbi & Szekely (2014) Z2, loss convention:
#      z2 = sum_t (L_t hit_t / ES_t) / (n (1 - a)) - 1     (= -1 when there are no exceptions).
#      Acerbi, C. and Szekely, B. (2014), "Backtesting expected shortfall", Risk, December.
#    Cross-checks done by this script (stop() on failure): LR_pof and LR_ind are recomputed as
#    log-likelihood differences with dbinom(log = TRUE); the transition counts sum to n-1;
#    mf_t/mf_p are recomputed by hand with mean/sd/pt.
#
# 3. risk_measures.csv, parametric VaR/ES of L = -(mu h + sigma sqrt(h) Z) over h days:
#    normal (Z ~ N(0,1); nu = NA):
#      var = -mu h + sigma sqrt(h) qnorm(a)
#      es  = -mu h + sigma sqrt(h) dnorm(qnorm(a)) / (1 - a)
#    Student-t scaled to unit variance (Z = s T, T ~ t_nu, s = sqrt((nu-2)/nu)), q = qt(a, nu):
#      var = -mu h + sigma sqrt(h) s q
#      es  = -mu h + sigma sqrt(h) s (dt(q, nu) / (1 - a)) (nu + q^2) / (nu - 1)
#    (McNeil, Frey & Embrechts 2015, Quantitative Risk Management, 2nd ed., Example 2.15/2.16.)
#    Both ES formulas are checked before writing against numerical integration of the tail,
#    ES = (1/(1-a)) * integrate(x f(x), VaR, Inf) and ES = (1/(1-a)) * integrate(VaR_u, a, 1)
#    (relative tolerance 1e-8).
#    Cases: normal, mu = 0.0004, sigma = 0.012, a in {0.95, 0.99, 0.995}, h in {1, 10};
#           student_t, same mu/sigma, nu in {4, 8}, a in {0.99, 0.975}, h = 1.
#
# 4. risk_losses.csv: set.seed(4); loss <- 0.01 * rt(1000, 4).
#    risk_empirical.csv, for a in {0.95, 0.99, 0.995, 0.9975}, with L_(1) <= ... <= L_(n),
#    n = 1000:
#      k   = ceiling(n a);  var = L_(k)  (equals quantile(loss, a, type = 1), checked)
#      es  = Acerbi & Tasche (2002) estimator: m = n (1 - a) (rounded when within 1e-9 relative of
#            an integer: 1 - 0.99 is not 0.01 in double), w = floor(m),
#            es = (L_(n) + ... + L_(n-w+1) + (m - w) L_(n-w)) / m
#            (m = 50, 10, 5 and 2.5 here: 0.9975 exercises the fractional weight), checked against
#            the integral of the empirical quantile function, (1/(1-a)) * int_a^1 L_(ceiling(n u))
#            du, summed exactly over the intervals ((i-1)/n, i/n].
#            Acerbi, C. and Tasche, D. (2002), "On the coherence of expected shortfall", Journal
#            of Banking & Finance 26, 1487-1503.
#      z   = 1.959963984540054 (qnorm(0.975)),  d = z sqrt(n a (1 - a)),
#      j   = floor(n a - d),  k2 = ceiling(n a + d), both clamped to 1..n;
#      var_lo = L_(j), var_hi = L_(k2)   (distribution-free order-statistic 95% CI for the VaR,
#      normal approximation to Binomial(n, a); David & Nagaraja 2003, Order Statistics, 7.1).
#    Note: n a is 950, 990, 995, 997.5 exactly in double here, so ceiling(n a) has no rounding
#    issue.

fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.17g", v))
out_dir <- file.path("tests", "data", "golden")
if (!dir.exists(out_dir)) stop("run from the repository root: ", out_dir, " not found")

write_csv <- function(df, name) {
  cols <- lapply(df, function(col) if (is.numeric(col)) fmt(col) else as.character(col))
  lines <- c(paste(names(df), collapse = ","), do.call(paste, c(cols, sep = ",")))
  path <- file.path(out_dir, name)
  writeLines(lines, path)
  cat(sprintf("wrote %s (%d rows)\n", path, nrow(df)))
}

# k * log(q) with the convention 0 * log(anything) = 0 (0^0 = 1).
xlogy <- function(k, q) if (k == 0) 0 else k * log(q)

# ---------------------------------------------------------------------------------------------
# 1. hit sequences and made-up loss/var/es/sigma
# ---------------------------------------------------------------------------------------------
make_case <- function(name, n, level, gen_hits, seed) {
  set.seed(seed)
  hit <- as.integer(gen_hits(n))
  stopifnot(length(hit) == n, all(hit %in% 0:1))
  u <- runif(n)
  t <- seq_len(n)
  sigma <- 0.01 * (1 + 0.5 * sin(t / 30))
  var <- 2.326 * sigma
  es <- 2.665 * sigma
  loss <- ifelse(hit == 1L, var * (1 + 0.3 * u), var * u * 0.9)
  if (!all((loss > var) == (hit == 1L))) stop(name, ": hit != (loss > var)")
  list(name = name, n = n, level = level,
       df = data.frame(case = name, t = t, hit = hit, loss = loss, var = var, es = es, sigma = sigma,
                       stringsAsFactors = FALSE))
}

markov_hits <- function(n, p01 = 0.008, p11 = 0.3) {
  h <- integer(n)  # h[1] = 0: the chain starts in state 0
  for (t in 2:n) h[t] <- rbinom(1, 1, if (h[t - 1] == 1L) p11 else p01)
  h
}

isolated_hits <- function(n, p) {
  h <- rbinom(n, 1, p)
  for (t in 2:n) if (h[t - 1] == 1L && h[t] == 1L) h[t] <- 0L
  h
}

cases <- list(
  make_case("binom_500_99", 500, 0.99, function(n) rbinom(n, 1, 0.01), 1),
  make_case("binom_250_too_many", 250, 0.99, function(n) rbinom(n, 1, 0.03), 2),
  make_case("clustered_1000_99", 1000, 0.99, markov_hits, 3),
  make_case("none_250_99", 250, 0.99, function(n) integer(n), 6),
  make_case("isolated_750_975", 750, 0.975, function(n) isolated_hits(n, 0.025), 5)
)

# ---------------------------------------------------------------------------------------------
# 2. backtest statistics
# ---------------------------------------------------------------------------------------------
backtest_row <- function(cs) {
  d <- cs$df; n <- cs$n; level <- cs$level; p <- 1 - level
  hit <- d$hit; x <- sum(hit)

  # Kupiec POF
  lr_pof <- -2 * (xlogy(n - x, 1 - p) + xlogy(x, p)) +
             2 * (xlogy(n - x, 1 - x / n) + xlogy(x, x / n))
  chk_pof <- 2 * (dbinom(x, n, x / n, log = TRUE) - dbinom(x, n, p, log = TRUE))
  if (abs(lr_pof - chk_pof) > 1e-9 * max(1, abs(lr_pof))) stop(cs$name, ": LR_pof cross-check")
  p_pof <- pchisq(lr_pof, 1, lower.tail = FALSE)

  # Christoffersen independence
  prev <- hit[-n]; cur <- hit[-1]
  n00 <- sum(prev == 0 & cur == 0); n01 <- sum(prev == 0 & cur == 1)
  n10 <- sum(prev == 1 & cur == 0); n11 <- sum(prev == 1 & cur == 1)
  stopifnot(n00 + n01 + n10 + n11 == n - 1)
  pi01 <- n01 / (n00 + n01)          # NaN only if n00 + n01 = 0 (then its terms are 0)
  pi11 <- n11 / (n10 + n11)          # NaN if n10 + n11 = 0 -> terms absent
  pi <- (n01 + n11) / (n00 + n01 + n10 + n11)
  lr_ind <- -2 * (xlogy(n00 + n10, 1 - pi) + xlogy(n01 + n11, pi)) +
             2 * (xlogy(n00, 1 - pi01) + xlogy(n01, pi01) + xlogy(n10, 1 - pi11) + xlogy(n11, pi11))
  ll1 <- (if (n00 + n01 > 0) dbinom(n01, n00 + n01, pi01, log = TRUE) else 0) +
         (if (n10 + n11 > 0) dbinom(n11, n10 + n11, pi11, log = TRUE) else 0)
  ll0 <- (if (n00 + n01 > 0) dbinom(n01, n00 + n01, pi, log = TRUE) else 0) +
         (if (n10 + n11 > 0) dbinom(n11, n10 + n11, pi, log = TRUE) else 0)
  if (abs(lr_ind - 2 * (ll1 - ll0)) > 1e-9 * max(1, abs(lr_ind))) stop(cs$name, ": LR_ind cross-check")
  if (lr_ind < -1e-12) stop(cs$name, ": negative LR_ind")
  p_ind <- pchisq(lr_ind, 1, lower.tail = FALSE)
  lr_cc <- lr_pof + lr_ind
  p_cc <- pchisq(lr_cc, 2, lower.tail = FALSE)

  # Basel traffic light
  binom_cdf <- pbinom(x, n, p)
  zone <- if (binom_cdf < 0.95) "green" else if (binom_cdf < 0.9999) "yellow" else "red"

  # McNeil-Frey exceedance residuals
  ex <- hit == 1L
  r <- (d$loss[ex] - d$es[ex]) / d$sigma[ex]
  mf_n <- length(r)
  if (mf_n >= 2) {
    tt <- t.test(r, mu = 0, alternative = "greater")
    mf_t <- unname(tt$statistic); mf_p <- tt$p.value
    t_chk <- mean(r) / (sd(r) / sqrt(mf_n))
    if (abs(mf_t - t_chk) > 1e-12 * max(1, abs(t_chk)) ||
        abs(mf_p - pt(t_chk, mf_n - 1, lower.tail = FALSE)) > 1e-14) stop(cs$name, ": t-test cross-check")
  } else {
    mf_t <- NA_real_; mf_p <- NA_real_
  }

  # Acerbi-Szekely Z2
  z2 <- sum(d$loss * hit / d$es) / (n * (1 - level)) - 1

  data.frame(case = cs$name, n = n, level = level, exceptions = x,
             lr_pof = lr_pof, p_pof = p_pof, n00 = n00, n01 = n01, n10 = n10, n11 = n11,
             lr_ind = lr_ind, p_ind = p_ind, lr_cc = lr_cc, p_cc = p_cc,
             binom_cdf = binom_cdf, zone = zone, mf_n = mf_n, mf_t = mf_t, mf_p = mf_p, z2 = z2,
             stringsAsFactors = FALSE)
}

hits_df <- do.call(rbind, lapply(cases, `[[`, "df"))
tests_df <- do.call(rbind, lapply(cases, backtest_row))

# the edge cases the file is meant to contain
stopifnot(tests_df$exceptions[tests_df$case == "none_250_99"] == 0,
          tests_df$n11[tests_df$case == "isolated_750_975"] == 0,
          tests_df$exceptions[tests_df$case == "isolated_750_975"] >= 2,
          tests_df$n11[tests_df$case == "clustered_1000_99"] > 0)

# ---------------------------------------------------------------------------------------------
# 3. parametric VaR / ES, with the ES formulas checked by numerical integration
# ---------------------------------------------------------------------------------------------
normal_var_es <- function(mu, sigma, level, h) {
  z <- qnorm(level)
  c(var = -mu * h + sigma * sqrt(h) * z,
    es = -mu * h + sigma * sqrt(h) * dnorm(z) / (1 - level))
}
t_var_es <- function(mu, sigma, nu, level, h) {
  s <- sqrt((nu - 2) / nu); q <- qt(level, nu)
  c(var = -mu * h + sigma * sqrt(h) * s * q,
    es = -mu * h + sigma * sqrt(h) * s * (dt(q, nu) / (1 - level)) * ((nu + q^2) / (nu - 1)))
}

# Numerical check: ES of a loss L = m + c Z equals m + c * E[Z | Z > q_a], computed both as
# (1/(1-a)) int_{q_a}^inf z f(z) dz and as (1/(1-a)) int_a^1 q_u du.
check_es <- function(label, closed, m, cc, dens, quant, level) {
  q <- quant(level)
  tail1 <- integrate(function(z) z * dens(z), q, Inf, rel.tol = 1e-12)$value / (1 - level)
  tail2 <- integrate(quant, level, 1, rel.tol = 1e-12, subdivisions = 1000L)$value / (1 - level)
  for (num in c(m + cc * tail1, m + cc * tail2)) {
    if (abs(num - closed) > 1e-8 * abs(closed)) {
      stop(sprintf("%s: ES closed form %.17g vs integral %.17g", label, closed, num))
    }
  }
}

mu0 <- 0.0004; sigma0 <- 0.012
meas <- list()
for (level in c(0.95, 0.99, 0.995)) for (h in c(1, 10)) {
  v <- normal_var_es(mu0, sigma0, level, h)
  check_es(sprintf("normal a=%g h=%g", level, h), v[["es"]], -mu0 * h, sigma0 * sqrt(h),
           dnorm, qnorm, level)
  # VaR: P(L <= VaR) = level
  if (abs(pnorm((v[["var"]] + mu0 * h) / (sigma0 * sqrt(h))) - level) > 1e-14) stop("normal VaR check")
  meas[[length(meas) + 1]] <- data.frame(case = "normal", level = level, horizon = h, mu = mu0,
                                         sigma = sigma0, nu = NA_real_, var = v[["var"]], es = v[["es"]])
}
for (nu in c(4, 8)) for (level in c(0.99, 0.975)) {
  h <- 1
  v <- t_var_es(mu0, sigma0, nu, level, h)
  s <- sqrt((nu - 2) / nu)
  check_es(sprintf("t nu=%g a=%g", nu, level), v[["es"]], -mu0 * h, sigma0 * sqrt(h) * s,
           function(z) dt(z, nu), function(u) qt(u, nu), level)
  if (abs(pt((v[["var"]] + mu0 * h) / (sigma0 * sqrt(h) * s), nu) - level) > 1e-14) stop("t VaR check")
  # unit variance of the scaled t: s^2 * nu/(nu-2) = 1, checked by integration
  v2 <- integrate(function(z) (s * z)^2 * dt(z, nu), -Inf, Inf, rel.tol = 1e-12)$value
  if (abs(v2 - 1) > 1e-8) stop("scaled t variance != 1")
  meas[[length(meas) + 1]] <- data.frame(case = "student_t", level = level, horizon = h, mu = mu0,
                                         sigma = sigma0, nu = nu, var = v[["var"]], es = v[["es"]])
}
meas_df <- do.call(rbind, meas)
stopifnot(all(meas_df$es > meas_df$var))

# ---------------------------------------------------------------------------------------------
# 4. sample losses and empirical VaR / ES with order-statistic CI
# ---------------------------------------------------------------------------------------------
set.seed(4)
loss <- 0.01 * rt(1000, 4)
n <- length(loss)
srt <- sort(loss)
z975 <- 1.959963984540054
emp <- list()
# Acerbi-Tasche ES of the sorted sample srt at level a.
es_acerbi_tasche <- function(srt, level) {
  n <- length(srt)
  m <- n * (1 - level)
  if (abs(m - round(m)) <= 1e-9 * max(1, m)) m <- round(m)
  w <- floor(m)
  full <- if (w > 0) sum(srt[(n - w + 1):n]) else 0
  (full + (m - w) * srt[n - w]) / m
}
# The same ES as (1/(1-a)) int_a^1 F^-1(u) du with F^-1(u) = L_(ceiling(n u)): L_(i) covers
# ((i-1)/n, i/n], of which the part above a counts.
es_integral <- function(srt, level) {
  n <- length(srt)
  i <- seq_len(n)
  len <- pmax(0, i / n - pmax((i - 1) / n, level))
  sum(srt * len) / (1 - level)
}
for (level in c(0.95, 0.99, 0.995, 0.9975)) {
  k <- ceiling(n * level)
  # n*level must be exactly an integer or clearly not one, else ceiling() is rounding-sensitive
  if (n * level != round(n * level) && abs(n * level - round(n * level)) < 1e-9)
    stop("n*level within rounding of an integer: ceiling() ambiguous")
  var <- srt[k]
  if (var != unname(quantile(loss, level, type = 1))) stop("VaR != quantile(type = 1)")
  es <- es_acerbi_tasche(srt, level)
  if (abs(es - es_integral(srt, level)) > 1e-12 * abs(es)) stop("ES != integral of the quantile")
  d <- z975 * sqrt(n * level * (1 - level))
  j <- min(max(floor(n * level - d), 1), n)
  k2 <- min(max(ceiling(n * level + d), 1), n)
  emp[[length(emp) + 1]] <- data.frame(level = level, var = var, es = es,
                                       var_lo = srt[j], var_hi = srt[k2])
  cat(sprintf("empirical a=%g: k=%d j=%d k2=%d\n", level, k, j, k2))
}
emp_df <- do.call(rbind, emp)
stopifnot(all(emp_df$var_lo <= emp_df$var), all(emp_df$var <= emp_df$var_hi), all(emp_df$es >= emp_df$var))

# ---------------------------------------------------------------------------------------------
write_csv(hits_df, "risk_hits.csv")
write_csv(tests_df, "risk_tests.csv")
write_csv(meas_df, "risk_measures.csv")
write_csv(data.frame(loss = loss), "risk_losses.csv")
write_csv(emp_df, "risk_empirical.csv")
