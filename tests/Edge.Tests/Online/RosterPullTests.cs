using Edge.Appliance.Results;
using Edge.Online.Tests.Support;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Online;

/// <summary>The timer pulls the roster from a stand-in RunSignUp in the console: new and changed runners become registrations.</summary>
public sealed class RosterPullTests : IAsyncLifetime
{
    private RunSignUpStandIn _runSignUp = null!;
    private TestMeet _meet = null!;

    public async Task InitializeAsync()
    {
        _runSignUp = await RunSignUpStandIn.StartAsync();
        _runSignUp.Events[456] = ("10K", [
            RunSignUpStandIn.Participant(1, "101", "Zoë", "Ångström", "F", 34, city: "Seattle", state: "WA", team: "Lakeside Striders"),
            RunSignUpStandIn.Participant(2, "300", "Gil", "Moss", "M", 47, city: "Olympia", state: "WA"),
            RunSignUpStandIn.Participant(3, "301", "Hana", "Ito", "Female", 19, city: "Kent", state: "WA", chip: "A301"),
            RunSignUpStandIn.Participant(4, null, "No", "Bib", "M", 30),
        ]);
        var json = TestMeet.StandardJson().Replace("\"participants\": \"participants.csv\"", $$"""
            {{ConsoleClient.MeetSection}}
            "participants": "participants.csv",
            "runsignup": { "raceId": 123, "keyFile": "rsu-key.txt", "secretFile": "rsu-secret.txt", "baseUrl": "{{_runSignUp.BaseUrl}}",
                           "races": { "10k": { "eventId": 456 } } }
            """, StringComparison.Ordinal);
        _meet = TestMeet.Create(json, TestMeet.SmallRoster);
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-key.txt"), RunSignUpStandIn.Key);
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-secret.txt"), RunSignUpStandIn.Secret);
    }

    public async Task DisposeAsync()
    {
        await _runSignUp.DisposeAsync();
        _meet.Dispose();
    }

    [Fact]
    public async Task A_pull_adds_new_runners_updates_changed_ones_and_a_repeat_changes_nothing()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var console = await ConsoleClient.SignInAsync(box);
        var results = box.Services.GetRequiredService<ResultsService>();

        var done = await console.DoAsync("/admin/meet", "/admin/meet/roster");
        Assert.Equal("RunSignUp race 123: 4 registrations; 2 added, 0 updated, 1 unchanged, 1 without a bib left out.", done);
        await WaitAsync(() => results.Current.ByBib.ContainsKey("301"), "the new runners in the field");
        var hana = results.Current.ByBib["301"].Participant;
        Assert.Equal(("Hana", "Ito", "F", 19, "10k", "A301", "Kent"), (hana.FirstName, hana.LastName, hana.Gender, hana.Age, hana.RaceId, hana.Tag, hana.City));

        Assert.Equal("RunSignUp race 123: 4 registrations; 0 added, 0 updated, 3 unchanged, 1 without a bib left out.",
            await console.DoAsync("/admin/meet", "/admin/meet/roster"));

        _runSignUp.Events[456].Participants[1]["user"]!["last_name"] = "Moss-Hart";
        Assert.Equal("RunSignUp race 123: 4 registrations; 0 added, 1 updated, 2 unchanged, 1 without a bib left out.",
            await console.DoAsync("/admin/meet", "/admin/meet/roster"));
        await WaitAsync(() => results.Current.ByBib["300"].Participant.LastName == "Moss-Hart", "the changed name");
        Assert.Contains("Pull the roster from RunSignUp", await console.PageAsync("/admin/meet"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_key_says_so_and_changes_nothing()
    {
        File.WriteAllText(Path.Combine(_meet.Path, "rsu-secret.txt"), "wrong");
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var console = await ConsoleClient.SignInAsync(box);
        var before = box.Services.GetRequiredService<ResultsService>().Current.ByBib.Count;

        var answer = await console.PostFormAsync("/admin/meet", "/admin/meet/roster");
        var body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(400, (int)answer.StatusCode);
        Assert.Contains("RunSignUp refused the API key and secret for race 123", body, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", body, StringComparison.Ordinal);
        Assert.Equal(before, box.Services.GetRequiredService<ResultsService>().Current.ByBib.Count);
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(20);
        }
    }
}
