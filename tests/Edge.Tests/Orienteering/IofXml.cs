using System.Globalization;
using System.Text;
using Edge.Appliance.Orienteering;

namespace Edge.Tests.Orienteering;

/// <summary>Small IOF XML 3.0 result lists written for a test, and result records built directly for scoring tests.</summary>
internal static class IofXml
{
    public const string Header = """<?xml version="1.0" encoding="UTF-8"?>""";

    /// <summary>A ResultList holding the given ClassResult elements.</summary>
    public static string List(string classResults, string status = "Complete") => $"""
        {Header}
        <ResultList xmlns="http://www.orienteering.org/datastandard/3.0" iofVersion="3.0" status="{status}" createTime="2026-05-02T12:00:00-07:00" creator="OE2010">
          <Event><Name>WIOL #3</Name><StartTime><Date>2026-05-02</Date><Time>10:00:00-07:00</Time></StartTime></Event>
        {classResults}
        </ResultList>
        """;

    public static string ClassResult(string shortName, string persons, string name = "") => $"""
          <ClassResult>
            <Class><Name>{(name.Length > 0 ? name : shortName)}</Name><ShortName>{shortName}</ShortName></Class>
        {persons}
          </ClassResult>
        """;

    public static string Person(string given, string family, string org, double? time, string status = "OK") => $"""
            <PersonResult>
              <Person><Name><Family>{family}</Family><Given>{given}</Given></Name></Person>
              <Organisation><Name>{org}</Name></Organisation>
              <Result>{(time is { } t ? string.Create(CultureInfo.InvariantCulture, $"<Time>{t}</Time>") : "")}<Status>{status}</Status></Result>
            </PersonResult>
        """;

    /// <summary>
    /// A ResultList created at <paramref name="createTime"/> whose Event names <paramref name="races"/> (number, name;
    /// none: the Event has no Race element), holding the given ClassResult elements.
    /// </summary>
    public static string DaysList(string classResults, string createTime, string status = "Complete", params (int Number, string Name)[] races) => $"""
        {Header}
        <ResultList xmlns="http://www.orienteering.org/datastandard/3.0" iofVersion="3.0" status="{status}" createTime="{createTime}" creator="OE2010">
          <Event><Name>Junior Nationals</Name><StartTime><Date>2026-06-06</Date></StartTime>{string.Concat(races.Select(r => string.Create(CultureInfo.InvariantCulture, $"<Race><RaceNumber>{r.Number}</RaceNumber><Name>{r.Name}</Name></Race>")))}</Event>
        {classResults}
        </ResultList>
        """;

    /// <summary>A PersonResult with a Result per race given: its raceNumber (null: none written), seconds (null: none), status.</summary>
    public static string PersonRaces(string given, string family, string org, params (int? Race, double? Time, string Status)[] results) => $"""
            <PersonResult>
              <Person><Name><Family>{family}</Family><Given>{given}</Given></Name></Person>
              <Organisation><Name>{org}</Name></Organisation>
              {string.Concat(results.Select(r => Result(r.Race, r.Time, r.Status)))}
            </PersonResult>
        """;

    private static string Result(int? race, double? time, string status)
    {
        var attribute = race is null ? "" : string.Create(CultureInfo.InvariantCulture, $" raceNumber=\"{race}\"");
        var seconds = time is null ? "" : string.Create(CultureInfo.InvariantCulture, $"<Time>{time}</Time>");
        return $"<Result{attribute}>{seconds}<Status>{status}</Status></Result>";
    }

    public static IofResultList Parse(string xml, IofParseOptions? options = null) => IofResultListParser.Parse(Encoding.UTF8.GetBytes(xml), options);

    /// <summary>A competitor's result as the parser would give it.</summary>
    public static IofPersonResult Runner(string name, string? org, double? time, IofStatus status = IofStatus.OK, string? id = null)
    {
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        var person = space < 0 ? new IofPerson(id, name, null) : new IofPerson(id, name[..space], name[(space + 1)..]);
        var organisation = org is null ? null : new IofOrganisation(null, org, null, null);
        return new IofPersonResult(person, organisation, null, null, null, time, null, null, status, null, []);
    }

    public static IofClassResult Class(string shortName, params IofPersonResult[] persons) =>
        new(new IofClass(null, shortName, shortName), null, persons);

    public static IofResultList ListOf(params IofClassResult[] classes) =>
        new(IofListStatus.Complete, null, null, new IofEvent("Test event", null), classes);

    /// <summary>Competitors of one organisation each finishing in the order given: 1000 s, 1010 s, ... (positions 1, 2, ...).</summary>
    public static IofPersonResult[] InOrder(params string?[] organisations) =>
        [.. organisations.Select((org, i) => Runner($"Runner{i + 1} {org ?? "Unattached"}", org, 1000 + 10 * i))];
}
