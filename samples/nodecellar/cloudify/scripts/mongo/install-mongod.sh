#!/bin/bash
# create: install the MongoDB server package. The packaged service is
# stopped and disabled; configure/start run our own instance instead.
set -euo pipefail

ctx logger info "installing the MongoDB server package"
sudo apt-get update -q
sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q mongodb-server
sudo service mongodb stop || true
echo manual | sudo tee /etc/init/mongodb.override >/dev/null
