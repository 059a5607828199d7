# Keep: keepd built in a throw-away stage, run from a slim one.
#   docker build -t keep .            (or: docker-compose build)
# Both stages install their Debian packages with .ci/deps.sh, the script the
# Makefile and CI use, so the lists of packages live in one place.

FROM debian:bookworm-slim AS build
WORKDIR /src
# Dependencies first: this layer is reused until .ci/deps.sh changes.
COPY .ci/deps.sh .ci/deps.sh
RUN sh .ci/deps.sh build
COPY . .
RUN make -j"$(nproc)" build/keepd \
 && strip -o /keepd build/keepd

FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="keep" \
      org.opencontainers.image.description="Keep MUD server (keepd); PostgreSQL is its only state"
COPY .ci/deps.sh /tmp/deps.sh
RUN sh /tmp/deps.sh runtime \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log /tmp/deps.sh \
 && useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin keep
COPY --from=build /keepd /usr/local/bin/keepd
# Fail the build here, not at start-up, if deps.sh runtime misses a library.
RUN ! ldd /usr/local/bin/keepd | grep 'not found'
COPY db/migrations/ /usr/share/keep/migrations/
COPY db/world/ /usr/share/keep/world/
# The admin dashboard's files (HTML, CSS, JavaScript), served on the HTTP port.
COPY server/web/ /usr/share/keep/web/
COPY config/docker.json /etc/keep/keep.json
ENV KEEP_CONFIG=/etc/keep/keep.json
WORKDIR /usr/share/keep
# 4000: telnet.  4080: HTTP (/healthz, /readyz, /metrics, the dashboard);
# publish it to staff only (docker-compose.yml binds it to 127.0.0.1).
EXPOSE 4000 4080
USER keep
# Bring the schema and the world up to date, then serve as PID 1 (keepd stops
# cleanly on SIGTERM).  Both steps are idempotent, so every start runs them.
CMD ["sh", "-c", "keepd migrate && keepd load-world && exec keepd"]
