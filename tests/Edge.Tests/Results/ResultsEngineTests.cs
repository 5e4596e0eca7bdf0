using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Simulator;
using Edge.Store;

namespace Edge.Tests.Results;

/// <summary>Every rule of the results against hand-computed fixtures. Times are minutes after 08:00 UTC.</summary>
public class ResultsEngineTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 5, 2, 8, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private long _id;

    private static long At(double minutes) => T0 + (long)(minutes * 60_000);

    private static Race TenK(RankBy rankBy = RankBy.Gun, GunSource? gun = null) => new(
        "10k", "10K", 10, rankBy, gun ?? new GunSource("start", null),
        [new TimingPoint("start", TimingRole.Start, 0), new TimingPoint("5k", TimingRole.Split, 5), new TimingPoint("finish", TimingRole.Finish, 10)],
        TimeSpan.FromMinutes(20));

    private static Participant Runner(string bib, string gender = "F", int? age = 34, string race = "10k", string? chip = null) =>
        new(bib, "First" + bib, "Last" + bib, gender, age, race, chip ?? bib, "Seattle", "WA", "");

    private static Meet Meet(IReadOnlyList<Race> races, params Participant[] runners) =>
        new(MeetEvent.Default, races, AgeGroups.Default, runners, null, []);

    private EngineEntry Read(string location, string tag, double minutes) => new(++_id, LogKind.Read, location, tag, At(minutes), null);

    private EngineEntry Gun(string location, double minutes) => new(++_id, LogKind.Gun, location, "guntime", At(minutes), null);

    private EngineEntry Correction(LogKind kind, string tag, string json = "{}", string location = "", double minutes = 0) =>
        new(++_id, kind, location, tag, minutes == 0 ? 0 : At(minutes), json);

    private static ResultRow Row(ResultsEngine engine, string bib) => engine.Snapshot.ByBib[bib];

    [Fact]
    public void Chip_and_gun_time_splits_and_pace_come_from_the_reads()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        engine.Apply([Gun("start", 0), Read("start", "101", 0.5), Read("5k", "101", 25.5), Read("finish", "101", 50.5)]);
        var row = Row(engine, "101");
        Assert.Equal(ParticipantStatus.Finished, row.Status);
        Assert.Equal(TimeSpan.FromMinutes(50), row.ChipTime);
        Assert.Equal(TimeSpan.FromMinutes(50.5), row.GunTime);
        Assert.Equal("0:50:00.00", ResultFormat.Time(row.ChipTime));
        Assert.Equal("0:50:30.00", ResultFormat.Time(row.GunTime));
        Assert.Equal(TimeSpan.FromMinutes(25), Assert.Single(row.Splits).Elapsed);
        Assert.Equal("5:00", ResultFormat.Pace(row.PacePerKm));
        Assert.Equal("8:02", ResultFormat.Pace(row.PacePerMile)); // 5:00/km × 1.609344 = 8:02.8/mi
        Assert.Equal(1, row.Place);
    }

    [Fact]
    public void Reads_before_the_gun_are_warm_ups_and_ignored()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        engine.Apply([Read("start", "101", -10), Read("finish", "101", -9), Gun("start", 0), Read("start", "101", 1)]);
        var row = Row(engine, "101");
        Assert.Equal(ParticipantStatus.Started, row.Status);
        Assert.Equal(At(1), row.ChipStartMs);
        Assert.Equal("start", row.LastLocation);
    }

    [Fact]
    public void Chip_start_is_the_last_start_read_before_any_other_location()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        // Crossed the start mat, walked back, crossed again; a late start read after the 5k is not a start.
        engine.Apply([Gun("start", 0), Read("start", "101", 1), Read("start", "101", 2), Read("5k", "101", 27), Read("start", "101", 40), Read("finish", "101", 52)]);
        var row = Row(engine, "101");
        Assert.Equal(At(2), row.ChipStartMs);
        Assert.Equal(TimeSpan.FromMinutes(50), row.ChipTime);
        Assert.Equal(TimeSpan.FromMinutes(25), row.Splits[0].Elapsed);
    }

    [Fact]
    public void Without_a_start_read_the_chip_start_is_the_gun()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        engine.Apply([Gun("start", 0), Read("finish", "101", 45)]);
        var row = Row(engine, "101");
        Assert.Equal(At(0), row.ChipStartMs);
        Assert.Equal(TimeSpan.FromMinutes(45), row.ChipTime);
        Assert.Equal(TimeSpan.FromMinutes(45), row.GunTime);
    }

    [Fact]
    public void The_gun_is_the_first_gun_read_or_the_meet_time_and_a_correction_overrides_both()
    {
        var fixedGun = new ResultsEngine(Meet([TenK(gun: new GunSource(null, At(5)))], Runner("101")));
        fixedGun.Apply([Read("start", "101", 6), Read("finish", "101", 50)]);
        Assert.Equal(TimeSpan.FromMinutes(45), Row(fixedGun, "101").GunTime);

        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        engine.Apply([Gun("start", 0), Gun("start", 3), Read("start", "101", 4), Read("finish", "101", 50)]);
        Assert.Equal(TimeSpan.FromMinutes(50), Row(engine, "101").GunTime);
        Assert.Equal(At(0), engine.Snapshot.Race("10k")!.GunMs);

        var change = engine.Apply([Correction(LogKind.GunTime, "10k", minutes: 2)]);
        Assert.Equal(TimeSpan.FromMinutes(48), Row(engine, "101").GunTime);
        Assert.Contains("101", change.Bibs);
    }

    [Fact]
    public void The_finish_is_the_first_finish_read_at_least_the_minimum_time_after_the_chip_start()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("101")));
        // Runs through the finish chute at the start of the race (a loop course), then finishes properly.
        engine.Apply([Gun("start", 0), Read("start", "101", 1), Read("finish", "101", 3)]);
        Assert.Equal(ParticipantStatus.OnCourse, Row(engine, "101").Status);
        engine.Apply([Read("finish", "101", 47), Read("finish", "101", 48)]);
        Assert.Equal(TimeSpan.FromMinutes(46), Row(engine, "101").ChipTime);
    }

    [Fact]
    public void Places_share_equal_times_and_skip_the_next_by_gender_and_division_too()
    {
        var engine = new ResultsEngine(Meet([TenK()],
            Runner("1", "F", 34), Runner("2", "F", 35), Runner("3", "M", 36), Runner("4", "F", 31), Runner("5", "F", 45), Runner("6", "M", 72)));
        engine.Apply(
        [
            Gun("start", 0),
            Read("finish", "1", 40), Read("finish", "2", 40), Read("finish", "3", 41), Read("finish", "4", 42),
            Read("finish", "5", 43), Read("finish", "6", 44),
        ]);
        var race = engine.Snapshot.Race("10k")!;
        Assert.Equal(["1", "2", "3", "4", "5", "6"], race.Finishers.Select(r => r.Bib));
        Assert.Equal([1, 1, 3, 4, 5, 6], race.Finishers.Select(r => r.Place!.Value));
        Assert.Equal([1, 1, 1, 3, 4, 2], race.Finishers.Select(r => r.GenderPlace!.Value));
        Assert.Equal(["F 30-39", "F 30-39", "M 30-39", "F 30-39", "F 40-49", "M 70+"], race.Finishers.Select(r => r.Division!));
        Assert.Equal([1, 1, 1, 3, 1, 1], race.Finishers.Select(r => r.DivisionPlace!.Value));
    }

    [Fact]
    public void Rank_by_gun_or_by_chip_as_the_race_says()
    {
        Participant[] runners = [Runner("1"), Runner("2")];
        // 1 starts at once and runs 50:00; 2 starts 3 minutes back and runs 48:00 (gun 51:00).
        EngineEntry[] Reads() => [Gun("start", 0), Read("start", "1", 0), Read("start", "2", 3), Read("finish", "1", 50), Read("finish", "2", 51)];
        var byGun = new ResultsEngine(Meet([TenK(RankBy.Gun)], runners));
        byGun.Apply(Reads());
        Assert.Equal(["1", "2"], byGun.Snapshot.Race("10k")!.Finishers.Select(r => r.Bib));
        var byChip = new ResultsEngine(Meet([TenK(RankBy.Chip)], runners));
        byChip.Apply(Reads());
        Assert.Equal(["2", "1"], byChip.Snapshot.Race("10k")!.Finishers.Select(r => r.Bib));
    }

    [Fact]
    public void Statuses_follow_the_reads_and_dnf_and_dq_come_from_corrections()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1"), Runner("2"), Runner("3"), Runner("4"), Runner("5")));
        engine.Apply([Gun("start", 0), Read("start", "2", 0), Read("start", "3", 0), Read("5k", "3", 25), Read("start", "4", 0), Read("finish", "4", 45), Read("start", "5", 0)]);
        Assert.Equal(
            [ParticipantStatus.Registered, ParticipantStatus.Started, ParticipantStatus.OnCourse, ParticipantStatus.Finished, ParticipantStatus.Started],
            new[] { "1", "2", "3", "4", "5" }.Select(b => Row(engine, b).Status));
        Assert.Equal("5k", Row(engine, "3").LastLocation);
        Assert.Null(Row(engine, "1").ChipStartMs); // never seen: no start, even though the gun has gone

        engine.Apply([Correction(LogKind.Dnf, "3"), Correction(LogKind.Dq, "4", """{"reason":"course cut"}""")]);
        Assert.Equal(ParticipantStatus.Dnf, Row(engine, "3").Status);
        Assert.Equal(ParticipantStatus.Dq, Row(engine, "4").Status);
        Assert.Equal("course cut", Row(engine, "4").Note);
        Assert.Null(Row(engine, "4").Place);
        var counts = engine.Snapshot.Race("10k")!.Counts;
        Assert.Equal(new RaceCounts(1, 2, 0, 0, 1, 1), counts);
        Assert.Equal(2, counts.StillOut);
    }

    [Fact]
    public void A_void_correction_undoes_an_earlier_one()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0), Read("finish", "1", 45)]);
        var dq = Correction(LogKind.Dq, "1");
        engine.Apply([dq]);
        Assert.Equal(ParticipantStatus.Dq, Row(engine, "1").Status);
        engine.Apply([Correction(LogKind.Void, "1", $$"""{"voids":{{dq.Id}}}""")]);
        Assert.Equal(ParticipantStatus.Finished, Row(engine, "1").Status);
        Assert.Equal(1, Row(engine, "1").Place);
    }

    [Fact]
    public void A_manual_time_counts_as_a_read_at_its_location()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0), Read("start", "1", 1), Correction(LogKind.ManualTime, "1", location: "finish", minutes: 44)]);
        Assert.Equal(TimeSpan.FromMinutes(43), Row(engine, "1").ChipTime);
    }

    [Fact]
    public void A_bib_swap_gives_a_tags_reads_to_another_participant()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1"), Runner("2")));
        // Bib 2 ran wearing tag 999 (not in the roster) and bib 1's chip went unused.
        engine.Apply([Gun("start", 0), Read("start", "999", 0), Read("finish", "999", 45)]);
        Assert.Equal(ParticipantStatus.Registered, Row(engine, "2").Status);
        Assert.Contains(engine.Snapshot.UnknownTags, u => u.Tag == "999");
        engine.Apply([Correction(LogKind.BibSwap, "999", """{"to":"2"}""")]);
        Assert.Equal(TimeSpan.FromMinutes(45), Row(engine, "2").ChipTime);
    }

    [Fact]
    public void A_chip_code_other_than_the_bib_is_the_tag_and_unknown_tags_are_listed()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1", chip: "A1B2")));
        engine.Apply([Gun("start", 0), Read("finish", "A1B2", 45), Read("finish", "1", 46), Read("finish", "777", 47), Read("finish", "777", 48)]);
        Assert.Equal(TimeSpan.FromMinutes(45), Row(engine, "1").GunTime);
        Assert.Equal(2, engine.Snapshot.UnknownTagCount);
        Assert.Equal(2, engine.Snapshot.UnknownTags.Single(u => u.Tag == "777").Reads);
    }

    [Fact]
    public void Each_race_uses_its_own_gun_and_timing_points()
    {
        var fiveK = new Race("5k", "5K", 5, RankBy.Chip, new GunSource("start5", null),
            [new TimingPoint("start", TimingRole.Start, 0), new TimingPoint("finish", TimingRole.Finish, 5)], TimeSpan.FromMinutes(10));
        var engine = new ResultsEngine(Meet([TenK(), fiveK], Runner("1"), Runner("2", race: "5k")));
        engine.Apply([Gun("start", 0), Gun("start5", 15), Read("start", "1", 0.5), Read("start", "2", 15.5), Read("5k", "2", 30), Read("finish", "2", 40), Read("finish", "1", 50)]);
        Assert.Equal(TimeSpan.FromMinutes(24.5), Row(engine, "2").ChipTime);
        Assert.Equal(TimeSpan.FromMinutes(25), Row(engine, "2").GunTime);
        Assert.Empty(Row(engine, "2").Splits);
        Assert.Equal(TimeSpan.FromMinutes(49.5), Row(engine, "1").ChipTime);
    }

    [Fact]
    public void Recent_finishers_are_newest_first_and_changes_name_what_finished()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1"), Runner("2")));
        engine.Apply([Gun("start", 0), Read("finish", "1", 45)]);
        var change = engine.Apply([Read("finish", "2", 46)]);
        Assert.Equal(["2"], change.Finished);
        Assert.Equal(["10k"], change.Races);
        Assert.Equal(["2", "1"], engine.Snapshot.RecentFinishers.Select(r => r.Bib));
    }

    [Fact]
    public void Age_groups_are_open_ended_at_the_top()
    {
        var groups = new AgeGroups(10, 0, 70);
        Assert.Equal("F 0-9", groups.Division("F", 7));
        Assert.Equal("M 30-39", groups.Division("M", 39));
        Assert.Equal("F 70+", groups.Division("F", 70));
        Assert.Equal("F 70+", groups.Division("F", 91));
        Assert.Null(groups.Division("F", null));
        Assert.Equal("M 15-19", new AgeGroups(5, 15, 60).Division("M", 17));
        Assert.Equal("M 15-19", new AgeGroups(5, 15, 60).Division("M", 12));
    }

    [Fact]
    public void Incremental_results_equal_a_full_rebuild_for_ten_thousand_participants()
    {
        var generated = GeneratedRace.Generate(new RaceOptions
        {
            Participants = 10_000, Locations = ["start", "5k", "finish"], ExtraReadsPerLocation = 1, Seed = 7,
            GunTime = DateTimeOffset.FromUnixTimeMilliseconds(T0),
        });
        var race = TenK() with { MinimumTime = TimeSpan.FromMinutes(10) };
        var genders = new[] { "F", "M", "X" };
        var runners = Enumerable.Range(0, 10_000)
            .Select(i => Runner((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), genders[i % 3], 10 + i % 70))
            .ToArray();
        var meet = Meet([race], runners);
        var entries = generated.Timeline.Select((r, i) => new EngineEntry(
            i + 1, r.IsGun ? LogKind.Gun : LogKind.Read, r.Location, r.Tag, r.Time.ToUnixTimeMilliseconds(), null)).ToList();
        // Corrections mixed in, including one voided later.
        var next = entries.Count;
        entries.Insert(entries.Count / 2, new EngineEntry(0, LogKind.Dnf, "", "17", 0, "{}"));
        entries.Insert(entries.Count / 3, new EngineEntry(0, LogKind.Dq, "", "42", 0, """{"reason":"no bib"}"""));
        entries.Add(new EngineEntry(0, LogKind.Void, "", "17", 0, "{}"));
        entries = [.. entries.Select((e, i) => e with { Id = i + 1 })];
        var dnfId = entries.First(e => e.Kind == LogKind.Dnf).Id;
        entries[^1] = entries[^1] with { Json = $$"""{"voids":{{dnfId}}}""" };
        Assert.True(entries.Count > next);

        var rebuilt = new ResultsEngine(meet);
        rebuilt.Apply(entries);
        var incremental = new ResultsEngine(meet);
        var random = new Random(3);
        for (var at = 0; at < entries.Count;)
        {
            var size = random.Next(1, 40);
            incremental.Apply(entries.Skip(at).Take(size).ToList());
            at += size;
        }

        var expected = rebuilt.Snapshot;
        var actual = incremental.Snapshot;
        Assert.True(expected.Race("10k")!.Finishers.Count > 9_000);
        Assert.Equal(ParticipantStatus.Dq, expected.ByBib["42"].Status);
        Assert.Equal(ParticipantStatus.Finished, expected.ByBib["17"].Status);
        Assert.Equal(Flatten(expected), Flatten(actual));
        Assert.Equal(expected.RecentFinishers.Select(r => r.Bib), actual.RecentFinishers.Select(r => r.Bib));
    }

    private static List<string> Flatten(ResultsSnapshot snapshot) =>
        [.. snapshot.Races.Values.SelectMany(r => r.All).Select(r =>
            $"{r.Bib}|{r.Status}|{r.ChipStartMs}|{r.FinishMs}|{r.ChipTime}|{r.GunTime}|{r.Place}|{r.GenderPlace}|{r.DivisionPlace}|{r.LastLocation}|{r.LastSeenMs}|" +
            string.Join(",", r.Splits.Select(s => $"{s.Location}@{s.AtMs}")))];
}
