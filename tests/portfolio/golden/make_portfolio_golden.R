# Golden values for tests/portfolio: portfolios from R's fPortfolio (Rmetrics) on the bundled
# Swiss indices (fPortfolio's own example data, SWX), log returns of the six columns.
#   Rscript tests/portfolio/golden/make_portfolio_golden.R   (from the repository root)
# Needs r-base-core, r-cran-fportfolio (quadprog and Rglpk come with it), r-cran-jsonlite.
suppressMessages({
  library(fPortfolio)
  library(jsonlite)
})
x <- read.csv("data/swiss_indices_2000_2007.csv")
prices <- as.matrix(x[, -1])
R <- as.timeSeries(data.frame(date = x$date[-1], diff(log(prices))))
assets <- colnames(prices)
target <- mean(colMeans(R))  # between the lowest and the highest asset mean

weights <- function(p) unname(as.numeric(getWeights(p)))
cases <- list()
add <- function(name, p, extra = list()) {
  w <- weights(p)
  cases[[length(cases) + 1]] <<- c(list(name = name, weights = w,
                                         mean = sum(w * colMeans(R)),
                                         sd = sqrt(drop(t(w) %*% cov(R) %*% w))), extra)
}

mv <- portfolioSpec()
add("min_variance_long_only", minvariancePortfolio(R, mv, "LongOnly"))

spec <- portfolioSpec()
setTargetReturn(spec) <- target
add("mean_variance_long_only", efficientPortfolio(R, spec, "LongOnly"),
    list(target_return = target))

box <- c("minW[1:6]=0.05", "maxW[1:6]=0.4")
add("mean_variance_box", efficientPortfolio(R, spec, box),
    list(target_return = target, lower = 0.05, upper = 0.4))

short <- portfolioSpec()
setTargetReturn(short) <- target
setSolver(short) <- "solveRshortExact"
add("mean_variance_short", efficientPortfolio(R, short, "Short"), list(target_return = target))

tg <- portfolioSpec()
setRiskFreeRate(tg) <- 0
add("max_sharpe_long_only", tangencyPortfolio(R, tg, "LongOnly"))

cv <- portfolioSpec()
setType(cv) <- "CVaR"
setAlpha(cv) <- 0.05
setTargetReturn(cv) <- target
setSolver(cv) <- "solveRglpk.CVAR"
p <- efficientPortfolio(R, cv, "LongOnly")
w <- weights(p)
loss <- -(as.matrix(R) %*% w)
# CVaR at 95% of the scenario losses, the Rockafellar-Uryasev value the LP minimises.
var95 <- unname(quantile(loss, 0.95, type = 1))
cvar <- var95 + mean(pmax(loss - var95, 0)) / 0.05
add("mean_cvar_long_only", p, list(target_return = target, alpha = 0.05, cvar = cvar))

out <- list(source = "fPortfolio on data/swiss_indices_2000_2007.csv, log returns of all columns",
            fportfolio_version = as.character(packageVersion("fPortfolio")),
            assets = assets, observations = nrow(R),
            mean = unname(colMeans(R)), cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/portfolio/golden/portfolio_golden.json")
