using Edge.Online.Http;
using Edge.Online.RunSignUp;
using Edge.Online.Tests.RunSignUp;
using Edge.Online.Tests.Support;
using Edge.Provisioning.Roster;

namespace Edge.Online.Tests.Provision;

/// <summary>The all-or-nothing import under a service that goes down mid-pull, on a clock whose retries take no time.</summary>
public class RosterImportTests
{
    [Fact]
    public async Task A_service_down_from_page_3_on_leaves_the_old_roster_and_no_staging_behind()
    {
        var clock = new JumpingClock();
        using var temp = new TempFolder();
        await using var standIn = await RunSignUpStandIn.StartAsync(clock);
        standIn.AddEvent(456, "10K", participants: 25);
        standIn.Fail(RunSignUpStandIn.OnPage(3, 503, body: """{"error":{"error_code":500,"error_msg":"Service temporarily unavailable"}}"""));
        var dir = await Support.Cli.NewMeetAsync(temp);
        var roster = Path.Combine(dir, "participants.csv");
        await File.WriteAllTextAsync(roster, "bib,first_name,last_name,gender,age,race\n9,Old,Roster,F,50,10k\n");
        var before = await File.ReadAllBytesAsync(roster);
        var client = RunSignUpRosterTests.Client(standIn, clock, new RunSignUpOptions { ResultsPerPage = 10 });
        var source = new RosterSource("RunSignUp race 123", "RunSignUp event", ct => client.GetParticipantsAsync(123, [456], ct));

        var e = await Assert.ThrowsAsync<OnlineException>(() => RosterImport.WriteAsync(dir, source, [new("456", "10k")], CancellationToken.None));

        Assert.Equal("RunSignUp did not answer participants page 3 of event 456, race 123 after 5 tries: 503 Service Unavailable (Service temporarily unavailable (error 500))", e.Message);
        Assert.Equal([1, 2, 4, 8], clock.Waits.Select(w => w.TotalSeconds));
        Assert.Equal(before, await File.ReadAllBytesAsync(roster));
        Assert.Equal(["meet.json", "participants.csv"], TempFolder.Names(dir));
    }
}
