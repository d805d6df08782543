internal import CRdKafka

/// Builds a librdkafka configuration from key/value pairs; the one place where
/// Sluice's settings are lowered to librdkafka.
enum RDKafkaConfig {
    /// Sluice's defaults, then the brokers, then the user's settings (which win).
    static func settings(defaults: [String: String], brokers: [String], user: [String: String]) -> [String: String] {
        var settings = defaults
        settings["bootstrap.servers"] = brokers.joined(separator: ",")
        settings.merge(user) { _, user in user }
        return settings
    }

    /// A new `rd_kafka_conf_t` with every pair set, in key order.
    /// - Throws: `KafkaError.invalidConfiguration` naming the first bad key.
    static func make(_ settings: [String: String]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.invalidConfiguration(key: "", value: "", reason: "rd_kafka_conf_new failed")
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for key in settings.keys.sorted() {
            let value = settings[key]!
            let result = rd_kafka_conf_set(conf, key, value, &errorBuffer, errorBuffer.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let reason = text(of: errorBuffer)
                throw KafkaError.invalidConfiguration(
                    key: key, value: value,
                    reason: result == RD_KAFKA_CONF_UNKNOWN ? "unknown configuration key (\(reason))" : reason)
            }
        }
        return conf
    }
}
