/*
 * produce_input: topic helper for the kafka-upper benchmark (librdkafka only).
 *
 *   produce_input --brokers B --create T [--create U ...] [--partitions 32]
 *       Create topics with the Admin API (CreateTopics). If the broker does not
 *       support CreateTopics (librdkafka's mock cluster, i.e. `sluice
 *       dev-broker`), check instead that each topic already exists with the
 *       requested partition count (the dev-broker creates them with
 *       --topic NAME:PARTITIONS). Existing topics must be empty.
 *
 *   produce_input --brokers B --topic T [--messages 1000000] [--size 100]
 *                 [--partitions 32]
 *       Produce N deterministic ASCII messages (key null) round-robin over the
 *       partitions of T, flush, then check that nothing was lost or truncated:
 *       every partition's low watermark is 0 and the high watermarks sum to N.
 *       Value i = "message %07d " followed by lowercase letters up to --size.
 *
 *   produce_input --brokers B --count T
 *       Print "COUNT topic=T partitions=P messages=<sum(high-low)>
 *       high_sum=<sum(high)> low_max=<max(low)>".
 *
 * Topics are never auto-created (allow.auto.create.topics=false), so a typo or
 * a missing topic is an error instead of a silent 1-partition/4-partition topic.
 */
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CREATE 256
#define TIMEOUT_MS 10000

static void die(const char *msg) {
    fprintf(stderr, "produce_input: %s\n", msg);
    exit(1);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
    char err[512];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "produce_input: config %s=%s: %s\n", k, v, err);
        exit(1);
    }
}

static long failures = 0;
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (failures < 5)
            fprintf(stderr, "produce_input: delivery failed: %s\n", rd_kafka_err2str(m->err));
        failures++;
    }
}

static rd_kafka_t *new_producer(const char *brokers) {
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", brokers);
    set(conf, "allow.auto.create.topics", "false");
    set(conf, "linger.ms", "5");
    set(conf, "batch.num.messages", "10000");
    set(conf, "queue.buffering.max.messages", "2000000");
    set(conf, "queue.buffering.max.kbytes", "2097151");
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!rk) die(err);
    return rk;
}

/* Partition count of `topic`, 0 if it does not exist. */
static int partition_count(rd_kafka_t *rk, const char *topic) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, TIMEOUT_MS);
    rd_kafka_topic_destroy(rkt);
    if (err) {
        fprintf(stderr, "produce_input: metadata for %s: %s\n", topic, rd_kafka_err2str(err));
        exit(1);
    }
    int n = 0;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0 && md->topics[i].err == 0)
            n = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
}

/* Sums over the partitions of `topic`; returns the partition count. */
static int watermarks(rd_kafka_t *rk, const char *topic, int64_t *high_sum, int64_t *low_max,
                      int64_t *msgs) {
    int parts = partition_count(rk, topic);
    if (parts == 0) {
        fprintf(stderr, "produce_input: topic %s does not exist\n", topic);
        exit(1);
    }
    *high_sum = 0;
    *low_max = 0;
    *msgs = 0;
    for (int p = 0; p < parts; p++) {
        int64_t lo = -1, hi = -1;
        rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, TIMEOUT_MS);
        if (err) {
            fprintf(stderr, "produce_input: watermarks %s[%d]: %s\n", topic, p, rd_kafka_err2str(err));
            exit(1);
        }
        *high_sum += hi;
        *msgs += hi - lo;
        if (lo > *low_max) *low_max = lo;
    }
    return parts;
}

static void ensure_topics(rd_kafka_t *rk, char **all, int nall, int partitions) {
    char err[512];
    rd_kafka_NewTopic_t *nt[MAX_CREATE];
    /* Only topics that do not exist yet go to CreateTopics: pre-created topics
     * (the only kind a mock broker has) skip the Admin API entirely. */
    char *topics[MAX_CREATE];
    int n = 0;
    for (int i = 0; i < nall; i++)
        if (partition_count(rk, all[i]) == 0) topics[n++] = all[i];
    for (int i = 0; i < n; i++) {
        nt[i] = rd_kafka_NewTopic_new(topics[i], partitions, 1, err, sizeof err);
        if (!nt[i]) die(err);
    }
    if (n == 0) goto verify;
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_operation_timeout(opts, TIMEOUT_MS, err, sizeof err);
    rd_kafka_AdminOptions_set_request_timeout(opts, TIMEOUT_MS, err, sizeof err);
    rd_kafka_CreateTopics(rk, nt, (size_t)n, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, TIMEOUT_MS + 5000);
    if (!ev) die("CreateTopics: no result");
    int unsupported = 0;
    if (rd_kafka_event_error(ev)) {
        /* Request-level failure: the mock cluster answers CreateTopics with an
         * unsupported-request error. Fall back to checking existing topics. */
        fprintf(stderr, "produce_input: CreateTopics not available (%s); checking that the topics exist\n",
                rd_kafka_event_error_string(ev));
        unsupported = 1;
    } else {
        size_t cnt = 0;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        for (size_t i = 0; i < cnt; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
            if (e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION || e == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
                e == RD_KAFKA_RESP_ERR_INVALID_REQUEST) {
                unsupported = 1;
            } else if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                fprintf(stderr, "produce_input: create %s: %s\n", rd_kafka_topic_result_name(res[i]),
                        rd_kafka_topic_result_error_string(res[i]) ? rd_kafka_topic_result_error_string(res[i])
                                                                    : rd_kafka_err2str(e));
                exit(1);
            }
        }
    }
    rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    rd_kafka_NewTopic_destroy_array(nt, (size_t)n);
    (void)unsupported;

verify:

    /* Whatever happened above, the topics must now exist, be empty and have
     * the requested partition count (a broker may need a moment to propagate). */
    for (int i = 0; i < nall; i++) {
        const char *t = all[i];
        int parts = 0;
        for (int tries = 0; tries < 50 && (parts = partition_count(rk, t)) == 0; tries++) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
        if (parts != partitions) {
            fprintf(stderr,
                    "produce_input: topic %s has %d partitions, want %d (with a mock broker such as "
                    "`sluice dev-broker`, pre-create it: --topic %s:%d)\n",
                    t, parts, partitions, t, partitions);
            exit(1);
        }
        int64_t hs, lm, msgs;
        watermarks(rk, t, &hs, &lm, &msgs);
        if (hs != 0) {
            fprintf(stderr, "produce_input: topic %s is not empty (%lld messages); use fresh topic names\n",
                    t, (long long)hs);
            exit(1);
        }
    }
}

int main(int argc, char **argv) {
    const char *brokers = NULL, *topic = NULL, *count_topic = NULL;
    char *create[MAX_CREATE];
    int ncreate = 0, partitions = 32, size = 100;
    long messages = 1000000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) die("missing value after last option");
        if (!strcmp(a, "--brokers")) brokers = v;
        else if (!strcmp(a, "--topic")) topic = v;
        else if (!strcmp(a, "--count")) count_topic = v;
        else if (!strcmp(a, "--create")) {
            if (ncreate == MAX_CREATE) die("too many --create");
            create[ncreate++] = argv[i + 1];
        } else if (!strcmp(a, "--partitions")) partitions = atoi(v);
        else if (!strcmp(a, "--messages")) messages = atol(v);
        else if (!strcmp(a, "--size")) size = atoi(v);
        else {
            fprintf(stderr, "produce_input: unknown option %s\n", a);
            return 2;
        }
        i++;
    }
    if (!brokers || (!topic && !count_topic && !ncreate) || partitions <= 0 || size < 16 || messages < 0) {
        fprintf(stderr, "usage: produce_input --brokers B [--create T]... [--topic T [--messages N] [--size S]] "
                        "[--count T] [--partitions P]\n");
        return 2;
    }

    rd_kafka_t *rk = new_producer(brokers);
    if (ncreate) ensure_topics(rk, create, ncreate, partitions);

    if (topic) {
        int parts = partition_count(rk, topic);
        if (parts != partitions) {
            fprintf(stderr, "produce_input: topic %s has %d partitions, want %d\n", topic, parts, partitions);
            return 1;
        }
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        char *buf = malloc((size_t)size + 1);
        for (int j = 0; j < size; j++) buf[j] = (char)('a' + j % 26);
        double t0 = now_s();
        for (long i = 0; i < messages; i++) {
            char head[32];
            int hl = snprintf(head, sizeof head, "message %07ld ", i);
            memcpy(buf, head, (size_t)hl);
            for (int j = hl; j < size; j++) buf[j] = (char)('a' + (i + j) % 26);
            int32_t p = (int32_t)(i % parts);
            while (rd_kafka_produce(rkt, p, RD_KAFKA_MSG_F_COPY, buf, (size_t)size, NULL, 0, NULL) == -1) {
                rd_kafka_resp_err_t e = rd_kafka_last_error();
                if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    fprintf(stderr, "produce_input: produce: %s\n", rd_kafka_err2str(e));
                    return 1;
                }
                rd_kafka_poll(rk, 1);
            }
            if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
        }
        rd_kafka_resp_err_t fe = rd_kafka_flush(rk, 120000);
        double secs = now_s() - t0;
        if (fe) {
            fprintf(stderr, "produce_input: flush: %s\n", rd_kafka_err2str(fe));
            return 1;
        }
        rd_kafka_topic_destroy(rkt);
        free(buf);
        if (failures) {
            fprintf(stderr, "produce_input: %ld delivery failures\n", failures);
            return 1;
        }
        int64_t hs, lm, msgs;
        watermarks(rk, topic, &hs, &lm, &msgs);
        if (lm != 0 || hs != messages) {
            fprintf(stderr,
                    "produce_input: topic %s after producing: high watermark sum %lld (want %ld), "
                    "max low watermark %lld (want 0: the broker dropped data)\n",
                    topic, (long long)hs, messages, (long long)lm);
            return 1;
        }
        fprintf(stderr, "produce_input: %ld x %d B into %s (%d partitions) in %.2f s (%.0f msg/s)\n", messages,
                size, topic, parts, secs, messages / secs);
    }

    if (count_topic) {
        int64_t hs, lm, msgs;
        int parts = watermarks(rk, count_topic, &hs, &lm, &msgs);
        printf("COUNT topic=%s partitions=%d messages=%lld high_sum=%lld low_max=%lld\n", count_topic, parts,
               (long long)msgs, (long long)hs, (long long)lm);
    }
    rd_kafka_destroy(rk);
    return 0;
}
