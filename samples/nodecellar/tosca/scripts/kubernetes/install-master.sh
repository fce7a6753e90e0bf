#!/bin/sh
# Standard.create of the Kubernetes master: container engine and packages.
set -eu
sudo apt-get update -q
sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q containerd kubeadm kubelet kubectl
