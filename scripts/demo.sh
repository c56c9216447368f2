#!/usr/bin/env bash
# Set-up (packages + build), then the main job: render the demo film in projects/arcane_short
# with the bundled model on this machine's CPU (or GPU), and assemble it.
# Outputs: projects/arcane_short/renders/ (takes, posters, the film MP4, its .otio timeline and the
# contact sheet). Re-running continues where it stopped and redoes nothing that is finished.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
project=projects/arcane_short
build/shotgen -C "$project" lint || [ $? -eq 1 ]   # warnings are shown but do not stop the demo
# Three takes of every shot: the film uses the one whose analysis matches most of the look its prompt
# asks for (render/look_match.h); `shotgen take list SHOT` shows each take's match.
build/shotgen -C "$project" render --all --takes 3
build/shotgen -C "$project" assemble
build/shotgen -C "$project" audit
