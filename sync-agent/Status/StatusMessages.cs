using System.Buffers;
using System.Text.Json;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent.Status;

/// <summary>Payloads of the retained <c>{prefix}/{device}/status</c> topic.</summary>
internal static class StatusMessages
{
    /// <summary>The last will, and what a clean stop publishes: the box is not connected.</summary>
    public static byte[] Offline(string deviceId) => Write(deviceId, "offline", null);

    /// <summary>Published on every connect and when a backlog has drained.</summary>
    public static byte[] Online(string deviceId, long watermark, long lastLogId) => Write(deviceId, "online", (watermark, lastLogId));

    private static byte[] Write(string deviceId, string state, (long Watermark, long LastLogId)? counts)
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
                w.WriteString("at", DateTimeOffset.UtcNow);
                w.WriteNumber("watermark", c.Watermark);
                w.WriteNumber("lastLogId", c.LastLogId);
                w.WriteNumber("pending", Math.Max(0, c.LastLogId - c.Watermark));
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
