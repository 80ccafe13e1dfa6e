import HTTPTypes
import Testing
import TorcCore
import TorcEngine
import TorcSQLite
@testable import TorcServer

/// Path parameters are declared by the route patterns, and handlers only ask
/// for declared ones: a misspelt name fails here, not as a silent 404 in service.
@Suite("Route parameters")
struct RouteParameterTests {
    static let service = TorcService(provider: SQLiteStoreProvider.inMemory())

    /// Runs a route's handler with every parameter of its pattern filled in.
    /// Whatever the handler answers (mostly 404 for the made-up keys) is fine;
    /// asking for a parameter the pattern lacks is not.
    static func undeclaredParameter(_ route: Route) async throws -> UndeclaredPathParameter? {
        let database = try await service.database("route_parameters")
        let parameters = Dictionary(uniqueKeysWithValues: route.parameterNames.map { ($0, "1") })
        let request = RouteRequest(
            database: database, parameters: parameters, query: [:], body: nil, pattern: route.path)
        do {
            _ = try await route.handler(request)
            return nil
        } catch let error as UndeclaredPathParameter {
            return error
        } catch {
            return nil
        }
    }

    @Test(
        "no handler asks for a parameter its pattern lacks", arguments: TorcRoutes.all.map { "\($0.method) \($0.path)" }
    )
    func handlersReadDeclaredParameters(route name: String) async throws {
        let route = try #require(TorcRoutes.all.first { "\($0.method) \($0.path)" == name })
        let undeclared = try await Self.undeclaredParameter(route)
        #expect(undeclared == nil, "\(undeclared.map(\.description) ?? "")")
    }

    @Test("a handler asking for an undeclared parameter is caught")
    func catchesUndeclared() async throws {
        let typo = Route(.get, "/workflows/{workflow}/jobs", "typo") { r in
            .string(try r.parameter("workflw"))
        }
        let undeclared = try await Self.undeclaredParameter(typo)
        #expect(undeclared?.parameter == "workflw")
        #expect(undeclared?.pattern == "/workflows/{workflow}/jobs")
    }

    @Test("the typed accessors read declared parameters only")
    func typedAccessorsAreChecked() async throws {
        let typo = Route(.get, "/workflows/{workflow}/jobs/{key}", "typo") { r in
            .string(try r.status().text)
        }
        let undeclared = try await Self.undeclaredParameter(typo)
        #expect(undeclared?.parameter == .status)
        let fine = Route(.get, "/workflows/{workflow}/jobs/{key}", "fine") { r in
            .string("\(try r.workflow())/\(try r.document())")
        }
        #expect(try await Self.undeclaredParameter(fine) == nil)
    }

    @Test("malformed patterns are refused before the server starts")
    func patternProblems() {
        #expect(Route.problems(in: "/workflows/{workflow}/jobs/{key}") == [])
        #expect(Route.problems(in: "/workflows/{key}/x/{key}") == [.repeatedParameter("key")])
        #expect(Route.problems(in: "/workflows/{key") == [.malformedSegment("{key")])
        #expect(Route.problems(in: "/workflows/{}") == [.malformedSegment("{}")])
        #expect(Route.problems(in: "/workflows/a{key}") == [.malformedSegment("a{key}")])
        for route in TorcRoutes.all {
            #expect(Route.problems(in: route.path) == [], "\(route.path)")
        }
    }
}
