# Offline stand-in for nginx:1.27-alpine: Debian's nginx, with the official image's
# config path (/etc/nginx/nginx.conf) and command. Built with the host network (apt).
FROM rinha-standin/debian:bookworm
LABEL rinha.standin="true" org.opencontainers.image.description="offline stand-in for nginx:1.27-alpine, built by make docker-ready; not the official image"
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
 && rm -rf /var/lib/apt/lists/* && ln -sf /dev/stderr /var/log/nginx/error.log
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
