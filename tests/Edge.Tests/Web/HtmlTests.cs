using Edge.Appliance.Meet;
using Edge.Appliance.Web;

namespace Edge.Tests.Web;

public class HtmlTests
{
    [Fact]
    public void Interpolated_values_are_encoded_and_markup_is_not()
    {
        var name = "<img src=x onerror=\"alert('x')\"> & co";
        var html = new Html().Add($"<p title=\"{name}\">{name} {42} {1.5:0.0} {new Markup("<b>ok</b>")}{(string?)null}</p>").ToString();
        Assert.Equal("<p title=\"&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co\">&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co 42 1.5 <b>ok</b></p>", html);
    }

    [Theory]
    [InlineData("gzip", true)]
    [InlineData("gzip, deflate, br", true)]
    [InlineData("br;q=1.0, GZIP;q=0.5", true)]
    [InlineData("*", true)]
    [InlineData("gzip;q=0", false)]
    [InlineData("gzip; q=0.000", false)]
    [InlineData("deflate, br", false)]
    [InlineData("", false)]
    public void Gzip_is_sent_only_to_clients_that_accept_it(string acceptEncoding, bool gzip) =>
        Assert.Equal(gzip, CachedPage.AcceptsGzip(acceptEncoding));

    [Theory]
    [InlineData("Zoë Ångström", "zoe angstrom")]
    [InlineData("  JOSÉ   Núñez ", "jose nunez")]
    [InlineData("Françoise", "francoise")]
    [InlineData("", "")]
    public void Search_folds_case_accents_and_spaces(string text, string folded) => Assert.Equal(folded, WebInput.Fold(text));

    [Fact]
    public void Search_lists_the_exact_bib_first_then_bib_prefixes_then_names()
    {
        var meet = Meet.Empty with
        {
            Participants =
            [
                new Participant("12", "Twelve", "Person", "F", 30, "r", "12", "", "", ""),
                new Participant("1", "One", "Zed", "M", 30, "r", "1", "", "", ""),
                new Participant("120", "Onetwenty", "Alpha", "M", 30, "r", "120", "", "", ""),
                new Participant("7", "Ona", "Onassis", "F", 30, "r", "7", "", "", ""),
            ],
        };
        var (matches, total) = SearchIndex.Of(meet).Find("1");
        Assert.Equal(["1", "12", "120"], matches.Select(p => p.Bib));
        Assert.Equal(3, total);
        Assert.Equal(["120", "7", "1"], SearchIndex.Of(meet).Find("on").Matches.Select(p => p.Bib));
    }
}
