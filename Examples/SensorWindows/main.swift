// Per-sensor windows over a Kafka topic of JSON readings: 10 s tumbling
// averages and sessions (readings at most 5 s apart), with late readings
// sent to their own topic.
//
//   swift run -c release sensor-windows --brokers localhost:19092 --readings-topic readings \
//       --averages-topic averages --sessions-topic sessions --late-topic late --wait 2 -w 2
//
// Input (one reading per message; each sensor's readings in one partition,
// e.g. keyed by sensor, so they keep their order):
//   {"sensor": "s1", "time": "2024-06-18T00:00:01.250Z", "value": 21.5}
// Output (key: the sensor):
//   averages: {"count":3,"end":"2024-06-18T00:00:10.000Z","mean":21.2,"sensor":"s1","start":"2024-06-18T00:00:00.000Z","window":171866880}
//   sessions: {"count":5,"end":"…","mean":20.9,"sensor":"s1","start":"…","window":0}
//   late:     {"reading":{…},"sensor":"s1","step":"averages","window":171866880}
//             {"error":"…","raw":"not json","step":"parse"}
//
// Windows close when a sensor's watermark (its newest reading time minus
// --wait, moving on with system time while the sensor is quiet) passes them,
// and all close at the end of a finite read (without --tail). With
// `--watermark stream` they close on the topic's watermark instead: each
// partition's newest reading time minus --wait, the minimum over partitions,
// a partition quiet for --idle-after seconds left out. `-r DIR`
// snapshots the open windows and input offsets, so a restarted run resumes.
// `--processes 3` runs it as three local processes (see the README's
// "Running on several machines" for -i/-a).
import ArgumentParser
import Foundation
import Sluice

extension SensorWatermark: ExpressibleByArgument {}

struct SensorWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sensor-windows",
        abstract: "Per-sensor 10 s averages and 5 s-gap sessions over a Kafka topic of JSON readings.")

    @Option(help: "Bootstrap brokers, comma-separated (e.g. localhost:19092).")
    var brokers: String

    @Option(help: "The topic of JSON readings.")
    var readingsTopic: String

    @Option(help: "The topic the 10 s averages go to.")
    var averagesTopic: String

    @Option(help: "The topic the sessions go to.")
    var sessionsTopic: String

    @Option(help: "The topic late readings and unreadable messages go to.")
    var lateTopic: String

    @Option(help: "Seconds to wait for out-of-order readings.")
    var wait: Double = 2

    @Option(help: "Whose watermark closes windows: per-sensor (each sensor's own) or stream (the topic's, per partition).")
    var watermark: SensorWatermark = .perSensor

    @Option(help: "With --watermark stream: seconds a partition may be quiet before it stops holding the watermark back.")
    var idleAfter: Double = 30

    @Flag(inversion: .prefixedNo, help: "Keep reading new readings for ever (default: stop at the end of the topic).")
    var tail = false

    @Flag(help: "Write in Kafka transactions committed after each snapshot (needs -r).")
    var exactlyOnce = false

    @OptionGroup var sluice: SluiceOptions

    func validate() throws {
        guard wait >= 0, wait.isFinite else { throw ValidationError("--wait must be zero or more seconds, got \(wait)") }
        guard idleAfter > 0, idleAfter.isFinite else {
            throw ValidationError("--idle-after must be more than zero seconds, got \(idleAfter)")
        }
    }

    func run() throws {
        let flow = makeSensorWindowsFlow(
            brokers: brokers.split(separator: ",").map(String.init),
            topics: SensorTopics(readings: readingsTopic, averages: averagesTopic, sessions: sessionsTopic, late: lateTopic),
            wait: .milliseconds(Int64(wait * 1000)), tail: tail, exactlyOnce: exactlyOnce, watermark: watermark,
            idleAfter: .milliseconds(Int64(idleAfter * 1000)))
        // Honours every Sluice option: -w, -r (resume; a stop suspends open windows),
        // -i/-a or --processes (a cluster), and SIGINT/SIGTERM.
        try sluice.run(flow)
    }
}

SensorWindowsCommand.main()
