using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// The roster's gender column: the usual spellings become M, F or X (so "Male" runners are ranked with "M" ones,
/// not as a gender of their own), anything else is refused with the line and field.
/// </summary>
public class GenderTests : IDisposable
{
    private const string OneRace = """
        { "event": { "name": "x" }, "races": [ { "id": "10k", "timingPoints": [ { "location": "finish", "role": "finish" } ] } ] }
        """;

    private readonly string _dir = TempDir.Create("meet-gender");

    private Meet Load(params string[] genders)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), OneRace);
        var rows = genders.Select((g, i) => $"{i + 1},A,B,{Csv.Escape(g)},34,10k\n");
        File.WriteAllText(Path.Combine(_dir, "participants.csv"), "bib,first_name,last_name,gender,age,race\n" + string.Concat(rows));
        return MeetLoader.Load(_dir);
    }

    [Theory]
    [InlineData("M", "M")]
    [InlineData("m", "M")]
    [InlineData("Male", "M")]
    [InlineData("MALE", "M")]
    [InlineData(" male ", "M")]
    [InlineData("man", "M")]
    [InlineData("Men", "M")]
    [InlineData("F", "F")]
    [InlineData("f", "F")]
    [InlineData("Female", "F")]
    [InlineData("woman", "F")]
    [InlineData("WOMEN", "F")]
    [InlineData("X", "X")]
    [InlineData("x", "X")]
    [InlineData("Non-Binary", "X")]
    [InlineData("nonbinary", "X")]
    [InlineData("Non Binary", "X")]
    [InlineData("non  binary", "X")]
    [InlineData("NB", "X")]
    public void Usual_spellings_become_M_F_or_X(string written, string gender)
    {
        var runner = Assert.Single(Load(written).Participants);
        Assert.Equal(gender, runner.Gender);
    }

    [Fact]
    public void Male_and_M_runners_share_one_gender_and_one_division()
    {
        var meet = Load("Male", "M", "male");
        Assert.All(meet.Participants, p => Assert.Equal("M 30-39", meet.AgeGroups.Division(p.Gender, p.Age)));
    }

    [Theory]
    [InlineData("Mle")]
    [InlineData("boy")]
    [InlineData("W")]
    [InlineData("M/F")]
    [InlineData("FEMALEFEMALE")]
    public void Anything_else_is_refused_with_line_field_and_the_accepted_spellings(string written)
    {
        var e = Assert.Throws<MeetException>(() => Load("F", written));
        Assert.EndsWith($"participants.csv: line 3, field 'gender': '{written}' is not a gender (use M, F or X; male, female, non-binary are accepted)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_gender_is_refused_as_required()
    {
        var e = Assert.Throws<MeetException>(() => Load(""));
        Assert.EndsWith("participants.csv: line 2, field 'gender': required (M, F or X)", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => TempDir.Delete(_dir);
}
