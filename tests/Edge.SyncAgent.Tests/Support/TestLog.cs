using System.Globalization;
using Edge.Store;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>
/// Writes realistic log entries into a data dir's edge.db through the store's own LogWriter, as the appliance
/// would: CTP01 reads from one controller at three mats, and every so often a timer's correction.
/// </summary>
public sealed class TestLog : IDisposable
{
    private static readonly string[] Locations = ["start", "5k", "finish"];
    private static readonly LogKind[] CorrectionKinds = [LogKind.Dnf, LogKind.Dq, LogKind.ManualTime, LogKind.GunTime, LogKind.BibSwap, LogKind.Void];
    private readonly Microsoft.Data.Sqlite.SqliteConnection _connection;
    private readonly LogWriter _writer;
    private readonly long _controller;
    private readonly long _console;
    private readonly long[] _sequences = new long[Locations.Length];
    private long _consoleSequence;
    private long _reads;

    public TestLog(string dataDir)
    {
        _connection = EdgeDatabase.OpenWriter(dataDir);
        _writer = new LogWriter(_connection);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var controller = _writer.OpenSource("ct-lakeside-1", "SimpleClient", now);
        var console = _writer.OpenSource("console", "edge", now);
        _controller = controller.Id;
        _console = console.Id;
        // Appending to an existing log continues its sequences and times.
        for (var i = 0; i < Locations.Length; i++)
        {
            _sequences[i] = controller.LastSequences.GetValueOrDefault(Locations[i]);
        }

        _consoleSequence = console.LastSequences.GetValueOrDefault("finish");
        _reads = _writer.NextId;
    }

    /// <summary>Entries written so far as (read or gun) and corrections.</summary>
    public long ReadsWritten { get; private set; }

    public long CorrectionsWritten { get; private set; }

    /// <summary>Highest id in the log.</summary>
    public long LastId => _writer.NextId - 1;

    /// <summary>Creates a log of <paramref name="count"/> entries, one in <paramref name="correctionEvery"/> a correction.</summary>
    public static (long Reads, long Corrections) Build(string dataDir, int count, int correctionEvery = 1000)
    {
        using var log = new TestLog(dataDir);
        log.Append(count, correctionEvery);
        return (log.ReadsWritten, log.CorrectionsWritten);
    }

    /// <summary>
    /// Appends in transactions of up to 5,000 entries; reads' raw lines are padded to <paramref name="rawLength"/>
    /// characters when it is longer than theirs (the ingest limit is 4,096).
    /// </summary>
    public void Append(int count, int correctionEvery = 1000, int rawLength = 0)
    {
        var batch = new NewLogEntry[Math.Min(count, 5000)];
        var stored = new long[batch.Length];
        var done = 0;
        while (done < count)
        {
            var n = Math.Min(batch.Length, count - done);
            for (var i = 0; i < n; i++)
            {
                batch[i] = Next(correctionEvery, rawLength);
            }

            _writer.Append(batch.AsSpan(0, n), stored.AsSpan(0, n));
            if (stored.AsSpan(0, n).Contains(0))
            {
                throw new InvalidOperationException("a generated entry was a duplicate");
            }

            done += n;
        }
    }

    private NewLogEntry Next(int correctionEvery, int rawLength)
    {
        var n = _reads++;
        var gun = new DateTimeOffset(2026, 5, 2, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (correctionEvery > 0 && n % correctionEvery == correctionEvery - 1)
        {
            CorrectionsWritten++;
            var kind = CorrectionKinds[(int)(_consoleSequence % CorrectionKinds.Length)];
            var bib = (1 + (n % 5000)).ToString(CultureInfo.InvariantCulture);
            return new NewLogEntry(kind, _console, "finish", ++_consoleSequence, bib, gun + (n * 10), 0, "", 0, received,
                $$"""{"by":"console","note":"test correction {{_consoleSequence}}"}""");
        }

        ReadsWritten++;
        var location = (int)(n % Locations.Length);
        var seq = ++_sequences[location];
        var tag = (1000 + (n / Locations.Length % 20_000)).ToString(CultureInfo.InvariantCulture);
        var at = gun + (n * 10);
        var gator = 1 + (int)(n % 8);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ff", CultureInfo.InvariantCulture);
        var raw = $"CT01_33~{seq}~{Locations[location]}~{tag}~{time}~1~A1B2C3~{gator}";
        if (raw.Length < rawLength)
        {
            raw += "~" + new string('x', rawLength - raw.Length - 1);
        }

        return new NewLogEntry(LogKind.Read, _controller, Locations[location], seq, tag, at, 1, "A1B2C3", gator, received, raw);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _connection.Dispose();
    }
}
