#!/bin/sh
# Installs the application (test fixture for emit heat).
set -eu
echo "installing version $version"
