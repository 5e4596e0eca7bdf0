namespace Edge.Appliance.Face;

/// <summary>
/// One picture for the 128x64 one-bit screen, kept in the SSD1306's own memory layout (SSD1306 datasheet §8.7):
/// eight pages of eight rows, one byte per column per page, bit 0 the page's top row. Sent as it is, in
/// horizontal addressing mode, page 0 column 0 first.
/// </summary>
public sealed class FaceFrame
{
    public const int Width = 128;
    public const int Height = 64;
    public const int Pages = Height / 8;

    private readonly byte[] _bytes = new byte[Width * Pages];

    /// <summary>The frame as the display's memory holds it.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    public bool this[int x, int y]
    {
        get => x is >= 0 and < Width && y is >= 0 and < Height && (_bytes[(y / 8 * Width) + x] & (1 << (y % 8))) != 0;
        set
        {
            if (x is < 0 or >= Width || y is < 0 or >= Height)
            {
                return;
            }

            ref var column = ref _bytes[(y / 8 * Width) + x];
            column = value ? (byte)(column | (1 << (y % 8))) : (byte)(column & ~(1 << (y % 8)));
        }
    }

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="scale"/> (no blank column after the last character).</summary>
    public static int TextWidth(string text, int scale) => text.Length == 0 ? 0 : ((text.Length * FaceFont.Advance) - 1) * scale;

    /// <summary>Draws <paramref name="text"/> (printable ASCII; see <see cref="FaceFont.Printable"/>) with its top-left corner at (x, y); what falls outside is cut.</summary>
    public void DrawText(int x, int y, string text, int scale = 1)
    {
        foreach (var c in text)
        {
            var glyph = FaceFont.Glyph(c);
            for (var column = 0; column < FaceFont.GlyphWidth; column++)
            {
                for (var row = 0; row < FaceFont.GlyphHeight; row++)
                {
                    if ((glyph[column] & (1 << row)) != 0)
                    {
                        Fill(x + (column * scale), y + (row * scale), scale, scale);
                    }
                }
            }

            x += FaceFont.Advance * scale;
        }
    }

    public void Fill(int x, int y, int width, int height)
    {
        for (var dy = 0; dy < height; dy++)
        {
            for (var dx = 0; dx < width; dx++)
            {
                this[x + dx, y + dy] = true;
            }
        }
    }

    public bool SameAs(FaceFrame? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
}
