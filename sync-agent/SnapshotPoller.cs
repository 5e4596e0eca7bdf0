using System.Buffers;
using System.Text.Json;
using Edge.SyncAgent.Outbox;

namespace Edge.SyncAgent;

/// <summary>
/// Publishes retained snapshots of the appliance's participants (<c>GET /api/participants</c> to
/// <c>.../participants</c>) and results (<c>GET /api/races</c>, then <c>GET /api/races/{id}/results</c> to
/// <c>.../results/{raceId}</c>) while connected, only when their content changed, and all of them again after
/// every reconnect (a restarted broker may have lost its retained messages). A missing endpoint or an appliance
/// that is not running is skipped quietly; none of this ever holds up the reads.
/// </summary>
internal sealed class SnapshotPoller : IDisposable
{
    private readonly AgentOptions _options;
    private readonly AgentLog _log;
    private readonly Func<Uplink?> _uplink;
    private readonly Dictionary<string, string> _published = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _generation;

    public SnapshotPoller(AgentOptions options, AgentLog log, Func<Uplink?> uplink)
    {
        _options = options;
        _log = log;
        _uplink = uplink;
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
                    await PollAsync(uplink, stop);
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
        }

        await PublishAsync(uplink, "participants", "/api/participants", stop);
        var races = await GetAsync("/api/races", stop);
        if (races is null)
        {
            return;
        }

        using var document = JsonDocument.Parse(races);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var race in document.RootElement.EnumerateArray())
        {
            if (race.ValueKind == JsonValueKind.Object && race.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                var raceId = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
                // '/', '+' and '#' would change the topic's meaning.
                var leaf = $"results/{Uri.EscapeDataString(raceId)}";
                await PublishAsync(uplink, leaf, $"/api/races/{Uri.EscapeDataString(raceId)}/results", stop);
            }
        }
    }

    private async Task PublishAsync(Uplink uplink, string leaf, string path, CancellationToken stop)
    {
        var body = await GetAsync(path, stop);
        if (body is null)
        {
            return;
        }

        var hash = Hash.Of(body);
        if (_published.TryGetValue(leaf, out var previous) && previous == hash)
        {
            return;
        }

        byte[] payload;
        try
        {
            payload = Envelope(uplink.Settings.DeviceId, leaf, body);
        }
        catch (JsonException e)
        {
            _log.Debug($"{path}: not JSON ({e.Message}); not published");
            return;
        }

        var rc = uplink.Client.Publish(uplink.Settings.Topic(leaf), payload, 1, true, out _);
        if (rc == 0)
        {
            _published[leaf] = hash;
            _log.Debug($"published {leaf} ({payload.Length} bytes)");
        }
    }

    private async Task<byte[]?> GetAsync(string path, CancellationToken stop)
    {
        try
        {
            var answer = await LoopbackHttp.GetAsync(_options.ApplianceUrl, path, TimeSpan.FromSeconds(10), stop);
            if (answer.Status != 200)
            {
                _log.Debug($"{path}: HTTP {answer.Status}; skipped");
                return null;
            }

            return answer.Body;
        }
        catch (IOException e)
        {
            _log.Debug($"{path}: {e.Message}; skipped");
            return null;
        }
    }

    /// <summary><c>{"device", "schema", "topic", "at", "data": (the appliance's JSON)}</c>.</summary>
    private static byte[] Envelope(string deviceId, string leaf, byte[] body)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("device", deviceId);
            w.WriteString("schema", MessageBuilder.Schema);
            w.WriteString("topic", leaf);
            w.WriteString("at", DateTimeOffset.UtcNow);
            w.WritePropertyName("data");
            w.WriteRawValue(body);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _wake.Dispose();
}
