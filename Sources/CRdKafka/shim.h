#ifndef SLUICE_CRDKAFKA_SHIM_H
#define SLUICE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Sluice needs librdkafka 2.0.2 or newer (Debian 12's librdkafka-dev). */
#if RD_KAFKA_VERSION < 0x020002ff
#error "Sluice needs librdkafka >= 2.0.2: install librdkafka-dev (apt) or a newer librdkafka"
#endif

/* Answers broker `broker_id`'s next request of `api_key` only after `rtt_ms`
 * (the request itself is handled at once): the mock's variadic
 * rd_kafka_mock_broker_push_request_error_rtts, with one entry, callable from
 * Swift. */
static inline rd_kafka_resp_err_t sluice_mock_delay_next_response(
    rd_kafka_mock_cluster_t *mcluster, int32_t broker_id, int16_t api_key, int rtt_ms) {
    return rd_kafka_mock_broker_push_request_error_rtts(
        mcluster, broker_id, api_key, 1, RD_KAFKA_RESP_ERR_NO_ERROR, rtt_ms);
}

#endif
