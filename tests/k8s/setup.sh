#!/usr/bin/env bash
# Installs the Kubernetes validators the emit tests run, into DEST (a folder of the build):
# npm's kubernetes-models and @kubernetes-models/validate at the versions package-lock.json pins.
# Idempotent: nothing is fetched when DEST already holds that lock. dev/bootstrap installs the
# Debian side (python3-kubernetes, python3-yaml, node and npm, a kubectl).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=$1
mkdir -p "$dest"
if ! cmp -s "$here/package-lock.json" "$dest/package-lock.json" || [ ! -d "$dest/node_modules" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
fi
/usr/bin/python3 -c "import kubernetes.client, yaml" ||
  { echo "setup: Debian's python3-kubernetes and python3-yaml are needed (dev/bootstrap)" >&2; exit 1; }
command -v kubectl >/dev/null ||
  { echo "setup: kubectl is needed (dev/bootstrap installs kubernetes-client)" >&2; exit 1; }
echo "k8s validators ready in $dest"
