import Logging
internal import CRdKafka

/// Where librdkafka's own log lines go: swift-log, label `sluice.kafka`, so an
/// application filters and formats them like the rest of its logs (instead
/// of raw lines on stderr).
let kafkaLogger = Logger(label: "sluice.kafka")

/// librdkafka's log callback (syslog levels 0–7).
let rdKafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    handle, level, facility, message in
    let client = handle.map { String(cString: rd_kafka_name($0)) } ?? "rdkafka"
    let text = message.map { String(cString: $0) } ?? ""
    let facilityText = facility.map { String(cString: $0) } ?? ""
    if facilityText == "FAIL", let handle { BrokerFailures.record(text, handle: handle) }
    let logLevel: Logger.Level
    switch level {
    case ...2: logLevel = .critical
    case 3: logLevel = .error
    case 4: logLevel = .warning
    case 5: logLevel = .notice
    case 6: logLevel = .info
    default: logLevel = .debug
    }
    kafkaLogger.log(
        level: logLevel, "\(text)",
        metadata: ["client": "\(client)", "facility": "\(facilityText)"])
}
