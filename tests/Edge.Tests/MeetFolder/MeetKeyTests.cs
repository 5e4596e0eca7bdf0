using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// The meet key keeps one meet's data apart from another's: <c>event.id</c> when given, else the date and a slug
/// of the name; "default" for the embedded meet.
/// </summary>
public partial class MeetKeyTests : IDisposable
{
    private static readonly DateOnly Day = new(2026, 5, 2);
    private readonly string _dir = TempDir.Create("meet-key");

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex KeyShape();

    [Fact]
    public void The_embedded_default_meet_has_the_key_default()
    {
        Assert.Equal("default", MeetEvent.Default.Key);
        Assert.Equal("default", Meet.Empty.Key);
    }

    [Theory]
    [InlineData("Lakeside 10K", "2026-05-02-lakeside-10k")]
    [InlineData("Lakeside 10K & 5K", "2026-05-02-lakeside-10k-5k")]
    [InlineData("  --Lakeside   10K!!  ", "2026-05-02-lakeside-10k")]
    [InlineData("Carrera de São João – Ñandú", "2026-05-02-carrera-de-sao-joao-nandu")]
    [InlineData("Straßenlauf Köln", "2026-05-02-strassenlauf-koln")]
    [InlineData("Øresund Løbet", "2026-05-02-oresund-lobet")]
    [InlineData("Łódź Półmaraton", "2026-05-02-lodz-polmaraton")]
    [InlineData("O'Brien’s 5K", "2026-05-02-obriens-5k")]
    [InlineData("Ｌａｋｅｓｉｄｅ １０Ｋ", "2026-05-02-lakeside-10k")]
    [InlineData("Zoë\u0301 Run", "2026-05-02-zoe-run")]
    public void A_key_is_the_date_and_a_folded_slug_of_the_name(string name, string key)
    {
        Assert.Equal(key, new MeetEvent(name, Day, TimeZoneInfo.Utc).Key);
    }

    [Fact]
    public void An_undated_meet_says_so_in_its_key()
    {
        Assert.Equal("undated-lakeside-10k", new MeetEvent("Lakeside 10K", null, TimeZoneInfo.Utc).Key);
    }

    [Fact]
    public void A_long_name_is_cut_to_64_characters_and_keeps_long_names_apart()
    {
        var a = new MeetEvent("The Annual Lakeside Community Fun Run and Half Marathon Charity Classic, Morning Wave", Day, TimeZoneInfo.Utc).Key;
        var b = new MeetEvent("The Annual Lakeside Community Fun Run and Half Marathon Charity Classic, Evening Wave", Day, TimeZoneInfo.Utc).Key;
        Assert.Matches(KeyShape(), a);
        Assert.Equal(64, a.Length);
        Assert.StartsWith("2026-05-02-the-annual-lakeside-community-fun-run-and-", a, StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_name_without_latin_letters_or_digits_still_gets_a_key_of_its_own()
    {
        var tokyo = new MeetEvent("東京マラソン", Day, TimeZoneInfo.Utc).Key;
        var osaka = new MeetEvent("大阪マラソン", Day, TimeZoneInfo.Utc).Key;
        Assert.Matches("^2026-05-02-meet-[0-9a-f]{8}$", tokyo);
        Assert.NotEqual(tokyo, osaka);
        Assert.Equal(tokyo, new MeetEvent("東京マラソン", Day, TimeZoneInfo.Utc).Key);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("!!!")]
    [InlineData("Ωμέγα Δρόμος 2026")]
    [InlineData("🏃‍♀️🏃")]
    [InlineData("a\u0300\u0301\u0302")]
    [InlineData("Ǆemal-Ǉubljana ﬁnish ½ marathon")]
    public void Every_derived_key_is_lowercase_ascii_letters_digits_and_dashes(string name)
    {
        Assert.Matches(KeyShape(), new MeetEvent(name, Day, TimeZoneInfo.Utc).Key);
        Assert.Matches(KeyShape(), new MeetEvent(name, null, TimeZoneInfo.Utc).Key);
    }

    private Meet Load(string eventJson)
    {
        File.WriteAllText(Path.Combine(_dir, "meet.json"), $$"""{ "event": {{eventJson}} }""");
        return MeetLoader.Load(_dir);
    }

    [Fact]
    public void Event_id_is_the_key_when_given_and_pins_it_through_a_rename()
    {
        var meet = Load("""{ "id": "Lakeside_2026-10k", "name": "Lakeside 10K", "date": "2026-05-02" }""");
        Assert.Equal("Lakeside_2026-10k", meet.Event.Id);
        Assert.Equal("Lakeside_2026-10k", meet.Key);
        Assert.Equal("Lakeside_2026-10k", Load("""{ "id": "Lakeside_2026-10k", "name": "Lakeside 10K (moved)", "date": "2026-05-09" }""").Key);
    }

    [Fact]
    public void Without_event_id_the_key_follows_name_and_date()
    {
        Assert.Equal("2026-05-02-lakeside-10k", Load("""{ "name": "Lakeside 10K", "date": "2026-05-02" }""").Key);
        Assert.Equal("2026-05-02-lakeside-10k-moved", Load("""{ "name": "Lakeside 10K (moved)", "date": "2026-05-02" }""").Key);
        Assert.Equal("undated-lakeside-10k", Load("""{ "name": "Lakeside 10K" }""").Key);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"lake side\"")]
    [InlineData("\"lakeside/2026\"")]
    [InlineData("\"lakéside\"")]
    [InlineData("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"")]
    [InlineData("\"default\"")]
    [InlineData("\"Default\"")]
    [InlineData("2026")]
    public void A_bad_event_id_is_refused_with_its_field(string id)
    {
        var e = Assert.Throws<MeetException>(() => Load($$"""{ "name": "x", "id": {{id}} }"""));
        Assert.Contains("meet.json: line 1, field 'event.id': ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_64_character_event_id_is_taken()
    {
        var id = new string('a', 64);
        Assert.Equal(id, Load($$"""{ "name": "x", "id": "{{id}}" }""").Key);
    }

    public void Dispose() => TempDir.Delete(_dir);
}
