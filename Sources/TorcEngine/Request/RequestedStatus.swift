/// A job status as a request names it: a known `JobStatus`, or text that is none.
///
/// An unknown status is not refused where the route matches: each operation
/// answers it with its own message, after the workflow and job checks that come
/// first (`complete_job`: "does not indicate completion"; `manage_status_change`:
/// "Invalid job status"; `find_by_status`: simply no jobs).
public struct RequestedStatus: Sendable, Hashable, CustomStringConvertible {
    /// The value as received.
    public let text: String
    /// The status it names, `nil` for an unknown one.
    public let status: JobStatus?

    public init(_ text: String) {
        self.text = text
        self.status = JobStatus(rawValue: text)
    }

    public init(_ status: JobStatus) {
        self.text = status.rawValue
        self.status = status
    }

    public var description: String { text }
}
