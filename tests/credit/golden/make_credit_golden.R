# Golden values for tests/credit: logistic regression by R's glm(family = binomial) on the bundled
# German credit and Lending Club tables (the positive class is "Bad" / "bad"), with R's default
# treatment contrasts (a categorical column's alphabetically first level is the reference) and
# aliased (collinear) columns reported as NA, as glm does.
#   Rscript tests/credit/golden/make_credit_golden.R   (from the repository root)
# Needs r-base-core, r-cran-jsonlite.
suppressMessages(library(jsonlite))
fit <- function(file, label, positive) {
  x <- read.csv(file, stringsAsFactors = TRUE)
  y <- as.integer(x[[label]] == positive)
  x[[label]] <- NULL
  x$y__ <- y
  x <- x[complete.cases(x), ]
  m <- glm(y__ ~ ., data = x, family = binomial)  # glm.control() defaults: epsilon 1e-8, maxit 25
  cf <- coef(m)
  list(file = basename(file), rows = nrow(x), positives = sum(x$y__),
       names = names(cf), coef = unname(ifelse(is.na(cf), NA, cf)),
       aliased = unname(is.na(cf)), deviance = deviance(m), iterations = m$iter,
       fitted_head = unname(fitted(m)[1:20]))
}
out <- list(german = fit("data/german_credit.csv", "Class", "Bad"),
            lending = fit("data/lending_club.csv", "Class", "bad"))
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, na = "null"),
           "tests/credit/golden/credit_glm_golden.json")
