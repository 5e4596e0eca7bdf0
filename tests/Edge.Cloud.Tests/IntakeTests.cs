using System.Text;
using System.Text.Json;
using Edge.Cloud.Tests.Support;
using Edge.SyncAgent.Tests.Support;
using MQTTnet;
using MQTTnet.Protocol;

namespace Edge.Cloud.Tests;

/// <summary>A running consumer instance fed by hand over a real broker: hostile messages, holes, reports, the status pages.</summary>
[Collection(PostgresCollection.Name)]
public sealed class IntakeTests : IDisposable
{
    private readonly MosquittoBroker _broker = MosquittoBroker.Start();
    private readonly CloudRows _landed;
    private readonly CloudProcess _cloud;
    private readonly IMqttClient _box;

    public IntakeTests(PostgresFixture postgres)
    {
        var connection = postgres.Server.ConnectionString(postgres.Server.CreateDatabase("intake"));
        _landed = new CloudRows(connection);
        _cloud = new CloudProcess("intake", _broker, connection, "--Cloud:GapWait=00:00:02").Start().WaitHealthy(TimeSpan.FromSeconds(60));
        _box = new MqttClientFactory().CreateMqttClient();
        _box.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _broker.Port).WithClientId("test-box")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build()).Wait();
    }

    private void Publish(string topic, string payload) => Publish(topic, Encoding.UTF8.GetBytes(payload));

    private void Publish(string topic, byte[] payload) =>
        _box.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build()).Wait();

    private void PublishBatch(string device, long first, long last) =>
        Publish($"edge/{device}/reads", JsonSerializer.Serialize(LandingTests.Batch(first, last, device: device), Json));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Unreadable_messages_are_kept_aside_with_their_reason_and_the_box_carries_on()
    {
        PublishBatch("box-a", 1, 100);
        Publish("edge/box-a/reads", "{\"device\":\"box-a\",\"schema\":\"edge.sync/1\",\"topic\":\"reads\",\"first\":101,");
        Publish("edge/box-a/reads", new byte[] { 0xff, 0xfe, 0x00, 0x01 });
        Publish("edge/box-a/corrections", new string('[', 100_000));
        var huge = new byte[3 * 1024 * 1024];
        Array.Fill(huge, (byte)'x');
        Publish("edge/box-a/participants", huge);
        PublishBatch("box-a", 101, 200);

        Poll.Until(() => _landed.Watermark("box-a") == 200 && _landed.Rejected() == 4, TimeSpan.FromSeconds(30),
            () => $"200 landed and 4 kept aside; have {_landed.Watermark("box-a")} and {_landed.Rejected()}: {_landed.RejectedReasons()}\n{_cloud.Output}");
        Assert.Equal(200, _landed.Count("box-a"));
        Assert.Contains("participants: not a snapshot message", _landed.RejectedReasons(), StringComparison.Ordinal);
        // A huge message is kept in part, its size in full.
        Assert.Equal(3 * 1024 * 1024, _landed.Scalar("SELECT max(size) FROM rejected_messages"));
        Assert.Equal(64 * 1024, _landed.Scalar("SELECT max(length(payload)) FROM rejected_messages"));
        Assert.Empty(_cloud.Errors);
    }

    [Fact]
    public void A_batch_whose_predecessor_never_comes_lands_after_the_wait_and_the_gap_is_shown_until_it_fills()
    {
        PublishBatch("box-b", 1, 100);
        PublishBatch("box-b", 201, 300);
        Poll.Until(() => _landed.Watermark("box-b") == 300, TimeSpan.FromSeconds(30), () => $"300 landed after the gap wait; {_cloud.Output}");

        Assert.Equal(1, _landed.Gaps("box-b"));
        var boxes = JsonDocument.Parse(_cloud.Get("api/boxes")).RootElement;
        var box = boxes.EnumerateArray().Single(b => b.GetProperty("device").GetString() == "box-b");
        Assert.Equal(100, box.GetProperty("missing").GetInt64());
        Assert.Equal(101, box.GetProperty("gaps")[0].GetProperty("first").GetInt64());
        Assert.Contains("edge_cloud_box_missing{device=\"box-b\"} 100", _cloud.Get("metrics"), StringComparison.Ordinal);
        Assert.Contains("101-200", _cloud.Get("/"), StringComparison.Ordinal);

        PublishBatch("box-b", 101, 200);
        Poll.Until(() => _landed.Gaps("box-b") == 0, TimeSpan.FromSeconds(30), () => "the gap closed");
        Assert.Equal(300, _landed.Distinct("box-b"));
    }

    [Fact]
    public void Batches_arriving_out_of_order_land_in_order()
    {
        PublishBatch("box-c", 101, 200);
        PublishBatch("box-c", 201, 300);
        PublishBatch("box-c", 1, 100);

        Poll.Until(() => _landed.Watermark("box-c") == 300, TimeSpan.FromSeconds(30), () => $"300 landed; {_cloud.Output}");
        Assert.Equal(0, _landed.OutOfOrder("box-c"));
        Assert.Equal(0, _landed.Gaps("box-c"));
    }

    [Fact]
    public void Status_and_snapshots_are_kept_per_box_newest_first()
    {
        Publish("edge/box-d/status", """{"device":"box-d","schema":"edge.sync/1","state":"online","at":"2026-05-02T16:02:11Z","watermark":1202,"lastLogId":1250,"pending":48}""");
        Publish("edge/box-d/results/10k", """{"device":"box-d","schema":"edge.sync/1","topic":"results/10k","at":"2026-05-02T16:02:12.00Z","data":{"rows":[1,2]}}""");
        Publish("edge/box-d/results/10k", """{"device":"box-d","schema":"edge.sync/1","topic":"results/10k","at":"2026-05-02T16:01:00.00Z","data":{"rows":["older"]}}""");

        Poll.Until(() => _landed.Scalar("SELECT count(*) FROM boxes WHERE device = 'box-d' AND reported_state = 'online'") == 1 &&
                         _landed.Scalar("SELECT count(*) FROM snapshots WHERE device = 'box-d'") == 1, TimeSpan.FromSeconds(30), () => "status and snapshot");
        Thread.Sleep(300);
        Assert.Equal(2, _landed.Scalar("SELECT jsonb_array_length(data->'rows') FROM snapshots WHERE device = 'box-d' AND topic = 'results/10k'"));
        var box = JsonDocument.Parse(_cloud.Get("api/boxes")).RootElement.EnumerateArray().Single(b => b.GetProperty("device").GetString() == "box-d");
        Assert.Equal(1250, box.GetProperty("reportedLastId").GetInt64());
        Assert.Equal(1250, box.GetProperty("behind").GetInt64());

        Publish("edge/box-d/status", """{"device":"box-d","schema":"edge.sync/1","state":"offline"}""");
        Poll.Until(() => _landed.Scalar("SELECT count(*) FROM boxes WHERE device = 'box-d' AND reported_state = 'offline' AND reported_last_id = 1250") == 1,
            TimeSpan.FromSeconds(30), () => "offline kept the last figures");
    }

    [Fact]
    public void A_stopped_instance_leaves_unacknowledged_messages_with_the_broker_for_its_return()
    {
        PublishBatch("box-e", 1, 100);
        Poll.Until(() => _landed.Watermark("box-e") == 100, TimeSpan.FromSeconds(30), () => "first batch");
        Assert.Equal(0, _cloud.Terminate(TimeSpan.FromSeconds(20)));

        PublishBatch("box-e", 101, 200);
        PublishBatch("box-e", 201, 300);
        Thread.Sleep(500);
        Assert.Equal(100, _landed.Watermark("box-e"));

        _cloud.Start().WaitHealthy(TimeSpan.FromSeconds(60));
        Poll.Until(() => _landed.Watermark("box-e") == 300, TimeSpan.FromSeconds(30), () => $"the rest after the restart; {_cloud.Output}");
        Assert.Equal(0, _landed.OutOfOrder("box-e"));
    }

    [Fact]
    public void A_waiting_backlog_lands_in_few_transactions_and_one_contradicting_batch_is_kept_aside_alone()
    {
        PublishBatch("box-f", 1, 100);
        Poll.Until(() => _landed.Watermark("box-f") == 100, TimeSpan.FromSeconds(30), () => "first batch");
        Assert.Equal(0, _cloud.Terminate(TimeSpan.FromSeconds(20)));

        Publish("edge/box-f/reads", JsonSerializer.Serialize(LandingTests.Batch(51, 150, variant: "~changed", device: "box-f"), Json));
        for (var first = 101; first <= 1_000; first += 100)
        {
            PublishBatch("box-f", first, first + 99);
        }

        _cloud.Start().WaitHealthy(TimeSpan.FromSeconds(60));
        Poll.Until(() => _landed.Watermark("box-f") == 1_000, TimeSpan.FromSeconds(30), () => $"the backlog; {_cloud.Output}");
        Assert.Equal(1_000, _landed.Distinct("box-f"));
        Assert.Equal(1, _landed.Rejected());
        Assert.Contains("ids 51..150 are stored already with other content", _landed.RejectedReasons(), StringComparison.Ordinal);
        Assert.Equal(0, _landed.OutOfOrder("box-f"));
        // 10 messages landed (the first, then nine waiting), in fewer transactions than messages.
        Assert.Equal(10, _landed.Scalar("SELECT batches FROM boxes WHERE device = 'box-f'"));
        Assert.True(_landed.Scalar("SELECT count(DISTINCT landed_at) FROM log_entries WHERE device = 'box-f'") < 10);
    }

    public void Dispose()
    {
        _box.Dispose();
        _cloud.Dispose();
        _broker.Dispose();
    }
}
