using System.Text;
using Edge.Appliance.Face;

namespace Edge.Tests.Face;

/// <summary>
/// Reads text back off a decoded screen: the expected string is drawn with the face's own font, at size 1 and at
/// size 2, and looked for pixel by pixel anywhere on the picture, standing alone (a blank character cell, or the
/// edge, on each side), so "12" is not found inside "123".
/// </summary>
public static class FacePicture
{
    /// <summary>Where <paramref name="text"/> stands on the picture (on row <paramref name="y"/> only, when given); null when it is not there.</summary>
    public static (int X, int Y, int Scale)? Find(FaceFrame picture, string text, int? y = null)
    {
        text = FaceFont.Printable(text);
        foreach (var scale in new[] { FaceLayout.LargeScale, 1 })
        {
            var width = FaceFrame.TextWidth(text, scale);
            var height = FaceFont.GlyphHeight * scale;
            if (width > FaceFrame.Width)
            {
                continue;
            }

            var drawn = new FaceFrame();
            drawn.DrawText(0, 0, text, scale);
            for (var top = y ?? 0; top + height <= FaceFrame.Height && top <= (y ?? FaceFrame.Height); top++)
            {
                for (var x = 0; x + width <= FaceFrame.Width; x++)
                {
                    if (Matches(picture, drawn, x, top, width, height) && Blank(picture, x - (FaceFont.Advance * scale), top, FaceFont.Advance * scale, height)
                        && Blank(picture, x + width, top, FaceFont.Advance * scale, height))
                    {
                        return (x, top, scale);
                    }
                }
            }
        }

        return null;
    }

    public static bool Shows(FaceFrame picture, string text) => Find(picture, text) is not null;

    /// <summary>The title row holds <paramref name="title"/>, at its left.</summary>
    public static bool Titled(FaceFrame picture, string title) => Find(picture, title) is (0, 0, 1);

    /// <summary>The picture as text, '#' for a lit pixel: for a failing test's message.</summary>
    public static string Art(FaceFrame picture)
    {
        var art = new StringBuilder((FaceFrame.Width + 1) * FaceFrame.Height);
        for (var y = 0; y < FaceFrame.Height; y++)
        {
            for (var x = 0; x < FaceFrame.Width; x++)
            {
                art.Append(picture[x, y] ? '#' : '.');
            }

            art.Append('\n');
        }

        return art.ToString();
    }

    private static bool Matches(FaceFrame picture, FaceFrame drawn, int x, int y, int width, int height)
    {
        for (var dy = 0; dy < height; dy++)
        {
            for (var dx = 0; dx < width; dx++)
            {
                if (picture[x + dx, y + dy] != drawn[dx, dy])
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>No lit pixel in the area (the indexer reads outside the screen as dark).</summary>
    private static bool Blank(FaceFrame picture, int x, int y, int width, int height)
    {
        for (var dy = 0; dy < height; dy++)
        {
            for (var dx = 0; dx < width; dx++)
            {
                if (picture[x + dx, y + dy])
                {
                    return false;
                }
            }
        }

        return true;
    }
}
