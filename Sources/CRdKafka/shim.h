#ifndef SLUICE_CRDKAFKA_SHIM_H
#define SLUICE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Sluice needs librdkafka 2.0.2 or newer (Debian 12's librdkafka-dev). */
#if RD_KAFKA_VERSION < 0x020002ff
#error "Sluice needs librdkafka >= 2.0.2: install librdkafka-dev (apt) or a newer librdkafka"
#endif

#endif
