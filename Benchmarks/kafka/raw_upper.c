/*
 * raw_upper: the kafka-upper benchmark as a plain librdkafka loop, the upper
 * bound that Sluice's Kafka connectors are compared against.
 *
 * Consumes every partition of --input from the beginning up to the high
 * watermark seen at start (finite; no consumer group), uppercases each value
 * (ASCII) and produces it, key null, to the same partition number of --output.
 * Delivery reports are counted (any failure fails the run) and the producer
 * is flushed before the clock stops. The clock covers the whole job: client
 * creation, watermark queries, the loop and the final flush.
 *
 *   raw_upper --brokers B --input T --output U
 *             [--queued-min-messages N]  consumer prefetch per partition
 *                                        (librdkafka default 100000)
 *             [--batch N]                consume batch size (default 10000)
 *             [--api legacy|legacyq|assign]
 *                 legacy:  rd_kafka_consume_start + rd_kafka_consume_batch per
 *                          partition, round-robin (default)
 *                 legacyq: rd_kafka_consume_start_queue of all partitions onto
 *                          one queue + rd_kafka_consume_batch_queue
 *                 assign:  rd_kafka_assign + rd_kafka_consume_batch_queue on the
 *                          consumer queue (needs a group.id, never joined)
 *             [--compression none|lz4|...] [--linger-ms N]
 *             [-C key=value]...  extra consumer config
 *             [-P key=value]...  extra producer config
 *
 * Prints: RESULT workload=kafka-upper-raw messages=<n> seconds=<s> msgs_per_s=<x>
 */
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TIMEOUT_MS 10000
#define MAX_EXTRA 32

enum api { API_LEGACY, API_LEGACYQ, API_ASSIGN };

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fail(const char *what, const char *detail) {
    fprintf(stderr, "raw_upper: %s: %s\n", what, detail);
    exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
    char err[512];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) fail(k, err);
}

static void set_kv(rd_kafka_conf_t *conf, const char *kv) {
    char k[256];
    const char *eq = strchr(kv, '=');
    if (!eq || (size_t)(eq - kv) >= sizeof k) fail("expected key=value", kv);
    memcpy(k, kv, (size_t)(eq - kv));
    k[eq - kv] = 0;
    set(conf, k, eq + 1);
}

static long delivered = 0, failed = 0;
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (failed < 5) fprintf(stderr, "raw_upper: delivery failed: %s\n", rd_kafka_err2str(m->err));
        failed++;
    } else {
        delivered++;
    }
}

static int partition_count(rd_kafka_t *rk, const char *topic) {
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, TIMEOUT_MS);
    rd_kafka_topic_destroy(rkt);
    if (err) fail("metadata", rd_kafka_err2str(err));
    int n = 0;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0 && md->topics[i].err == 0)
            n = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
}

/* Output state shared by the loops. */
static rd_kafka_t *prod;
static rd_kafka_topic_t *out_rkt;
static char upbuf[1 << 16];

static void produce_upper(const rd_kafka_message_t *m) {
    const unsigned char *in = m->payload;
    size_t len = m->len;
    char *out = len <= sizeof upbuf ? upbuf : malloc(len);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = in[i];
        out[i] = (char)(c - ((unsigned)(c - 'a') < 26u ? 32 : 0));
    }
    while (rd_kafka_produce(out_rkt, m->partition, RD_KAFKA_MSG_F_COPY, out, len, NULL, 0, NULL) == -1) {
        rd_kafka_resp_err_t e = rd_kafka_last_error();
        if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) fail("produce", rd_kafka_err2str(e));
        rd_kafka_poll(prod, 1);
    }
    if (out != upbuf) free(out);
}

int main(int argc, char **argv) {
    const char *brokers = NULL, *input = NULL, *output = NULL;
    const char *qmin = NULL, *compression = "none", *linger = "5";
    const char *cextra[MAX_EXTRA], *pextra[MAX_EXTRA];
    int ncextra = 0, npextra = 0, batch = 10000;
    enum api api = API_LEGACY;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) fail("missing value after", a);
        if (!strcmp(a, "--brokers")) brokers = v;
        else if (!strcmp(a, "--input")) input = v;
        else if (!strcmp(a, "--output")) output = v;
        else if (!strcmp(a, "--queued-min-messages")) qmin = v;
        else if (!strcmp(a, "--batch")) batch = atoi(v);
        else if (!strcmp(a, "--compression")) compression = v;
        else if (!strcmp(a, "--linger-ms")) linger = v;
        else if (!strcmp(a, "--api")) {
            if (!strcmp(v, "legacy")) api = API_LEGACY;
            else if (!strcmp(v, "legacyq")) api = API_LEGACYQ;
            else if (!strcmp(v, "assign")) api = API_ASSIGN;
            else fail("unknown --api", v);
        } else if (!strcmp(a, "-C") && ncextra < MAX_EXTRA) cextra[ncextra++] = v;
        else if (!strcmp(a, "-P") && npextra < MAX_EXTRA) pextra[npextra++] = v;
        else fail("unknown option", a);
    }
    if (!brokers || !input || !output || batch <= 0) {
        fprintf(stderr, "usage: raw_upper --brokers B --input T --output U [--queued-min-messages N] [--batch N] "
                        "[--api legacy|legacyq|assign] [--compression C] [--linger-ms N] [-C k=v] [-P k=v]\n");
        return 2;
    }

    char err[512];
    double t0 = now_s();

    /* Producer. */
    rd_kafka_conf_t *pconf = rd_kafka_conf_new();
    set(pconf, "bootstrap.servers", brokers);
    set(pconf, "linger.ms", linger);
    set(pconf, "batch.num.messages", "10000");
    set(pconf, "queue.buffering.max.messages", "2000000");
    set(pconf, "queue.buffering.max.kbytes", "2097151");
    set(pconf, "compression.codec", compression);
    set(pconf, "allow.auto.create.topics", "false");
    for (int i = 0; i < npextra; i++) set_kv(pconf, pextra[i]);
    rd_kafka_conf_set_dr_msg_cb(pconf, dr_cb);
    prod = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, err, sizeof err);
    if (!prod) fail("producer", err);

    /* Consumer. */
    rd_kafka_conf_t *cconf = rd_kafka_conf_new();
    set(cconf, "bootstrap.servers", brokers);
    set(cconf, "enable.auto.commit", "false");
    set(cconf, "enable.auto.offset.store", "false");
    if (api == API_ASSIGN) set(cconf, "group.id", "raw-upper-unused"); /* assign() needs a group handle */
    if (qmin) set(cconf, "queued.min.messages", qmin);
    for (int i = 0; i < ncextra; i++) set_kv(cconf, cextra[i]);
    rd_kafka_t *cons = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, err, sizeof err);
    if (!cons) fail("consumer", err);

    int parts = partition_count(cons, input);
    if (parts == 0) fail("input topic does not exist", input);
    int out_parts = partition_count(prod, output);
    if (out_parts < parts) {
        fprintf(stderr, "raw_upper: output topic %s has %d partitions, input %s has %d\n", output, out_parts, input,
                parts);
        return 1;
    }

    /* End offsets at start: each partition is read up to its high watermark. */
    int64_t *high = calloc((size_t)parts, sizeof *high);
    int64_t *next = calloc((size_t)parts, sizeof *next); /* next offset wanted */
    long total = 0;
    int active = 0;
    for (int p = 0; p < parts; p++) {
        int64_t lo, hi;
        rd_kafka_resp_err_t e = rd_kafka_query_watermark_offsets(cons, input, p, &lo, &hi, TIMEOUT_MS);
        if (e) fail("watermarks", rd_kafka_err2str(e));
        if (lo != 0) {
            fprintf(stderr, "raw_upper: %s[%d] low watermark is %lld, not 0: data was truncated\n", input, p,
                    (long long)lo);
            return 1;
        }
        high[p] = hi;
        total += hi;
        if (hi > 0) active++;
    }

    out_rkt = rd_kafka_topic_new(prod, output, NULL);
    rd_kafka_topic_t *in_rkt = rd_kafka_topic_new(cons, input, NULL);
    rd_kafka_queue_t *q = NULL;
    if (api == API_ASSIGN) {
        rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(parts);
        for (int p = 0; p < parts; p++)
            if (high[p] > 0) rd_kafka_topic_partition_list_add(l, input, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_resp_err_t e = rd_kafka_assign(cons, l);
        if (e) fail("assign", rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        q = rd_kafka_queue_get_consumer(cons);
    } else {
        if (api == API_LEGACYQ) q = rd_kafka_queue_new(cons);
        for (int p = 0; p < parts; p++) {
            if (high[p] == 0) continue;
            int r = q ? rd_kafka_consume_start_queue(in_rkt, p, RD_KAFKA_OFFSET_BEGINNING, q)
                      : rd_kafka_consume_start(in_rkt, p, RD_KAFKA_OFFSET_BEGINNING);
            if (r == -1) fail("consume_start", rd_kafka_err2str(rd_kafka_last_error()));
        }
    }

    rd_kafka_message_t **msgs = malloc(sizeof *msgs * (size_t)batch);
    long consumed = 0;
    int p_rr = 0, idle = 0;
    while (active > 0) {
        ssize_t n;
        if (q) {
            n = rd_kafka_consume_batch_queue(q, 10, msgs, (size_t)batch);
        } else {
            /* Next partition still being read, round-robin. */
            while (next[p_rr] >= high[p_rr]) p_rr = (p_rr + 1) % parts;
            n = rd_kafka_consume_batch(in_rkt, p_rr, 0, msgs, (size_t)batch);
            p_rr = (p_rr + 1) % parts;
        }
        if (n < 0) fail("consume_batch", rd_kafka_err2str(rd_kafka_last_error()));
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            int32_t p = m->partition;
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) fail("consume", rd_kafka_message_errstr(m));
            } else if (m->offset >= next[p] && m->offset < high[p]) {
                produce_upper(m);
                consumed++;
                next[p] = m->offset + 1;
                if (next[p] >= high[p]) {
                    active--;
                    if (api != API_ASSIGN) rd_kafka_consume_stop(in_rkt, p);
                }
            }
            rd_kafka_message_destroy(m);
        }
        /* Serve delivery reports. In legacy mode, when a whole round over the
         * active partitions came back empty, this is also the (1 ms) wait. */
        idle = n > 0 ? 0 : idle + 1;
        int wait = !q && idle >= active;
        if (wait) idle = 0;
        rd_kafka_poll(prod, wait ? 1 : 0);
    }

    rd_kafka_resp_err_t fe = rd_kafka_flush(prod, 120000);
    double secs = now_s() - t0;
    if (fe) fail("flush", rd_kafka_err2str(fe));
    if (failed || delivered != consumed || consumed != total) {
        fprintf(stderr, "raw_upper: consumed %ld of %ld, delivered %ld, %ld delivery failures\n", consumed, total,
                delivered, failed);
        return 1;
    }

    if (api == API_ASSIGN) rd_kafka_assign(cons, NULL);
    if (q) rd_kafka_queue_destroy(q);
    rd_kafka_topic_destroy(in_rkt);
    rd_kafka_topic_destroy(out_rkt);
    rd_kafka_consumer_close(cons);
    rd_kafka_destroy(cons);
    rd_kafka_destroy(prod);
    free(msgs);
    free(high);
    free(next);

    static const char *api_names[] = {"legacy", "legacyq", "assign"};
    fprintf(stderr, "raw_upper: api=%s queued.min.messages=%s batch=%d compression=%s partitions=%d\n",
            api_names[api], qmin ? qmin : "default", batch, compression, parts);
    printf("RESULT workload=kafka-upper-raw messages=%ld seconds=%.3f msgs_per_s=%.0f\n", consumed, secs,
           consumed / secs);
    return 0;
}
