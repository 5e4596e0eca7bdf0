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
        ForEachRow(text, path, (line, fields) => rows.Add(new Row(line, [.. fields])));
        return rows;
    }

    /// <summary>
    /// As <see cref="Parse"/>, handing each row to <paramref name="row"/> as it is read (its line, and its fields in a
    /// list reused for the next row): a 40,000-row roster is read without keeping every row's fields until the end.
    /// </summary>
    public static void ForEachRow(string text, string path, Action<int, List<string>> row)
    {
        var fields = new List<string>();
        StringBuilder? quotedField = null;
        var line = 1;
        var rowLine = 1;
        var n = text.Length;
        var i = n > 0 && text[0] == '\uFEFF' ? 1 : 0;
        while (i < n)
        {
            // At the start of a field. A quote opens a quoted field only here; anywhere else it is a character.
            if (text[i] == '"')
            {
                var quoteLine = line;
                quotedField ??= new StringBuilder();
                quotedField.Clear();
                i++;
                while (true)
                {
                    if (i >= n)
                    {
                        throw new MeetException(path, $"line {quoteLine}: a quote opened here is never closed");
                    }

                    var c = text[i];
                    if (c == '"')
                    {
                        if (i + 1 < n && text[i + 1] == '"')
                        {
                            quotedField.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    if (c == '\n' || (c == '\r' && !(i + 1 < n && text[i + 1] == '\n')))
                    {
                        line++;
                    }

                    quotedField.Append(c);
                    i++;
                }

                while (i < n && text[i] is ' ' or '\t')
                {
                    i++;
                }

                if (i < n && text[i] is not (',' or '\r' or '\n'))
                {
                    throw new MeetException(path, $"line {line}: '{MeetLoader.Printable(text[i].ToString())}' follows a closing quote (a quote inside a quoted field is written twice: \"\")");
                }

                fields.Add(quotedField.ToString());
            }
            else
            {
                // The usual field: everything up to the next comma or line end, taken in one piece.
                var length = text.AsSpan(i).IndexOfAny(',', '\r', '\n');
                var end = length < 0 ? n : i + length;
                fields.Add(text[i..end]);
                i = end;
            }

            if (i < n && text[i] == ',')
            {
                i++;
                if (i == n)
                {
                    // A comma ends the text: its row still has the empty last field.
                    fields.Add("");
                }

                continue;
            }

            // A line end (CRLF, LF or a lone CR) or the end of the text ends the row.
            row(rowLine, fields);
            fields.Clear();
            if (i < n)
            {
                i += text[i] == '\r' && i + 1 < n && text[i + 1] == '\n' ? 2 : 1;
                line++;
                rowLine = line;
            }
        }

        if (fields.Count > 0)
        {
            row(rowLine, fields);
        }
    }

    /// <summary>A field as CSV writes it: quoted when it holds a comma, quote or line break.</summary>
    public static string Escape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
