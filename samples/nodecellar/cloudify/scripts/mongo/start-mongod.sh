#!/bin/bash
# start: run mongod in the background and wait until it answers.
set -euo pipefail

conf=$(ctx instance runtime-properties config_file)
port=$(ctx node properties port)

sudo -u mongodb mongod --config "$conf" --fork \
  --pidfilepath /var/lib/mongodb-nodecellar/mongod.pid
for _ in $(seq 1 30); do
  if mongo --quiet --port "$port" --eval 'db.runCommand({ping: 1}).ok' >/dev/null 2>&1; then
    ctx logger info "mongod is up on port $port"
    exit 0
  fi
  sleep 2
done
ctx logger error "mongod did not answer on port $port"
exit 1
