# R baselines for the accuracy suite (docs/accuracy.md): forecast::ets(), forecast::auto.arima() and
# forecast::thetaf() on the same series, split and folds as `MLNet.Lstm.Benchmarks accuracy`.
#
# Usage (from the repository root):   Rscript benchmarks/reference/accuracy.R [OUTPUT.csv]
# Needs R and the forecast package (Debian: apt-get install -y --no-install-recommends r-cran-forecast).
# Default output: benchmarks/reference/results/accuracy-r-forecasts.csv, written to a temporary name and renamed.
#
# Protocols (identical to the C# suite; n = floor(0.8 * N) training rows, rows are 1-based here):
#   one-step: for every test row t = n+1 .. N, the forecast of y[t] from y[1..t-1]; models estimated once on y[1..n].
#   backtest: for every origin o = n .. N-H (the last observed row), forecasts of y[o+1 .. o+H]; origins whose H steps
#             would pass the end of the series are dropped; models estimated once on y[1..n].
# Re-application without re-estimation:
#   ETS:   ets(y[1..k], model = fit, use.initial.values = TRUE)  (same parameters and initial states, re-filtered)
#   ARIMA: Arima(y[1..k], model = fit)                            (same orders and coefficients, re-filtered)
#   one-step forecasts are the fitted values (one-step-ahead in-sample forecasts) of the model re-applied to y[1..N].
#   Theta: thetaf() has no model= argument, so it IS re-estimated at every origin (on y[1..t-1] or y[1..o]); this
#   gives Theta more information than the other methods, and the tables say so.
# Output columns: series,protocol,method,origin,step,forecast  (origin = 0-based index of the first forecast row,
# step = 1..H; for one-step, step = 1). A first line starting with '#' records the R and forecast versions.

suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- normalizePath(file.path(dirname(script), "..", ".."))
trailing <- commandArgs(trailingOnly = TRUE)
output <- if (length(trailing) >= 1) trailing[1] else
  file.path(root, "benchmarks", "reference", "results", "accuracy-r-forecasts.csv")

# name, file, column, seasonal period; H = period, or 6 for period 1 (same table as AccuracySeries.cs)
series_table <- data.frame(
  name   = c("ukdriverdeaths", "usaccdeaths", "ukgas", "johnsonjohnson", "bjsales", "nile", "dax"),
  file   = c("ukdriverdeaths.csv", "usaccdeaths.csv", "ukgas.csv", "johnsonjohnson.csv", "bjsales.csv", "nile.csv",
             "eustockmarkets.csv"),
  column = c("value", "value", "value", "value", "value", "value", "DAX"),
  period = c(12, 12, 4, 4, 1, 1, 1),
  stringsAsFactors = FALSE)

read_series <- function(row) {
  path <- file.path(root, "data", row$file)
  if (!file.exists(path)) stop(sprintf("data file '%s' is missing; run from a checkout of the repository", path))
  d <- read.csv(path)
  if (!(row$column %in% names(d))) stop(sprintf("'%s' has no column '%s'", path, row$column))
  y <- as.numeric(d[[row$column]])
  if (any(!is.finite(y))) stop(sprintf("'%s' column '%s' has non-finite values", path, row$column))
  y
}

rows_of <- function(series, protocol, method, origins, forecasts) {
  # forecasts: matrix, one row per origin, one column per step
  h <- ncol(forecasts)
  data.frame(series = series, protocol = protocol, method = method,
             origin = rep(origins, each = h), step = rep(seq_len(h), times = length(origins)),
             forecast = sprintf("%.9g", as.vector(t(forecasts))), stringsAsFactors = FALSE)
}

run_series <- function(row) {
  y <- read_series(row)
  N <- length(y); n <- floor(0.8 * N); m <- row$period
  H <- if (m > 1) m else 6
  tsy <- function(k) ts(y[seq_len(k)], frequency = m)
  ets_fit <- ets(tsy(n))
  arima_fit <- auto.arima(tsy(n))
  cat(sprintf("%s: N=%d, n=%d, H=%d; ETS %s; ARIMA %s\n", row$name, N, n, H, ets_fit$method, arimaorder_text(arima_fit)))

  test_rows <- (n + 1):N                        # 1-based rows forecast one step ahead
  one_origins <- test_rows - 1                  # 0-based index of the forecast row
  ets_all <- ets(tsy(N), model = ets_fit, use.initial.values = TRUE)
  arima_all <- Arima(tsy(N), model = arima_fit)
  one_ets <- as.numeric(fitted(ets_all))[test_rows]
  one_arima <- as.numeric(fitted(arima_all))[test_rows]
  one_theta <- sapply(test_rows, function(t) as.numeric(thetaf(tsy(t - 1), h = 1)$mean)[1])

  last_obs <- n:(N - H)                         # 1-based last observed row of each backtest origin
  bt_origins <- last_obs                        # 0-based index of the first forecast row = last_obs
  fc <- function(f) t(sapply(last_obs, function(o) as.numeric(f(o))[seq_len(H)]))
  bt_ets <- fc(function(o) forecast(ets(tsy(o), model = ets_fit, use.initial.values = TRUE), h = H)$mean)
  bt_arima <- fc(function(o) forecast(Arima(tsy(o), model = arima_fit), h = H)$mean)
  bt_theta <- fc(function(o) thetaf(tsy(o), h = H)$mean)

  rbind(
    rows_of(row$name, "one-step", "ETS", one_origins, matrix(one_ets, ncol = 1)),
    rows_of(row$name, "one-step", "ARIMA", one_origins, matrix(one_arima, ncol = 1)),
    rows_of(row$name, "one-step", "Theta", one_origins, matrix(one_theta, ncol = 1)),
    rows_of(row$name, "backtest", "ETS", bt_origins, bt_ets),
    rows_of(row$name, "backtest", "ARIMA", bt_origins, bt_arima),
    rows_of(row$name, "backtest", "Theta", bt_origins, bt_theta))
}

arimaorder_text <- function(fit) {
  o <- arimaorder(fit)
  if (length(o) > 3) sprintf("ARIMA(%d,%d,%d)(%d,%d,%d)[%d]", o[1], o[2], o[3], o[4], o[5], o[6], o[7])
  else sprintf("ARIMA(%d,%d,%d)", o[1], o[2], o[3])
}

started <- Sys.time()
all <- do.call(rbind, lapply(seq_len(nrow(series_table)), function(i) run_series(series_table[i, ])))
if (any(!is.finite(as.numeric(all$forecast)))) stop("some R forecasts are not finite")
dir.create(dirname(output), recursive = TRUE, showWarnings = FALSE)
temp <- paste0(output, ".tmp")
con <- file(temp, "w")
writeLines(sprintf("# %s; forecast %s; written by benchmarks/reference/accuracy.R", R.version.string,
                   as.character(packageVersion("forecast"))), con)
write.csv(all, con, row.names = FALSE, quote = FALSE)
close(con)
if (!file.rename(temp, output)) stop(sprintf("could not rename '%s' to '%s'", temp, output))
cat(sprintf("wrote %d forecasts to %s in %.1f s\n", nrow(all), output,
            as.numeric(difftime(Sys.time(), started, units = "secs"))))
