#!/bin/sh
# Standard.start of the Kubernetes master.
#   api_port  port of the API server
set -eu
sudo kubeadm init --apiserver-bind-port "$api_port"
