using System.Text.Json;

namespace Edge.Appliance.Web;

/// <summary>
/// The sync agent's own account of the cloud upload (a separate process writes <c>{DataDir}/sync-status.json</c>;
/// see docs/SYNC.md). <see cref="Running"/> says whether the process that wrote it still runs.
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
    bool Running);

/// <summary>Reads the sync agent's status file; null when there is none (no agent) or it cannot be read.</summary>
public static class SyncStatusReader
{
    public const string FileName = "sync-status.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static SyncStatus? Read(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        try
        {
            // The agent replaces the file atomically; a reader never sees half of one, but tolerate it anyway.
            var status = JsonSerializer.Deserialize<SyncStatus>(File.ReadAllBytes(path), Options);
            if (status is null || string.IsNullOrEmpty(status.State))
            {
                return null;
            }

            return status with { Running = status.Pid > 0 && Directory.Exists($"/proc/{status.Pid}") };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
