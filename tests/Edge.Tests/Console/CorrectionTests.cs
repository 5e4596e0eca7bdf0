using System.Net;
using Edge.Appliance.Console;
using Edge.Appliance.Results;
using Edge.Store;
using Edge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Console;

/// <summary>The timer's corrections through the console: log entries that change results at once and for good.</summary>
public sealed class CorrectionTests : IDisposable
{
    private readonly TestMeet _meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);
    private readonly string _dataDir = TempDir.Create("corrections");

    public void Dispose()
    {
        _meet.Dispose();
        TempDir.Delete(_dataDir);
    }

    private Task<TestBox> StartAsync() => TestBox.StartAsync(_dataDir, _meet.Setting);

    private static ResultRow Row(TestBox box, string bib) => box.Services.GetRequiredService<ResultsService>().Current.ByBib[bib];

    [Fact]
    public async Task Each_correction_changes_results_at_once_is_listed_with_who_and_survives_a_restart()
    {
        await using (var box = await StartAsync())
        {
            using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
            await feed.GunAsync("08:00:00.00");
            await feed.ReadsAsync(
                ("start", "101", "08:00:05.00"), ("finish", "101", "08:40:00.00"),
                ("start", "102", "08:00:06.00"), ("finish", "102", "08:45:00.00"),
                ("start", "103", "08:00:07.00"), ("finish", "103", "08:50:00.00"),
                ("start", "104", "08:00:08.00"),
                ("finish", "CHIP-77", "08:55:00.00"));
            await box.WaitForResultsAsync(s => s.ByBib["103"].Status == ParticipantStatus.Finished && s.UnknownTagCount == 1, "the reads");
            using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);

            // Each answer comes after results applied the entry: the next look shows it.
            await timer.DoAsync("/admin/corrections", "/admin/corrections/dnf", ("bib", "103"));
            Assert.Equal(ParticipantStatus.Dnf, Row(box, "103").Status);
            await timer.DoAsync("/admin/corrections", "/admin/corrections/dq", ("bib", "102"), ("reason", "cut the course"));
            Assert.Equal(ParticipantStatus.Dq, Row(box, "102").Status);
            await timer.DoAsync("/admin/corrections", "/admin/corrections/manual", ("bib", "104"), ("time", "8:52:30.5"));
            Assert.Equal("0:52:22.50", ResultFormat.Time(Row(box, "104").ChipTime));
            await timer.DoAsync("/admin/meet", "/admin/corrections/assign", ("tag", "CHIP-77"), ("bib", "105"), ("back", "/admin/meet"));
            Assert.Equal(ParticipantStatus.Finished, Row(box, "105").Status);
            Assert.Equal(0, box.Services.GetRequiredService<ResultsService>().Current.UnknownTagCount);
            await timer.DoAsync("/admin/gun", "/admin/gun/set", ("race", "10k"), ("time", "7:59:00"));
            Assert.Equal("0:41:00.00", ResultFormat.Time(Row(box, "101").GunTime));

            // Undo by a correcting entry: 103 finishes again, and the DNF stays in the history, struck through.
            var dnf = box.Services.GetRequiredService<Corrections>().History().Single(c => c.Kind == LogKind.Dnf);
            await timer.DoAsync("/admin/corrections", "/admin/corrections/void", ("id", dnf.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(ParticipantStatus.Finished, Row(box, "103").Status);
            var history = await timer.PageAsync("/admin/corrections");
            Assert.Contains("Bib 103: did not finish</span> (undone by", history, StringComparison.Ordinal);
            Assert.Contains("Bib 102: disqualified (cut the course)", history, StringComparison.Ordinal);
            Assert.Contains("timer", history, StringComparison.Ordinal);

            // A correction that makes no sense changes nothing and says why.
            var refused = await timer.PostFormAsync("/admin/corrections", "/admin/corrections/dnf", ("bib", "999"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("There is no bib 999", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(6, box.Services.GetRequiredService<Corrections>().History().Count);
        }

        // A restart replays the log from scratch: every correction holds.
        await using (var box = await StartAsync())
        {
            await box.WaitForResultsAsync(s => s.ByBib["102"].Status == ParticipantStatus.Dq, "the replay");
            Assert.Equal(ParticipantStatus.Finished, Row(box, "103").Status);
            Assert.Equal("0:52:22.50", ResultFormat.Time(Row(box, "104").ChipTime));
            Assert.Equal(ParticipantStatus.Finished, Row(box, "105").Status);
            Assert.Equal("0:41:00.00", ResultFormat.Time(Row(box, "101").GunTime));
            // Every correction is in the log the sync agent publishes from, with who made it.
            using var connection = EdgeDatabase.OpenReader(_dataDir);
            using var reader = new LogReader(connection);
            var corrections = reader.ReadAfter(0, 1000).Where(e => e.Kind.IsCorrection()).ToList();
            Assert.Equal([LogKind.Dnf, LogKind.Dq, LogKind.ManualTime, LogKind.BibSwap, LogKind.GunTime, LogKind.Void], corrections.Select(c => c.Kind));
            Assert.All(corrections, c => Assert.Contains("\"by\":\"timer\"", c.Raw, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Swapped_bibs_trade_their_reads()
    {
        await using var box = await StartAsync();
        using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await feed.GunAsync("08:00:00.00");
        await feed.ReadsAsync(("finish", "101", "08:40:00.00"), ("finish", "103", "08:50:00.00"));
        await box.WaitForResultsAsync(s => s.ByBib["103"].Status == ParticipantStatus.Finished, "the reads");
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        await timer.DoAsync("/admin/corrections", "/admin/corrections/swap", ("a", "101"), ("b", "103"));
        Assert.Equal("0:50:00.00", ResultFormat.Time(Row(box, "101").GunTime));
        Assert.Equal("0:40:00.00", ResultFormat.Time(Row(box, "103").GunTime));
    }

    [Fact]
    public async Task Starting_a_gun_now_from_the_console_starts_the_race_on_the_controllers_time_base()
    {
        await using var box = await StartAsync();
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        Assert.Null(box.Services.GetRequiredService<ResultsService>().Current.Race("5k")!.GunMs);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await timer.DoAsync("/admin/gun", "/admin/gun/now", ("race", "5k"));
        var gun = box.Services.GetRequiredService<ResultsService>().Current.Race("5k")!.GunMs!.Value;
        Assert.InRange(gun, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
        var page = await timer.PageAsync("/admin/gun");
        Assert.Contains("set on the console by timer", page, StringComparison.Ordinal);
        var history = box.Services.GetRequiredService<Corrections>().History().Single();
        Assert.Equal(LogKind.GunTime, history.Kind);
        Assert.Contains("box clock", history.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setting_the_box_clock_takes_the_device_clock_and_refuses_nonsense()
    {
        await using var box = await TestBox.StartWithAsync(s => s.AddSingleton<Edge.Appliance.Ingest.TimeSourceProbe>(new FixedTimeSource(false)), _dataDir, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var device = DateTimeOffset.UtcNow.AddMinutes(-3).ToUnixTimeMilliseconds();
        Assert.Contains("Box clock set", await timer.DoAsync("/admin/clock", "/admin/clock/set", ("deviceMs", device.ToString(System.Globalization.CultureInfo.InvariantCulture))), StringComparison.Ordinal);
        Assert.Equal(device, Assert.Single(box.ClockSets.Sets).ToUnixTimeMilliseconds());
        Assert.Equal(HttpStatusCode.BadRequest, (await timer.PostFormAsync("/admin/clock", "/admin/clock/set", ("deviceMs", "12"))).StatusCode);
        Assert.Single(box.ClockSets.Sets);
    }

    [Fact]
    public async Task A_box_that_follows_a_time_source_does_not_offer_or_take_a_clock_from_a_device()
    {
        await using var box = await TestBox.StartWithAsync(s => s.AddSingleton<Edge.Appliance.Ingest.TimeSourceProbe>(new FixedTimeSource(true)), _dataDir, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var page = await timer.PageAsync("/admin/clock");
        Assert.Contains("synchronised to a time source", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/admin/clock/set", page, StringComparison.Ordinal);
        var device = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.BadRequest, (await timer.PostFormAsync("/admin/timing", "/admin/clock/set", ("deviceMs", device))).StatusCode);
        Assert.Empty(box.ClockSets.Sets);
    }

    [Fact]
    public async Task A_day_of_registration_at_the_desk_gets_results_and_a_bad_one_changes_nothing()
    {
        await using (var box = await StartAsync())
        {
            using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
            using var desk = await timer.PairAsync("desk", "Desk 3");
            Assert.Contains("registered", await desk.DoAsync("/admin/desk", "/admin/desk/register",
                ("bib", "555"), ("first", "Lou"), ("last", "Late"), ("gender", "m"), ("age", "41"), ("race", "10k"), ("tag", "C0FFEE"), ("city", "Kent"), ("state", "WA")), StringComparison.Ordinal);
            using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
            await feed.GunAsync("08:00:00.00");
            await feed.ReadsAsync(("start", "C0FFEE", "08:00:09.00"), ("finish", "C0FFEE", "08:48:00.00"));
            var row = (await box.WaitForResultsAsync(s => s.ByBib.TryGetValue("555", out var r) && r.Status == ParticipantStatus.Finished, "the registered runner's finish")).ByBib["555"];
            Assert.Equal(("Lou Late", "M 40-49", "Kent, WA"), (row.Name, row.Division, row.Participant.Hometown));
            // The desk finds the new runner, and a spectator's search does too.
            Assert.Contains("555 · Lou Late", await desk.PageAsync("/admin/desk?q=555"), StringComparison.Ordinal);
            Assert.Contains("Lou", await box.Http.GetStringAsync("/search?q=Late"), StringComparison.Ordinal);

            foreach (var bad in new[] { ("race", "marathon"), ("gender", "Q"), ("age", "old"), ("bib", "5 5"), ("tag", "103") })
            {
                (string, string)[] fields = [("bib", "556"), ("first", "Bad"), ("gender", "F"), ("race", "10k")];
                fields = [.. fields.Where(f => f.Item1 != bad.Item1), bad];
                var refused = await desk.PostFormAsync("/admin/desk", "/admin/desk/register", fields);
                Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)refused.StatusCode}");
            }

            Assert.Single(box.Services.GetRequiredService<Corrections>().History(), c => c.Kind == LogKind.Registration);
        }

        await using (var box = await StartAsync())
        {
            await box.WaitForResultsAsync(s => s.ByBib.TryGetValue("555", out var r) && r.Status == ParticipantStatus.Finished, "the registration after a restart");
        }
    }
}
