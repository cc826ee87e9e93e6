#!/usr/bin/env bash
# Builds Jaeger (v1.76, the all-in-one binary with OTLP on 4317/4318 and the UI on 16686) from the Go module proxy,
# without Docker, and runs it. Jaeger's go.mod has replace directives, so `go install pkg@version` refuses it;
# building inside a copy of the module source honours them. The first build takes several minutes.
set -euo pipefail
version=${JAEGER_VERSION:-v1.76.0}
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/.jaeger"
if [ ! -x "$out/jaeger" ]; then
  mkdir -p "$out"
  dir=$(cd "$out" && GOFLAGS=-mod=mod go mod download -json "github.com/jaegertracing/jaeger@$version" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  rm -rf "$out/src" && cp -r "$dir" "$out/src" && chmod -R u+w "$out/src"
  (cd "$out/src" && go build -o "$out/jaeger" ./cmd/jaeger)
fi
echo "Jaeger UI on http://localhost:16686 ; point agentd at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317"
exec "$out/jaeger" "$@"
