using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Edge.Appliance.Web;

/// <summary>
/// Builds HTML where everything interpolated is encoded unless it is <see cref="Markup"/>: names in the roster
/// can hold <c>&lt;script&gt;</c>, and a page must show them as text. Numbers are written invariantly.
/// </summary>
public sealed class Html
{
    private readonly StringBuilder _text;

    public Html(int capacity = 4096) => _text = new StringBuilder(capacity);

    public int Length => _text.Length;

    /// <summary>Appends the literal parts as they are and every hole encoded.</summary>
    public Html Add([InterpolatedStringHandlerArgument("")] ref HtmlInterpolation html)
    {
        _ = html;
        return this;
    }

    /// <summary>Appends trusted markup as it is.</summary>
    public Html Raw(string? markup)
    {
        _text.Append(markup);
        return this;
    }

    /// <summary>Appends text, encoded for element content and double-quoted attribute values.</summary>
    public Html Text(string? text)
    {
        Encode(_text, text);
        return this;
    }

    public override string ToString() => _text.ToString();

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public static string Encode(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return text ?? "";
        }

        var builder = new StringBuilder(text.Length + 16);
        Encode(builder, text);
        return builder.ToString();
    }

    internal static void Encode(StringBuilder builder, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        var span = text.AsSpan();
        while (span.Length > 0)
        {
            var i = span.IndexOfAny("&<>\"'");
            if (i < 0)
            {
                builder.Append(span);
                return;
            }

            builder.Append(span[..i]);
            builder.Append(span[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                _ => "&#39;",
            });
            span = span[(i + 1)..];
        }
    }
}

/// <summary>Markup the page itself produced (or a constant): written without encoding.</summary>
public readonly record struct Markup(string Value)
{
    public override string ToString() => Value;
}

[InterpolatedStringHandler]
public ref struct HtmlInterpolation
{
    private readonly Html _html;

    public HtmlInterpolation(int literalLength, int formattedCount, Html html)
    {
        _ = literalLength;
        _ = formattedCount;
        _html = html;
    }

    public readonly void AppendLiteral(string literal) => _html.Raw(literal);

    public readonly void AppendFormatted(Markup markup) => _html.Raw(markup.Value);

    public readonly void AppendFormatted(string? text) => _html.Text(text);

    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    public readonly void AppendFormatted<T>(T value, string? format)
    {
        switch (value)
        {
            case null:
                return;
            case Markup markup:
                _html.Raw(markup.Value);
                return;
            case IFormattable formattable:
                _html.Text(formattable.ToString(format, CultureInfo.InvariantCulture));
                return;
            default:
                _html.Text(value.ToString());
                return;
        }
    }
}
