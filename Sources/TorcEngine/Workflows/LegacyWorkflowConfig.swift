import TorcCore

/// The legacy `/workflow_config` routes (docs/routes.md, "Workflows"): left over from a
/// single-workflow design, they validate their bodies and then fail with 500,
/// exactly as the original did. Per-workflow config lives at `/workflows/config/{K}`.
public enum LegacyWorkflowConfig {
    /// `GET /workflow_config`.
    public static func get() throws -> JSONValue { throw ServiceError.internalError }

    /// `POST /workflow_config`.
    public static func post(body: JSONValue?) throws -> JSONValue {
        let object = try Schemas.workflowConfig.validateBody(body)
        if let key = object["_key"]?.stringValue {
            throw ServiceError.badRequest("\(key) cannot be set on POST for workflow_config")
        }
        throw ServiceError.internalError
    }

    /// `PUT /workflow_config/{key}`.
    public static func put(body: JSONValue?) throws -> JSONValue {
        _ = try Schemas.workflowConfig.validateBody(body)
        throw ServiceError.internalError
    }

    /// `PUT /workflow_config/reset`.
    public static func reset() throws -> JSONValue { throw ServiceError.internalError }
}
