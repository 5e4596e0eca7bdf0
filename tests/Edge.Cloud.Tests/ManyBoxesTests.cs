using Edge.Cloud.Tests.Support;
using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;
using Xunit.Abstractions;

namespace Edge.Cloud.Tests;

/// <summary>
/// Three boxes' sync agents publish at once to two consumer instances sharing one subscription. One instance is
/// SIGKILLed and started again, PostgreSQL crashes and restarts, the broker restarts: the database still holds every
/// entry of every box exactly once, as the box has it, committed in the box's order.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ManyBoxesTests(PostgresFixture postgres, ITestOutputHelper output) : IDisposable
{
    private readonly List<string> _dirs = [];

    [Fact]
    public void Three_boxes_two_instances_every_entry_exactly_once_in_order_through_an_instance_kill_a_database_crash_and_a_broker_restart()
    {
        const int Backlog = 12_000;
        const int Live = 6_000;
        string[] devices = ["start-box", "half-box", "finish-box"];
        var database = postgres.Server.CreateDatabase("many");
        var connection = postgres.Server.ConnectionString(database);
        var landed = new CloudRows(connection);
        using var broker = MosquittoBroker.Start();

        // The consumers' sessions and shared subscriptions exist before any box publishes; a clean broker restart
        // writes them to its persistence file, so every later restart brings them back.
        var one = new CloudProcess("one", broker, connection).Start().WaitHealthy(TimeSpan.FromSeconds(60));
        var two = new CloudProcess("two", broker, connection).Start().WaitHealthy(TimeSpan.FromSeconds(60));
        try
        {
            broker.Stop();
            broker.Restart();
            one.WaitHealthy(TimeSpan.FromSeconds(30));
            two.WaitHealthy(TimeSpan.FromSeconds(30));

            var dataDirs = devices.Select(d => Dir(d)).ToArray();
            var logs = dataDirs.Select(dir => new TestLog(dir)).ToList();
            foreach (var log in logs)
            {
                log.Append(Backlog, correctionEvery: 499);
            }

            var agents = devices.Select((device, i) =>
                new AgentProcess(dataDirs[i], AgentProcess.For(broker, device, "--Sync:MaxBatchItems=200", "--Sync:InflightMessages=8")).Start()).ToList();
            try
            {
                long Total() => devices.Sum(d => Math.Max(0, landed.TryCount(d)));
                var target = (long)devices.Length * (Backlog + Live);

                // The boxes keep taking reads while the cloud is interrupted three times.
                var appended = 0;
                void Append(int n)
                {
                    foreach (var log in logs)
                    {
                        log.Append(n, correctionEvery: 499);
                    }

                    appended += n;
                }

                Poll.Until(() => Total() >= target / 5, TimeSpan.FromSeconds(120), () => $"a fifth landed; have {Total()}");
                Append(Live / 3);
                one.Kill();
                output.WriteLine($"instance one killed at {Total()} entries");
                Append(Live / 6);
                one.Dispose();
                one = new CloudProcess("one", broker, connection).Start().WaitHealthy(TimeSpan.FromSeconds(60));

                Poll.Until(() => Total() >= target * 2 / 5, TimeSpan.FromSeconds(120), () => $"two fifths landed; have {Total()}");
                postgres.Server.Crash();
                output.WriteLine("database crashed");
                Append(Live / 6);
                Thread.Sleep(1500);
                postgres.Server.Restart();

                Poll.Until(() => Total() >= target * 3 / 5, TimeSpan.FromSeconds(120), () => $"three fifths landed; have {Total()}");
                broker.Stop();
                output.WriteLine($"broker stopped at {Total()} entries");
                Append(Live - appended);
                broker.Restart();

                Poll.Until(() => devices.All(d => landed.Watermark(d) >= Backlog + Live), TimeSpan.FromSeconds(180),
                    () => $"every box landed to {Backlog + Live}: " + string.Join(", ", devices.Select(d => $"{d} {landed.Watermark(d)}")) +
                          $"\none: {Tail(one)}\ntwo: {Tail(two)}");
            }
            finally
            {
                foreach (var log in logs)
                {
                    log.Dispose();
                }

                foreach (var agent in agents)
                {
                    agent.Dispose();
                }
            }

            for (var i = 0; i < devices.Length; i++)
            {
                var device = devices[i];
                var box = CloudRows.BoxLog(dataDirs[i]);
                Assert.Equal(Backlog + Live, box.Count);
                Assert.Equal(box.Count, landed.Count(device));
                Assert.Equal(box.Count, landed.Distinct(device));
                Assert.True(landed.OutOfOrder(device) == 0, $"{device}: {landed.OutOfOrderRows(device)}");
                Assert.Equal(0, landed.Gaps(device));
                Assert.Equal(box, landed.Entries(device));
            }

            Assert.True(landed.Rejected() == 0, landed.RejectedReasons());
            var boxes = one.Get("api/boxes");
            foreach (var device in devices)
            {
                Assert.Contains($"\"device\":\"{device}\"", boxes, StringComparison.Ordinal);
            }

            // Both instances did part of the work, and neither logged an error.
            var metrics = new[] { one.Get("metrics"), two.Get("metrics") };
            output.WriteLine(string.Join("\n", metrics.Select(m => m.Split('\n').First(l => l.StartsWith("edge_cloud_entries_landed_total", StringComparison.Ordinal)))));
            Assert.Empty(one.Errors);
            Assert.Empty(two.Errors);
            Assert.Equal(0, one.Terminate(TimeSpan.FromSeconds(20)));
            Assert.Equal(0, two.Terminate(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            one.Dispose();
            two.Dispose();
            if (postgres.Server.Starts > 0)
            {
                EnsureRunning();
            }
        }
    }

    private static string Tail(CloudProcess cloud) => string.Join("\n", cloud.Output.Split('\n').TakeLast(15));

    private void EnsureRunning()
    {
        try
        {
            postgres.Server.Restart();
        }
        catch (InvalidOperationException)
        {
            // Already running.
        }
    }

    private string Dir(string name)
    {
        var dir = TempDir.Create("cloud-" + name);
        _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        foreach (var dir in _dirs)
        {
            TempDir.Delete(dir);
        }
    }
}
