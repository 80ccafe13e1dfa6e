import HTTPTypes
import Hummingbird
import Logging

/// The log lines written for every request besides errors: a debug line, the
/// optional access log line and the slow-request warning. Each carries the
/// request id through the logger's metadata.
enum RequestLogging {
    static func log(
        request: Request, route: String, status: Int, elapsed: Duration, timing: RequestTiming,
        options: RequestLogOptions, logger: Logger
    ) {
        let slow = options.slowRequestThreshold.map { elapsed >= $0 } ?? false
        guard slow || options.accessLog || logger.logLevel <= .debug else { return }
        var metadata: Logger.Metadata = [
            "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(status)",
            "duration_ms": "\(milliseconds(elapsed))",
            "store_ms": "\(milliseconds(timing.storeTime))",
            "store_transactions": "\(timing.storeTransactions)",
        ]
        if slow {
            logger.warning("slow request", metadata: metadata)
        }
        metadata["path"] = "\(request.uri.path)"
        if options.accessLog {
            logger.info("request", metadata: metadata)
        } else if !slow {
            logger.debug("request", metadata: metadata)
        }
    }

    /// Milliseconds with three decimals.
    static func milliseconds(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let whole = micros / 1000
        let fraction = micros % 1000
        return "\(whole)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
    }
}
