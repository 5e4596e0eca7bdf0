using Edge.Appliance.Screens;
using Edge.Appliance.Web;

namespace Edge.Tests.Screens;

/// <summary>Templates and displays as JSON: what is written reads back the same; nothing unknown or unbounded is read.</summary>
public class ScreenJsonTests
{
    [Fact]
    public void A_template_reads_back_as_it_was_written()
    {
        var template = new DisplayTemplate("t-1", "Sponsors", ScreenLayout.Split, ["10k"], ["place", "name", "division"], 140,
            new ScreenColours("#fefefe", "#101010", "#00ff00"), 12, 20, "Thanks\nto all", "logo1", "sp_2", ["a", "b"]);
        var read = ScreenJson.ReadTemplate(ScreenJson.Write(template, "timer", 5));
        Assert.NotNull(read);
        Assert.Equal(template.Fields, read.Fields);
        Assert.Equal(template.Races, read.Races);
        Assert.Equal(template.Parts, read.Parts);
        Assert.Equal(template with { Fields = read.Fields, Races = read.Races, Parts = read.Parts }, read);
    }

    [Fact]
    public void A_revoking_entry_reads_as_none_and_a_display_keeps_its_revocation()
    {
        Assert.Null(ScreenJson.ReadTemplate("""{ "id": "t", "revoked": true }"""));
        var display = ScreenJson.ReadDisplay(ScreenJson.Write(new ScreenDisplay("d1", "Arch", "t", true), "timer", 1));
        Assert.True(display.Revoked);
    }

    [Fact]
    public void Defaults_are_high_contrast_and_the_stylesheet_holds_only_the_template_values()
    {
        var read = ScreenJson.ReadTemplate("""{ "id": "t", "name": "T", "layout": "finish" }""")!;
        Assert.Equal(ScreenColours.HighContrast, read.Colours);
        Assert.Equal("#ffffff", read.Colours.Foreground);
        Assert.Equal("#000000", read.Colours.Background);
        Assert.Equal(DisplayTemplate.DefaultFields, read.Fields);
        Assert.Equal("html,body{background:#000000;color:#ffffff}h2,.note,.count{color:#ffd84d}", Displays.StyleSheet(read));
        // A larger type is had with fewer rows: 150 % with 6 rows a page; with the standard 10 rows it stays at 100 %.
        Assert.EndsWith("#live{--u:calc(min(1vh,.5625vw)*1.5);font-size:calc(4.6*var(--u))}", Displays.StyleSheet(read with { TextSize = 150, RowsPerPage = 6 }), StringComparison.Ordinal);
        Assert.Equal(100, Displays.TextSize(read with { TextSize = 150 }));
        Assert.Equal(50, Displays.TextSize(read with { RowsPerPage = 20 }));
        Assert.Equal(250, Displays.TextSize(read with { Layout = ScreenLayout.Message, TextSize = 250, Message = "Thank you!" }));
        Assert.Equal(100, Displays.TextSize(read with { Layout = ScreenLayout.Message, TextSize = 250, Message = new string('a', 300) }));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"textSize\": 10 }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"textSize\": 100.5 }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"secondsPerPage\": 1 }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"fields\": [] }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"parts\": [\"a\", \"b\"] }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"split\", \"parts\": [\"t\", \"b\"] }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"colours\": { \"background\": \"#00000g\" } }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"colours\": { \"shadow\": \"#000000\" } }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\", \"layout\": \"finish\", \"revoked\": \"yes\" }")]
    [InlineData("{ \"id\": \"t\", \"name\": \"T\u0007\", \"layout\": \"finish\" }")]
    [InlineData("{ \"id\": \"t\", \"layout\": \"finish\" }")]
    public void Malformed_templates_are_refused(string json) =>
        Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadTemplate(json));

    [Fact]
    public void Oversized_text_is_refused()
    {
        Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadTemplate($$"""{ "id": "t", "name": "T", "layout": "message", "message": "{{new string('x', ScreenJson.MaxMessage + 1)}}" }"""));
        Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadTemplate($$"""{ "id": "t", "name": "T", "layout": "message", "x": "{{new string('x', ScreenJson.MaxBytes)}}" }"""));
        Assert.Throws<ScreenDesignException>(() => ScreenJson.ReadDisplay("""{ "id": "d", "name": "D", "template": "t", "owner": "me" }"""));
    }
}
