#!/bin/sh
# Standard.start of mongod. Operation inputs arrive as environment variables:
#   listen_port  port to listen on
#   replica_set  replica set name, empty for a standalone server
set -eu
data_dir=/var/lib/mongodb-nodecellar
sudo mkdir -p "$data_dir"
sudo chown mongodb:mongodb "$data_dir"
set -- --port "$listen_port" --bind_ip_all --dbpath "$data_dir" \
  --logpath /var/log/mongodb/nodecellar.log --fork
if [ -n "${replica_set:-}" ]; then set -- "$@" --replSet "$replica_set"; fi
sudo -u mongodb mongod "$@"
