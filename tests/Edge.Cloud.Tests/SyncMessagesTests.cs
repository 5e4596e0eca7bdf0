using System.Text;
using Edge.Cloud.Intake;

namespace Edge.Cloud.Tests;

/// <summary>Reading what boxes send: the documented shape is accepted, anything else is refused with a reason.</summary>
public sealed class SyncMessagesTests
{
    private const string Documented = """
        {"device":"lakeside-box-1","schema":"edge.sync/1","topic":"reads","first":1201,"last":1202,"count":2,"items":[
          {"id":1201,"kind":"read","meet":"lakeside-10k-2026","source":"ct-lakeside-1","sourceId":1,"location":"finish","seq":401,
           "tag":"1042","at":"2026-05-02T15:41:02.130Z","atMs":1777736462130,"lap":1,"reader":"A1B2C3","gator":3,"receivedMs":1777736462191,
           "raw":"CT01_33~401~finish~1042~15:41:02.13~1~A1B2C3~3"},
          {"id":1202,"kind":"gun","meet":"lakeside-10k-2026","source":"ct-lakeside-1","sourceId":1,"location":"start","seq":1,
           "tag":"guntime","at":"2026-05-02T15:00:00.000Z","atMs":1777734000000,"lap":0,"reader":"A1B2C3","gator":0,"receivedMs":1777736462195,
           "raw":"CT01_33~1~start~guntime~15:00:00.00~0~A1B2C3~0"}]}
        """;

    [Fact]
    public void The_documented_batch_reads_field_by_field()
    {
        var batch = SyncMessages.ReadBatch(Encoding.UTF8.GetBytes(Documented), "lakeside-box-1", "reads");

        Assert.Equal((1201L, 1202L, 2), (batch.First, batch.Last, batch.Count));
        var gun = batch.Items[1];
        Assert.Equal(("gun", "start", "guntime", 1_777_734_000_000L, 0, "A1B2C3"), (gun.Kind, gun.Location, gun.Tag, gun.AtMs, gun.Lap, gun.Reader));
        Assert.Equal("CT01_33~401~finish~1042~15:41:02.13~1~A1B2C3~3", batch.Items[0].Raw);
    }

    [Theory]
    [InlineData("{not json", "not a batch message")]
    [InlineData("null", "not a batch message")]
    [InlineData("[]", "not a batch message")]
    [InlineData("""{"device":"lakeside-box-1","schema":"edge.sync/2","topic":"reads","first":1,"last":1,"count":1,"items":[]}""", "schema 'edge.sync/2'")]
    [InlineData("""{"device":"lakeside-box-1","schema":"edge.sync/1","topic":"reads","first":1,"last":1,"count":1}""", "missing required properties")]
    [InlineData("""{"device":"lakeside-box-1","schema":"edge.sync/1","topic":"reads","first":1,"last":3,"count":2,"items":[]}""", "do not match count")]
    [InlineData("""{"device":"lakeside-box-1","schema":"edge.sync/1","topic":"reads","first":0,"last":0,"count":1,"items":[]}""", "ids 0..0")]
    [InlineData("""{"device":"lakeside-box-1","schema":"edge.sync/1","topic":"corrections","first":1,"last":1,"count":1,"items":[]}""", "came on 'reads'")]
    public void A_malformed_batch_is_refused_with_a_reason(string json, string reason)
    {
        var error = Assert.Throws<FormatException>(() => SyncMessages.ReadBatch(Encoding.UTF8.GetBytes(json), "lakeside-box-1", "reads"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_from_another_box_than_its_topic_says_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => SyncMessages.ReadBatch(Encoding.UTF8.GetBytes(Documented), "finish-box", "reads"));
        Assert.Contains("device 'lakeside-box-1' but came on the topic of 'finish-box'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_that_skip_inside_a_batch_are_refused()
    {
        var skipping = Documented.Replace("\"id\":1202", "\"id\":1203", StringComparison.Ordinal);
        var error = Assert.Throws<FormatException>(() => SyncMessages.ReadBatch(Encoding.UTF8.GetBytes(skipping), "lakeside-box-1", "reads"));
        Assert.Contains("item 1 has id 1203, expected 1202", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Statuses_online_and_offline_both_read()
    {
        var online = SyncMessages.ReadStatus(Encoding.UTF8.GetBytes(
            """{"device":"b","schema":"edge.sync/1","state":"online","at":"2026-05-02T16:02:11Z","watermark":1202,"lastLogId":1250,"pending":48}"""), "b");
        var offline = SyncMessages.ReadStatus(Encoding.UTF8.GetBytes("""{"device":"b","schema":"edge.sync/1","state":"offline"}"""), "b");

        Assert.Equal(("online", 1202L, 1250L, 48L), (online.State, online.Watermark, online.LastLogId, online.Pending));
        Assert.Equal(("offline", (long?)null), (offline.State, offline.Watermark));
    }
}
