using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;

namespace Edge.Simulator;

/// <summary>
/// One CTP01 session over one socket: greeting, authorization, then serving commands and streaming reads.
/// A reader loop queues the server's lines; a single serving loop owns every write, so lines never interleave.
/// </summary>
internal sealed class Ctp01Connection
{
    // Between batches the serving loop answers commands, so a ping is answered promptly during a large catch-up.
    private const int PushBatch = 4096;

    private readonly Ctp01Client _client;
    private readonly RaceFeed _feed;
    private readonly ClientOptions _options;
    private readonly StreamReader _reader;
    private readonly LineWriter _writer;
    private readonly ConcurrentQueue<string> _commands = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly int[] _pushNext;
    private readonly int[] _pullNext;
    private readonly List<(LocationFeed Location, int Index)> _pullBatch = [];

    private bool _push;
    private bool _gunTimes;
    private bool _newLocations;
    private bool _connectionIdRequired;
    private bool _pushAck;
    private string _authentication = "none";
    private string _authenticationSeed = "";
    private bool _gotConnectionId;
    private int _roundRobin;
    private volatile bool _readerDone;
    private Exception? _readerError;

    public Ctp01Connection(Ctp01Client client, Stream stream)
    {
        _client = client;
        _feed = client.Feed;
        _options = client.Options;
        _reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: true);
        _writer = new LineWriter(stream, _feed, _options, client.AddLinesSent);
        _pushNext = new int[_feed.Locations.Length];
        _pullNext = new int[_feed.Locations.Length];
        Array.Fill(_pullNext, 1);
    }

    // The late location stays offline until announced only where the server asked for newlocation events.
    private bool LateGated => _newLocations && _push && _feed.LateIndex >= 0;

    /// <summary>Runs until the connection drops (IOException) or the token is cancelled.</summary>
    public async Task RunAsync(Action greeted, CancellationToken cancellationToken)
    {
        // Something that accepts but never speaks CTP01 (a hung box, a proxy) must not stall the client for good.
        using (var greeting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            greeting.CancelAfter(_options.GreetingTimeout);
            try
            {
                await GreetAsync(greeting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new Ctp01ProtocolException($"No complete greeting from the server within {_options.GreetingTimeout}.");
            }
        }

        greeted();

        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadLoopAsync(stopReading.Token);
        try
        {
            await ServeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stopReading.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
    }

    private async Task GreetAsync(CancellationToken cancellationToken)
    {
        await _writer.WriteLineAsync($"{_options.Program}~{_options.Version}~CTP01", cancellationToken).ConfigureAwait(false);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

        var header = await ReadGreetingLineAsync(cancellationToken).ConfigureAwait(false);
        var fields = header.Split('~');
        if (fields.Length < 3 || !int.TryParse(fields[^1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var requests))
        {
            throw new Ctp01ProtocolException($"Unexpected server header '{header}'.");
        }

        for (var i = 0; i < requests; i++)
        {
            ApplyRequest(await ReadGreetingLineAsync(cancellationToken).ConfigureAwait(false));
        }

        if (_authentication != "none")
        {
            await AuthorizeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string> ReadGreetingLineAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new EndOfStreamException("The server closed the connection during the greeting.");
        _client.OnServerLine(line);
        return line;
    }

    private void ApplyRequest(string line)
    {
        var equals = line.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return;
        }

        var key = line[..equals].Trim().ToLowerInvariant();
        var value = line[(equals + 1)..].Trim();
        var isTrue = value.Equals("true", StringComparison.OrdinalIgnoreCase);
        switch (key)
        {
            case "stream-mode":
                _push = value.Equals("push", StringComparison.OrdinalIgnoreCase);
                break;
            case "time-format":
                _writer.TimeFormat = value.ToLowerInvariant() switch
                {
                    "iso" => TimeFormat.Iso,
                    "unix" => TimeFormat.Unix,
                    "msecs" => TimeFormat.Msecs,
                    _ => TimeFormat.Normal,
                };
                break;
            case "guntimes":
                _gunTimes = isTrue;
                break;
            case "newlocations":
                _newLocations = isTrue;
                break;
            case "connection-id":
                _connectionIdRequired = isTrue;
                break;
            case "pushmode-ack":
                _pushAck = isTrue;
                break;
            case "authentication":
                _authentication = value.Length == 0 ? "none" : value.ToLowerInvariant();
                break;
            case "authentication-seed":
                _authenticationSeed = value;
                break;
            default:
                // location=single is treated as multi; tagevent-format is ignored because Separator decides.
                break;
        }
    }

    private async Task AuthorizeAsync(CancellationToken cancellationToken)
    {
        var password = _options.Password ?? "";
        var proof = _authentication switch
        {
            "plaintext" => password,
            "hmac-sha1" => Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(_authenticationSeed))),
            "hmac-md5" => Convert.ToHexStringLower(HMACMD5.HashData(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(_authenticationSeed))),
            "seed-sha1" => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(_authenticationSeed + password))),
            "seed-md5" => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(_authenticationSeed + password))),
            _ => throw new Ctp01ProtocolException($"Unsupported authentication '{_authentication}'."),
        };

        await _writer.WriteLineAsync($"authorize~{_options.User}~{proof}", cancellationToken).ConfigureAwait(false);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);

        string line;
        while (!(line = await ReadGreetingLineAsync(cancellationToken).ConfigureAwait(false)).StartsWith("ack~authorize", StringComparison.OrdinalIgnoreCase))
        {
            if (line.StartsWith("err~authorize", StringComparison.OrdinalIgnoreCase))
            {
                throw new Ctp01ProtocolException($"Authorization refused: {line}");
            }

            // Anything else that arrives first is a command, answered once authorized.
            _commands.Enqueue(line);
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                _client.OnServerLine(line);
                _commands.Enqueue(line);
                _wake.Release();
            }
        }
        catch (Exception e)
        {
            // Kept for the serving loop, which turns it into a drop or rethrows what is not one.
            _readerError = e;
        }
        finally
        {
            _readerDone = true;
            _wake.Release();
        }
    }

    private async Task ServeAsync(CancellationToken cancellationToken)
    {
        while (!_readerDone)
        {
            while (_commands.TryDequeue(out var command))
            {
                await HandleCommandAsync(command, cancellationToken).ConfigureAwait(false);
            }

            var released = _client.Clock.Released;
            var announce = LateLocationDue(released);
            // Reads that happened before the late location came online go out before its newlocation line.
            var more = _push && await PushAsync(announce ? _feed.LateOnlineCursor : released, cancellationToken).ConfigureAwait(false);
            if (announce && !more)
            {
                await AnnounceLateLocationAsync(cancellationToken).ConfigureAwait(false);
                more = true;
            }

            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (!more)
            {
                await _wake.WaitAsync(_client.Clock.UntilNextRelease(), cancellationToken).ConfigureAwait(false);
            }
        }

        ThrowReaderEnded(cancellationToken);
    }

    private void ThrowReaderEnded(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        switch (_readerError)
        {
            case null:
                throw new EndOfStreamException("The server closed the connection.");
            case IOException or ObjectDisposedException or OperationCanceledException:
                throw new IOException("The connection was lost.", _readerError);
            default:
                ExceptionDispatchInfo.Throw(_readerError);
                break;
        }
    }

    private async ValueTask HandleCommandAsync(string line, CancellationToken cancellationToken)
    {
        var parts = line.Split('~');
        var command = parts[0].Trim().ToLowerInvariant();
        switch (command)
        {
            case "ping":
                await ReplyAsync("ack~ping", cancellationToken).ConfigureAwait(false);
                break;
            case "geteventinfo":
                await ReplyAsync($"ack~geteventinfo~{_options.EventName}~{_options.EventId}~Simulated race", cancellationToken).ConfigureAwait(false);
                break;
            case "getlocations":
                var online = _feed.Locations.Where((_, l) => IsOnline(l)).Select(l => l.Name);
                await ReplyAsync(string.Join('~', online.Prepend("ack~getlocations")), cancellationToken).ConfigureAwait(false);
                break;
            case "getconnectionid":
                _gotConnectionId = true;
                await ReplyAsync($"ack~getconnectionid~{_options.ConnectionId}", cancellationToken).ConfigureAwait(false);
                break;
            case "start":
                await StartAsync(parts, cancellationToken).ConfigureAwait(false);
                break;
            case "stop":
                await StopAsync(parts, cancellationToken).ConfigureAwait(false);
                break;
            case "getdata":
                await GetDataAsync(parts, cancellationToken).ConfigureAwait(false);
                break;
            case "ack" or "err":
                // Answers are not commands; replying to them could start an endless exchange of errors.
                break;
            default:
                await ReplyAsync($"err~{parts[0]}~unknown command", cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private ValueTask ReplyAsync(string line, CancellationToken cancellationToken) => _writer.WriteLineAsync(line, cancellationToken);

    private bool IsOnline(int location) => location != _feed.LateIndex || !LateGated || _client.LateLocationAnnounced;

    private bool TryFindOnline(string name, out int location) => _feed.TryGetIndex(name.Trim(), out location) && IsOnline(location);

    private static string? Argument(string[] parts, int index) =>
        parts.Length > index && !string.IsNullOrWhiteSpace(parts[index]) ? parts[index].Trim() : null;

    // CTP01: start = every known location from its first read; start~loc~seq resumes at seq (taken as inclusive).
    private async ValueTask StartAsync(string[] parts, CancellationToken cancellationToken)
    {
        if (Argument(parts, 1) is not { } name)
        {
            for (var l = 0; l < _pushNext.Length; l++)
            {
                if (IsOnline(l))
                {
                    _pushNext[l] = 1;
                }
            }
        }
        else if (!TryFindOnline(name, out var location))
        {
            await ReplyAsync("err~start~unknown location", cancellationToken).ConfigureAwait(false);
            return;
        }
        else if (Argument(parts, 2) is not { } sequenceText)
        {
            _pushNext[location] = 1;
        }
        else if (int.TryParse(sequenceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence))
        {
            _pushNext[location] = Math.Max(1, sequence);
        }
        else
        {
            await ReplyAsync("err~start~invalid sequence", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_pushAck)
        {
            await ReplyAsync("ack~start", cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask StopAsync(string[] parts, CancellationToken cancellationToken)
    {
        if (Argument(parts, 1) is not { } name)
        {
            Array.Clear(_pushNext);
        }
        else if (TryFindOnline(name, out var location))
        {
            _pushNext[location] = 0;
        }
        else
        {
            await ReplyAsync("err~stop~unknown location", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (_pushAck)
        {
            await ReplyAsync("ack~stop", cancellationToken).ConfigureAwait(false);
        }
    }

    // Sends released reads of the started locations in time order; true when the batch filled and more are waiting.
    private async ValueTask<bool> PushAsync(int released, CancellationToken cancellationToken)
    {
        var locations = _feed.Locations;
        for (var sent = 0; sent < PushBatch; sent++)
        {
            var best = -1;
            var bestPosition = int.MaxValue;
            for (var l = 0; l < locations.Length; l++)
            {
                var next = _pushNext[l];
                if (next == 0)
                {
                    continue;
                }

                var feed = locations[l];
                if (!_gunTimes && next <= feed.Reads.Length && feed.Reads[next - 1].IsGun)
                {
                    _pushNext[l] = ++next;
                }

                if (next <= feed.Reads.Length && feed.TimelineIndex[next - 1] < released && feed.TimelineIndex[next - 1] < bestPosition)
                {
                    best = l;
                    bestPosition = feed.TimelineIndex[next - 1];
                }
            }

            if (best < 0)
            {
                return false;
            }

            await _writer.WriteReadAsync(locations[best], _pushNext[best] - 1, cancellationToken).ConfigureAwait(false);
            _pushNext[best]++;
        }

        return true;
    }

    // CTP01: newlocation waits for getconnectionid when the server asked for connection ids.
    private bool LateLocationDue(int released) =>
        LateGated && !_client.LateLocationAnnounced && released >= _feed.LateOnlineCursor
        && (!_connectionIdRequired || _gotConnectionId);

    private async ValueTask AnnounceLateLocationAsync(CancellationToken cancellationToken)
    {
        var late = _feed.Locations[_feed.LateIndex];
        await _writer.WriteNewLocationAsync(late, late.Reads.Length, _feed.LateAnnounceCentis, cancellationToken).ConfigureAwait(false);
        await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        _client.LateLocationAnnounced = true;
    }

    private async ValueTask GetDataAsync(string[] parts, CancellationToken cancellationToken)
    {
        if (Argument(parts, 1) is not { } countText
            || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            await ReplyAsync("err~getdata~invalid count", cancellationToken).ConfigureAwait(false);
            return;
        }

        var released = _client.Clock.Released;
        _pullBatch.Clear();
        if (Argument(parts, 2) is { } name)
        {
            if (!TryFindOnline(name, out var location))
            {
                await ReplyAsync("err~getdata~unknown location", cancellationToken).ConfigureAwait(false);
                return;
            }

            if (Argument(parts, 3) is { } sequenceText)
            {
                if (!int.TryParse(sequenceText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var sequence))
                {
                    await ReplyAsync("err~getdata~invalid sequence", cancellationToken).ConfigureAwait(false);
                    return;
                }

                _pullNext[location] = Math.Max(1, sequence);
            }

            while (_pullBatch.Count < count && TryTakePull(location, released))
            {
            }
        }
        else
        {
            // Round-robin one read at a time until every online location is out of released reads.
            var idle = 0;
            while (_pullBatch.Count < count && idle < _pullNext.Length)
            {
                var location = _roundRobin;
                _roundRobin = (_roundRobin + 1) % _pullNext.Length;
                idle = IsOnline(location) && TryTakePull(location, released) ? 0 : idle + 1;
            }
        }

        await ReplyAsync($"ack~getdata~{_pullBatch.Count}", cancellationToken).ConfigureAwait(false);
        foreach (var (location, index) in _pullBatch)
        {
            await _writer.WriteReadAsync(location, index, cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryTakePull(int location, int released)
    {
        var feed = _feed.Locations[location];
        while (true)
        {
            var index = _pullNext[location] - 1;
            if (index >= feed.Reads.Length || feed.TimelineIndex[index] >= released)
            {
                return false;
            }

            _pullNext[location]++;
            if (_gunTimes || !feed.Reads[index].IsGun)
            {
                _pullBatch.Add((feed, index));
                return true;
            }
        }
    }
}
