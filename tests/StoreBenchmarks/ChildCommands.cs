using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Edge.StoreBenchmarks;

/// <summary>What a writer child reports: transactions committed and the time spent in them.</summary>
internal sealed record WriteResult(long Transactions, long Reads, double AppendSeconds);

/// <summary>
/// What a reader child reports: its queries, the newest id it saw, the count at the end, and anything that
/// would mean a committed record was missed or lost.
/// </summary>
internal sealed record ReadResult(
    long Queries,
    double Seconds,
    long MaxIdSeen,
    long FinalCount,
    long Decreases,
    long Gaps,
    long Errors,
    string? FirstError);

internal static class ChildCommands
{
    /// <summary>
    /// <c>write ENGINE DIR BATCH MAX_TRANSACTIONS SECONDS</c>: appends batches until either limit, then prints a
    /// <see cref="WriteResult"/>. Only the appends are timed, not opening, generating reads or closing.
    /// </summary>
    public static int Write(string[] args)
    {
        var engine = LogStores.Parse(args[0]);
        var batchSize = int.Parse(args[2], CultureInfo.InvariantCulture);
        var maxTransactions = long.Parse(args[3], CultureInfo.InvariantCulture);
        var limit = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        var batch = new ReadRecord[batchSize];
        var appending = new Stopwatch();
        long transactions = 0;
        using (var store = LogStores.OpenWriter(engine, args[1]))
        {
            while (transactions < maxTransactions && appending.Elapsed < limit)
            {
                ReadRecord.Fill(batch, transactions * batchSize);
                appending.Start();
                store.Append(batch);
                appending.Stop();
                transactions++;
            }
        }

        Console.WriteLine(JsonSerializer.Serialize(new WriteResult(transactions, transactions * batchSize, appending.Elapsed.TotalSeconds)));
        return 0;
    }

    /// <summary>
    /// <c>read ENGINE DIR</c>: prints <c>ready</c>, then queries the newest 20 records in a loop until a line
    /// arrives on standard input, then counts the records and prints a <see cref="ReadResult"/>.
    /// </summary>
    public static int Read(string[] args)
    {
        const int newest = 20;
        var engine = LogStores.Parse(args[0]);
        using var store = LogStores.OpenReader(engine, args[1]);
        var stop = 0;
        var stdin = new Thread(() =>
        {
            Console.In.ReadLine();
            Volatile.Write(ref stop, 1);
        })
        { IsBackground = true };
        stdin.Start();
        Console.WriteLine("ready");

        long queries = 0, maxSeen = 0, decreases = 0, gaps = 0, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref stop) == 0)
        {
            try
            {
                var ids = store.NewestIds(newest);
                queries++;
                if (ids.Count == 0)
                {
                    continue;
                }

                // A newest id below one already seen means a committed record vanished.
                if (ids[0] < maxSeen)
                {
                    decreases++;
                }

                maxSeen = Math.Max(maxSeen, ids[0]);
                // Ids are dense: the newest records must be consecutive, or one in between is missing.
                for (var i = 1; i < ids.Count; i++)
                {
                    if (ids[i] != ids[i - 1] - 1)
                    {
                        gaps++;
                        break;
                    }
                }
            }
            catch (Exception e)
            {
                errors++;
                firstError ??= $"{e.GetType().Name}: {e.Message}";
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        long count = -1;
        try
        {
            count = store.Count();
        }
        catch (Exception e)
        {
            errors++;
            firstError ??= $"{e.GetType().Name}: {e.Message}";
        }

        Console.WriteLine(JsonSerializer.Serialize(new ReadResult(queries, seconds, maxSeen, count, decreases, gaps, errors, firstError)));
        return 0;
    }
}
