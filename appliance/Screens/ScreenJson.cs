using System.Text;
using System.Text.Json;

namespace Edge.Appliance.Screens;

/// <summary>
/// Templates and displays as JSON (the log's <c>raw</c>, <c>displays.json</c>): read strictly, with only known
/// fields, bounded sizes and values from fixed sets, so nothing a file or a form says can break a screen.
/// </summary>
public static class ScreenJson
{
    /// <summary>Longest JSON of one template or display.</summary>
    public const int MaxBytes = 8 * 1024;
    /// <summary>Longest <c>displays.json</c>.</summary>
    public const int MaxFileBytes = 1024 * 1024;
    public const int MaxName = 80;
    public const int MaxMessage = 500;
    public const int MaxRaces = 20;
    public const int MaxId = 64;

    private static readonly string[] TemplateFields =
        ["id", "name", "layout", "races", "fields", "textSize", "colours", "rowsPerPage", "secondsPerPage", "message", "logo", "sponsor", "parts", "revoked", "by", "at"];
    private static readonly string[] DisplayFields = ["id", "name", "template", "revoked", "by", "at"];
    private static readonly string[] ColourFields = ["foreground", "background", "accent"];
    private static readonly string[] FileFields = ["templates", "displays"];

    /// <summary>A layout's name in JSON: finish, leaderboard, onCourse, announcer, slideshow, message, split.</summary>
    public static string Name(ScreenLayout layout) => JsonNamingPolicy.CamelCase.ConvertName(layout.ToString());

    public static ScreenLayout Layout(string name)
    {
        foreach (var layout in Enum.GetValues<ScreenLayout>())
        {
            if (Name(layout) == name)
            {
                return layout;
            }
        }

        throw new ScreenDesignException($"'{Printable(name)}' is not a layout ({string.Join(", ", Enum.GetValues<ScreenLayout>().Select(Name))}).");
    }

    /// <summary>An id as templates, displays and media have them: 1 to 64 letters, digits, '-' or '_'.</summary>
    public static bool IsId(string text) => text.Length is > 0 and <= MaxId && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>An orienteering class's key as a template names it: printable, without surrounding spaces, up to 64 characters.</summary>
    public static bool IsClassKey(string text) =>
        text.Length is > 0 and <= 64 && text.Trim().Length == text.Length && !text.Any(char.IsControl);

    /// <summary>Reads one template; null when the entry revokes it.</summary>
    public static DisplayTemplate? ReadTemplate(string json) => Parse(json, ReadTemplate);

    public static ScreenDisplay ReadDisplay(string json) => Parse(json, ReadDisplay);

    /// <summary>The templates and displays of a <c>displays.json</c>.</summary>
    public static (IReadOnlyList<DisplayTemplate> Templates, IReadOnlyList<ScreenDisplay> Displays) ReadFile(string json)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxFileBytes)
        {
            throw new ScreenDesignException($"displays.json is larger than {MaxFileBytes / 1024} KB.");
        }

        using var document = Document(json);
        var root = document.RootElement;
        Known(root, FileFields, "displays.json");
        var templates = Array(root, "templates").Select(t => ReadTemplate(t) ?? throw new ScreenDesignException("displays.json lists a revoked template.")).ToList();
        var displays = Array(root, "displays").Select(ReadDisplay).ToList();
        return (templates, displays);
    }

    public static string Write(DisplayTemplate t, string by, long atMs) => Json(w =>
    {
        w.WriteString("id", t.Id);
        w.WriteString("name", t.Name);
        w.WriteString("layout", Name(t.Layout));
        Strings(w, "races", t.Races);
        Strings(w, "fields", t.Fields);
        w.WriteNumber("textSize", t.TextSize);
        w.WriteStartObject("colours");
        w.WriteString("foreground", t.Colours.Foreground);
        w.WriteString("background", t.Colours.Background);
        w.WriteString("accent", t.Colours.Accent);
        w.WriteEndObject();
        w.WriteNumber("rowsPerPage", t.RowsPerPage);
        w.WriteNumber("secondsPerPage", t.SecondsPerPage);
        w.WriteString("message", t.Message);
        Optional(w, "logo", t.Logo);
        Optional(w, "sponsor", t.Sponsor);
        Strings(w, "parts", t.Parts);
        Stamp(w, by, atMs);
    });

    /// <summary>The entry that removes a template: its id and <c>revoked</c>; read back as none.</summary>
    public static string WriteRemoval(string templateId, string by, long atMs) => Json(w =>
    {
        w.WriteString("id", templateId);
        w.WriteBoolean("revoked", true);
        Stamp(w, by, atMs);
    });

    public static string Write(ScreenDisplay d, string by, long atMs) => Json(w =>
    {
        w.WriteString("id", d.Id);
        w.WriteString("name", d.Name);
        w.WriteString("template", d.TemplateId);
        if (d.Revoked)
        {
            w.WriteBoolean("revoked", true);
        }

        Stamp(w, by, atMs);
    });

    /// <summary>A <c>displays.json</c> with these templates and displays, indented for a person to read.</summary>
    public static string WriteFile(IEnumerable<DisplayTemplate> templates, IEnumerable<ScreenDisplay> displays)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartArray("templates");
            foreach (var t in templates)
            {
                using var one = JsonDocument.Parse(Write(t, "", 0));
                WriteWithoutStamp(w, one.RootElement);
            }

            w.WriteEndArray();
            w.WriteStartArray("displays");
            foreach (var d in displays)
            {
                using var one = JsonDocument.Parse(Write(d, "", 0));
                WriteWithoutStamp(w, one.RootElement);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static DisplayTemplate? ReadTemplate(JsonElement e)
    {
        Known(e, TemplateFields, "a template");
        var id = Id(e, "id", "template id");
        if (Bool(e, "revoked"))
        {
            return null;
        }

        var layout = Layout(Text(e, "layout", 20, required: true));
        // The orienteering layouts name classes (OE's "H21 Elite" has a space) and team class ids instead of races.
        var orienteering = layout is ScreenLayout.Orienteering or ScreenLayout.Radio;
        var races = Array(e, "races").Select(r => r.ValueKind == JsonValueKind.String && r.GetString() is { } s && (orienteering ? IsClassKey(s) : IsId(s))
            ? s
            : throw new ScreenDesignException(orienteering ? "A class is named by its short name or name, up to 64 characters." : "A race is named by its id from meet.json.")).ToList();
        if (races.Count > MaxRaces)
        {
            throw new ScreenDesignException($"A template shows at most {MaxRaces} races.");
        }

        var fields = e.TryGetProperty("fields", out _) ? Array(e, "fields").Select(f => f.ValueKind == JsonValueKind.String ? f.GetString()! : "").ToList() : [.. DisplayTemplate.DefaultFields];
        foreach (var f in fields.Where(f => !DisplayTemplate.KnownFields.Contains(f)))
        {
            throw new ScreenDesignException($"'{Printable(f)}' is not a field ({string.Join(", ", DisplayTemplate.KnownFields)}).");
        }

        if (fields.Count == 0 || fields.Distinct().Count() != fields.Count)
        {
            throw new ScreenDesignException("A template shows at least one field, each once.");
        }

        var colours = ScreenColours.HighContrast;
        if (e.TryGetProperty("colours", out var c))
        {
            if (c.ValueKind != JsonValueKind.Object)
            {
                throw new ScreenDesignException("colours is an object with foreground, background and accent.");
            }

            Known(c, ColourFields, "colours");
            colours = new ScreenColours(Colour(c, "foreground", colours.Foreground), Colour(c, "background", colours.Background), Colour(c, "accent", colours.Accent));
        }

        var parts = Array(e, "parts").Select(p => p.ValueKind == JsonValueKind.String && p.GetString() is { } s && IsId(s) ? s : throw new ScreenDesignException("A split names its two templates by id.")).ToList();
        if (layout == ScreenLayout.Split ? parts.Count != 2 : parts.Count != 0)
        {
            throw new ScreenDesignException("A split screen names exactly two templates (parts); other layouts name none.");
        }

        if (parts.Contains(id))
        {
            throw new ScreenDesignException("A split screen cannot show itself.");
        }

        return new DisplayTemplate(
            id,
            Text(e, "name", MaxName, required: true),
            layout,
            races,
            fields,
            Number(e, "textSize", DisplayTemplate.DefaultTextSize, 50, 250),
            colours,
            Number(e, "rowsPerPage", DisplayTemplate.DefaultRows, 1, 30),
            Number(e, "secondsPerPage", DisplayTemplate.DefaultSeconds, 3, 120),
            Text(e, "message", MaxMessage, required: false),
            MediaId(e, "logo"),
            MediaId(e, "sponsor"),
            parts);
    }

    private static ScreenDisplay ReadDisplay(JsonElement e)
    {
        Known(e, DisplayFields, "a display");
        return new ScreenDisplay(Id(e, "id", "display id"), Text(e, "name", MaxName, required: true), Id(e, "template", "template id"), Bool(e, "revoked"));
    }

    private static T Parse<T>(string json, Func<JsonElement, T> read)
    {
        if (Encoding.UTF8.GetByteCount(json) > MaxBytes)
        {
            throw new ScreenDesignException($"A design is at most {MaxBytes / 1024} KB of JSON.");
        }

        using var document = Document(json);
        return read(document.RootElement);
    }

    private static JsonDocument Document(string json)
    {
        try
        {
            var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new ScreenDesignException("A design is a JSON object.");
            }

            return document;
        }
        catch (JsonException e)
        {
            throw new ScreenDesignException($"That is not JSON: {e.Message}");
        }
    }

    private static void Known(JsonElement e, string[] fields, string what)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ScreenDesignException($"{what} is a JSON object.");
        }

        foreach (var p in e.EnumerateObject().Where(p => !fields.Contains(p.Name)))
        {
            throw new ScreenDesignException($"'{Printable(p.Name)}' is not a field of {what} ({string.Join(", ", fields)}).");
        }
    }

    private static string Id(JsonElement e, string name, string what) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { } s && IsId(s)
            ? s
            : throw new ScreenDesignException($"A {what} is 1 to {MaxId} letters, digits, '-' or '_'.");

    private static string? MediaId(JsonElement e, string name) =>
        !e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null || v.ValueKind == JsonValueKind.String && v.GetString() == ""
            ? null
            : Id(e, name, name + " image id");

    private static string Text(JsonElement e, string name, int max, bool required)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new ScreenDesignException($"A design needs a {name}.") : "";
        }

        var text = v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : throw new ScreenDesignException($"{name} is text.");
        if (text.Length > max || text.Any(c => char.IsControl(c) && c != '\n'))
        {
            throw new ScreenDesignException($"{name} is at most {max} characters of plain text.");
        }

        return required && text.Length == 0 ? throw new ScreenDesignException($"A design needs a {name}.") : text;
    }

    private static int Number(JsonElement e, string name, int fallback, int min, int max)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= min && n <= max
            ? n
            : throw new ScreenDesignException($"{name} is a whole number from {min} to {max}.");
    }

    private static bool Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || (v.ValueKind == JsonValueKind.False ? false : throw new ScreenDesignException($"{name} is true or false.")));

    private static string Colour(JsonElement e, string name, string fallback)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.String && v.GetString() is { } s && IsColour(s)
            ? s.ToLowerInvariant()
            : throw new ScreenDesignException($"The {name} colour is written #rrggbb.");
    }

    /// <summary>A colour as a stylesheet may take it from a design: <c>#rrggbb</c> and nothing else.</summary>
    public static bool IsColour(string text) => text.Length == 7 && text[0] == '#' && text.Skip(1).All(char.IsAsciiHexDigit);

    private static IEnumerable<JsonElement> Array(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList() : throw new ScreenDesignException($"{name} is a list.");
    }

    /// <summary>One JSON object, written by <paramref name="write"/> between its braces.</summary>
    internal static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A property holding a list of strings.</summary>
    internal static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Stamp(Utf8JsonWriter w, string by, long atMs)
    {
        if (by.Length > 0)
        {
            w.WriteString("by", by);
            w.WriteNumber("at", atMs);
        }
    }

    private static void WriteWithoutStamp(Utf8JsonWriter w, JsonElement e)
    {
        w.WriteStartObject();
        foreach (var p in e.EnumerateObject().Where(p => p.Name is not ("by" or "at")))
        {
            p.WriteTo(w);
        }

        w.WriteEndObject();
    }

    private static string Printable(string text) => new([.. (text.Length > 40 ? text[..40] : text).Select(c => char.IsControl(c) ? '?' : c)]);
}
