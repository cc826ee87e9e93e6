#!/usr/bin/env sh
# Regenerates the Python stubs from proto/ with grpcio-tools (never edit clients/python/agentd/v1 by hand).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-python3}
rm -rf "$here/agentd/v1"
"$python" -m grpc_tools.protoc -I "$root/proto" --python_out="$here" --pyi_out="$here" --grpc_python_out="$here" "$root"/proto/agentd/v1/*.proto
touch "$here/agentd/v1/__init__.py"
