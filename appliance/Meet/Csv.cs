using System.Text;

namespace Edge.Appliance.Meet;

/// <summary>RFC 4180 CSV as spreadsheets write it: quoted fields may hold commas, quotes ("") and line breaks.</summary>
public static class Csv
{
    public sealed record Row(int Line, IReadOnlyList<string> Fields);

    /// <summary>
    /// Splits the text into rows, each with the line it starts on. Rows end in CRLF, LF or a lone CR (old Mac
    /// exports); a quote left open, or text after a closing quote, names its line.
    /// </summary>
    public static List<Row> Parse(string text, string path)
    {
        var rows = new List<Row>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var rowLine = 1;
        var quoted = false;
        var closed = false;
        var quoteLine = 0;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            var crlf = c == '\r' && i + 1 < text.Length && text[i + 1] == '\n';
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                        closed = true;
                    }
                }
                else
                {
                    if (c == '\n' || (c == '\r' && !crlf))
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            if (closed && c is not (',' or '\r' or '\n'))
            {
                if (c is ' ' or '\t')
                {
                    continue;
                }

                throw new MeetException(path, $"line {line}: '{MeetLoader.Printable(c.ToString())}' follows a closing quote (a quote inside a quoted field is written twice: \"\")");
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteLine = line;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    closed = false;
                    break;
                case '\r' when crlf:
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    rows.Add(new Row(rowLine, [.. fields]));
                    fields.Clear();
                    closed = false;
                    line++;
                    rowLine = line;
                    break;
                default:
                    field.Append(c);
                    break;
            }
        }

        if (quoted)
        {
            throw new MeetException(path, $"line {quoteLine}: a quote opened here is never closed");
        }

        if (field.Length > 0 || fields.Count > 0 || closed)
        {
            fields.Add(field.ToString());
            rows.Add(new Row(rowLine, [.. fields]));
        }

        return rows;
    }

    /// <summary>A field as CSV writes it: quoted when it holds a comma, quote or line break.</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
