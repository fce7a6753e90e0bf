#!/bin/sh
# Starts the application (test fixture for emit heat).
set -eu
echo "starting on port $port"
