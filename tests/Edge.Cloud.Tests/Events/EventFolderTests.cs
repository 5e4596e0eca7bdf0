using Edge.Appliance.Meet;
using Edge.Cloud.Events;
using Edge.Tests.Support;

namespace Edge.Cloud.Tests.Events;

/// <summary>An event folder: event.json beside the meet folder's files, checked as strictly as meet.json.</summary>
public sealed class EventFolderTests : IDisposable
{
    private readonly TestMeet _folder = TestMeet.Standard();

    public void Dispose() => _folder.Dispose();

    private string Write(string json)
    {
        File.WriteAllText(Path.Combine(_folder.Path, EventFolder.EventFile), json);
        return _folder.Path;
    }

    [Fact]
    public void An_event_names_its_boxes_and_takes_the_meet_and_its_key_from_the_folder()
    {
        var loaded = EventFolder.Load(Write("""
            // The start, half-way and finish boxes of the Lakeside 10K.
            { "id": "lakeside", "boxes": [ { "device": "start-box" }, { "device": "half-box" }, { "device": "finish-box", "meet": "lakeside-finish" } ] }
            """));

        Assert.Equal("lakeside", loaded.Id);
        Assert.Equal("Lakeside 10K", loaded.Name);
        Assert.Equal([new EventBox("start-box", "2026-05-02-lakeside-10k"), new EventBox("half-box", "2026-05-02-lakeside-10k"), new EventBox("finish-box", "lakeside-finish")], loaded.Boxes);
        Assert.Equal(["10k", "5k"], loaded.Meet.Races.Select(r => r.Id));
        Assert.Equal(10, loaded.Meet.Participants.Count);
    }

    [Theory]
    [InlineData("""{ "id": "lakeside", "boxs": [] }""", "event.json: line 1: unknown field 'boxs'; did you mean 'boxes'?")]
    [InlineData("""{ "id": "lakeside" }""", "event.json: field 'boxes': is required")]
    [InlineData("""{ "id": "lakeside", "boxes": [] }""", "event.json: line 1, field 'boxes': is required")]
    [InlineData("""{ "boxes": [ { "device": "a" } ] }""", "event.json: field 'id': is required")]
    [InlineData("""{ "id": "lake side", "boxes": [ { "device": "a" } ] }""", "event.json: line 1, field 'id': 'lake side' must be 1 to 64 letters")]
    [InlineData("""{ "id": "lakeside", "boxes": [ { "device": "a" }, { "device": "finish box" } ] }""", "event.json: line 1, field 'boxes[1].device': 'finish box' must be 1 to 64 letters")]
    [InlineData("""{ "id": "lakeside", "boxes": [ { "device": "a", "meat": "x" } ] }""", "event.json: line 1: unknown field 'boxes[0].meat'; did you mean 'meet'?")]
    [InlineData("""{ "id": "lakeside", "boxes": [ { "device": "a" }, { "device": "a" } ] }""", "event.json: line 1, field 'boxes[1].device': box 'a' is listed twice")]
    [InlineData("""{ "id": "lakeside", "boxes": { "device": "a" } }""", "event.json: line 1, field 'boxes': must be a list of boxes [ ... ]")]
    [InlineData("""{ "id": "lakeside", "boxes": [ { "device": "a" } ], }x""", "event.json: line 1, column")]
    public void A_bad_event_file_is_named_with_its_line_and_field(string json, string message)
    {
        var problem = Assert.Throws<MeetException>(() => EventFolder.Load(Write(json)));

        Assert.True(problem.Message.Contains(message, StringComparison.Ordinal), problem.Message);
    }

    [Fact]
    public void A_folder_without_an_event_file_or_with_a_bad_meet_says_which_file()
    {
        Assert.Contains("event.json: not found", Assert.Throws<MeetException>(() => EventFolder.Load(_folder.Path)).Message, StringComparison.Ordinal);

        Write("""{ "id": "lakeside", "boxes": [ { "device": "a" } ] }""");
        File.WriteAllText(Path.Combine(_folder.Path, "meet.json"), File.ReadAllText(Path.Combine(_folder.Path, "meet.json")).Replace("\"UTC\"", "\"Nowhere/Else\"", StringComparison.Ordinal));
        Assert.Contains("meet.json: line 2, field 'event.timeZone': unknown time zone 'Nowhere/Else'", Assert.Throws<MeetException>(() => EventFolder.Load(_folder.Path)).Message, StringComparison.Ordinal);
    }
}
