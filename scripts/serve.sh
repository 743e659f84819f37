#!/usr/bin/env bash
# Starts the reference team server (sfa-server) in one command, for trying sync:
# a private PostgreSQL cluster (scripts/pg-cluster.sh, durable settings), a tenant
# `demo` with its first admin (部長 一郎, bucho@example.jp), a bearer token for that
# admin (printed), and the server on http://127.0.0.1:8787 (loopback only). Ctrl-C
# stops the server and removes the cluster.
#
#   bash scripts/serve.sh            # then, e.g. from Python:
#   python3 -c 'import sfa; db = sfa.Sfa.open("phone.sqlite"); print(db.sync("http://127.0.0.1:8787", "<token>"))'
#
# Against a PostgreSQL of your own, run the binary directly:
#   cargo run --release -p sfa-server -- serve --postgres "host=/run/postgresql dbname=sfa user=sfa"
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --release -p sfa-server
server=target/release/sfa-server
dir=$(bash scripts/pg-cluster.sh start --durable)
trap 'bash scripts/pg-cluster.sh stop "$dir"' EXIT
url="host=$dir user=postgres dbname=postgres"

"$server" tenant create --postgres "$url" --tenant demo \
  --admin-name "部長 一郎" --admin-email bucho@example.jp
token=$("$server" token create --postgres "$url" --tenant demo --email bucho@example.jp)
echo "token for bucho@example.jp (tenant demo): $token"
"$server" serve --postgres "$url" --listen "${SFA_SERVER_LISTEN:-127.0.0.1:8787}"
