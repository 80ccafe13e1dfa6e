import TorcCore

/// The read-ahead batches for the typed request values: the batches are
/// planned from the values as sent, exactly as the lookups inside the
/// transaction resolve them.
extension BatchedReads {
    static func workflow(_ workflow: WorkflowReference) -> ReadBatch { Self.workflow(workflow.text) }

    static func workflowWithStatus(_ workflow: WorkflowReference) -> ReadBatch {
        Self.workflowWithStatus(workflow.text)
    }

    static func document(
        workflow: WorkflowReference, _ document: DocumentReference, in collection: WorkflowCollection
    ) -> ReadBatch {
        Self.document(workflow: workflow.text, document.text, in: collection)
    }

    static func jobNeighbours(
        workflow: WorkflowReference, job: DocumentReference, via edges: WorkflowCollection
    ) -> ReadBatch {
        Self.jobNeighbours(workflow: workflow.text, job: job.text, via: edges)
    }

    static func completion(workflow: WorkflowReference, job: DocumentReference) -> ReadBatch {
        Self.completion(workflow: workflow.text, job: job.text)
    }

    static func handOut(workflow: WorkflowReference, firstPage: DocumentQuery) -> ReadBatch {
        Self.handOut(workflow: workflow.text, firstPage: firstPage)
    }
}
