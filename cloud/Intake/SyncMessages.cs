using System.Text.Json;
using System.Text.Json.Serialization;

namespace Edge.Cloud.Intake;

/// <summary>One log entry as a box publishes it (docs/SYNC.md, "Batch messages").</summary>
public sealed record SyncItem(
    long Id,
    string Kind,
    string? Meet,
    string? Source,
    long SourceId,
    string? Location,
    long Seq,
    string? Tag,
    long AtMs,
    int Lap,
    string? Reader,
    int Gator,
    long ReceivedMs,
    string? Raw);

/// <summary>A <c>reads</c> or <c>corrections</c> message: a contiguous run of one box's log ids.</summary>
public sealed record SyncBatch(string Device, string Schema, string Topic, long First, long Last, int Count, IReadOnlyList<SyncItem> Items);

/// <summary>A box's retained <c>status</c> message.</summary>
public sealed record SyncStatus(string Device, string Schema, string State, string? At = null, long? Watermark = null, long? LastLogId = null, long? Pending = null);

/// <summary>The envelope of a <c>participants</c> or <c>results/{raceId}</c> snapshot; its <c>data</c> is kept as sent.</summary>
public sealed record SyncSnapshot(string Device, string Schema, string Topic, JsonElement Data, string? At = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(SyncBatch))]
[JsonSerializable(typeof(SyncStatus))]
[JsonSerializable(typeof(SyncSnapshot))]
internal sealed partial class SyncJson : JsonSerializerContext;

/// <summary>What a box sent, read and checked; a message that fails says why in words and is kept aside.</summary>
public static class SyncMessages
{
    public const string Schema = "edge.sync/1";

    /// <summary>Reads a batch and checks it is what docs/SYNC.md promises: one device, ids contiguous and increasing.</summary>
    public static SyncBatch ReadBatch(ReadOnlySpan<byte> payload, string device, string topic)
    {
        var batch = Read(payload, SyncJson.Default.SyncBatch);
        CheckEnvelope(batch.Device, batch.Schema, device);
        if (batch.Topic != topic)
        {
            throw new FormatException($"message says topic '{batch.Topic}' but came on '{topic}'");
        }

        if (batch.First < 1 || batch.Last < batch.First || batch.Count != batch.Last - batch.First + 1 || batch.Items.Count != batch.Count)
        {
            throw new FormatException($"ids {batch.First}..{batch.Last} do not match count {batch.Count} and {batch.Items.Count} items");
        }

        for (var i = 0; i < batch.Items.Count; i++)
        {
            var item = batch.Items[i];
            if (item is null || item.Id != batch.First + i)
            {
                throw new FormatException($"item {i} has id {item?.Id.ToString() ?? "null"}, expected {batch.First + i}");
            }

            if (string.IsNullOrEmpty(item.Kind))
            {
                throw new FormatException($"item {item.Id} has no kind");
            }
        }

        return batch;
    }

    public static SyncStatus ReadStatus(ReadOnlySpan<byte> payload, string device)
    {
        var status = Read(payload, SyncJson.Default.SyncStatus);
        CheckEnvelope(status.Device, status.Schema, device);
        return status;
    }

    public static SyncSnapshot ReadSnapshot(ReadOnlySpan<byte> payload, string device, string topic)
    {
        var snapshot = Read(payload, SyncJson.Default.SyncSnapshot);
        CheckEnvelope(snapshot.Device, snapshot.Schema, device);
        return snapshot.Topic == topic ? snapshot : throw new FormatException($"snapshot says topic '{snapshot.Topic}' but came on '{topic}'");
    }

    private static T Read<T>(ReadOnlySpan<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var what = typeof(T).Name[4..].ToLowerInvariant();
        try
        {
            return JsonSerializer.Deserialize(payload, type) ?? throw new FormatException($"not a {what} message: it is JSON null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a {what} message: {e.Message}", e);
        }
    }

    private static void CheckEnvelope(string? device, string? schema, string topicDevice)
    {
        if (schema != Schema)
        {
            throw new FormatException($"schema '{schema}' is not {Schema}");
        }

        if (device != topicDevice)
        {
            throw new FormatException($"message says device '{device}' but came on the topic of '{topicDevice}'");
        }
    }
}
