#!/usr/bin/env bash
# World clips beside the bundled model's clips from the same captions: the picture in the README's
# model section (docs/images/world_vs_model.png). Rows: a world clip (`shotgen world sample`), then the
# model's clip from that clip's caption and seed (`shotgen generate`, the model's defaults); columns:
# frames 0, 5, 10 and 15, each shown at twice its 128x64 size.
#   bash scripts/model_gallery.sh [OUT.png] [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/images/world_vs_model.png}
model=${2:-models/default}
seeds=(13 15 16 22)  # night/teal-orange, high-key/pastel/snow, cool/fog, night/greens: four distinct looks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

inputs=() rows=()
for seed in "${seeds[@]}"; do
  build/shotgen world sample --seed "$seed" --frames 16 --out "$work/world_$seed" >/dev/null
  build/shotgen generate --model "$model" --prompt "$(cat "$work/world_$seed/caption.txt")" --seed "$seed" \
    --frames 16 --out "$work/model_$seed" >/dev/null 2>&1
  rows+=("$work/world_$seed" "$work/model_$seed")
done

filter="" layout="" n=0
for dir in "${rows[@]}"; do
  for frame in 0000 0005 0010 0015; do
    inputs+=(-i "$dir/frame_$frame.png")
    filter+="[$n:v]scale=iw*2:ih*2:flags=neighbor,pad=iw+4:ih+4:2:2:white[v$n];"
    layout+="$(( (n % 4) * 260 ))_$(( (n / 4) * 132 ))|"
    n=$((n + 1))
  done
done
stack=""
for ((i = 0; i < n; i++)); do stack+="[v$i]"; done
mkdir -p "$(dirname "$out")"
ffmpeg -loglevel error -y "${inputs[@]}" -filter_complex "${filter}${stack}xstack=inputs=$n:layout=${layout%|}" "$out"
echo "wrote $out (rows: world clip, model clip; seeds ${seeds[*]})"
