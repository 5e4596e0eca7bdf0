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

    /// <summary>A registration as the timer's console writes it (with who and when).</summary>
    private EngineEntry Registration(string bib, string race = "10k", string? chip = null, string last = "Late", string gender = "F", string age = "30") =>
        Correction(LogKind.Registration, bib, $$"""
            {"bib":"{{bib}}","first":"Day","last":"{{last}}","gender":"{{gender}}","age":{{age}},"race":"{{race}}",{{(chip is null ? "" : $"\"tag\":\"{chip}\",")}}"city":"Kent","state":"WA","team":"","by":"timer","at":"2026-05-02T07:30:00Z"}
            """);

    private EngineEntry Void(EngineEntry target) => Correction(LogKind.Void, "", $$"""{"voids":{{target.Id}},"by":"timer","at":"2026-05-02T09:00:00Z"}""");

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
    public void Voiding_a_void_restores_the_correction_it_cancelled()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0), Read("finish", "1", 45)]);
        var dq = Correction(LogKind.Dq, "1");
        var undo = Void(dq);
        engine.Apply([dq, undo]);
        Assert.Equal(ParticipantStatus.Finished, Row(engine, "1").Status);
        var redo = Void(undo);
        engine.Apply([redo]);
        Assert.Equal(ParticipantStatus.Dq, Row(engine, "1").Status);
        engine.Apply([Void(redo)]);
        Assert.Equal(ParticipantStatus.Finished, Row(engine, "1").Status);
    }

    [Fact]
    public void A_voided_read_no_longer_counts_and_voiding_the_void_restores_it()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1"), Runner("2")));
        engine.Apply([Gun("start", 0), Read("start", "1", 0), Read("start", "2", 0)]);
        var early = Read("finish", "1", 44);
        engine.Apply([early, Read("finish", "1", 46), Read("finish", "2", 45)]);
        Assert.Equal((1, TimeSpan.FromMinutes(44)), (Row(engine, "1").Place!.Value, Row(engine, "1").GunTime!.Value));

        // The 44:00 read was someone else's chip waved over the mat: it goes, the 46:00 read is the finish.
        var undo = Void(early);
        var change = engine.Apply([undo]);
        Assert.Contains("1", change.Bibs);
        Assert.Equal((2, TimeSpan.FromMinutes(46)), (Row(engine, "1").Place!.Value, Row(engine, "1").GunTime!.Value));
        Assert.Equal(1, Row(engine, "2").Place);

        engine.Apply([Void(undo)]);
        Assert.Equal((1, TimeSpan.FromMinutes(44)), (Row(engine, "1").Place!.Value, Row(engine, "1").GunTime!.Value));
    }

    [Fact]
    public void A_voided_gun_read_hands_the_gun_to_the_next_one()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        var stray = Gun("start", -5);
        engine.Apply([stray, Gun("start", 0), Read("finish", "1", 45)]);
        Assert.Equal(TimeSpan.FromMinutes(50), Row(engine, "1").GunTime);
        var undo = Void(stray);
        engine.Apply([undo]);
        Assert.Equal(TimeSpan.FromMinutes(45), Row(engine, "1").GunTime);
        Assert.Equal(At(0), engine.Snapshot.Race("10k")!.GunMs);
        engine.Apply([Void(undo)]);
        Assert.Equal(TimeSpan.FromMinutes(50), Row(engine, "1").GunTime);
    }

    [Fact]
    public void A_voided_read_of_an_unknown_tag_is_no_longer_listed()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0)]);
        var stray = Read("finish", "777", 40);
        engine.Apply([stray]);
        Assert.Equal(1, engine.Snapshot.UnknownTagCount);
        engine.Apply([Void(stray)]);
        Assert.Equal(0, engine.Snapshot.UnknownTagCount);
        Assert.Empty(engine.Snapshot.UnknownTags);
    }

    [Fact]
    public void A_registration_joins_the_results_and_its_reads_count()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        // Bib 500 signed up at packet pick-up and ran before the console entry reached the box.
        engine.Apply([Gun("start", 0), Read("start", "500", 0.5), Read("finish", "500", 40), Read("finish", "1", 45)]);
        Assert.Contains(engine.Snapshot.UnknownTags, u => u.Tag == "500");
        Assert.False(engine.Snapshot.ByBib.ContainsKey("500"));

        var change = engine.Apply([Registration("500", gender: "M", age: "41")]);
        var row = Row(engine, "500");
        Assert.Equal(("Day Late", ParticipantStatus.Finished, 1, 1, "M 40-49", 1), (row.Name, row.Status, row.Place, row.GenderPlace, row.Division, row.DivisionPlace));
        Assert.Equal(TimeSpan.FromMinutes(39.5), row.ChipTime);
        Assert.Equal(2, Row(engine, "1").Place);
        Assert.Contains("500", change.Bibs);
        Assert.Equal(["500"], change.Finished);
        Assert.Equal(0, engine.Snapshot.UnknownTagCount);
        Assert.Contains(engine.Snapshot.Meet.Participants, p => p.Bib == "500");
        Assert.Equal(["500", "1"], engine.Snapshot.Race("10k")!.Finishers.Select(r => r.Bib));
        Assert.Empty(engine.Snapshot.RejectedCorrections);
    }

    [Fact]
    public void A_registration_with_its_own_chip_code_counts_that_chip()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Registration("500", chip: "C0FFEE"), Gun("start", 0), Read("finish", "C0FFEE", 40), Read("finish", "500", 41)]);
        Assert.Equal(TimeSpan.FromMinutes(40), Row(engine, "500").GunTime);
        Assert.Equal(["500"], engine.Snapshot.UnknownTags.Select(u => u.Tag));
    }

    [Fact]
    public void A_registration_for_a_bib_already_there_replaces_its_details()
    {
        var fiveK = new Race("5k", "5K", 5, RankBy.Chip, new GunSource("start", null),
            [new TimingPoint("start", TimingRole.Start, 0), new TimingPoint("finish", TimingRole.Finish, 5)], TimeSpan.FromMinutes(10));
        var engine = new ResultsEngine(Meet([TenK(), fiveK], Runner("1", age: 34), Runner("2")));
        engine.Apply([Gun("start", 0), Read("finish", "1", 45), Read("finish", "2", 46)]);
        Assert.Equal("F 30-39", Row(engine, "1").Division);

        // The roster had the wrong age and last name; then a second fix moves them to the 5K.
        var fix = Registration("1", last: "Right", age: "43");
        engine.Apply([fix]);
        Assert.Equal(("Right", "F 40-49", 1), (Row(engine, "1").Participant.LastName, Row(engine, "1").Division, Row(engine, "1").Place));
        Assert.Equal(2, engine.Snapshot.Meet.Participants.Count);
        engine.Apply([Registration("1", race: "5K", last: "Right", age: "43")]);
        Assert.Equal("5k", Row(engine, "1").RaceId);
        Assert.Equal(["2"], engine.Snapshot.Race("10k")!.Finishers.Select(r => r.Bib));
        Assert.Equal(["1"], engine.Snapshot.Race("5k")!.Finishers.Select(r => r.Bib));
        Assert.Equal(1, Row(engine, "2").Place);
    }

    [Fact]
    public void A_registration_naming_no_race_is_kept_out_and_listed_as_rejected()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0)]);
        var bad = Registration("500", race: "half");
        var taken = Registration("501", chip: "1");
        engine.Apply([bad, taken, Read("finish", "500", 40)]);
        Assert.False(engine.Snapshot.ByBib.ContainsKey("500"));
        Assert.False(engine.Snapshot.ByBib.ContainsKey("501"));
        Assert.Equal(
            [(bad.Id, "no race has id 'half'"), (taken.Id, "tag 1 is already bib 1's")],
            engine.Snapshot.RejectedCorrections.Select(r => (r.LogId, r.Reason)));
        Assert.Equal(LogKind.Registration, engine.Snapshot.RejectedCorrections[0].Kind);
        Assert.Contains(engine.Snapshot.UnknownTags, u => u.Tag == "500");
        engine.Apply([Void(bad)]);
        Assert.Single(engine.Snapshot.RejectedCorrections);
    }

    [Fact]
    public void Voiding_a_registration_takes_the_participant_out_again()
    {
        var engine = new ResultsEngine(Meet([TenK()], Runner("1")));
        engine.Apply([Gun("start", 0)]);
        var late = Registration("500");
        engine.Apply([late, Read("finish", "500", 40), Read("finish", "1", 45)]);
        Assert.Equal(1, Row(engine, "500").Place);

        var undo = Void(late);
        var change = engine.Apply([undo]);
        Assert.False(engine.Snapshot.ByBib.ContainsKey("500"));
        Assert.Contains("500", change.Bibs);
        Assert.Equal(1, Row(engine, "1").Place);
        Assert.Equal(["1"], engine.Snapshot.Meet.Participants.Select(p => p.Bib));
        Assert.Contains(engine.Snapshot.UnknownTags, u => u.Tag == "500");

        engine.Apply([Void(undo)]);
        Assert.Equal(1, Row(engine, "500").Place);
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
        var swap = Correction(LogKind.BibSwap, "999", """{"to":"2"}""");
        engine.Apply([swap]);
        Assert.Equal(TimeSpan.FromMinutes(45), Row(engine, "2").ChipTime);
        Assert.Equal(1, Row(engine, "2").Place);
        Assert.Empty(engine.Snapshot.UnknownTags);
        Assert.Equal(0, engine.Snapshot.UnknownTagCount);

        engine.Apply([Void(swap)]);
        Assert.Equal(ParticipantStatus.Registered, Row(engine, "2").Status);
        Assert.Equal(2, engine.Snapshot.UnknownTags.Single(u => u.Tag == "999").Reads);
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

    [Fact]
    public void Registrations_and_voided_reads_give_the_same_results_in_any_batches_and_pages()
    {
        var meet = Meet([TenK()], Runner("1"), Runner("2"), Runner("3"));
        var entries = new List<EngineEntry>();
        EngineEntry Log(EngineEntry e)
        {
            entries.Add(e);
            return e;
        }

        var stray = Log(Gun("start", -3));
        Log(Gun("start", 0));
        Log(Read("start", "1", 0));
        Log(Read("start", "2", 0));
        Log(Read("start", "C5", 1));
        var early = Log(Read("finish", "2", 30));
        Log(Read("5k", "C5", 20));
        Log(Registration("500", chip: "C5"));
        Log(Read("finish", "1", 41));
        Log(Registration("3", last: "Fixed", age: "61"));
        Log(Read("finish", "2", 42));
        Log(Read("finish", "3", 43));
        Log(Read("finish", "501", 44));
        var dropped = Log(Registration("501", age: "null"));
        Log(Void(stray));
        var voidEarly = Log(Void(early));
        Log(Read("finish", "C5", 39));
        var swap = Log(Correction(LogKind.BibSwap, "999", """{"to":"501"}"""));
        Log(Void(dropped));
        Log(Read("finish", "999", 38));
        Log(Void(voidEarly));
        Log(Void(swap));

        var whole = new ResultsEngine(meet);
        whole.Apply(entries);
        var expected = whole.Snapshot;
        Assert.Equal(["2", "500", "1", "3"], expected.Race("10k")!.Finishers.Select(r => r.Bib));
        Assert.Equal(TimeSpan.FromMinutes(30), expected.ByBib["2"].GunTime);
        Assert.Equal(TimeSpan.FromMinutes(38), expected.ByBib["500"].ChipTime);
        Assert.Equal(("Fixed", "F 60-69"), (expected.ByBib["3"].Participant.LastName, expected.ByBib["3"].Division));
        Assert.False(expected.ByBib.ContainsKey("501"));
        Assert.Equal(["501", "999"], expected.UnknownTags.Select(u => u.Tag).Order());

        for (var size = 1; size <= entries.Count; size++)
        {
            var batches = new ResultsEngine(meet);
            var pages = new ResultsEngine(meet);
            for (var at = 0; at < entries.Count; at += size)
            {
                batches.Apply(entries.Skip(at).Take(size).ToList());
                pages.Add(entries.Skip(at).Take(size).ToList());
            }

            pages.Publish();
            Assert.Equal(Flatten(expected), Flatten(batches.Snapshot));
            Assert.Equal(Flatten(expected), Flatten(pages.Snapshot));
            Assert.Equal(Unknown(expected), Unknown(batches.Snapshot));
            Assert.Equal(Unknown(expected), Unknown(pages.Snapshot));
        }
    }

    private static List<string> Unknown(ResultsSnapshot snapshot) =>
        [.. snapshot.UnknownTags.Select(u => $"{u.Tag}|{u.Reads}|{u.LastLocation}|{u.LastAtMs}").Order(), snapshot.UnknownTagCount.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static List<string> Flatten(ResultsSnapshot snapshot) =>
        [.. snapshot.Races.Values.SelectMany(r => r.All).Select(r =>
            $"{r.Bib}|{r.Status}|{r.ChipStartMs}|{r.FinishMs}|{r.ChipTime}|{r.GunTime}|{r.Place}|{r.GenderPlace}|{r.DivisionPlace}|{r.LastLocation}|{r.LastSeenMs}|" +
            string.Join(",", r.Splits.Select(s => $"{s.Location}@{s.AtMs}")))];
}
