using System.Text;
using Edge.Appliance.Orienteering;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>IOF XML 3.0 ResultList files as OE, MeOS and QuickEvent write them (PROTOCOLS.md §3), read into records.</summary>
public class IofResultListParserTests
{
    private static IofResultList Fixture(string name)
    {
        using var file = File.OpenRead(Repo.Fixture(Path.Combine("iof", name)));
        return IofResultListParser.Parse(file);
    }

    [Fact]
    public void The_official_individual_example_reads_in_full()
    {
        var list = Fixture("ResultList1.xml");
        Assert.Equal(IofListStatus.Complete, list.Status);
        Assert.Equal(new DateTimeOffset(2011, 7, 31, 22, 46, 33, TimeSpan.FromHours(1)), list.CreateTime);
        Assert.Equal("Example Software", list.Creator);
        Assert.Equal(new IofEvent("Example event", new DateOnly(2011, 7, 30)), list.Event);
        Assert.Equal(["Men Elite", "Open"], list.Classes.Select(c => c.Class.Name));
        Assert.Equal(new IofClass("1", "Men Elite", null), list.Classes[0].Class);
        Assert.Equal(new IofCourse(4650, 160), list.Classes[0].Course);
        // The second class's Course has an Id and a Name too; length and climb are what is kept.
        Assert.Equal(new IofCourse(2990, 120), list.Classes[1].Course);

        var wood = list.Classes[0].Persons[0];
        Assert.Equal(new IofPerson("1", "George", "Wood"), wood.Person);
        Assert.Equal("George Wood", wood.Person.Name);
        Assert.Equal(new IofOrganisation("5", "OC Back and Forth", null, "GBR"), wood.Organisation);
        Assert.Equal("101", wood.Bib);
        Assert.Equal(new DateTimeOffset(2011, 7, 30, 10, 0, 0, TimeSpan.FromHours(1)), wood.StartTime);
        Assert.Equal(new DateTimeOffset(2011, 7, 30, 10, 33, 21, TimeSpan.FromHours(1)), wood.FinishTime);
        Assert.Equal((2001.0, 0.0, 1, IofStatus.OK, "794021"), (wood.Time, wood.TimeBehind, wood.Position, wood.Status, wood.ControlCard));
        // The person-level Course inside Result holds <Id> and <Length>: neither is taken for a split or a time.
        Assert.Equal(
            [new("31", 501, IofSplitStatus.OK), new("32", 720, IofSplitStatus.OK), new("31", 818, IofSplitStatus.OK),
             new("33", 1136, IofSplitStatus.OK), new("31", 1593, IofSplitStatus.OK)],
            wood.Splits);

        var martin = list.Classes[0].Persons[1];
        Assert.Equal((IofStatus.MissingPunch, 2202.0, (int?)null, "299482"), (martin.Status, martin.Time, martin.Position, martin.ControlCard));
        Assert.Equal(
            [new("31", 693, IofSplitStatus.OK), new("33", 1581, IofSplitStatus.OK), new("31", 1920, IofSplitStatus.OK),
             new("32", null, IofSplitStatus.Missing), new("31", null, IofSplitStatus.Missing),
             new("32", 966, IofSplitStatus.Additional), new("31", 1379, IofSplitStatus.Additional)],
            martin.Splits);

        var lawson = Assert.Single(list.Classes[1].Persons);
        Assert.Equal((IofStatus.DidNotStart, (double?)null, (string?)null, 0), (lawson.Status, lawson.Time, lawson.Bib, lawson.Splits.Count));
        Assert.Equal("973078", lawson.ControlCard);
    }

    [Fact]
    public void The_official_relay_example_reads_its_class_and_skips_the_team_results()
    {
        var list = Fixture("ResultList2.xml");
        var open = Assert.Single(list.Classes);
        Assert.Equal("Open", open.Class.Name);
        Assert.Empty(open.Persons);
        Assert.Equal("Example event", list.Event.Name);
    }

    [Fact]
    public void A_windows_1252_export_keeps_accented_names()
    {
        // OE declares windows-1252: é is byte E9, ø F8, Å C5, and € (80) exists only in 1252, not in Latin-1.
        var xml = IofXml.List(IofXml.ClassResult("H21", IofXml.Person("Zoë Renée", "Åsbjørnsen", "Orientação €uro", 1800)))
            .Replace("encoding=\"UTF-8\"", "encoding=\"windows-1252\"", StringComparison.Ordinal);
        var bytes = CodePagesEncoding().GetBytes(xml);
        Assert.Contains((byte)0xE9, bytes);
        Assert.Contains((byte)0x80, bytes);

        var person = IofResultListParser.Parse(bytes).Classes[0].Persons[0];
        Assert.Equal(new IofPerson(null, "Zoë Renée", "Åsbjørnsen"), person.Person);
        Assert.Equal("Orientação €uro", person.Organisation!.Name);
    }

    [Fact]
    public void Utf8_with_a_byte_order_mark_and_latin1_read_the_same_names()
    {
        var xml = IofXml.List(IofXml.ClassResult("D21", IofXml.Person("Anaïs", "Müller", "Göteborg OK", 1800)));
        var utf8 = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(xml)).ToArray();
        var latin1 = Encoding.Latin1.GetBytes(xml.Replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"", StringComparison.Ordinal));
        foreach (var bytes in new[] { utf8, latin1 })
        {
            Assert.Equal(new IofPerson(null, "Anaïs", "Müller"), IofResultListParser.Parse(bytes).Classes[0].Persons[0].Person);
        }
    }

    [Fact]
    public void Elements_out_of_schema_order_are_read_by_name()
    {
        // QuickEvent (Quick-Box/quickevent #831) wrote Result before Person, Status before Time, Time before ControlCode.
        var xml = IofXml.List("""
              <ClassResult>
                <PersonResult>
                  <Result>
                    <Status>OK</Status>
                    <SplitTime><Time>300</Time><ControlCode>41</ControlCode></SplitTime>
                    <Position>1</Position>
                    <Time>1234.5</Time>
                    <BibNumber>7</BibNumber>
                  </Result>
                  <Organisation><Country code="USA">United States</Country><ShortName>COC</ShortName><Name>Cascade OC</Name></Organisation>
                  <Person><Name><Given>Ada</Given><Family>Byron</Family></Name><Id>77</Id></Person>
                </PersonResult>
                <Course><Climb>85</Climb><Length>3200</Length></Course>
                <Class><ShortName>W3F</ShortName><Name>High School Girls Varsity</Name><Id>9</Id></Class>
              </ClassResult>
            """);
        var cls = Assert.Single(IofXml.Parse(xml).Classes);
        Assert.Equal(new IofClass("9", "High School Girls Varsity", "W3F"), cls.Class);
        Assert.Equal(new IofCourse(3200, 85), cls.Course);
        var p = Assert.Single(cls.Persons);
        Assert.Equal(new IofPerson("77", "Ada", "Byron"), p.Person);
        Assert.Equal(new IofOrganisation(null, "Cascade OC", "COC", "USA"), p.Organisation);
        Assert.Equal((IofStatus.OK, 1234.5, (int?)1, "7"), (p.Status, p.Time, p.Position, p.Bib));
        Assert.Equal([new IofSplitTime("41", 300, IofSplitStatus.OK)], p.Splits);
    }

    [Fact]
    public void Vacant_entries_without_organisation_or_name_are_read()
    {
        // MeOS vacancies (orienteerfeed/ofeed #221): no Organisation, an empty Person, a Person without a Name, no Result.
        var xml = IofXml.List("""
              <ClassResult>
                <Class><Name>Open</Name></Class>
                <PersonResult><Person/><Result><Status>DidNotStart</Status></Result></PersonResult>
                <PersonResult><Person><Id>0</Id></Person><Result><BibNumber></BibNumber><Status>Inactive</Status></Result></PersonResult>
                <PersonResult><Person><Name><Given>Vacant</Given></Name></Person></PersonResult>
              </ClassResult>
            """);
        var persons = IofXml.Parse(xml).Classes[0].Persons;
        Assert.Equal(3, persons.Count);
        Assert.All(persons, p => Assert.Null(p.Organisation));
        Assert.Equal((new IofPerson(null, null, null), "", IofStatus.DidNotStart), (persons[0].Person, persons[0].Person.Name, persons[0].Status));
        Assert.Equal((new IofPerson("0", null, null), (string?)null), (persons[1].Person, persons[1].Bib));
        Assert.Equal((new IofPerson(null, "Vacant", null), IofStatus.Inactive), (persons[2].Person, persons[2].Status));
    }

    [Fact]
    public void Every_iof_status_is_read()
    {
        string[] names = ["OK", "Finished", "MissingPunch", "Disqualified", "DidNotFinish", "Active", "Inactive", "OverTime",
            "SportingWithdrawal", "NotCompeting", "Moved", "MovedUp", "DidNotStart", "DidNotEnter", "Cancelled"];
        var xml = IofXml.List(IofXml.ClassResult("X", string.Concat(names.Select(n => IofXml.Person("A", n, "C", null, n)))));
        var statuses = IofXml.Parse(xml).Classes[0].Persons.Select(p => p.Status).ToList();
        Assert.Equal(names, statuses.Select(s => s.ToString()));
        Assert.Equal(15, statuses.Distinct().Count());
    }

    [Fact]
    public void Delta_lists_fractional_times_decimal_commas_and_several_given_names_are_read()
    {
        var xml = IofXml.List("""
              <ClassResult>
                <Class><Name>M21</Name></Class>
                <PersonResult>
                  <Person><Id>1</Id><Id type="IOF">500123</Id><Name><Family>Kyburz</Family><Given>Matthias</Given><Given>Peter</Given></Name></Person>
                  <Result><Time>2001.7</Time><TimeBehind>0,3</TimeBehind><Status>OK</Status><ControlCard>1</ControlCard><ControlCard>2</ControlCard></Result>
                </PersonResult>
              </ClassResult>
            """, status: "Delta");
        var list = IofXml.Parse(xml);
        Assert.Equal(IofListStatus.Delta, list.Status);
        var p = list.Classes[0].Persons[0];
        Assert.Equal((new IofPerson("1", "Matthias Peter", "Kyburz"), 2001.7, 0.3, "1"), (p.Person, p.Time, p.TimeBehind, p.ControlCard));
    }

    [Fact]
    public void Extensions_and_elements_of_other_namespaces_are_skipped()
    {
        var xml = IofXml.List("""
              <ClassResult xmlns:x="urn:vendor">
                <Class><Name>M21</Name><x:Name>not this</x:Name></Class>
                <x:PersonResult><Person><Name><Given>Not</Given></Name></Person></x:PersonResult>
                <PersonResult>
                  <Person><Name><Given>Kept</Given></Name></Person>
                  <Result><Status>OK</Status><Time>60</Time><Extensions><x:Time>99</x:Time><x:Deep><x:Deeper/></x:Deep></Extensions></Result>
                </PersonResult>
                <Extensions><x:Anything a="b">text</x:Anything></Extensions>
              </ClassResult>
            """);
        var cls = IofXml.Parse(xml).Classes[0];
        Assert.Equal("M21", cls.Class.Name);
        var p = Assert.Single(cls.Persons);
        Assert.Equal(("Kept", 60.0), (p.Person.Name, p.Time));
    }

    /// <summary>Windows-1252 from the provider itself, not registered: only the parser's own registration lets it read the file.</summary>
    private static Encoding CodePagesEncoding() => CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
}
