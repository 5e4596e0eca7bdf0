using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Edge.Store;

namespace Edge.SyncAgent.Outbox;

/// <summary>Where a log entry is published: reads and gun events, or the timer's corrections.</summary>
public enum OutboxTopic
{
    Reads,
    Corrections,
}

/// <summary>One message built from the outbox: a contiguous run of log ids of one topic.</summary>
public readonly record struct OutboxMessage(OutboxTopic Topic, long First, long Last, int Count, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Turns log entries into sync messages (schema <see cref="Schema"/>, documented in docs/SYNC.md), bounded by item
/// count and payload size. Writes UTF-8 JSON directly into reused buffers: a message's payload is valid until the
/// next call to <see cref="Next"/>.
/// </summary>
public sealed class MessageBuilder
{
    public const string Schema = "edge.sync/1";

    private static readonly JsonEncodedText DeviceName = JsonEncodedText.Encode("device");
    private static readonly JsonEncodedText SchemaName = JsonEncodedText.Encode("schema");
    private static readonly JsonEncodedText TopicName = JsonEncodedText.Encode("topic");
    private static readonly JsonEncodedText FirstName = JsonEncodedText.Encode("first");
    private static readonly JsonEncodedText LastName = JsonEncodedText.Encode("last");
    private static readonly JsonEncodedText CountName = JsonEncodedText.Encode("count");
    private static readonly JsonEncodedText ItemsName = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText KindName = JsonEncodedText.Encode("kind");
    private static readonly JsonEncodedText SourceName = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText MeetName = JsonEncodedText.Encode("meet");
    private static readonly JsonEncodedText SourceIdName = JsonEncodedText.Encode("sourceId");
    private static readonly JsonEncodedText LocationName = JsonEncodedText.Encode("location");
    private static readonly JsonEncodedText SeqName = JsonEncodedText.Encode("seq");
    private static readonly JsonEncodedText TagName = JsonEncodedText.Encode("tag");
    private static readonly JsonEncodedText AtName = JsonEncodedText.Encode("at");
    private static readonly JsonEncodedText AtMsName = JsonEncodedText.Encode("atMs");
    private static readonly JsonEncodedText LapName = JsonEncodedText.Encode("lap");
    private static readonly JsonEncodedText ReaderName = JsonEncodedText.Encode("reader");
    private static readonly JsonEncodedText GatorName = JsonEncodedText.Encode("gator");
    private static readonly JsonEncodedText ReceivedMsName = JsonEncodedText.Encode("receivedMs");
    private static readonly JsonEncodedText RawName = JsonEncodedText.Encode("raw");
    private static readonly JsonEncodedText ReadsValue = JsonEncodedText.Encode("reads");
    private static readonly JsonEncodedText CorrectionsValue = JsonEncodedText.Encode("corrections");

    private readonly string _deviceId;
    private readonly int _maxItems;
    private readonly int _maxBytes;
    private readonly ArrayBufferWriter<byte> _item = new(1024);
    private readonly ArrayBufferWriter<byte> _items = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _message = new(64 * 1024);
    private readonly Utf8JsonWriter _itemWriter;
    private readonly Utf8JsonWriter _messageWriter;

    public MessageBuilder(string deviceId, int maxItems, int maxBytes)
    {
        _deviceId = deviceId;
        _maxItems = Math.Max(1, maxItems);
        _maxBytes = Math.Max(1024, maxBytes);
        // Payloads go to MQTT, not into HTML: only what JSON itself requires is escaped.
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        _itemWriter = new Utf8JsonWriter(_item, options);
        _messageWriter = new Utf8JsonWriter(_message, options);
    }

    public static OutboxTopic TopicOf(LogKind kind) => kind.IsCorrection() ? OutboxTopic.Corrections : OutboxTopic.Reads;

    public static string Leaf(OutboxTopic topic) => topic == OutboxTopic.Corrections ? "corrections" : "reads";

    /// <summary>
    /// Builds the next message from <paramref name="entries"/> starting at <paramref name="index"/>, advancing it past
    /// the entries taken: as many as fit, all of one topic. A single entry larger than the size bound goes alone.
    /// </summary>
    public OutboxMessage Next(IReadOnlyList<LogEntry> entries, ref int index, Func<long, string> sourceName, Func<long, string>? meetKey = null)
    {
        if (index >= entries.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        var topic = TopicOf(entries[index].Kind);
        // Envelope: device, schema, topic, first, last, count; generously bounded.
        var envelope = 160 + (_deviceId.Length * 6);
        _items.ResetWrittenCount();
        _items.Write("["u8);
        var first = entries[index].Id;
        var last = first;
        var count = 0;
        while (index < entries.Count && count < _maxItems)
        {
            var entry = entries[index];
            if (TopicOf(entry.Kind) != topic)
            {
                break;
            }

            _item.ResetWrittenCount();
            _itemWriter.Reset(_item);
            WriteItem(_itemWriter, entry, sourceName(entry.SourceId), meetKey?.Invoke(entry.MeetId) ?? "");
            _itemWriter.Flush();
            if (count > 0 && envelope + _items.WrittenCount + 1 + _item.WrittenCount + 1 > _maxBytes)
            {
                break;
            }

            if (count > 0)
            {
                _items.Write(","u8);
            }

            _items.Write(_item.WrittenSpan);
            last = entry.Id;
            count++;
            index++;
        }

        _items.Write("]"u8);
        _message.ResetWrittenCount();
        _messageWriter.Reset(_message);
        var w = _messageWriter;
        w.WriteStartObject();
        w.WriteString(DeviceName, _deviceId);
        w.WriteString(SchemaName, Schema);
        w.WriteString(TopicName, topic == OutboxTopic.Corrections ? CorrectionsValue : ReadsValue);
        w.WriteNumber(FirstName, first);
        w.WriteNumber(LastName, last);
        w.WriteNumber(CountName, count);
        w.WritePropertyName(ItemsName);
        w.WriteRawValue(_items.WrittenSpan, skipInputValidation: true);
        w.WriteEndObject();
        w.Flush();
        return new OutboxMessage(topic, first, last, count, _message.WrittenMemory);
    }

    private static void WriteItem(Utf8JsonWriter w, LogEntry e, string source, string meet)
    {
        w.WriteStartObject();
        w.WriteNumber(IdName, e.Id);
        w.WriteString(KindName, e.Kind.Name());
        // Which meet the entry belongs to: a box keeps many, and a consumer keeps them apart by this key.
        w.WriteString(MeetName, meet);
        w.WriteString(SourceName, source);
        w.WriteNumber(SourceIdName, e.SourceId);
        w.WriteString(LocationName, e.Location);
        w.WriteNumber(SeqName, e.Sequence);
        w.WriteString(TagName, e.Tag);
        Span<byte> at = stackalloc byte[32];
        if (e.AtMs is >= -62135596800000L and <= 253402300799999L
            && DateTimeOffset.FromUnixTimeMilliseconds(e.AtMs).UtcDateTime.TryFormat(at, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
        {
            w.WriteString(AtName, at[..written]);
        }
        else
        {
            w.WriteNull(AtName);
        }

        w.WriteNumber(AtMsName, e.AtMs);
        w.WriteNumber(LapName, e.Lap);
        w.WriteString(ReaderName, e.Reader);
        w.WriteNumber(GatorName, e.Gator);
        w.WriteNumber(ReceivedMsName, e.ReceivedMs);
        w.WriteString(RawName, e.Raw);
        w.WriteEndObject();
    }
}
