namespace Edge.Store;

/// <summary>
/// What the sync agent is doing, as it writes it to <c>{DataDir}/sync-status.json</c> for the appliance's
/// <c>/api/status</c> (<c>sync</c>) and the timer's console. Field meanings: docs/SYNC.md; <c>Running</c> says
/// whether the process that wrote the file still runs (the appliance checks <c>Pid</c>); <c>ResidentBytes</c> and
/// <c>GcCommittedBytes</c> are the agent's own memory when it wrote the file.
/// </summary>
public sealed record SyncStatus(
    string State,
    string? Broker,
    string? DeviceId,
    string? Protocol,
    long Watermark,
    long LastLogId,
    long Pending,
    int Inflight,
    double RatePerSecond,
    DateTimeOffset? LastAckAt,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? ConnectedAt,
    long ConnectAttempts,
    long MessagesAcknowledged,
    DateTimeOffset UpdatedAt,
    int Pid,
    long ResidentBytes = 0,
    long GcCommittedBytes = 0,
    bool Running = true)
{
    public const string FileName = "sync-status.json";
}
