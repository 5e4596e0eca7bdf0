using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// A misspelled field is an error, not a silent default: <c>"timezone"</c> for <c>"timeZone"</c> would place every
/// time hours off. Each object of meet.json has its set of known fields; the message names the line, the dotted
/// field and the nearest known name.
/// </summary>
public class UnknownFieldTests : IDisposable
{
    /// <summary>Every object meet.json has, each with every field it knows (line numbers matter to the tests).</summary>
    private const string Complete = """
        {
          "event": { "name": "Lakeside 10K", "date": "2026-05-02", "timeZone": "America/Los_Angeles" },
          "races": [
            { "id": "10k", "name": "10K", "distanceKm": 10, "rankBy": "gun",
              "gun": { "location": "start", "time": "08:00:00" },
              "timingPoints": [
                { "location": "start", "role": "start" },
                { "location": "finish", "role": "finish", "km": 10 } ],
              "minimumTime": "00:20:00" } ],
          "ageGroups": { "width": 10, "from": 0, "to": 70 },
          "participants": "participants.csv",
          "wifi": { "ssid": "race", "password": "finishline", "security": "WPA", "resultsUrl": "http://10.42.0.1/" },
          "displays": [ { "id": "k3f9x2qa7m", "kind": "finish", "race": "10k", "title": "Finish" } ],
          "cloud": { "broker": "mqtts://mqtt.example.org:8883", "deviceId": "box-1", "topicPrefix": "edge", "caFile": "ca.pem",
                     "username": "u", "usernameFile": "u.txt", "passwordFile": "p.txt", "certFile": "c.pem", "keyFile": "k.pem", "protocol": "5" }
        }
        """;

    private readonly string _dir = TempDir.Create("meet-fields");

    private void Write(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        File.WriteAllText(Path.Combine(_dir, "participants.csv"), "bib,first_name,last_name,gender,age,race\n1,A,B,F,34,10k\n");
    }

    [Fact]
    public void Every_known_field_of_every_object_is_accepted()
    {
        Write(Complete);
        var meet = MeetLoader.Load(_dir);
        Assert.Equal("America/Los_Angeles", meet.Event.TimeZone.Id);
        Assert.Single(meet.Participants);
    }

    [Theory]
    [InlineData("\"timeZone\"", "\"timezone\"", "line 2: unknown field 'event.timezone'; did you mean 'timeZone'?")]
    [InlineData("\"minimumTime\"", "\"minimumTme\"", "line 9: unknown field 'races[0].minimumTme'; did you mean 'minimumTime'?")]
    [InlineData("\"distanceKm\"", "\"distance\"", "line 4: unknown field 'races[0].distance'; did you mean 'distanceKm'?")]
    [InlineData("\"time\": \"08", "\"tim\": \"08", "line 5: unknown field 'races[0].gun.tim'; did you mean 'time'?")]
    [InlineData("\"finish\", \"km\"", "\"finish\", \"kms\"", "line 8: unknown field 'races[0].timingPoints[1].kms'; did you mean 'km'?")]
    [InlineData("\"ageGroups\"", "\"agegroups\"", "line 10: unknown field 'agegroups'; did you mean 'ageGroups'?")]
    [InlineData("\"width\"", "\"widht\"", "line 10: unknown field 'ageGroups.widht'; did you mean 'width'?")]
    [InlineData("\"participants\"", "\"participant\"", "line 11: unknown field 'participant'; did you mean 'participants'?")]
    [InlineData("\"ssid\"", "\"SSID\"", "line 12: unknown field 'wifi.SSID'; did you mean 'ssid'?")]
    [InlineData("\"title\"", "\"titel\"", "line 13: unknown field 'displays[0].titel'; did you mean 'title'?")]
    [InlineData("\"deviceId\"", "\"deviceID\"", "line 14: unknown field 'cloud.deviceID'; did you mean 'deviceId'?")]
    [InlineData("\"keyFile\"", "\"keyfile\"", "line 15: unknown field 'cloud.keyfile'; did you mean 'keyFile'?")]
    [InlineData("\"rankBy\"", "\"colour\"", "line 4: unknown field 'races[0].colour' (known: id, name, distanceKm, rankBy, gun, timingPoints, minimumTime)")]
    [InlineData("\"event\": {", "\"$schema\": \"x\", \"event\": {", "line 2: unknown field '$schema'")]
    [InlineData("\"event\": {", "\"_comment\": \"x\", \"event\": {", "line 2: unknown field '_comment'")]
    public void An_unknown_field_names_its_line_its_path_and_the_nearest_known_name(string known, string misspelled, string expected)
    {
        Assert.Contains(known, Complete, StringComparison.Ordinal);
        Write(Complete.Replace(known, misspelled, StringComparison.Ordinal));
        var e = Assert.Throws<MeetException>(() => MeetLoader.Load(_dir));
        Assert.Contains("meet.json: " + expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_standard_test_meet_and_the_example_folder_have_no_unknown_fields()
    {
        Write(TestMeet.StandardJson());
        Assert.Equal(4, MeetLoader.Load(_dir).Displays.Count);
        Assert.Equal(2, MeetLoader.Load(Repo.Fixture("meet-example")).Races.Count);
    }

    public void Dispose() => TempDir.Delete(_dir);
}
