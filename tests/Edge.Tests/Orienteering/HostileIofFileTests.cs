using System.Text;
using Edge.Appliance.Orienteering;
using Edge.Tests.Support;

namespace Edge.Tests.Orienteering;

/// <summary>
/// Result lists arrive from outside the box (an FTP upload, a POST): a hostile or broken file is refused with an
/// <see cref="IofParseException"/> whose message says why, never read in part and never another exception.
/// </summary>
public class HostileIofFileTests
{
    private static IofParseException Refused(string xml, IofParseOptions? options = null) =>
        Assert.Throws<IofParseException>(() => IofXml.Parse(xml, options));

    private static IofParseException Refused(byte[] bytes) =>
        Assert.Throws<IofParseException>(() => IofResultListParser.Parse(bytes));

    private static readonly string Small = IofXml.List(IofXml.ClassResult("W1F",
        IofXml.Person("Zoë", "Ng", "Cascade OC", 1800) + IofXml.Person("Ann", "Lee", "Sammamish OC", null, "MissingPunch")));

    [Fact]
    public void Entity_expansion_is_refused_before_any_entity_expands()
    {
        // "Billion laughs": ten levels of ten references expand to 10^9 "lol"s from a file of a few hundred bytes.
        var entities = new StringBuilder("<!ENTITY lol0 \"lol\">");
        for (var i = 1; i < 10; i++)
        {
            entities.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{i - 1};", 10))}\">");
        }

        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE ResultList [{entities}]>
            <ResultList xmlns="{IofResultListParser.Namespace}"><Event><Name>&lol9;</Name></Event></ResultList>
            """;
        var e = Refused(xml);
        Assert.Contains("DOCTYPE", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<!DOCTYPE ResultList [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>")]
    [InlineData("<!DOCTYPE ResultList SYSTEM \"http://127.0.0.1:9/iof.dtd\">")]
    [InlineData("<!DOCTYPE ResultList [<!ENTITY % remote SYSTEM \"http://127.0.0.1:9/x.dtd\"> %remote;]>")]
    public void External_entities_and_dtds_are_refused(string doctype)
    {
        var xml = $"""
            <?xml version="1.0"?>
            {doctype}
            <ResultList xmlns="{IofResultListParser.Namespace}"><Event><Name>&xxe;</Name></Event></ResultList>
            """;
        Assert.Contains("DOCTYPE", Refused(xml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entity_reference_without_a_dtd_is_not_well_formed()
    {
        var e = Refused(Small.Replace("<Name>WIOL #3</Name>", "<Name>&xxe;</Name>", StringComparison.Ordinal));
        Assert.Equal("line 3: not well-formed XML: Reference to undeclared entity 'xxe'.", e.Message);
    }

    [Fact]
    public void Nesting_past_the_bound_is_refused_even_inside_skipped_extensions()
    {
        // ResultList is depth 0, Extensions 1, the n-th <x:e> n + 1: depth 63 is the deepest of the default 64 levels.
        static string Nested(int levels) => Small.Replace("</ResultList>",
            $"<Extensions>{string.Concat(Enumerable.Repeat("<x:e xmlns:x=\"urn:x\">", levels))}{string.Concat(Enumerable.Repeat("</x:e>", levels))}</Extensions></ResultList>",
            StringComparison.Ordinal);

        Assert.Equal(2, IofXml.Parse(Nested(62)).Classes[0].Persons.Count);
        Assert.Contains("nested more than 64 deep", Refused(Nested(63)).Message, StringComparison.Ordinal);
        Assert.Contains("nested more than 64 deep", Refused(Nested(100_000)).Message, StringComparison.Ordinal);
        Assert.Contains("nested more than 8 deep", Refused(Nested(7), new IofParseOptions { MaxDepth = 8 }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_list_is_refused_as_truncated()
    {
        var bytes = Encoding.UTF8.GetBytes(Small);
        var rootStart = Small.IndexOf("<ResultList", StringComparison.Ordinal);
        var rootEnd = Encoding.UTF8.GetByteCount(Small[..(Small.LastIndexOf("</ResultList>", StringComparison.Ordinal) + "</ResultList>".Length)]);
        var wrong = new List<string>();
        for (var length = 0; length < rootEnd; length++)
        {
            var e = Assert.Throws<IofParseException>(() => IofResultListParser.Parse(bytes[..length]));
            // A cut inside the root's name ("<Res") cannot yet be told from a file that is not XML: it is refused as such.
            if (length > rootStart + "<ResultList".Length)
            {
                if (!e.Message.Contains("truncated", StringComparison.Ordinal))
                {
                    wrong.Add($"cut at byte {length}: {e.Message}");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Equal(2, IofResultListParser.Parse(bytes[..rootEnd]).Classes[0].Persons.Count);
    }

    [Fact]
    public void The_official_example_cut_short_is_refused_as_truncated()
    {
        var bytes = File.ReadAllBytes(Repo.Fixture(Path.Combine("iof", "ResultList1.xml")));
        var e = Refused(bytes[..(bytes.Length / 2)]);
        Assert.Matches(@"^line \d+: the file ends before its elements are closed: it is truncated", e.Message);
    }

    [Theory]
    [InlineData("<ResultList iofVersion=\"2.0.3\"><Event/></ResultList>",
        "not an IOF XML 3.0 ResultList: root is <ResultList> in no namespace, expected <ResultList> in namespace 'http://www.orienteering.org/datastandard/3.0' (an IOF XML 2.0 export? choose XML 3.0 in the export settings)")]
    [InlineData("<ResultList xmlns=\"http://www.orienteering.org/datastandard/2.0\"/>",
        "not an IOF XML 3.0 ResultList: root is <ResultList> in namespace 'http://www.orienteering.org/datastandard/2.0', expected <ResultList> in namespace 'http://www.orienteering.org/datastandard/3.0'")]
    [InlineData("<StartList xmlns=\"http://www.orienteering.org/datastandard/3.0\"/>",
        "not an IOF XML 3.0 ResultList: root is <StartList> in namespace 'http://www.orienteering.org/datastandard/3.0', expected <ResultList> in namespace 'http://www.orienteering.org/datastandard/3.0'")]
    [InlineData("<html><body>502 Bad Gateway</body></html>",
        "not an IOF XML 3.0 ResultList: root is <html> in no namespace, expected <ResultList> in namespace 'http://www.orienteering.org/datastandard/3.0'")]
    public void A_wrong_root_or_namespace_is_named(string xml, string expected)
    {
        Assert.Equal("line 1: " + expected, Refused(xml).Message);
    }

    [Fact]
    public void A_file_over_the_size_bound_is_refused()
    {
        var big = IofXml.List(IofXml.ClassResult("M21", string.Concat(Enumerable.Range(0, 50).Select(i => IofXml.Person($"G{i}", $"F{i}", "Club", 1000 + i)))));
        Assert.True(big.Length > 10_000);
        Assert.Equal(50, IofXml.Parse(big, new IofParseOptions { MaxCharacters = big.Length + 100 }).Classes[0].Persons.Count);
        var e = Refused(big, new IofParseOptions { MaxCharacters = 2_000 });
        Assert.Contains("the file is larger than the 2,000 characters a result list may have", e.Message, StringComparison.Ordinal);
        Assert.Equal(64L * 1024 * 1024, IofParseOptions.Default.MaxCharacters);
    }

    [Theory]
    [InlineData("", "the file is empty or holds no XML element")]
    [InlineData("   \n", "the file is empty or holds no XML element")]
    [InlineData("PK\u0003\u0004 zipped", "line 1: not well-formed XML: Data at the root level is invalid.")]
    public void Empty_and_non_xml_files_are_refused(string text, string expected)
    {
        Assert.EndsWith(expected, Refused(Encoding.UTF8.GetBytes(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_export_appended_to_the_file_is_refused()
    {
        Assert.Contains("there is more after the ResultList closes", Refused(Small + Small[IofXml.Header.Length..]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_the_declared_encoding_are_refused()
    {
        // Latin-1 bytes (é = E9) in a file that says UTF-8.
        var bytes = Encoding.Latin1.GetBytes(Small.Replace("Zoë", "Zoé", StringComparison.Ordinal));
        Assert.Contains("is not text in the encoding the file declares", Refused(bytes).Message, StringComparison.Ordinal);
        var unknown = Small.Replace("UTF-8", "x-mac-klingon", StringComparison.Ordinal);
        Assert.Contains("save the export as UTF-8 or windows-1252", Refused(unknown).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Status>MissingPunch</Status>", "<Status>Mispunch</Status>", "line 13: Status 'Mispunch' is not an IOF result status (OK, Finished, MissingPunch,")]
    [InlineData("<Time>1800</Time>", "<Time>30:00</Time>", "line 9: Time '30:00' is not a number")]
    [InlineData("<Time>1800</Time>", "<Time>-5</Time>", "line 9: Time '-5' is negative")]
    [InlineData("<Time>1800</Time>", "<Time>NaN</Time>", "line 9: Time 'NaN' is not a number")]
    [InlineData("<Time>1800</Time><Status>OK</Status>", "<Time>1800</Time>", "line 9: a Result in class W1F has no Status")]
    [InlineData("<Time>1800</Time>", "<Time>18<b>00</b></Time>", "line 9: <Time> holds an element <b> where text belongs")]
    [InlineData("<Time>1800</Time>", "<Time>1800</Time><Position>first</Position>", "line 9: Position 'first' is not a whole number")]
    [InlineData("status=\"Complete\"", "status=\"Final\"", "line 2: ResultList status 'Final' must be Complete, Delta or Snapshot")]
    [InlineData("<Class><Name>W1F</Name><ShortName>W1F</ShortName></Class>", "<Class><Id>3</Id></Class>", "line 5: a Class has neither a Name nor a ShortName")]
    public void A_value_that_cannot_be_read_names_its_line(string valid, string broken, string expected)
    {
        Assert.Contains(valid, Small, StringComparison.Ordinal);
        var e = Refused(Small.Replace(valid, broken, StringComparison.Ordinal));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }
}
