/// What an acknowledged write (a 200) promises if the machine loses power or the
/// operating system crashes. A crash of the service process alone never loses an
/// acknowledged write at either level: the commit is in the operating system's hands
/// before the answer is sent.
public enum Durability: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The commit reaches the operating system before the answer, and the disk at the
    /// next checkpoint. A power loss or OS crash may lose the last commits (never
    /// corrupting the data); a killed process loses nothing.
    /// SQLite: WAL with `synchronous = NORMAL`; ArangoDB: its own sync interval.
    case normal
    /// The commit is on the disk (fsync) before the answer. Nothing acknowledged is lost
    /// on power loss or an OS crash, provided the disk honours flushes.
    /// SQLite: WAL with `synchronous = FULL`; ArangoDB: `waitForSync` on every transaction.
    case full

    public var description: String { rawValue }
}
