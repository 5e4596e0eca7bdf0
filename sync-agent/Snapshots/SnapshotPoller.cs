using System.Buffers;
using System.Text.Json;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent.Snapshots;

/// <summary>
/// Publishes retained snapshots of the appliance's participants (<c>GET /api/participants</c> to
/// <c>.../participants</c>) and results (<c>GET /api/races</c>, then <c>GET /api/races/{id}/results</c> to
/// <c>.../results/{raceId}</c>) while connected, only when their content changed, and all of them again after
/// every reconnect (a restarted broker may have lost its retained messages). A missing endpoint or an appliance
/// that is not running is skipped quietly; none of this ever holds up the reads. While a backlog of reads drains,
/// snapshots wait for it: results reach the cloud after the reads they come from, and the agent never holds a
/// window of messages and a megabyte snapshot at once.
/// </summary>
internal sealed class SnapshotPoller : IDisposable
{
    private readonly AgentOptions _options;
    private readonly AgentLog _log;
    private readonly Func<Uplink?> _uplink;
    private readonly Func<bool> _draining;
    // Per topic leaf: the hash of the body last published, and the appliance's ETag for it.
    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _etags = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _generation;

    public SnapshotPoller(AgentOptions options, AgentLog log, Func<Uplink?> uplink, Func<bool> draining)
    {
        _options = options;
        _log = log;
        _uplink = uplink;
        _draining = draining;
    }

    /// <summary>A connection was made: poll now rather than at the next tick.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // already woken
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var uplink = _uplink();
                if (uplink is { IsConnected: true })
                {
                    // Draining: woken when the backlog is done, or looks again after an interval.
                    if (!_draining())
                    {
                        await PollAsync(uplink, stop);
                    }

                    await _wake.WaitAsync(_options.SnapshotInterval, stop);
                }
                else
                {
                    // Not connected: nothing to publish to; sleep until a connection is made.
                    await _wake.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task PollAsync(Uplink uplink, CancellationToken stop)
    {
        if (uplink.Generation != _generation)
        {
            _generation = uplink.Generation;
            _published.Clear();
            _etags.Clear();
        }

        await PublishAsync(uplink, "participants", "/api/participants", stop);
        foreach (var raceId in await RaceIdsAsync(stop))
        {
            // '/', '+' and '#' would change the topic's meaning.
            var leaf = $"results/{Uri.EscapeDataString(raceId)}";
            await PublishAsync(uplink, leaf, $"/api/races/{Uri.EscapeDataString(raceId)}/results", stop);
        }

    }

    private async Task<List<string>> RaceIdsAsync(CancellationToken stop)
    {
        var ids = new List<string>();
        using var races = await GetAsync("/api/races", stop);
        if (races is null)
        {
            return ids;
        }

        try
        {
            using var document = JsonDocument.Parse(races.Body.ToArray());
            if (document.RootElement.ValueKind == JsonValueKind.Array)
            {
                foreach (var race in document.RootElement.EnumerateArray())
                {
                    if (race.ValueKind == JsonValueKind.Object && race.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                    {
                        ids.Add(id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText());
                    }
                }
            }
        }
        catch (JsonException e)
        {
            _log.Debug($"/api/races: not JSON ({e.Message}); results not published");
        }

        return ids;
    }

    private async Task PublishAsync(Uplink uplink, string leaf, string path, CancellationToken stop)
    {
        var prefix = EnvelopePrefix(uplink.Settings.DeviceId, leaf);
        // What was published is asked for conditionally: unchanged, the appliance answers 304 and sends nothing.
        using var answer = await GetAsync(path, stop, prefix.Length, _etags.GetValueOrDefault(leaf));
        if (answer is null)
        {
            return;
        }

        var hash = Hash.Of(answer.Body);
        if (_published.TryGetValue(leaf, out var previous) && previous == hash)
        {
            Remember(leaf, answer.ETag);
            return;
        }

        try
        {
            Validate(answer.Body);
        }
        catch (JsonException e)
        {
            _log.Debug($"{path}: not JSON ({e.Message}); not published");
            return;
        }

        var payload = answer.Wrap(prefix, "}"u8);
        if (uplink.Client.Publish(uplink.Settings.Topic(leaf), payload, 1, true, out _) is null)
        {
            _published[leaf] = hash;
            Remember(leaf, answer.ETag);
            _log.Debug($"published {leaf} ({payload.Length} bytes)");
        }
    }

    private void Remember(string leaf, string? etag)
    {
        if (etag is null)
        {
            _etags.Remove(leaf);
        }
        else
        {
            _etags[leaf] = etag;
        }
    }

    /// <summary>The answer when it is 200 with a body; null (logged) when it is anything else, 304 Not Modified included.</summary>
    private async Task<HttpAnswer?> GetAsync(string path, CancellationToken stop, int headroom = 0, string? ifNoneMatch = null)
    {
        HttpAnswer answer;
        try
        {
            answer = await LoopbackHttp.GetAsync(_options.ApplianceUrl, path, TimeSpan.FromSeconds(10), stop, headroom, ifNoneMatch);
        }
        catch (IOException e)
        {
            _log.Debug($"{path}: {e.Message}; skipped");
            return null;
        }

        if (answer.Status != 200)
        {
            _log.Debug(answer.Status == 304 ? $"{path}: unchanged" : $"{path}: HTTP {answer.Status}; skipped");
            answer.Dispose();
            return null;
        }

        return answer;
    }

    /// <summary>
    /// <c>{"device", "schema", "topic", "at", "data": </c>: the envelope up to the appliance's JSON, which follows
    /// it as it is (checked to be one JSON value, not parsed: it can be megabytes), then <c>}</c>.
    /// </summary>
    internal static byte[] EnvelopePrefix(string deviceId, string leaf)
    {
        var head = new ArrayBufferWriter<byte>(256);
        // Validation off: the writer stops after the property name, and the body follows as its value.
        using (var w = new Utf8JsonWriter(head, new JsonWriterOptions { SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteString("device", deviceId);
            w.WriteString("schema", MessageBuilder.Schema);
            w.WriteString("topic", leaf);
            w.WriteString("at", DateTimeOffset.UtcNow);
            w.WritePropertyName("data");
        }

        return head.WrittenSpan.ToArray();
    }

    /// <summary>Throws <see cref="JsonException"/> unless <paramref name="body"/> is exactly one JSON value.</summary>
    private static void Validate(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            // The reader throws at the first token that is not part of one complete JSON value.
        }
    }

    public void Dispose() => _wake.Dispose();
}
