using System.Globalization;
using System.Text.Json;

namespace Edge.Online.Http;

/// <summary>
/// Reading the services' JSON as it comes: ids and bibs as numbers or strings, fields missing or null, a value of an
/// unexpected kind read as empty. Only the shape that carries the data (the array of rows) is insisted on, by the callers.
/// </summary>
internal static class JsonAnswer
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <summary>Parses an answer; malformed JSON becomes an <see cref="OnlineException"/> naming the call and where it broke.</summary>
    public static JsonDocument Parse(byte[] body, string service, string what)
    {
        try
        {
            return JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            var at = e.BytePositionInLine is { } b ? $", line {(e.LineNumber ?? 0) + 1}, byte {b + 1}" : "";
            throw Malformed(service, what, $"not JSON ({Trim(e.Message)}{at})");
        }
    }

    public static OnlineException Malformed(string service, string what, string problem) =>
        new(OnlineProblem.Malformed, $"{service}'s answer to {what} is {problem}; nothing was written");

    /// <summary>A field as text: strings as they are, numbers in their JSON spelling, anything else empty.</summary>
    public static string Text(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return "";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString() ?? "",
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => "",
        };
    }

    public static JsonElement? Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    public static int? Int(JsonElement element, string name) =>
        int.TryParse(Text(element, name).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static long? Long(JsonElement element, string name) =>
        long.TryParse(Text(element, name).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A date as services write it: 1984-07-21, 07/21/1984, or either with a time after it.</summary>
    public static DateOnly? Date(JsonElement element, string name)
    {
        var text = Text(element, name).Trim();
        var space = text.IndexOfAny([' ', 'T']);
        if (space > 0)
        {
            text = text[..space];
        }

        return DateOnly.TryParseExact(text, ["yyyy-MM-dd", "M/d/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    private static string Trim(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.', ' ');
    }
}
