using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// A JSON syntax error is one message with one position: <c>meet.json: line 11, column 5: what is wrong</c>, in
/// the timer's words, without System.Text.Json's own "LineNumber: 10 | BytePositionInLine: 4" beside it.
/// </summary>
public partial class JsonSyntaxErrorTests : IDisposable
{
    private readonly string _dir = TempDir.Create("meet-syntax");

    [GeneratedRegex(@"\bline \d+", RegexOptions.IgnoreCase)]
    private static partial Regex LineNumber();

    private MeetException Refused(string json)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), json);
        return Assert.Throws<MeetException>(() => MeetLoader.Load(_dir));
    }

    private static void HasOnePosition(MeetException e, int line, int column)
    {
        Assert.Single(LineNumber().Matches(e.Message));
        Assert.Matches($@"meet\.json: line {line}, column {column}: \S", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePosition", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Path: $", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_comma_names_its_line_and_column_once()
    {
        var e = Refused("""
            {
              "event": {
                "name": "x",
                "date": "2026-05-02"
              },
              "races": [
                { "id": "10k",
                  "timingPoints": [
                    { "location": "finish", "role": "finish" } ]
                }
                oops ]
            }
            """);
        HasOnePosition(e, 11, 5);
        Assert.Contains("','", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_column_counts_characters_not_bytes()
    {
        const string json = """{ "event": { "name": "Zoë Ångström" "date": "2026-05-02" } }""";
        var e = Refused(json);
        HasOnePosition(e, 1, json.IndexOf("\"date\"", StringComparison.Ordinal) + 1);
    }

    [Theory]
    [InlineData("{\n  \"event\": { \"name\": \"x\" }\n", 3, 1, "never closed")]
    [InlineData("{\n  \"event\": { name: \"x\" }\n}", 2, 14, "double quotes")]
    [InlineData("{\n  \"event\": { \"name\": \"x\n\" }\n}", 2, 24, "closing '\"'")]
    [InlineData("{ \"event\": { \"name\": \"x\" } }\n}", 2, 1, "one JSON object")]
    [InlineData("{ \"event\": { \"name\": tru } }", 1, 25, "true")]
    public void Each_kind_of_syntax_error_is_said_in_plain_words_at_one_position(string json, int line, int column, string words)
    {
        var e = Refused(json);
        HasOnePosition(e, line, column);
        Assert.Contains(words, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => TempDir.Delete(_dir);
}
