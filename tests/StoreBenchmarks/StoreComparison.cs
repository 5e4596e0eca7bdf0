using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Edge.StoreBenchmarks;

/// <summary>
/// The same durable group-commit workload in SQLite and LiteDB: throughput per batch size, sync calls per
/// commit counted by strace, and a reader in a second process while the writer commits.
/// </summary>
internal static partial class StoreComparison
{
    private static readonly int[] BatchSizes = [1, 10, 1_000];
    private static readonly Engine[] Engines = [Engine.Sqlite, Engine.LiteDbDirect, Engine.LiteDbShared];
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(2);

    public static async Task RunAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"edge-store-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        var total = Stopwatch.StartNew();
        try
        {
            UniqueKeys(root);
            var rates = await ThroughputAsync(root);
            var syncs = await SyncCallsAsync(root);
            Console.WriteLine();
            Console.WriteLine("| engine | batch | reads/s | sync calls per commit (log file) |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var engine in Engines)
            {
                foreach (var size in BatchSizes)
                {
                    var (all, log) = syncs[(engine, size)];
                    Console.WriteLine($"| {engine.Label()} | {size:N0} | {rates[(engine, size)]:N0} | {all:0.00} ({log:0.00}) |");
                }
            }

            Console.WriteLine();
            await ReaderAsync(root, Engine.Sqlite, Engine.Sqlite);
            await ReaderAsync(root, Engine.LiteDbShared, Engine.LiteDbShared);
            // LiteDB #2163: a Direct writer and a Shared reader are not kept apart on Linux.
            await ReaderAsync(root, Engine.LiteDbDirect, Engine.LiteDbShared);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Console.WriteLine($"store: done in {total.Elapsed.TotalSeconds:F0} s");
    }

    // Both engines must refuse a resent read (same source, location, seq) and a replayed one (same identity).
    private static void UniqueKeys(string root)
    {
        foreach (var engine in new[] { Engine.Sqlite, Engine.LiteDbDirect })
        {
            var dir = Fresh(root, $"keys-{engine.Name()}");
            using var store = LogStores.OpenWriter(engine, dir);
            var first = ReadRecord.Make(1);
            var stored = store.TryInsert(first);
            var resent = store.TryInsert(first with { Id = 2, AtMs = first.AtMs + 1, Raw = first.Raw + "~resent" });
            var replayed = store.TryInsert(first with { Id = 3, SourceId = 2, Sequence = 99 });
            var next = store.TryInsert(ReadRecord.Make(2));
            var ok = stored && !resent && !replayed && next && store.Count() == 2;
            Console.WriteLine($"unique keys, {engine.Label()}: {(ok ? "resent and replayed reads refused" : "NOT ENFORCED")}");
        }
    }

    private static async Task<Dictionary<(Engine, int), double>> ThroughputAsync(string root)
    {
        const double seconds = 3;
        Console.WriteLine($"throughput: one transaction per batch, {seconds:N0} s of appends per run, fresh file each run");
        var rates = new Dictionary<(Engine, int), double>();
        foreach (var engine in Engines)
        {
            foreach (var size in BatchSizes)
            {
                var dir = Fresh(root, $"rate-{engine.Name()}-{size}");
                using var child = ChildProcess.Start(WriteArgs(engine, dir, size, long.MaxValue, seconds));
                var r = await child.ResultAsync<WriteResult>(ChildTimeout);
                var rate = r.Reads / r.AppendSeconds;
                rates[(engine, size)] = rate;
                Console.WriteLine($"  {engine.Label(),-36} batch {size,5:N0}: {rate,9:N0} reads/s ({r.Transactions / r.AppendSeconds:N0} commits/s, {r.Reads:N0} reads)");
                Directory.Delete(dir, recursive: true);
            }
        }

        return rates;
    }

    // Sync calls per commit: a run of N transactions under strace, less a run of none (opening, creating the
    // schema and closing), divided by N. Split by file: the log (SQLite's -wal, LiteDB's -log.db) is where a
    // commit lands, so a commit that is durable on return must sync it.
    private static async Task<Dictionary<(Engine, int), (double All, double Log)>> SyncCallsAsync(string root)
    {
        Console.WriteLine($"sync calls per committed transaction: strace -f -y -e trace={ChildProcess.SyncCalls}");
        var result = new Dictionary<(Engine, int), (double, double)>();
        foreach (var engine in Engines)
        {
            var (baseAll, baseLog, _) = await TraceAsync(root, engine, 1, 0);
            foreach (var size in BatchSizes)
            {
                var transactions = size >= 1_000 ? 30 : 300;
                var (all, log, files) = await TraceAsync(root, engine, size, transactions);
                var perAll = (all - baseAll) / (double)transactions;
                var perLog = (log - baseLog) / (double)transactions;
                result[(engine, size)] = (perAll, perLog);
                Console.WriteLine($"  {engine.Label(),-36} batch {size,5:N0}: {perAll:0.00} per commit, {perLog:0.00} on the log ({transactions} commits; {files}; {baseAll} in a run of none)");
            }
        }

        return result;
    }

    private static async Task<(long All, long Log, string Files)> TraceAsync(string root, Engine engine, int size, long transactions)
    {
        var dir = Fresh(root, $"sync-{engine.Name()}-{size}-{transactions}");
        var trace = Path.Combine(root, $"strace-{engine.Name()}-{size}-{transactions}.txt");
        using (var child = ChildProcess.Start(WriteArgs(engine, dir, size, transactions, 600), trace))
        {
            var r = await child.ResultAsync<WriteResult>(ChildTimeout);
            if (r.Transactions != transactions)
            {
                throw new InvalidOperationException($"traced writer committed {r.Transactions} of {transactions}");
            }
        }

        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(trace))
        {
            var m = SyncCall().Match(line);
            if (m.Success)
            {
                var key = $"{m.Groups[1].Value} {FileKind(m.Groups[2].Value)}";
                calls[key] = calls.GetValueOrDefault(key) + 1;
            }
        }

        Directory.Delete(dir, recursive: true);
        File.Delete(trace);
        var files = calls.Count == 0 ? "no sync calls" : string.Join(", ", calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));
        return (calls.Values.Sum(), calls.Where(c => c.Key.EndsWith(" log", StringComparison.Ordinal)).Sum(c => c.Value), files);
    }

    private static string FileKind(string path) =>
        path.EndsWith("-wal", StringComparison.Ordinal) || path.EndsWith("-log.litedb", StringComparison.Ordinal) ? "log"
        : path.EndsWith("edge.db", StringComparison.Ordinal) || path.EndsWith("edge.litedb", StringComparison.Ordinal) ? "data"
        : path.Length == 0 ? "no-file" : "other";

    // The parent appends batches of 10 for a fixed time, first alone, then while a second process queries the
    // newest records: both rates seconds apart in one process, so a busy moment of the machine hits both alike.
    private static async Task ReaderAsync(string root, Engine writerEngine, Engine readerEngine)
    {
        var alone = TimeSpan.FromSeconds(4);
        var attached = TimeSpan.FromSeconds(8);
        var dir = Fresh(root, $"reader-{writerEngine.Name()}-{readerEngine.Name()}");
        var writer = new PacedWriter(LogStores.OpenWriter(writerEngine, dir));
        ReadResult read;
        double aloneRate, attachedRate;
        try
        {
            aloneRate = writer.WriteFor(alone);
            using var reader = ChildProcess.Start(["read", readerEngine.Name(), dir]);
            var ready = await reader.ReadLineAsync(ChildTimeout);
            if (ready != "ready")
            {
                throw new InvalidOperationException($"reader said '{ready}'");
            }

            attachedRate = writer.WriteFor(attached);
            await reader.WriteLineAsync("stop");
            read = await reader.ResultAsync<ReadResult>(ChildTimeout);
        }
        finally
        {
            writer.Dispose();
        }

        var committed = writer.Committed;
        // Lost writes: what the file holds once every process has closed it, against what Append confirmed.
        string stored;
        try
        {
            using var again = LogStores.OpenWriter(writerEngine == Engine.Sqlite ? Engine.Sqlite : Engine.LiteDbDirect, dir);
            var count = again.Count();
            stored = $"{count:N0} stored after closing, {committed - count:N0} lost";
        }
        catch (Exception e)
        {
            stored = $"reopening failed: {e.GetType().Name}: {e.Message}";
        }

        var pair = writerEngine == readerEngine ? writerEngine.Label() : $"{writerEngine.Label()} writer, {readerEngine.Label()} reader";
        Console.WriteLine($"reader in a second process, {pair}; writer batches of {PacedWriter.BatchSize}, {alone.TotalSeconds:N0} s alone, then {attached.TotalSeconds:N0} s with the reader:");
        Console.WriteLine($"  writer {attachedRate:N0} reads/s with the reader attached, {aloneRate:N0} alone; {committed:N0} committed, {writer.Errors} errors{(writer.FirstError is null ? "" : $" (first: {writer.FirstError})")}");
        Console.WriteLine($"  reader {read.Queries / read.Seconds:N0} queries/s of the newest 20; newest id seen {read.MaxIdSeen:N0}; {(read.FinalCount < 0 ? "could not count at the end" : $"counted {read.FinalCount:N0} at the end ({(read.FinalCount == committed ? "every committed record" : $"{committed - read.FinalCount:N0} missing")})")}; {read.Decreases} newest-id decreases, {read.Gaps} gaps, {read.Errors} errors{(read.FirstError is null ? "" : $" (first: {read.FirstError})")}");
        Console.WriteLine($"  {stored}");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The reader scenario's writer: batches of 10 for a given time, counting only what Append confirmed.</summary>
    private sealed class PacedWriter(ILogStore store) : IDisposable
    {
        public const int BatchSize = 10;
        private readonly ReadRecord[] _batch = new ReadRecord[BatchSize];

        public long Committed { get; private set; }

        public long Errors { get; private set; }

        public string? FirstError { get; private set; }

        /// <summary>Appends for <paramref name="duration"/> and returns the reads per second of appending.</summary>
        public double WriteFor(TimeSpan duration)
        {
            var before = Committed;
            var appending = new Stopwatch();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration && Errors < 100)
            {
                // After a failed append the same ids are tried again: the log stays dense.
                ReadRecord.Fill(_batch, Committed);
                appending.Start();
                try
                {
                    store.Append(_batch);
                    Committed += BatchSize;
                }
                catch (Exception e)
                {
                    Errors++;
                    FirstError ??= $"{e.GetType().Name}: {e.Message}";
                }
                finally
                {
                    appending.Stop();
                }
            }

            return (Committed - before) / appending.Elapsed.TotalSeconds;
        }

        public void Dispose() => store.Dispose();
    }

    private static string[] WriteArgs(Engine engine, string dir, int size, long transactions, double seconds) =>
        ["write", engine.Name(), dir, size.ToString(CultureInfo.InvariantCulture), transactions.ToString(CultureInfo.InvariantCulture), seconds.ToString(CultureInfo.InvariantCulture)];

    private static string Fresh(string root, string name)
    {
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [GeneratedRegex(@"^\d+\s+(fsync|fdatasync|msync|sync_file_range|syncfs|sync)\((?:\d+<([^>]*)>)?")]
    private static partial Regex SyncCall();
}
