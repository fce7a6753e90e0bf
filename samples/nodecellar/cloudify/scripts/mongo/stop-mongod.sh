#!/bin/bash
# stop: shut our mongod down cleanly.
set -euo pipefail

conf=$(ctx instance runtime-properties config_file)
sudo -u mongodb mongod --config "$conf" --shutdown || true
ctx logger info "mongod stopped"
