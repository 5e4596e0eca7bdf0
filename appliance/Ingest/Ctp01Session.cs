using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.AspNetCore.Connections;

namespace Edge.Appliance.Ingest;

/// <summary>
/// One CTP01 conversation with ChronoTrack middleware (the client). The box speaks second: it answers the
/// greeting with its request lines, asks for the connection id, the event and the locations, then starts each
/// location from the beginning, or after the last sequence it has stored for that connection id.
/// </summary>
internal sealed partial class Ctp01Session(
    ConnectionContext context,
    TimingConnection info,
    TimingOptions options,
    string password,
    ReadStore store,
    IngestStatus status,
    EventClock clock,
    TimeProvider time,
    TimingMonitor monitor,
    ConnectionWatch watch,
    ILogger logger)
{
    public const string ProgramName = "edge";
    public const string ProgramVersion = "1.0.0";

    private enum Phase { Greeting, Authorizing, Streaming }

    private readonly PipeReader _input = context.Transport.Input;
    private readonly PipeWriter _output = context.Transport.Output;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _locationStarted = new(0);
    private readonly ConcurrentDictionary<string, long> _started = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenLocations = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed, store.Failure);
    private readonly bool _pull = options.StreamMode == "pull";
    private volatile Phase _phase;
    private string _program = "";
    private string? _seed;
    private SourceInfo? _source;
    private int _activity;
    private int _rejections;
    private bool _warnedUndated;
    private int _pullExpected;
    private int _pullReceived;
    private TaskCompletionSource<int>? _pullBatch;
    private string? _pullLocation;
    private Task _background = Task.CompletedTask;

    public async Task RunAsync()
    {
        using var greetingTimer = time.CreateTimer(_ => OnGreetingTimeout(), null, options.GreetingTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await ReadLinesAsync(_closing.Token);
        }
        finally
        {
            await _closing.CancelAsync();
            await _background.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (_rejections > options.LoggedRejectionsPerConnection)
            {
                LogRejectionSummary(info.Id, _rejections);
            }
        }
    }

    private async Task ReadLinesAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            try
            {
                while (Ctp01Parser.TryReadLine(ref buffer, out var line))
                {
                    if (line.Length > options.MaxLineLength)
                    {
                        Close(RejectReason.LineTooLong, $"line of {line.Length} bytes");
                        return;
                    }

                    Volatile.Write(ref _activity, 1);
                    if (!await HandleLineAsync(line, cancellationToken))
                    {
                        return;
                    }
                }

                if (buffer.Length > options.MaxLineLength)
                {
                    Close(RejectReason.LineTooLong, $"{buffer.Length} bytes without a line end");
                    return;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Handles one line; false ends the conversation.</summary>
    private async ValueTask<bool> HandleLineAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (line.IsEmpty)
        {
            return true;
        }

        if (_phase == Phase.Streaming && StartsWithCT(line))
        {
            if (_source is null)
            {
                // Reads before the connection id is known (a sender that pushes at once): key them by peer.
                await OpenSourceAsync(FallbackConnectionId(), cancellationToken);
            }

            var outcome = TakeRead(line, out var entry, out var newLocation, out var rejected);
            if (outcome == ReadOutcome.Read && !_seenLocations.Contains(entry.Location))
            {
                if (_seenLocations.Count >= options.MaxLocationsPerConnection)
                {
                    // A sender inventing locations in its reads is capped like one asking to start them.
                    Reject(RejectReason.TooManyLocations, entry.Location);
                    outcome = ReadOutcome.Rejected;
                    rejected = new RejectedLine(_source!.Id, "", 0, IngestStatus.ToName(RejectReason.TooManyLocations), entry.ReceivedMs, entry.Raw);
                }
                else
                {
                    _seenLocations.Add(entry.Location);
                    NoteLocation(entry.Location);
                }
            }

            switch (outcome)
            {
                case ReadOutcome.Read:
                    await store.AppendAsync(entry, time.GetTimestamp(), cancellationToken);
                    info.CountRead();
                    monitor.Read(watch, entry, _source!.LastSequences.GetValueOrDefault(entry.Location));
                    CountPulled(entry.Location, entry.Sequence);
                    break;
                case ReadOutcome.NewLocation:
                    // CTP01: new locations are never started automatically; the server must start them.
                    await StartLocationAsync(newLocation!, cancellationToken);
                    break;
                default:
                    // Kept durably with its location and sequence, so the source's numbering is accounted for.
                    await store.RejectAsync(rejected, cancellationToken);
                    CountPulled(rejected.Location, rejected.Sequence);
                    break;
            }

            return true;
        }

        if (!TryDecode(line, out var text, out var refused))
        {
            if (_phase == Phase.Streaming)
            {
                await RecordUnlocatedAsync(refused, cancellationToken);
                return true;
            }

            return false;
        }

        var fields = text.Split('~');
        return _phase switch
        {
            Phase.Greeting => await OnGreetingAsync(text, fields, cancellationToken),
            Phase.Authorizing => await OnAuthorizeAsync(fields, cancellationToken),
            _ => await OnCommandAnswerAsync(text, fields, cancellationToken),
        };
    }

    private async ValueTask<bool> OnGreetingAsync(string text, string[] fields, CancellationToken cancellationToken)
    {
        // <program>~<version>~<protocol>
        if (fields.Length != 3 || fields[0].Length == 0 || !fields[2].StartsWith("CTP", StringComparison.OrdinalIgnoreCase))
        {
            Close(RejectReason.BadGreeting, Excerpt(text));
            return false;
        }

        _program = fields[0];
        info.Greeting = text;
        var requests = new List<string>
        {
            $"location={options.Location}",
            $"guntimes={Bool(options.GunTimes)}",
            $"newlocations={Bool(options.NewLocations)}",
            $"connection-id={Bool(options.ConnectionId)}",
            $"stream-mode={options.StreamMode}",
            $"time-format={options.TimeFormat}",
        };
        if (options.Authentication != "none")
        {
            requests.Add($"authentication={options.Authentication}");
            if (Ctp01Authentication.UsesSeed(options.Authentication))
            {
                _seed = Ctp01Authentication.NewSeed();
                requests.Add($"authentication-seed={_seed}");
            }
        }

        await SendAsync([$"{ProgramName}~{ProgramVersion}~{requests.Count}", .. requests], cancellationToken);
        if (options.Authentication != "none")
        {
            _phase = Phase.Authorizing;
            return true;
        }

        await BeginStreamingAsync(cancellationToken);
        return true;
    }

    private async ValueTask<bool> OnAuthorizeAsync(string[] fields, CancellationToken cancellationToken)
    {
        if (fields.Length == 3 && fields[0] == "authorize"
            && Ctp01Authentication.Verify(options.Authentication, options.User, password, _seed ?? "", fields[1], fields[2]))
        {
            await SendAsync(["ack~authorize"], cancellationToken);
            await BeginStreamingAsync(cancellationToken);
            return true;
        }

        // CTP01: answer err~authorize and disconnect.
        await SendAsync(["err~authorize~invalid credentials"], cancellationToken);
        Close(RejectReason.AuthenticationFailed, fields.Length > 1 ? $"user '{Excerpt(fields[1])}'" : "no authorize line");
        return false;
    }

    private async Task BeginStreamingAsync(CancellationToken cancellationToken)
    {
        _phase = Phase.Streaming;
        // Connection id first: with connection-id=true the client holds newlocation lines until asked for it.
        var commands = new List<string>();
        if (options.ConnectionId)
        {
            commands.Add("getconnectionid");
        }

        commands.Add("geteventinfo");
        commands.Add("getlocations");
        await SendAsync([.. commands], cancellationToken);
        _background = KeepAliveAsync(_closing.Token);
    }

    private async ValueTask<bool> OnCommandAnswerAsync(string text, string[] fields, CancellationToken cancellationToken)
    {
        var command = fields.Length > 1 ? fields[1] : "";
        switch (fields[0])
        {
            case "ack" when command == "getconnectionid" && fields.Length >= 3 && fields[2].Length > 0:
                info.ConnectionId = fields[2];
                await OpenSourceAsync(fields[2], cancellationToken);
                return true;
            case "ack" when command == "getlocations":
                info.Locations = fields[2..];
                var started = 0;
                foreach (var location in fields.Skip(2).Where(l => l.Length > 0))
                {
                    started += await StartLocationAsync(location, cancellationToken, wakePull: false) ? 1 : 0;
                }

                // Pull mode asks the locations in turn: wake it once, with all of them known.
                if (_pull && started > 0)
                {
                    _locationStarted.Release();
                }

                return true;
            case "ack" when command == "geteventinfo":
                info.EventInfo = string.Join(" / ", fields.Skip(2).Where(f => f.Length > 0));
                return true;
            case "ack" when command == "getdata" && fields.Length >= 3 && int.TryParse(fields[2], out var count) && count >= 0:
                OnPullAnswer(count);
                return true;
            case "ack" when command is "ping" or "start" or "stop":
                return true;
            case "err":
                LogClientError(info.Id, Excerpt(text));
                if (command == "getdata")
                {
                    // The client will not answer this one: ask the next location rather than wait out the timeout.
                    Volatile.Read(ref _pullBatch)?.TrySetResult(0);
                }

                if (command == "getconnectionid" && _source is null)
                {
                    await OpenSourceAsync(FallbackConnectionId(), cancellationToken);
                }

                return true;
            default:
                Reject(RejectReason.UnknownLine, text);
                await RecordUnlocatedAsync(Encoding.UTF8.GetBytes(Excerpt(text)), RejectReason.UnknownLine, cancellationToken);
                return true;
        }
    }

    private async Task OpenSourceAsync(string connectionId, CancellationToken cancellationToken)
    {
        _source = await store.OpenSourceAsync(connectionId, _program, cancellationToken);
        info.ConnectionId ??= connectionId;
        LogSource(info.Id, connectionId, _source.IsNew ? "new" : "returning", _source.LastSequences.Count);
    }

    /// <summary>Without a CTP01 connection id, a returning client is recognised by its address and program.</summary>
    private string FallbackConnectionId() =>
        $"peer:{(context.RemoteEndPoint as System.Net.IPEndPoint)?.Address}:{_program}";

    /// <summary>Starts a location (push: <c>start~loc[~seq]</c>; pull: it joins the getdata round); true when it is new.</summary>
    private async Task<bool> StartLocationAsync(string location, CancellationToken cancellationToken, bool wakePull = true)
    {
        if (_source is null)
        {
            await OpenSourceAsync(FallbackConnectionId(), cancellationToken);
        }

        if (_started.Count >= options.MaxLocationsPerConnection && !_started.ContainsKey(location))
        {
            Reject(RejectReason.TooManyLocations, location);
            return false;
        }

        var last = _source!.LastSequences.GetValueOrDefault(location);
        if (!_started.TryAdd(location, last + 1))
        {
            return false;
        }

        _seenLocations.Add(location);
        NoteLocation(location);

        if (_pull)
        {
            if (wakePull)
            {
                _locationStarted.Release();
            }

            return true;
        }

        // CTP01 push mode: start~loc~seq resumes at that sequence number (de-duplication covers a repeat).
        await SendAsync([last > 0 ? $"start~{location}~{last + 1}" : $"start~{location}"], cancellationToken);
        return true;
    }

    /// <summary>Pings on an interval; a client that sent nothing since the previous ping is gone. Pull mode also asks for data here.</summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var pulling = _pull ? PullAsync(cancellationToken) : Task.CompletedTask;
            using var timer = new PeriodicTimer(options.PingInterval, time);
            var pinged = false;
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (Interlocked.Exchange(ref _activity, 0) == 0 && pinged)
                {
                    Close(RejectReason.PingTimeout, $"nothing received for {options.PingInterval.TotalSeconds:0.#} s after ping");
                    break;
                }

                await SendAsync(["ping"], cancellationToken);
                pinged = true;
            }

            await pulling;
        }
        catch (OperationCanceledException)
        {
            // The connection is closing.
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or InvalidOperationException)
        {
            context.Abort();
        }
    }

    /// <summary>
    /// Pull mode: ask each started location for its next reads, one getdata at a time. Every line after an
    /// <c>ack~getdata~N</c> counts towards N, whatever became of it; a batch that never completes is given up
    /// after <see cref="TimingOptions.PullTimeout"/> and the location is asked again from where it got to.
    /// </summary>
    private async Task PullAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var received = 0;
            var before = _started.ToArray();
            foreach (var location in _started.Keys.Order(StringComparer.Ordinal).ToArray())
            {
                var batch = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _pullLocation, location);
                Volatile.Write(ref _pullBatch, batch);
                await SendAsync([$"getdata~{options.PullBatch}~{location}~{_started[location]}"], cancellationToken);
                try
                {
                    received += await batch.Task.WaitAsync(options.PullTimeout, time, cancellationToken);
                }
                catch (TimeoutException)
                {
                    var got = Interlocked.Exchange(ref _pullExpected, 0) is var expected && expected > 0 ? Volatile.Read(ref _pullReceived) : 0;
                    LogPullTimeout(info.Id, location, got, expected, options.PullTimeout.TotalSeconds);
                    received += got;
                }
            }

            // Lines that moved no location on (a last line that cannot be read, resent each time) are no progress.
            if (received == 0 || before.All(b => _started.TryGetValue(b.Key, out var next) && next == b.Value) && before.Length == _started.Count)
            {
                // Nothing new anywhere: wait a moment, or until a location is started.
                await _locationStarted.WaitAsync(options.PullIdleDelay, cancellationToken);
            }
        }
    }

    private void OnPullAnswer(int count)
    {
        Volatile.Write(ref _pullReceived, 0);
        Volatile.Write(ref _pullExpected, count);
        if (count == 0)
        {
            Volatile.Read(ref _pullBatch)?.TrySetResult(0);
        }
    }

    /// <summary>Pull mode: a line of the current getdata answer arrived (stored, duplicate or refused alike).</summary>
    private void CountPulled(string location, long sequence)
    {
        if (!_pull)
        {
            return;
        }

        if (location.Length > 0 && location != Volatile.Read(ref _pullLocation))
        {
            // Not this batch's location: a late line of an earlier answer.
            return;
        }

        if (sequence > 0 && location.Length > 0 && _started.ContainsKey(location))
        {
            _started.AddOrUpdate(location, sequence + 1, (_, next) => Math.Max(next, sequence + 1));
        }

        var expected = Volatile.Read(ref _pullExpected);
        if (expected > 0 && Interlocked.Increment(ref _pullReceived) >= expected)
        {
            Volatile.Write(ref _pullExpected, 0);
            Volatile.Read(ref _pullBatch)?.TrySetResult(expected);
        }
    }

    private enum ReadOutcome { Rejected, Read, NewLocation }

    private ReadOutcome TakeRead(in ReadOnlySequence<byte> sequence, out NewLogEntry entry, out string? newLocation, out RejectedLine rejected)
    {
        entry = default;
        newLocation = null;
        rejected = default;
        byte[]? rented = null;
        try
        {
            var line = sequence.IsSingleSegment ? sequence.FirstSpan : Flatten(sequence, out rented);
            var reason = Ctp01Parser.TryParseRead(line, out var read);
            if (reason == RejectReason.None && read.Time.Kind == ReadTimeKind.TimeOfDay && !read.IsNewLocation(line)
                && !ReadTime.IsPlausibleUnixMs(clock.ToUnixMilliseconds(read.Time)))
            {
                // A time of day is dated by the event: with a date far off, it is no time to rank by either.
                reason = clock.HasDate ? RejectReason.TimeOutOfRange : RejectReason.None;
            }

            if (reason != RejectReason.None)
            {
                Reject(reason, line);
                rejected = Rejection(reason, line);
                return ReadOutcome.Rejected;
            }

            if (read.IsNewLocation(line))
            {
                newLocation = Encoding.UTF8.GetString(read.Location.Of(line));
                return ReadOutcome.NewLocation;
            }

            if (read.Time.Kind == ReadTimeKind.TimeOfDay && !clock.HasDate && !_warnedUndated)
            {
                _warnedUndated = true;
                LogUndated(info.Id);
            }

            entry = new NewLogEntry(
                read.IsGun(line) ? LogKind.Gun : LogKind.Read,
                _source!.Id,
                Encoding.UTF8.GetString(read.Location.Of(line)),
                read.Sequence,
                Encoding.UTF8.GetString(read.Tag.Of(line)),
                clock.ToUnixMilliseconds(read.Time),
                read.Lap,
                Encoding.UTF8.GetString(read.Reader.Of(line)),
                read.Gator,
                time.GetUtcNow().ToUnixTimeMilliseconds(),
                Encoding.UTF8.GetString(line));
            return ReadOutcome.Read;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private RejectedLine Rejection(RejectReason reason, ReadOnlySpan<byte> line)
    {
        var located = Ctp01Parser.TryLocate(line, out var sequence, out var location);
        return new RejectedLine(
            _source!.Id,
            located ? Encoding.UTF8.GetString(location.Of(line)) : "",
            located ? sequence : 0,
            IngestStatus.ToName(reason),
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            Excerpt(line, LogWriter.MaxUnstoredRawChars));
    }

    /// <summary>The connection's locations as status shows them: those the client listed, started, or sends reads for.</summary>
    private void NoteLocation(string location)
    {
        var known = info.Locations;
        if (!known.Contains(location))
        {
            info.Locations = [.. known, location];
        }
    }

    /// <summary>A refused line that names no location: counted durably under the source, when it is known.</summary>
    private async ValueTask RecordUnlocatedAsync((string Excerpt, RejectReason Reason) refused, CancellationToken cancellationToken)
    {
        if (_source is not null && refused.Reason != RejectReason.None)
        {
            await store.RejectAsync(new RejectedLine(
                _source.Id, "", 0, IngestStatus.ToName(refused.Reason), time.GetUtcNow().ToUnixTimeMilliseconds(), refused.Excerpt), cancellationToken);
        }
    }

    private ValueTask RecordUnlocatedAsync(byte[] line, RejectReason reason, CancellationToken cancellationToken) =>
        RecordUnlocatedAsync((Excerpt(line, LogWriter.MaxUnstoredRawChars), reason), cancellationToken);

    private bool TryDecode(in ReadOnlySequence<byte> sequence, out string text, out (string Excerpt, RejectReason Reason) refused)
    {
        refused = ("", RejectReason.None);
        byte[]? rented = null;
        try
        {
            var line = sequence.IsSingleSegment ? sequence.FirstSpan : Flatten(sequence, out rented);
            var reason = Ctp01Parser.CheckText(line);
            if (reason != RejectReason.None)
            {
                text = "";
                if (_phase == Phase.Streaming)
                {
                    Reject(reason, line);
                    refused = (Excerpt(line, LogWriter.MaxUnstoredRawChars), reason);
                }
                else
                {
                    Close(RejectReason.BadGreeting, $"{IngestStatus.ToName(reason)}: {Excerpt(line)}");
                }

                return false;
            }

            text = Encoding.UTF8.GetString(line);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Flatten(in ReadOnlySequence<byte> sequence, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        sequence.CopyTo(rented);
        return rented.AsSpan(0, (int)sequence.Length);
    }

    private static bool StartsWithCT(in ReadOnlySequence<byte> line)
    {
        Span<byte> head = stackalloc byte[2];
        if (line.Length < 2)
        {
            return false;
        }

        line.Slice(0, 2).CopyTo(head);
        return Ctp01Parser.LooksLikeRead(head);
    }

    private async Task SendAsync(string[] lines, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            foreach (var line in lines)
            {
                var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
                var n = Encoding.UTF8.GetBytes(line, span);
                span[n] = (byte)'\r';
                span[n + 1] = (byte)'\n';
                _output.Advance(n + 2);
            }

            // A client that never reads fills its socket buffer; give up on it instead of waiting forever.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.WriteTimeout);
            try
            {
                await _output.FlushAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Close(RejectReason.SlowReader, $"a write did not complete in {options.WriteTimeout.TotalSeconds:0} s");
                throw;
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void OnGreetingTimeout()
    {
        if (_phase == Phase.Streaming)
        {
            return;
        }

        Close(_phase == Phase.Greeting ? RejectReason.NoGreeting : RejectReason.AuthenticationFailed,
            $"no {(_phase == Phase.Greeting ? "greeting" : "authorize line")} within {options.GreetingTimeout.TotalSeconds:0.#} s");
    }

    /// <summary>
    /// Counts and logs a rejection that ends the connection, then ends the read loop so Kestrel closes the
    /// connection after flushing what was said (such as err~authorize). Only a client that does not read is
    /// aborted outright, since flushing to it would wait forever.
    /// </summary>
    /// <summary>The box is shutting down: stop reading. Nothing read so far is lost (it is queued for the
    /// store, which drains before it closes); what was not read is resent after the reconnect's resume.</summary>
    public void Stop() => _closing.Cancel();

    private void Close(RejectReason reason, string detail)
    {
        status.Reject(reason);
        LogClosing(info.Id, IngestStatus.ToName(reason), detail);
        _closing.Cancel();
        if (reason == RejectReason.SlowReader)
        {
            context.Abort(new ConnectionAbortedException(IngestStatus.ToName(reason)));
        }
    }

    private void Reject(RejectReason reason, ReadOnlySpan<byte> line) => Reject(reason, Excerpt(line));

    private void Reject(RejectReason reason, string line)
    {
        status.Reject(reason);
        if (++_rejections <= options.LoggedRejectionsPerConnection)
        {
            LogRejected(info.Id, IngestStatus.ToName(reason), Excerpt(line));
        }
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>A log-safe excerpt: at most 80 characters, control and non-ASCII bytes escaped.</summary>
    private static string Excerpt(ReadOnlySpan<byte> bytes, int max = 80)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(bytes.Length, max)])
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
        }

        return bytes.Length > max ? text.Append("...").ToString() : text.ToString();
    }

    private static string Excerpt(string text) => Excerpt(Encoding.UTF8.GetBytes(text.Length > 80 ? text[..80] + "..." : text));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection} rejected a line ({Reason}): {Line}")]
    private partial void LogRejected(long connection, string reason, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection} closing ({Reason}): {Detail}")]
    private partial void LogClosing(long connection, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection} had {Count} rejected lines in all")]
    private partial void LogRejectionSummary(long connection, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Timing connection {Connection} is source {ConnectionId} ({Kind}, {Locations} locations stored)")]
    private partial void LogSource(long connection, string connectionId, string kind, int locations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection}: getdata for {Location} brought {Received} of {Expected} lines in {Seconds} s; asking again")]
    private partial void LogPullTimeout(long connection, string location, int received, int expected, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection}: client answered {Line}")]
    private partial void LogClientError(long connection, string line);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timing connection {Connection} sends times without a date and meet.json has no event.date: those reads are placed on 1970-01-01 (raw lines kept)")]
    private partial void LogUndated(long connection);
}
