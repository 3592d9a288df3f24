#!/usr/bin/env bash
# Runs suite 1 (training: ML.NET pipeline Fit vs raw TorchSharp loop), the scoring-gpu suite (the batched ONNX
# scorer on ONNX Runtime's CUDA execution provider) and suite 4 (the PyTorch reference) on a Linux machine with an
# NVIDIA GPU. TorchSharp uses TorchSharp-cuda-linux (-p:TorchBackend=cuda); ONNX Runtime uses
# Microsoft.ML.OnnxRuntime.Gpu (-p:OnnxRuntimeBackend=cuda, which needs CUDA 13 and cuDNN 9 on the library path);
# PyTorch must be a CUDA build. Each missing piece is reported by name; the script still runs what it can and exits non-zero when
# something was skipped.
#
# Usage: benchmarks/gpu.sh [extra benchmark arguments, e.g. --reps 7]
# Env:   PYTHON (default: python3 on PATH, then /usr/bin/python3), CONFIGURATION (default Release).
set -uo pipefail
cd "$(dirname "$0")/.."
missing=()
config="${CONFIGURATION:-Release}"

if ! command -v nvidia-smi >/dev/null 2>&1; then
  missing+=("nvidia-smi (NVIDIA driver) not found: no usable NVIDIA GPU on this machine")
elif ! nvidia-smi -L >/dev/null 2>&1; then
  missing+=("nvidia-smi found but lists no GPU (driver not loaded?)")
else
  nvidia-smi -L
fi
command -v dotnet >/dev/null 2>&1 || missing+=("dotnet (.NET SDK 10) not on PATH")

status=0
if command -v dotnet >/dev/null 2>&1 && [ ${#missing[@]} -eq 0 ]; then
  echo "== suite 1 (training) on CUDA: TorchSharp-cuda-linux =="
  # The benchmark's TrainingConfig uses torch threads for CPU; on CUDA the trainer and the raw loop take the
  # device from MLNET_LSTM_BENCH_DEVICE (see TrainingSuite/PipelineFit).
  if ! MLNET_LSTM_BENCH_DEVICE=cuda dotnet run -c "$config" -p:TorchBackend=cuda \
        --project benchmarks/MLNet.Lstm.Benchmarks -- training "$@"; then
    missing+=("suite 1 failed on CUDA: TorchSharp-cuda-linux ${TORCHSHARP_VERSION:-0.107.0} could not restore or load (is the NuGet package reachable and the CUDA driver recent enough?)")
    status=1
  fi
fi

if command -v dotnet >/dev/null 2>&1 && [ ${#missing[@]} -eq 0 ]; then
  echo "== scoring-gpu: OnnxBatchScorer on ONNX Runtime's CUDA execution provider (Microsoft.ML.OnnxRuntime.Gpu) =="
  # A separate output folder, so that the CUDA build of libonnxruntime does not replace the CPU one of other runs.
  if ! dotnet build -c "$config" -p:OnnxRuntimeBackend=cuda -o artifacts/bench-ort-cuda benchmarks/MLNet.Lstm.Benchmarks >/dev/null \
     || ! dotnet artifacts/bench-ort-cuda/MLNet.Lstm.Benchmarks.dll scoring-gpu "$@"; then
    missing+=("scoring-gpu failed: Microsoft.ML.OnnxRuntime.Gpu could not restore, or its CUDA execution provider could not start (the error names the missing CUDA 13 / cuDNN 9 library)")
    status=1
  fi
fi

py="${PYTHON:-}"
if [ -z "$py" ]; then
  for candidate in python3 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import torch" >/dev/null 2>&1; then py="$candidate"; break; fi
  done
fi
if [ -z "$py" ]; then
  missing+=("PyTorch: no python3 with 'import torch' (set PYTHON=...)")
elif ! "$py" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" >/dev/null 2>&1; then
  missing+=("PyTorch at $py has no CUDA ($("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null)); Debian's python3-torch is CPU-only: install a CUDA build")
else
  echo "== suite 4 (PyTorch reference) on CUDA =="
  "$py" benchmarks/reference/pytorch_lstm.py --device cuda || { missing+=("pytorch_lstm.py failed on CUDA"); status=1; }
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo
  echo "MISSING / SKIPPED:"
  for m in "${missing[@]}"; do echo "  - $m"; done
  exit $(( status > 0 ? status : 3 ))
fi
