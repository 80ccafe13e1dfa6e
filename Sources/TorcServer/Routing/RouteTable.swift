import HTTPTypes

/// The result of looking a request path up in the route table.
enum RouteMatch {
    /// A route for the path and method, with its decoded parameters.
    case found(Route, [String: String])
    /// The path exists but not for this method; the allowed methods.
    case methodNotAllowed([HTTPRequest.Method])
    /// No route has this path.
    case notFound
}

/// A segment trie of all routes. Literal segments are preferred over
/// parameters (so `/workflows/status/{key}` wins over `/workflows/{workflow}/{c}`),
/// and matching backtracks to a parameter branch when the literal branch has no
/// route for the method.
struct RouteTable: Sendable {
    private final class Node: @unchecked Sendable {
        // Built once before the server starts and never mutated afterwards.
        var literals: [String: Node] = [:]
        var parameter: Node?
        var routes: [HTTPRequest.Method: Route] = [:]
    }

    private let root = Node()
    /// Every route, in registration order.
    let routes: [Route]

    init(_ routes: [Route]) {
        self.routes = routes
        for route in routes {
            // A bad pattern is a programming error: refuse to start rather than
            // serve a route that can never match as intended.
            let problems = Route.problems(in: route.path)
            precondition(problems.isEmpty, "route \(route.method) \(route.path): \(problems)")
            var node = root
            for segment in route.segments {
                switch segment {
                case .literal(let text):
                    if let next = node.literals[text] {
                        node = next
                    } else {
                        let next = Node()
                        node.literals[text] = next
                        node = next
                    }
                case .parameter:
                    // Parameters are bound by position; each route names its own
                    // (`/workflows/{key}` and `/workflows/{workflow}/jobs` share a node).
                    if let existing = node.parameter {
                        node = existing
                    } else {
                        let next = Node()
                        node.parameter = next
                        node = next
                    }
                }
            }
            precondition(node.routes[route.method] == nil, "duplicate route \(route.method) \(route.path)")
            node.routes[route.method] = route
        }
    }

    /// Looks up raw (still percent-encoded) path segments.
    func match(method: HTTPRequest.Method, segments: [Substring]) -> RouteMatch {
        var candidates: [(Node, [String])] = []
        collect(root, segments[...], [], into: &candidates)
        for (node, values) in candidates {
            let route = node.routes[method] ?? (method == .head ? node.routes[.get] : nil)
            if let route {
                return .found(route, Dictionary(uniqueKeysWithValues: zip(route.parameterNames, values)))
            }
        }
        if let (node, _) = candidates.first {
            return .methodNotAllowed(node.routes.keys.sorted { $0.rawValue < $1.rawValue })
        }
        return .notFound
    }

    /// Collects every node the path reaches, literal branches first.
    private func collect(
        _ node: Node, _ rest: ArraySlice<Substring>, _ parameters: [String],
        into candidates: inout [(Node, [String])]
    ) {
        guard let segment = rest.first else {
            if !node.routes.isEmpty { candidates.append((node, parameters)) }
            return
        }
        guard let decoded = PercentDecoding.decode(segment) else { return }
        if let next = node.literals[decoded] {
            collect(next, rest.dropFirst(), parameters, into: &candidates)
        }
        if let next = node.parameter, !decoded.isEmpty {
            collect(next, rest.dropFirst(), parameters + [decoded], into: &candidates)
        }
    }
}
