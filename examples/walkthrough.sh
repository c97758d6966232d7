#!/usr/bin/env bash
# The AKS walkthrough "Secure traffic between pods by using network policies" (seed 000),
# on the embedded default: `palisade` in place of `az`/`kubectl`, real traffic between
# lab pods. Needs a running `palisade up -d` (root, for the lab's network namespaces).
# Leaves namespace demo in place; `palisade delete namespace demo` removes it.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
palisade() { "$here/../bin/palisade" "$@"; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say palisade create namespace demo
palisade create namespace demo
say palisade run server -n demo --image=k8s.gcr.io/e2e-test-images/agnhost:2.33 --labels="app=server" --port=80 --command -- /agnhost serve-hostname --tcp --http=false --port "80"
palisade run server -n demo --image=k8s.gcr.io/e2e-test-images/agnhost:2.33 --labels="app=server" --port=80 --command -- /agnhost serve-hostname --tcp --http=false --port "80"
say palisade run client -n demo --image=k8s.gcr.io/e2e-test-images/agnhost:2.33 --command -- bash
palisade run client -n demo --image=k8s.gcr.io/e2e-test-images/agnhost:2.33 --command -- bash

# Wait until both pods run and the server has an IP.
for _ in $(seq 1 60); do
  ip=$(palisade get pod server -n demo -o json 2>/dev/null | "$here/../bin/palisade-node" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s);process.stdout.write(p.status?.phase==="Running"&&p.status.podIP?p.status.podIP:"")})') || true
  [ -n "$ip" ] && palisade get pod client -n demo -o wide 2>/dev/null | grep -q Running && break
  sleep 0.5
done
say palisade get pod --output=wide -n demo
palisade get pod --output=wide -n demo

connect() {
  say palisade exec -n demo client -- /agnhost connect "$ip:80" --timeout=3s --protocol=tcp
  palisade exec -n demo client -- /agnhost connect "$ip:80" --timeout=3s --protocol=tcp || true
}
echo; echo "# Without a network policy: the connection succeeds (no output)."
connect

say palisade apply -f "$here/demo/demo-policy.yaml"
palisade apply -f "$here/demo/demo-policy.yaml"
sleep 1
echo; echo "# With demo-policy, the unlabelled client is denied:"
connect

say palisade label pod client -n demo app=client
palisade label pod client -n demo app=client
sleep 1
echo; echo "# Labelled app=client, it is allowed again (no output):"
connect

