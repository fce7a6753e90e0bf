#!/bin/sh
# Standard.create of mongod: install MongoDB and keep the packaged service
# from starting on its own; start-mongod.sh runs our instance. The package
# comes from the MongoDB apt repository, which the image must have enabled.
set -eu
sudo apt-get update -q
sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q mongodb-org-server
sudo systemctl disable --now mongod || true
