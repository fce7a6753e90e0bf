#!/bin/sh
# Standard.configure of a Kubernetes worker: join the master.
#   master_url  URL of the API server (http://host:port)
# The bootstrap token and CA hash printed by `kubeadm init` on the master are
# not modelled in the sample; the orchestrator must provide them as
# JOIN_TOKEN and CA_CERT_HASH.
set -eu
endpoint=${master_url#http://}
sudo kubeadm join "$endpoint" --token "$JOIN_TOKEN" \
  --discovery-token-ca-cert-hash "$CA_CERT_HASH"
