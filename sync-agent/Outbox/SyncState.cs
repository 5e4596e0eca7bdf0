using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.SyncAgent.Outbox;

/// <summary>
/// The agent's own durable state, <c>{DataDir}/sync-state.json</c>: the watermark (every log id up to it has been
/// acknowledged by the broker) and what it was sent to. Written atomically: temp file, fsync, rename.
/// </summary>
public sealed record SyncState(
    long Watermark,
    string? DeviceId,
    string? Broker,
    string? LogKey,
    DateTimeOffset SavedAt)
{
    public const string FileName = "sync-state.json";

    public static SyncState Empty { get; } = new(0, null, null, null, DateTimeOffset.UnixEpoch);

    /// <summary>The saved state, or <see cref="Empty"/> when there is none; a damaged file is reported, not trusted.</summary>
    public static SyncState Load(string dataDir, AgentLog log)
    {
        var path = Path.Combine(dataDir, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return Empty;
            }

            return JsonSerializer.Deserialize(File.ReadAllBytes(path), SyncJson.Default.SyncState) ?? Empty;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Starting over only repeats messages; consumers de-duplicate by id.
            log.Warn($"{path}: unreadable ({e.Message}); sending the log from the beginning");
            return Empty;
        }
    }

    public void Save(string dataDir) =>
        AtomicFile.Write(Path.Combine(dataDir, FileName), JsonSerializer.SerializeToUtf8Bytes(this, SyncJson.Default.SyncState), durable: true);
}

/// <summary>Replaces a file so that readers see the old content or the new, never a mix.</summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> content, bool durable)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            stream.Write(content);
            if (durable)
            {
                stream.Flush(flushToDisk: true);
            }
        }

        File.Move(temp, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SyncState))]
[JsonSerializable(typeof(Edge.Store.SyncStatus))]
internal sealed partial class SyncJson : JsonSerializerContext;
