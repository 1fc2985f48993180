#!/usr/bin/env bash
# Builds the native Groth16 prover addon. Needs: g++ (with OpenMP), nasm, libgmp-dev  (apt-get install -y nasm libgmp-dev)
set -euo pipefail
cd "$(dirname "$0")"
command -v nasm >/dev/null || { echo "nasm missing: apt-get install -y nasm" >&2; exit 1; }
[ -f /usr/include/gmp.h ] || [ -f /usr/include/x86_64-linux-gnu/gmp.h ] || { echo "libgmp-dev missing" >&2; exit 1; }
mkdir -p gen obj
Q=21888242871839275222246405745257275088696311157297823662689037894645226208583
R=21888242871839275222246405745257275088548364400416034343698204186575808495617
(cd gen && node ../node_modules/ffiasm/src/buildzqfield.js -q $Q -n Fq && node ../node_modules/ffiasm/src/buildzqfield.js -q $R -n Fr)
for f in fq fr; do
  F=$(echo $f | tr a-z A-Z | cut -c1)$(echo $f | cut -c2)
  # position-independent: RIP-relative data, the C error hook through the PLT
  { echo "DEFAULT REL"; sed "s/call    ${F}_fail$/call    ${F}_fail wrt ..plt/" gen/$f.asm; } > gen/${f}_pic.asm
  nasm -felf64 gen/${f}_pic.asm -o obj/${f}_asm.o
done
NODEDIR="${NODEDIR:-$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")}"
npx node-gyp rebuild --nodedir="$NODEDIR" >build.log 2>&1 || { tail -30 build.log; exit 1; }
echo "built $(pwd)/build/Release/groth16native.node"
