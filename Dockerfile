# syntax=docker/dockerfile:1
# The `sluice` tool and the example programs (kafka-word-count, word-count,
# anomaly-detector, sensor-windows, orders-service) in one image, which the
# files in deploy/kubernetes run:
#
#   docker build -t registry.example.com/sluice/sluice:latest .
#   docker run --rm registry.example.com/sluice/sluice:latest sluice --help
#
# Two stages: the official Swift image compiles release binaries with the
# Swift runtime and Foundation linked in statically (--static-swift-stdlib),
# and a slim Debian of the same release (bookworm) runs them with only the
# C libraries they load: librdkafka, SQLite, CA certificates (TLS to Kafka
# and to S3) and time zones. (Code that imports FoundationNetworking or
# FoundationXML would also need libcurl4 or libxml2; the check below says
# so.) For your own program, add its product to PRODUCTS. Checked statically by scripts/check-deploy.py (`make test`):
# no Docker engine runs these checks.

# ---- build -----------------------------------------------------------------
FROM swift:6.3-bookworm AS build

RUN apt-get -q update \
    && DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
        librdkafka-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .

# Every product this image carries (products in Package.swift), and the
# backtracer, which prints a readable stack when a statically linked program
# crashes.
ARG PRODUCTS="sluice kafka-word-count word-count anomaly-detector sensor-windows orders-service"
RUN set -eu; \
    for product in $PRODUCTS; do \
        swift build -c release --static-swift-stdlib --product "$product"; \
    done; \
    bin="$(swift build -c release --static-swift-stdlib --show-bin-path)"; \
    mkdir -p /staging/bin; \
    for product in $PRODUCTS; do cp "$bin/$product" /staging/bin/; done; \
    cp /usr/libexec/swift/linux/swift-backtrace-static /staging/bin/

# ---- run -------------------------------------------------------------------
FROM debian:bookworm-slim AS run

LABEL org.opencontainers.image.title="sluice" \
      org.opencontainers.image.description="Sluice stream processing: the sluice tool and the example dataflows"

# librdkafka1 brings its own dependencies (OpenSSL, SASL, zstd, lz4, zlib);
# libcurl4 is what FoundationNetworking loads for the S3 backup's HTTPS.
RUN apt-get -q update \
    && DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends \
        librdkafka1 libsqlite3-0 libcurl4 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it and
# fsGroup can give it the recovery volume.
RUN groupadd --system --gid 10001 sluice \
    && useradd --system --uid 10001 --gid sluice --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin sluice \
    && install -d -o sluice -g sluice -m 0750 /recovery

COPY --from=build /staging/bin/ /usr/local/bin/

ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static

USER 10001:10001
# The recovery directory (`-r /recovery`): each process keeps its own store
# in /recovery/process-<id>/ on a volume of its own host or pod.
VOLUME ["/recovery"]
WORKDIR /recovery
# 7100: the cluster mesh (SLUICE_ADDRESSES); 9090: the monitoring endpoint
# (SLUICE_METRICS_ADDRESS).
EXPOSE 7100 9090
CMD ["sluice", "--help"]
