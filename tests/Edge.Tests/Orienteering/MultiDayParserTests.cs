using Edge.Appliance.Orienteering;
using static Edge.Tests.Orienteering.IofXml;

namespace Edge.Tests.Orienteering;

/// <summary>The days of a multi-day event as result lists give them: Result@raceNumber, else the Event's one Race, else day 1.</summary>
public class MultiDayParserTests
{
    [Fact]
    public void A_file_holding_two_days_keeps_each_persons_result_of_each_day_and_the_races_names()
    {
        var list = Parse(DaysList(
            ClassResult("M21", PersonRaces("Ann", "Lee", "Lakeside", (1, 1800, "OK"), (2, 1900.5, "OK"))
                + PersonRaces("Bo", "Ek", "Hilltop", (2, null, "DidNotFinish"), (1, 1750, "OK"))
                + PersonRaces("Di", "Gu", "Lakeside", (1, 2000, "OK"))),
            "2026-06-07T18:00:00-07:00", "Complete", (1, "Sprint"), (2, "Long")));

        Assert.Equal([new IofRace(1, "Sprint"), new IofRace(2, "Long")], list.Event.Races);
        Assert.Equal([1, 2], list.Days());
        Assert.Equal(("Sprint", "Long", (string?)null), (list.DayName(1), list.DayName(2), list.DayName(3)));

        // Classes keep each person's first Result, as a one-day reader always saw; the others are beside it.
        var bo = list.Classes[0].Persons[1];
        Assert.Equal((2, IofStatus.DidNotFinish), (bo.RaceNumber, bo.Status));
        var other = Assert.Single(bo.OtherResults);
        Assert.Equal((1, 1750.0, IofStatus.OK, "Bo Ek", "Hilltop"), (other.RaceNumber, other.Time, other.Status, other.Person.Name, other.Organisation?.Name));

        var day1 = list.ForDay(1);
        Assert.Equal([("Ann Lee", 1800.0), ("Bo Ek", 1750.0), ("Di Gu", 2000.0)], day1.Classes[0].Persons.Select(p => (p.Person.Name, p.Time!.Value)));
        var day2 = list.ForDay(2);
        Assert.Equal([("Ann Lee", IofStatus.OK, 1900.5), ("Bo Ek", IofStatus.DidNotFinish, (double?)null)],
            day2.Classes[0].Persons.Select(p => (p.Person.Name, p.Status, p.Time)));
        Assert.All(day2.Classes[0].Persons, p => Assert.Empty(p.OtherResults));
        Assert.Empty(list.ForDay(3).Classes);
    }

    [Fact]
    public void Without_raceNumber_a_result_is_on_the_Events_one_race_else_day_1()
    {
        var day2 = Parse(DaysList(ClassResult("M21", Person("Ann", "Lee", "Lakeside", 1900)), "2026-06-07T18:00:00-07:00", "Complete", (2, "Long")));
        Assert.Equal(2, day2.DefaultDay);
        Assert.Equal([2], day2.Days());
        Assert.Null(day2.Classes[0].Persons[0].RaceNumber);
        Assert.Single(day2.ForDay(2).Classes[0].Persons);

        // The Event written after the classes (out of schema order) decides all the same.
        var late = Parse(List(ClassResult("M21", Person("Ann", "Lee", "Lakeside", 1900)))
            .Replace("</ResultList>", "<Event><Name>Late</Name><Race><RaceNumber>3</RaceNumber><Name>Middle</Name></Race></Event></ResultList>", StringComparison.Ordinal));
        Assert.Equal([3], late.Days());

        // Two races named and no raceNumber: day 1. No race at all: day 1, and the list is its own day.
        Assert.Equal([1], Parse(DaysList(ClassResult("M21", Person("Ann", "Lee", "Lakeside", 1800)), "2026-06-06T18:00:00-07:00", "Complete", (1, "Sprint"), (2, "Long"))).Days());
        var plain = Parse(List(ClassResult("W1F", Person("Ann", "Lee", "Lakeside", 1800))));
        Assert.Empty(plain.Event.Races);
        Assert.Equal([1], plain.Days());
        Assert.Same(plain, plain.ForDay(1));
        Assert.Empty(plain.ForDay(2).Classes);
    }

    [Fact]
    public void A_course_given_for_a_race_is_that_days_course()
    {
        var xml = DaysList("""
              <ClassResult>
                <Class><Name>M21</Name></Class>
                <Course raceNumber="1"><Length>3100</Length><Climb>40</Climb></Course>
                <Course raceNumber="2"><Length>8200</Length><Climb>310</Climb></Course>
            """ + PersonRaces("Ann", "Lee", "Lakeside", (1, 1800, "OK"), (2, 4200, "OK")) + "</ClassResult>",
            "2026-06-07T18:00:00-07:00");
        var list = Parse(xml);
        Assert.Equal(new IofCourse(3100, 40), list.Classes[0].Course);
        Assert.Equal(new IofCourse(3100, 40), list.ForDay(1).Classes[0].Course);
        Assert.Equal(new IofCourse(8200, 310), list.ForDay(2).Classes[0].Course);
    }

    [Theory]
    [InlineData("<Result raceNumber=\"33\"><Status>OK</Status></Result>", "Result raceNumber '33' is not a race number from 1 to 32")]
    [InlineData("<Result raceNumber=\"0\"><Status>OK</Status></Result>", "Result raceNumber '0' is not a race number")]
    [InlineData("<Result raceNumber=\"-1\"><Status>OK</Status></Result>", "Result raceNumber '-1' is not a race number")]
    [InlineData("<Result raceNumber=\"99999999999999999999\"><Status>OK</Status></Result>", "is not a race number")]
    [InlineData("<Result raceNumber=\"two\"><Status>OK</Status></Result>", "Result raceNumber 'two' is not a race number")]
    public void A_race_number_out_of_bounds_is_refused_with_the_reason(string result, string reason)
    {
        var xml = List(ClassResult("M21", $"<PersonResult><Person><Name><Given>A</Given></Name></Person>{result}</PersonResult>"));
        Assert.Contains(reason, Assert.Throws<IofParseException>(() => Parse(xml)).Message);
    }

    [Fact]
    public void An_Event_race_number_out_of_bounds_is_refused_and_the_bound_is_an_option()
    {
        var xml = DaysList(ClassResult("M21", Person("Ann", "Lee", "Lakeside", 1800)), "2026-06-06T18:00:00-07:00", "Complete", (40, "Far"));
        Assert.Contains("Event Race RaceNumber '40' is not a race number from 1 to 32", Assert.Throws<IofParseException>(() => Parse(xml)).Message);
        Assert.Equal([40], Parse(xml, new IofParseOptions { MaxRaceNumber = 40 }).Days());
    }

    [Fact]
    public void A_person_holds_one_result_per_race_however_many_the_file_repeats()
    {
        // 500 Results for race 2 and 500 without a number: one of each is kept (the first), the rest skipped unread.
        var repeated = string.Concat(Enumerable.Range(0, 500).Select(i => $"<Result raceNumber=\"2\"><Time>{1000 + i}</Time><Status>OK</Status></Result><Result><Time>{3000 + i}</Time><Status>OK</Status></Result>"));
        var list = Parse(List(ClassResult("M21", $"<PersonResult><Person><Name><Given>A</Given></Name></Person>{repeated}</PersonResult>")));
        var person = Assert.Single(list.Classes[0].Persons);
        Assert.Equal((2, 1000.0), (person.RaceNumber, person.Time!.Value));
        var other = Assert.Single(person.OtherResults);
        Assert.Equal(((int?)null, 3000.0), (other.RaceNumber, other.Time!.Value));
        Assert.Equal([1, 2], list.Days());
    }
}
