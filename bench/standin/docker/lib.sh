# Shared by the docker-ready scripts: where we may install things ourselves.
debian_root() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; }
