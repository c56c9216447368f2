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
# Best of three: takes of each shot one after another until one looks as its prompt asks (at most
# three); the film uses the take that matches most (render/look_match.h), and `shotgen take list
# SHOT` shows each take's match.
build/shotgen -C "$project" render --all --best-of 3
build/shotgen -C "$project" assemble
build/shotgen -C "$project" audit
