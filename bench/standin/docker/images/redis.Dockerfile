# Offline stand-in for redis:7.2-alpine: Debian's redis-server and redis-cli on PATH,
# /data as the working directory like the official image. Built with the host network (apt).
FROM rinha-standin/debian:bookworm
LABEL rinha.standin="true" org.opencontainers.image.description="offline stand-in for redis:7.2-alpine, built by make docker-ready; not the official image"
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data
# As the official image: /data is a volume (make down removes it; KEEP=1 keeps it).
VOLUME /data
WORKDIR /data
CMD ["redis-server"]
