import TorcCore

/// A big array of a specification (`jobs`, `files`) as byte ranges of the
/// request text, its elements decoded and validated one at a time when needed
/// (see `JSONObjectOutline`).
struct SpecificationElements: Sendable {
    /// The member name, for validation messages.
    let member: String
    /// The type every element must have.
    let type: FieldType
    /// Where each element lies in the text.
    let ranges: [Range<Int>]

    static func empty(_ member: String) -> SpecificationElements {
        SpecificationElements(member: member, type: .anyObject, ranges: [])
    }

    var count: Int { ranges.count }

    /// Element `index`, validated as it would be inside the whole body (with
    /// defaults filled in, values converted, and messages naming the member
    /// and the position).
    func element(_ buffer: UnsafeBufferPointer<UInt8>, _ index: Int) throws -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONParser.parseElement(buffer, ranges[index])
        } catch {
            throw ServiceError.badRequest(error.message)
        }
        return try DocumentSchema.convert(value, as: type, path: [member, "\(index)"]).objectValue ?? [:]
    }
}

/// Lists of indexes, one list per job, in two flat arrays (the indexes, and
/// where each job's list ends), so a million jobs need no million arrays.
struct IndexLists {
    private var indexes: [Int32] = []
    private var ends: [Int32] = []

    /// Begins the next job's list.
    mutating func startList() { ends.append(Int32(indexes.count)) }

    /// Adds to the list begun last.
    mutating func append(_ index: Int) {
        indexes.append(Int32(index))
        ends[ends.count - 1] = Int32(indexes.count)
    }

    /// The list of job `job`.
    subscript(job: Int) -> ArraySlice<Int32> {
        let start = job == 0 ? 0 : Int(ends[job - 1])
        return indexes[start..<Int(ends[job])]
    }
}
