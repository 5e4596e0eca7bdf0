using System.Text.Json;
using Edge.Store;
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

/// <summary>Writes the status where the appliance reads it.</summary>
public static class SyncStatusFile
{
    public static void Write(this SyncStatus status, string dataDir) =>
        AtomicFile.Write(Path.Combine(dataDir, SyncStatus.FileName), JsonSerializer.SerializeToUtf8Bytes(status, SyncJson.Default.SyncStatus), durable: false);
}
