# R baselines for the m-competition suite (docs/accuracy.md, "M1 competition"): forecast::ets(),
# forecast::auto.arima(), forecast::thetaf(), forecast::naive(), forecast::snaive() and Naive2 on every M1 monthly
# (h = 18, frequency 12) and quarterly (h = 8, frequency 4) series of data/m1.
#
# Usage (from the repository root):
#   Rscript benchmarks/reference/mcompetition.R [OUTPUT.csv] [monthly|quarterly|both] [PART/PARTS] [METHODS]
# Needs R and the forecast package (Debian: apt-get install -y --no-install-recommends r-cran-forecast).
# Default output: benchmarks/reference/results/mcompetition-r-forecasts.csv, written to OUTPUT.partial (series by
# series; a rerun resumes it) and renamed when complete.
# About 2.5 CPU-seconds a monthly series (ets() and auto.arima() dominate), well under one a quarterly one.
# PART/PARTS (e.g. 2/3) runs only the series whose 1-based position in the set is PART modulo PARTS, so that
# several processes can share the work; the committed file was made that way (parts concatenated, one header):
#   Rscript benchmarks/reference/mcompetition.R /tmp/q.csv quarterly
#   Rscript benchmarks/reference/mcompetition.R /tmp/m1.csv monthly 1/3   (and 2/3, 3/3, in parallel)
#   (cat /tmp/q.csv; for f in /tmp/m1.csv /tmp/m2.csv /tmp/m3.csv; do tail -n +3 $f; done) > OUTPUT.csv
# METHODS (comma-separated, default all: ETS,ARIMA,Theta,Naive,SNaive,Naive2) computes only those methods; ETS and
# ARIMA cost nearly all the time, so the cheap ones can be run over every series first.
# The committed file (2026-12-08) was made exactly as above: quarterly in one process, monthly in three parts.
#
# Protocol: each model is fitted on the series' training part (data/m1/m1_<set>_train.csv, as ts(y, frequency = m))
# with the package defaults and forecasts h steps from its end; nothing is re-estimated, nothing is tuned.
# Naive2 (the M4 competition's benchmark, its published R code): if the series has at least 3 * m observations and
# |acf(y)[m]| > 1.645 / sqrt(n) * sqrt(1 + 2 * sum(acf(y)[1..m-1]^2)) (a 90% test of the lag-m autocorrelation),
# it is seasonally adjusted by classical multiplicative decomposition (decompose(type = "multiplicative")),
# forecast by naive(), and reseasonalised with the last m seasonal indices; otherwise it is naive().
# Output columns: set,series,method,step,forecast (step = 1..h); methods ETS, ARIMA, Theta, Naive, SNaive, Naive2.
# A first line starting with '#' records the R and forecast versions.

suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
root <- normalizePath(file.path(dirname(script), "..", ".."))
trailing <- commandArgs(trailingOnly = TRUE)
output <- if (length(trailing) >= 1) trailing[1] else
  file.path(root, "benchmarks", "reference", "results", "mcompetition-r-forecasts.csv")
which_sets <- if (length(trailing) >= 2) trailing[2] else "both"
part <- if (length(trailing) >= 3) as.integer(strsplit(trailing[3], "/", fixed = TRUE)[[1]]) else c(1L, 1L)
methods <- if (length(trailing) >= 4) strsplit(trailing[4], ",", fixed = TRUE)[[1]] else
  c("ETS", "ARIMA", "Theta", "Naive", "SNaive", "Naive2")
if (!all(methods %in% c("ETS", "ARIMA", "Theta", "Naive", "SNaive", "Naive2")))
  stop(sprintf("METHODS must be a comma-separated subset of ETS,ARIMA,Theta,Naive,SNaive,Naive2, but is '%s'", trailing[4]))
if (length(part) != 2 || any(is.na(part)) || part[2] < 1 || part[1] < 1 || part[1] > part[2])
  stop(sprintf("PART/PARTS must be like 2/3 (1 <= PART <= PARTS), but is '%s'", trailing[3]))
sets <- list(quarterly = list(m = 4, h = 8), monthly = list(m = 12, h = 18))
if (which_sets != "both") {
  if (!(which_sets %in% names(sets))) stop(sprintf("set must be monthly, quarterly or both, but is '%s'", which_sets))
  sets <- sets[which_sets]
}

read_set <- function(set) {
  path <- file.path(root, "data", "m1", sprintf("m1_%s_train.csv", set))
  if (!file.exists(path)) stop(sprintf("data file '%s' is missing; run from a checkout of the repository", path))
  d <- read.csv(path, stringsAsFactors = FALSE)
  if (!all(c("series", "t", "value") %in% names(d))) stop(sprintf("'%s' must have columns series,t,value", path))
  if (any(!is.finite(d$value))) stop(sprintf("'%s' column 'value' has non-finite values", path))
  d <- d[order(d$series, d$t), ]
  split(d$value, d$series)
}

# The M4 competition's seasonality test (90%, lag m)
seasonality_test <- function(y, m) {
  if (length(y) < 3 * m) return(FALSE)
  xacf <- acf(y, plot = FALSE)$acf[-1, 1, 1]
  clim <- 1.645 / sqrt(length(y)) * sqrt(cumsum(c(1, 2 * xacf^2)))
  seasonal <- abs(xacf[m]) > clim[m]
  if (is.na(seasonal)) FALSE else seasonal
}

naive2 <- function(y, h) {
  m <- frequency(y)
  if (m > 1 && seasonality_test(y, m)) {
    seasonal <- decompose(y, type = "multiplicative")$seasonal
    indices <- head(rep(tail(as.numeric(seasonal), m), ceiling(h / m) + 1), h)
    as.numeric(naive(y / seasonal, h = h)$mean) * indices
  } else {
    as.numeric(naive(y, h = h)$mean)
  }
}

run_series <- function(set, name, values, m, h) {
  y <- ts(values, frequency = m)
  fit <- list(
    ETS = function() as.numeric(forecast(ets(y), h = h)$mean),
    ARIMA = function() as.numeric(forecast(auto.arima(y), h = h)$mean),
    Theta = function() as.numeric(thetaf(y, h = h)$mean),
    Naive = function() as.numeric(naive(y, h = h)$mean),
    SNaive = function() as.numeric(snaive(y, h = h)$mean),
    Naive2 = function() naive2(y, h))
  fc <- lapply(fit[methods], function(f) f())
  do.call(rbind, lapply(names(fc), function(method) {
    f <- fc[[method]]
    if (length(f) != h || any(!is.finite(f))) stop(sprintf("%s %s: %s gave %d forecasts, not %d finite ones", set, name, method, length(f), h))
    data.frame(set = set, series = name, method = method, step = seq_len(h), forecast = sprintf("%.9g", f),
               stringsAsFactors = FALSE)
  }))
}

# Rows are appended to OUTPUT.partial one series at a time (a rerun skips the series already there, so an
# interrupted run resumes); when every series is done the file is renamed to OUTPUT.
partial <- paste0(output, ".partial")
header <- c(sprintf("# %s; forecast %s; written by benchmarks/reference/mcompetition.R", R.version.string,
                    as.character(packageVersion("forecast"))), "set,series,method,step,forecast")
done <- character(0)
if (file.exists(partial)) {
  previous <- read.csv(partial, comment.char = "#", stringsAsFactors = FALSE)
  done <- unique(paste(previous$set, previous$series))
  cat(sprintf("resuming '%s': %d series already done\n", partial, length(done)))
} else {
  dir.create(dirname(output), recursive = TRUE, showWarnings = FALSE)
  writeLines(header, partial)
}
started <- Sys.time()
for (set in names(sets)) {
  series <- read_set(set)
  m <- sets[[set]]$m; h <- sets[[set]]$h
  series <- series[(seq_along(series) - 1) %% part[2] == part[1] - 1]
  cat(sprintf("%s: %d series (part %d/%d), m = %d, h = %d\n", set, length(series), part[1], part[2], m, h))
  for (i in seq_along(series)) {
    if (paste(set, names(series)[i]) %in% done) next
    rows <- run_series(set, names(series)[i], series[[i]], m, h)
    write.table(rows, partial, append = TRUE, sep = ",", quote = FALSE, row.names = FALSE, col.names = FALSE)
    if (i %% 25 == 0) cat(sprintf("  %s %d/%d, %.0f s\n", set, i, length(series), as.numeric(difftime(Sys.time(), started, units = "secs"))))
  }
}
if (!file.rename(partial, output)) stop(sprintf("could not rename '%s' to '%s'", partial, output))
cat(sprintf("wrote %s in %.1f s\n", output, as.numeric(difftime(Sys.time(), started, units = "secs"))))
