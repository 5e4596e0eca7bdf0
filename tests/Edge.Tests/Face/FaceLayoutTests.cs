using Edge.Appliance.Face;

namespace Edge.Tests.Face;

/// <summary>The font and the layout, drawn and read back with the same pixel matching the screen tests use.</summary>
public sealed class FaceLayoutTests
{
    [Fact]
    public void Every_glyph_is_its_own_and_none_but_the_space_is_blank()
    {
        var seen = new Dictionary<string, char>();
        for (var c = FaceFont.First; c <= FaceFont.Last; c++)
        {
            var glyph = Convert.ToHexString(FaceFont.Glyph(c));
            Assert.False(seen.TryGetValue(glyph, out var other), $"'{c}' is drawn as '{other}' is");
            seen[glyph] = c;
            Assert.Equal(c == ' ', FaceFont.Glyph(c).ToArray().All(b => b == 0));
            // Only the letters that reach below the baseline use the eighth row.
            Assert.Equal("gjpqy".Contains(c, StringComparison.Ordinal), FaceFont.Glyph(c).ToArray().Any(b => (b & 0x80) != 0));
        }
    }

    [Theory]
    [InlineData("Lakeside", "Lakeside")]
    [InlineData("Café Ñandú", "Cafe Nandu")]
    [InlineData("Zürich – 10K", "Zurich ? 10K")]
    [InlineData("日本", "??")]
    public void Text_outside_the_font_keeps_its_length_in_letters_the_font_has(string text, string printable) =>
        Assert.Equal(printable, FaceFont.Printable(text));

    [Fact]
    public void A_large_line_that_fits_is_drawn_twice_the_size_and_one_that_does_not_is_wrapped_small()
    {
        var frame = FaceLayout.Render(new FaceScreen("t", "Join Wi-Fi",
        [
            new FaceLine("1234567890", Large: true),
            new FaceLine("A network name far too long for one row", Large: true),
        ]), 2, 5, alert: true);

        Assert.Equal((0, 0, 1), FacePicture.Find(frame, "Join Wi-Fi"));
        Assert.Equal((128 - FaceFrame.TextWidth("! 2/5", 1), 0, 1), FacePicture.Find(frame, "! 2/5"));
        Assert.Equal((0, FaceLayout.BodyTop, 2), FacePicture.Find(frame, "1234567890"));
        var y = FaceLayout.BodyTop + FaceLayout.LargeRowHeight;
        Assert.Equal((0, y, 1), FacePicture.Find(frame, "A network name far"));
        Assert.Equal((0, y + FaceLayout.SmallRowHeight, 1), FacePicture.Find(frame, "too long for one row"));
    }

    [Fact]
    public void A_right_hand_figure_sits_against_the_edge_of_its_row()
    {
        var frame = FaceLayout.Render(new FaceScreen("t", "Reads stored", [new FaceLine("finish", Right: "12 s"), new FaceLine("start", Right: "no read")]));
        var finish = FacePicture.Find(frame, "finish")!.Value;
        Assert.Equal((128 - FaceFrame.TextWidth("12 s", 1), finish.Y, 1), FacePicture.Find(frame, "12 s"));
        Assert.Equal(finish.Y + FaceLayout.SmallRowHeight, FacePicture.Find(frame, "no read")?.Y);
    }

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(99.9, "99 s")]
    [InlineData(100, "1 min")]
    [InlineData(5999, "99 min")]
    [InlineData(6000, "1 h")]
    public void Seconds_since_a_read_keep_a_short_figure(double seconds, string shown) => Assert.Equal(shown, FaceScreens.Ago(seconds));
}
