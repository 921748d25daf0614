# Offline stand-in for zanfranceschi/payment-processor: our simulator
# (bench/standin/processor/), which keeps its books in memory instead of PostgreSQL.
# Node 24 runs its TypeScript directly (--experimental-transform-types: the simulator
# uses parameter properties, which plain type stripping refuses). Context: the repository.
FROM node:24.21.0-alpine
LABEL rinha.standin="true" org.opencontainers.image.description="offline stand-in for zanfranceschi/payment-processor (the project's simulator), built by make docker-ready; not the official image"
WORKDIR /app
COPY bench/standin/processor ./bench/standin/processor
ENV HOST=0.0.0.0 PORT=8080 NODE_NO_WARNINGS=1
USER node
EXPOSE 8080
# The official image takes its first admin token from INITIAL_TOKEN; the simulator reads TOKEN.
CMD ["sh", "-c", "TOKEN=\"${TOKEN:-${INITIAL_TOKEN:-123}}\" exec node --experimental-transform-types bench/standin/processor/main.ts"]
