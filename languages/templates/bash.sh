#!/bin/bash
set -eu

read -r n rest || [ -n "${n:-}" ] || exit 0

echo "$n"
