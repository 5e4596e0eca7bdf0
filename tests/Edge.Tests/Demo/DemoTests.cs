using Edge.Appliance.Results;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Demo;

/// <summary><c>--demo</c>: a newcomer gets a meet, a race fed over the box's own CTP01 port, results and screens.</summary>
public class DemoTests
{
    [Fact]
    public async Task The_demo_switch_runs_a_demo_meet_fed_by_the_simulator_through_to_finishers_and_displays()
    {
        await using var box = await TestBox.StartAsync(null, "--demo", "--Edge:DemoParticipants=60", "--Edge:DemoReadsPerSecond=400");
        var results = box.Services.GetRequiredService<ResultsService>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (results.Current.Race("10k") is not { Counts.Finished: > 0 } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var race = results.Current.Race("10k");
        Assert.NotNull(race);
        Assert.Equal(60, race.Counts.Total);
        Assert.True(race.Counts.Finished > 0, "finishers from the simulated race");
        Assert.Equal(0, results.Current.UnknownTagCount);

        var meet = results.Current.Meet;
        Assert.Equal(4, meet.Displays.Count);
        Assert.All(meet.Displays, d => Assert.True(d.Id.Length >= 12));
        foreach (var display in meet.Displays)
        {
            using var response = await box.Http.GetAsync($"/d/{display.Id}");
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        using var home = await box.Http.GetAsync("/");
        Assert.Contains("Demo 10K", await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_demo_keeps_its_own_database_and_each_run_is_a_meet_of_its_own()
    {
        var dataDir = TempDir.Create("demo-isolation");
        string firstDemo;
        await using (var demo = await TestBox.StartAsync(dataDir, "--demo", "--Edge:DemoParticipants=20", "--Edge:DemoReadsPerSecond=400"))
        {
            await demo.WaitForReadsAsync(10);
            firstDemo = (await demo.StatusAsync()).GetProperty("meet").GetProperty("key").GetString()!;
            Assert.StartsWith("demo-", firstDemo, StringComparison.Ordinal);
        }

        await Task.Delay(1100); // demo meets are named to the second
        await using (var again = await TestBox.StartAsync(dataDir, "--demo", "--Edge:DemoParticipants=20", "--Edge:DemoReadsPerSecond=1"))
        {
            var status = await again.StatusAsync();
            Assert.NotEqual(firstDemo, status.GetProperty("meet").GetProperty("key").GetString());
            Assert.True(status.GetProperty("reads").GetInt64() < 10, "a second demo starts clean");
        }

        // A real meet on the same data folder sees none of it: no reads, no gun, no finishers.
        using var meet = TestMeet.Standard();
        await using (var real = await TestBox.StartAsync(dataDir, meet.Setting))
        {
            var status = await real.StatusAsync();
            Assert.Equal(0, status.GetProperty("reads").GetInt64());
            Assert.Equal(0, status.GetProperty("guns").GetInt64());
            var results = real.Services.GetRequiredService<ResultsService>().Current;
            Assert.Equal(0, results.Race("10k")!.Counts.Finished);
        }

        TempDir.Delete(dataDir);
    }
}
