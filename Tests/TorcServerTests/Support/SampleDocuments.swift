import HTTPTypes
import TorcCore

/// A valid body for each of the 13 document collections, the attribute a PUT
/// changes, and the value it changes it to.
struct SampleDocument: Sendable, CustomStringConvertible {
    var collection: String
    var body: JSONValue
    var changed: (name: String, value: JSONValue)

    var description: String { collection }

    static let all: [SampleDocument] = [
        SampleDocument(collection: "aws_schedulers", body: ["name": "aws"], changed: ("name", "aws2")),
        SampleDocument(
            collection: "compute_nodes",
            body: [
                "hostname": "node1", "start_time": "2023-04-13 10:00:00.123456", "is_active": true,
                "resources": ["num_cpus": 36, "memory_gb": 92.5, "time_limit": nil],
            ], changed: ("is_active", false)),
        SampleDocument(
            collection: "compute_node_stats",
            body: [
                "hostname": "node1", "timestamp": "2023-04-13 10:00:00",
                "stats": [
                    [
                        "resource_type": "cpu", "average": ["cpu_percent": 12.5], "minimum": ["cpu_percent": 1.0],
                        "maximum": ["cpu_percent": 90], "num_samples": 10,
                    ]
                ],
            ], changed: ("hostname", "node2")),
        SampleDocument(
            collection: "events", body: ["category": "job", "type": "start", "key": "1", "nested": ["a": [1, 2.5]]],
            changed: ("type", "complete")),
        SampleDocument(
            collection: "files", body: ["name": "f1", "path": "dir/f1.json", "st_mtime": 1681400000.5],
            changed: ("path", "dir/f2.json")),
        SampleDocument(
            collection: "jobs", body: ["name": "job1", "command": "echo hello"], changed: ("status", "ready")),
        SampleDocument(
            collection: "job_process_stats",
            body: [
                "job_key": "1", "run_id": 1, "avg_cpu_percent": 50.5, "max_cpu_percent": 99, "avg_rss": 1024,
                "max_rss": 2048.5, "num_samples": 3, "timestamp": "2023-04-13 10:00:00",
            ], changed: ("run_id", 2)),
        SampleDocument(
            collection: "local_schedulers", body: ["name": "local", "memory": "10g", "num_cpus": 4],
            changed: ("num_cpus", 8)),
        SampleDocument(
            collection: "resource_requirements", body: ["name": "small", "memory": "1g"], changed: ("num_cpus", 4)),
        SampleDocument(
            collection: "results",
            body: [
                "job_key": "1", "job_name": "job1", "run_id": 1, "return_code": 0, "exec_time_minutes": 0.5,
                "completion_time": "2023-04-13 10:00:00.123456", "status": "done",
            ], changed: ("return_code", 1)),
        SampleDocument(
            collection: "scheduled_compute_nodes",
            body: ["scheduler_id": "123", "scheduler_config_id": "slurm_schedulers__1/2", "status": "pending"],
            changed: ("status", "active")),
        SampleDocument(
            collection: "slurm_schedulers",
            body: ["name": "short", "account": "acct", "nodes": 1, "walltime": "04:00:00"],
            changed: ("nodes", 2)),
        SampleDocument(
            collection: "user_data", body: ["key1": "val1", "n": 1, "f": 1.0, "deep": ["x": [nil, true]]],
            changed: ("key1", "val2")),
    ]
}
