using System.Diagnostics;
using Edge.Cloud.Tests.Support;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Npgsql;

/// <summary>
/// The cloud consumer against a local mosquitto and a throwaway PostgreSQL cluster: entries per second landed with one
/// and two instances, a live read's time from the box to its committed row, and the database's size per 100,000 reads.
/// </summary>
internal static class CloudBenchmarks
{
    private const int Boxes = 3;
    private const int EntriesPerBox = 100_000;

    public static Task Run()
    {
        using var postgres = PostgresServer.Start();
        foreach (var instances in new[] { 1, 2 })
        {
            Drain(postgres, instances);
        }

        Live(postgres);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Three boxes' backlogs (100,000 entries each, 1 in 1,000 a correction) drained through their agents into the
    /// instances at once: the rate is entries landed over the time from the first landed row to the last.
    /// </summary>
    private static void Drain(PostgresServer postgres, int instances)
    {
        var connection = postgres.ConnectionString(postgres.CreateDatabase("bench"));
        using var broker = MosquittoBroker.Start();
        var clouds = Enumerable.Range(1, instances)
            .Select(i => new CloudProcess($"bench-{i}", broker, connection, "--Logging:LogLevel:Default=Warning").Start()).ToList();
        var dirs = Enumerable.Range(1, Boxes).Select(i => TempDir.Create("bench-cloud")).ToList();
        var agents = new List<AgentProcess>();
        try
        {
            foreach (var cloud in clouds)
            {
                cloud.WaitHealthy(TimeSpan.FromSeconds(60));
            }

            foreach (var dir in dirs)
            {
                TestLog.Build(dir, EntriesPerBox);
            }

            var clock = Stopwatch.StartNew();
            agents.AddRange(dirs.Select((dir, i) =>
                new AgentProcess(dir, AgentProcess.For(broker, $"bench-box-{i + 1}", "--Logging:LogLevel:Default=Warning")).Start()));
            const long Total = (long)Boxes * EntriesPerBox;
            var published = TimeSpan.Zero;
            while (Scalar(connection, "SELECT coalesce(sum(watermark), 0) FROM boxes") < Total)
            {
                if (published == TimeSpan.Zero && agents.All(a => a.SavedWatermark() == EntriesPerBox))
                {
                    published = clock.Elapsed;
                }

                if (clock.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException("the backlogs did not land in 10 minutes");
                }

                Thread.Sleep(20);
            }

            var wall = clock.Elapsed;
            if (published == TimeSpan.Zero)
            {
                published = wall;
            }

            var landing = Scalar(connection, "SELECT (extract(epoch FROM max(landed_at) - min(landed_at)) * 1000)::bigint FROM log_entries");
            var perInstance = string.Join(", ", clouds.Select(c => Landed(c) + " by " + c.InstanceId));
            Console.WriteLine($"cloud-drain, {instances} instance{(instances == 1 ? "" : "s")}: {Total:N0} entries from {Boxes} boxes landed " +
                $"in {wall.TotalSeconds:F1} s from the agents' start, {landing / 1000.0:F1} s from the first row to the last = " +
                $"{Total * 1000.0 / Math.Max(1, landing):N0} entries/s ({perInstance}); the agents had all of it acknowledged by the broker after {published.TotalSeconds:F1} s; " +
                $"waits for an earlier batch: {string.Join(", ", clouds.Select(c => Metric(c, "edge_cloud_ahead_waits_total")))}");
            if (instances == 1)
            {
                var size = Scalar(connection, "SELECT pg_total_relation_size('log_entries')");
                var table = Scalar(connection, "SELECT pg_relation_size('log_entries')");
                Console.WriteLine($"cloud-size: log_entries with its indexes {size / 1048576.0:F1} MiB for {Total:N0} entries = " +
                    $"{size * 100_000.0 / Total / 1048576.0:F1} MiB per 100,000 (table alone {table * 100_000.0 / Total / 1048576.0:F1} MiB)");
            }
        }
        finally
        {
            foreach (var agent in agents)
            {
                agent.Dispose();
            }

            foreach (var cloud in clouds)
            {
                cloud.Dispose();
            }

            dirs.ForEach(TempDir.Delete);
        }
    }

    /// <summary>A box taking 20 reads a second for 30 s with its agent live: from the read's arrival at the box to its row's commit.</summary>
    private static void Live(PostgresServer postgres)
    {
        var connection = postgres.ConnectionString(postgres.CreateDatabase("live"));
        using var broker = MosquittoBroker.Start();
        using var cloud = new CloudProcess("bench-live", broker, connection, "--Logging:LogLevel:Default=Warning").Start().WaitHealthy(TimeSpan.FromSeconds(60));
        var dir = TempDir.Create("bench-cloud-live");
        try
        {
            using var log = new TestLog(dir);
            log.Append(1, correctionEvery: 0);
            using var agent = new AgentProcess(dir, AgentProcess.For(broker, "live-box", "--Logging:LogLevel:Default=Warning")).Start();
            while (Scalar(connection, "SELECT count(*) FROM log_entries") < 1)
            {
                Thread.Sleep(20);
            }

            const int Reads = 600;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < Reads; i++)
            {
                var due = TimeSpan.FromMilliseconds(i * 50);
                if (clock.Elapsed < due)
                {
                    Thread.Sleep(due - clock.Elapsed);
                }

                log.Append(1, correctionEvery: 0);
            }

            while (Scalar(connection, "SELECT count(*) FROM log_entries") < Reads + 1)
            {
                Thread.Sleep(20);
            }

            // landed_at is the landing transaction's start (PostgreSQL's now()); received_ms the box's clock as the read was stored.
            var p50 = Scalar(connection, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM landed_at) * 1000 - received_ms)::bigint FROM log_entries WHERE id > 1");
            var p99 = Scalar(connection, "SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM landed_at) * 1000 - received_ms)::bigint FROM log_entries WHERE id > 1");
            var max = Scalar(connection, "SELECT max(extract(epoch FROM landed_at) * 1000 - received_ms)::bigint FROM log_entries WHERE id > 1");
            Console.WriteLine($"cloud-live: {Reads} reads at 20/s, box's store to the cloud's row: p50 {p50} ms, p99 {p99} ms, max {max} ms");
        }
        finally
        {
            TempDir.Delete(dir);
        }
    }

    private static string Landed(CloudProcess cloud) => Metric(cloud, "edge_cloud_entries_landed_total");

    private static string Metric(CloudProcess cloud, string name) =>
        cloud.Get("metrics").Split('\n').First(l => l.StartsWith(name + "{", StringComparison.Ordinal)).Split(' ')[^1];

    private static long Scalar(string connectionString, string sql)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
