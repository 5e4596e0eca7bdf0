namespace Edge.Appliance.Face;

/// <summary>
/// One screen of the box's face: a title and a few lines. <c>Key</c> says which screen it is (<see cref="FaceScreens"/>),
/// so the button's choice survives screens coming and going.
/// </summary>
public sealed record FaceScreen(string Key, string Title, IReadOnlyList<FaceLine> Lines);

/// <summary>
/// A line of a screen: drawn at twice the size when <c>Large</c> and it fits the width, else in small text wrapped
/// over as many rows as it needs. <c>Right</c> is set against the right edge of its last row (a mat's "12 s").
/// </summary>
public readonly record struct FaceLine(string Text, bool Large = false, string? Right = null);

/// <summary>Draws a <see cref="FaceScreen"/> into a <see cref="FaceFrame"/>: the title row, a rule, then the lines top down.</summary>
public static class FaceLayout
{
    public const int LargeScale = 2;

    /// <summary>Characters in a small row (6 pixels each, the last one's blank column off the edge).</summary>
    public const int SmallColumns = (FaceFrame.Width + 1) / FaceFont.Advance;

    /// <summary>Characters in a large row.</summary>
    public const int LargeColumns = (FaceFrame.Width + LargeScale) / (FaceFont.Advance * LargeScale);

    /// <summary>Where the lines start: below the title row and its rule.</summary>
    public const int BodyTop = 12;

    public const int SmallRowHeight = 9;
    public const int LargeRowHeight = 17;

    /// <summary>Small rows below the title: five.</summary>
    public const int SmallRows = ((FaceFrame.Height - BodyTop - FaceFont.GlyphHeight) / SmallRowHeight) + 1;

    /// <summary>
    /// The frame for <paramref name="screen"/>, <paramref name="number"/> of <paramref name="count"/> in the cycle (0 leaves
    /// the counter out); <paramref name="alert"/> marks the title row with '!': there are problems on a screen of their own.
    /// </summary>
    public static FaceFrame Render(FaceScreen screen, int number = 0, int count = 0, bool alert = false)
    {
        var frame = new FaceFrame();
        var corner = (alert ? "!" : "") + (number > 0 && count > 1 ? $" {number}/{count}" : "");
        corner = corner.TrimStart();
        var titleRoom = SmallColumns - (corner.Length > 0 ? corner.Length + 1 : 0);
        frame.DrawText(0, 0, Cut(FaceFont.Printable(screen.Title), titleRoom));
        frame.DrawText(FaceFrame.Width - FaceFrame.TextWidth(corner, 1), 0, corner);
        frame.Fill(0, 9, FaceFrame.Width, 1);

        var y = BodyTop;
        foreach (var line in screen.Lines)
        {
            var text = FaceFont.Printable(line.Text);
            var right = line.Right is null ? null : FaceFont.Printable(line.Right);
            if (line.Large && right is null && text.Length <= LargeColumns)
            {
                if (y + (FaceFont.GlyphHeight * LargeScale) > FaceFrame.Height)
                {
                    break;
                }

                frame.DrawText(0, y, text, LargeScale);
                y += LargeRowHeight;
                continue;
            }

            var rows = Wrap(text, right is null ? SmallColumns : SmallColumns - right.Length - 1);
            foreach (var row in rows)
            {
                if (y + FaceFont.GlyphHeight > FaceFrame.Height)
                {
                    return frame;
                }

                frame.DrawText(0, y, row);
                y += SmallRowHeight;
            }

            if (right is not null)
            {
                frame.DrawText(FaceFrame.Width - FaceFrame.TextWidth(right, 1), y - SmallRowHeight, right);
            }
        }

        return frame;
    }

    /// <summary>Breaks <paramref name="text"/> into rows of at most <paramref name="columns"/> characters, between words where it can.</summary>
    public static List<string> Wrap(string text, int columns)
    {
        var rows = new List<string>();
        var rest = text.Trim();
        while (rest.Length > columns)
        {
            var space = rest.LastIndexOf(' ', columns);
            var cut = space > 0 ? space : columns;
            rows.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart();
        }

        rows.Add(rest);
        return rows;
    }

    private static string Cut(string text, int columns) => text.Length <= columns ? text : text[..Math.Max(0, columns)];
}
