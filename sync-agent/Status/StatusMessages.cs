using System.Buffers;
using System.Text.Json;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent.Status;

/// <summary>Payloads of the retained <c>{prefix}/{device}/status</c> topic.</summary>
internal static class StatusMessages
{
    /// <summary>The last will, and what a clean stop publishes: the box is not connected.</summary>
    public static byte[] Offline(string deviceId) => Write(deviceId, "offline", null);

    /// <summary>Published on every connect, when a backlog has drained, and (at most once per <c>Sync:StatusMessageInterval</c>) when live reads are caught up.</summary>
    public static byte[] Online(string deviceId, long watermark, long lastLogId, DateTimeOffset at) => Write(deviceId, "online", (watermark, lastLogId, at));

    private static byte[] Write(string deviceId, string state, (long Watermark, long LastLogId, DateTimeOffset At)? counts)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("device", deviceId);
            w.WriteString("schema", MessageBuilder.Schema);
            w.WriteString("state", state);
            if (counts is { } c)
            {
                w.WriteString("at", c.At);
                w.WriteNumber("watermark", c.Watermark);
                w.WriteNumber("lastLogId", c.LastLogId);
                w.WriteNumber("pending", Math.Max(0, c.LastLogId - c.Watermark));
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
