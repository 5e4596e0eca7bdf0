using System.Text.Json;
using Edge.Store;

namespace Edge.Appliance.Web;

/// <summary>Reads the sync agent's status file; null when there is none (no agent) or it cannot be read.</summary>
public static class SyncStatusReader
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static SyncStatus? Read(string dataDir)
    {
        var path = Path.Combine(dataDir, SyncStatus.FileName);
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
