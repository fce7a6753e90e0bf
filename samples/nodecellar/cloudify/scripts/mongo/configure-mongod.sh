#!/bin/bash
# configure: write the configuration of our mongod from the node properties.
set -euo pipefail

port=$(ctx node properties port)
replica_set=$(ctx node properties replica_set)
data_dir=/var/lib/mongodb-nodecellar
conf=/etc/mongod-nodecellar.conf

sudo mkdir -p "$data_dir"
sudo chown mongodb:mongodb "$data_dir"
{
  echo "port = $port"
  echo "bind_ip = 0.0.0.0"
  echo "dbpath = $data_dir"
  echo "logpath = /var/log/mongodb/mongod-nodecellar.log"
  echo "logappend = true"
  if [ -n "$replica_set" ]; then echo "replSet = $replica_set"; fi
} | sudo tee "$conf" >/dev/null

ctx instance runtime-properties config_file "$conf"
ctx logger info "mongod configured on port $port"
