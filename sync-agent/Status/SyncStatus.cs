using System.Text.Json;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent.Status;

/// <summary>States of the agent, as <c>sync-status.json</c> names them.</summary>
public static class SyncStates
{
    /// <summary>No cloud section: nothing to do until the meet folder gets one.</summary>
    public const string Disabled = "disabled";
    public const string Connecting = "connecting";
    public const string Connected = "connected";
    /// <summary>Waiting before the next attempt after a failure (<c>lastError</c> says which).</summary>
    public const string Backoff = "backoff";
    /// <summary>The configuration is invalid or the outbox cannot be read; <c>lastError</c> says why.</summary>
    public const string Error = "error";
    public const string Stopped = "stopped";
}

/// <summary>
/// What the agent is doing, written to <c>{DataDir}/sync-status.json</c> for the appliance's <c>/api/status</c>
/// (<c>sync</c>) and the timer's console. Field meanings: docs/SYNC.md.
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
    int Pid)
{
    public const string FileName = "sync-status.json";

    public void Write(string dataDir) =>
        AtomicFile.Write(Path.Combine(dataDir, FileName), JsonSerializer.SerializeToUtf8Bytes(this, SyncJson.Default.SyncStatus), durable: false);
}
