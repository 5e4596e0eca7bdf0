using Edge.Appliance.Meet;
using Edge.Appliance.Web;
using Edge.Tests.Support;

namespace Edge.Tests.Web;

/// <summary>The results CSV: what a spreadsheet or scoring program reads, and nothing it would run.</summary>
public class ExportTests(RaceScenario.Fixture race) : IClassFixture<RaceScenario.Fixture>
{
    [Fact]
    public async Task Results_csv_has_a_row_per_participant_in_result_order()
    {
        using var response = await race.Box.Http.GetAsync("/races/10k/results.csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment; filename=\"10k-results.csv\"", response.Content.Headers.ContentDisposition!.ToString());
        var rows = Csv.Parse(await response.Content.ReadAsStringAsync(), "results.csv");
        var header = rows[0].Fields;
        Assert.Equal(["place", "bib", "first_name", "last_name", "gender", "age", "division"], header.Take(7));
        Assert.Contains("split_5k", header);
        Assert.Equal(["103", "101", "105", "102", "104", "106", "107", "1010"], rows.Skip(1).Select(r => r.Fields[1]));

        string Field(int row, string name) => rows[row].Fields[header.ToList().IndexOf(name)];
        Assert.Equal(("2", "Zoë", "Ångström", "F 30-39", "finished"), (Field(2, "place"), Field(2, "first_name"), Field(2, "last_name"), Field(2, "division"), Field(2, "status")));
        Assert.Equal(("0:42:07.43", "0:42:12.14", "2", "1", "0:21:35.29"), (Field(2, "chip_time"), Field(2, "gun_time"), Field(2, "gender_place"), Field(2, "division_place"), Field(2, "split_5k")));
        Assert.Equal(("", "onCourse", ""), (Field(5, "place"), Field(5, "status"), Field(5, "chip_time")));
    }

    [Fact]
    public async Task Text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised()
    {
        var rows = Csv.Parse(await race.Box.Http.GetStringAsync("/races/10k/results.csv"), "results.csv");
        var header = rows[0].Fields.ToList();
        var byBib = rows.Skip(1).ToDictionary(r => r.Fields[1]);
        Assert.Equal("'=HYPERLINK(\"http://x\")", byBib["102"].Fields[header.IndexOf("city")]);
        Assert.Equal("<script>alert(1)</script>", byBib["102"].Fields[header.IndexOf("first_name")]);
        Assert.Equal("'+team", byBib["102"].Fields[header.IndexOf("team")]);
        Assert.Equal("'@home", byBib["104"].Fields[header.IndexOf("team")]);
        Assert.Equal("'-minus", byBib["105"].Fields[header.IndexOf("team")]);
        Assert.Equal("Lakeside Striders", byBib["101"].Fields[header.IndexOf("team")]);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("=A1,B1", "\"'=A1,B1\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("Smith, \"Jr\"", "\"Smith, \"\"Jr\"\"\"")]
    [InlineData("", "")]
    public void Text_cells_are_escaped_and_neutralised(string value, string expected) => Assert.Equal(expected, Exports.Text(value));
}
