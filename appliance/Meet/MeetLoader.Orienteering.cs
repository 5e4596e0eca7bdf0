using System.Globalization;
using System.Text.Json;
using Edge.Appliance.Orienteering;

namespace Edge.Appliance.Meet;

/// <summary>meet.json <c>orienteering</c>: how the classes of IOF result lists are scored (PROTOCOLS.md §3).</summary>
public static partial class MeetLoader
{
    private static readonly string[] OrienteeringFields = ["classes", "teams", "series"];
    private static readonly string[] OrienteeringClassFields = ["scoring", "pairedWith", "timeLimit"];
    private static readonly string[] TeamClassFields = ["id", "name", "classes", "scoring", "best"];
    private static readonly string[] SeriesFields = ["name", "best"];

    private static OrienteeringSettings ReadOrienteering(JsonFile json, JsonElement root)
    {
        if (json.Object(root, "orienteering", "orienteering", OrienteeringFields) is not { } o)
        {
            return OrienteeringSettings.None;
        }

        return new OrienteeringSettings(ReadOrienteeringClasses(json, o), ReadTeamClasses(json, o), ReadSeries(json, o));
    }

    /// <summary>Class names are the object's keys (an IOF class's ShortName or Name), so they are not checked as fields.</summary>
    private static Dictionary<string, ClassScoring> ReadOrienteeringClasses(JsonFile json, JsonElement o)
    {
        var classes = new Dictionary<string, ClassScoring>(StringComparer.OrdinalIgnoreCase);
        if (!o.TryGetProperty("classes", out var all) || all.ValueKind == JsonValueKind.Null)
        {
            return classes;
        }

        if (all.ValueKind != JsonValueKind.Object)
        {
            throw json.Error("orienteering.classes", "must be an object of classes { \"W1F\": { \"scoring\": \"worldcup\" } }");
        }

        var seen = new List<string>();
        foreach (var property in all.EnumerateObject())
        {
            var name = property.Name;
            var at = $"orienteering.classes.{name}";
            if (name.Trim().Length == 0 || name.Any(char.IsControl))
            {
                throw json.Error(at, $"'{Printable(name)}' is not a class name (the IOF class's ShortName or Name)");
            }

            if (classes.ContainsKey(name))
            {
                throw json.Error(at, $"class '{Printable(name)}' appears twice; keep one", occurrence: seen.Count(s => s == name));
            }

            seen.Add(name);
            var c = json.Object(property.Value, at, OrienteeringClassFields);
            var scheme = ReadClassScheme(json, c, at);
            var paired = json.OptionalString(c, "pairedWith", $"{at}.pairedWith");
            var limitText = json.OptionalString(c, "timeLimit", $"{at}.timeLimit");
            if (scheme != ClassScheme.Awt && (paired ?? limitText) is not null)
            {
                throw json.Error(paired is not null ? $"{at}.pairedWith" : $"{at}.timeLimit", "applies only to \"awt\" scoring");
            }

            if (paired is { Length: 0 } || string.Equals(paired, name, StringComparison.OrdinalIgnoreCase))
            {
                throw json.Error($"{at}.pairedWith", "names the other class of the same course (\"N4F\" for \"N4M\")");
            }

            var limit = ClassScoring.DefaultTimeLimit;
            if (limitText is not null
                && (!TimeSpan.TryParseExact(limitText, [@"hh\:mm\:ss", @"h\:mm\:ss"], CultureInfo.InvariantCulture, out limit) || limit <= TimeSpan.Zero))
            {
                throw json.Error($"{at}.timeLimit", $"'{Printable(limitText)}' is not a time limit like 03:00:00");
            }

            // pairedWith may name a class meet.json does not list: it may appear only in the result lists.
            classes[name] = new ClassScoring(scheme) { PairedWith = paired, TimeLimit = limit };
        }

        return classes;
    }

    private static ClassScheme ReadClassScheme(JsonFile json, JsonElement c, string at)
    {
        var text = json.RequiredString(c, "scoring", $"{at}.scoring");
        if (SchemeNames.ParseClass(text) is { } scheme)
        {
            return scheme;
        }

        if (SchemeNames.ParseTeam(text) is not null)
        {
            throw json.Error($"{at}.scoring", $"'{text}' scores a team class: it goes in orienteering.teams");
        }

        throw json.Error($"{at}.scoring", UnknownScheme(text, SchemeNames.Class));
    }

    private static List<TeamClass> ReadTeamClasses(JsonFile json, JsonElement o)
    {
        var teams = new List<TeamClass>();
        foreach (var (t, at) in json.List(o, "teams", "orienteering.teams", "a list of team classes"))
        {
            _ = json.Object(t, at, TeamClassFields);
            var id = json.RequiredString(t, "id", $"{at}.id");
            if (id.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_'))
            {
                throw json.Error($"{at}.id", $"'{Printable(id)}' may hold only letters, digits, '-' and '_' (it appears in URLs)");
            }

            if (teams.Any(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                throw json.Error($"{at}.id", $"team class id '{id}' is used twice");
            }

            var name = json.OptionalString(t, "name", $"{at}.name") ?? id;
            var classes = new List<string>();
            foreach (var (c, cat) in json.List(t, "classes", $"{at}.classes", "a list of class names"))
            {
                var text = c.ValueKind == JsonValueKind.String ? c.GetString()!.Trim() : "";
                if (text.Length == 0 || text.Any(char.IsControl))
                {
                    throw json.Error(cat, "must be a class name in quotes (the IOF class's ShortName or Name)");
                }

                classes.Add(text);
            }

            if (classes.Count == 0)
            {
                throw json.Error($"{at}.classes", "a team class needs the individual classes it groups, like [\"W2M\", \"W2F\"]");
            }

            var schemeText = json.RequiredString(t, "scoring", $"{at}.scoring");
            var scheme = SchemeNames.ParseTeam(schemeText)
                ?? throw json.Error($"{at}.scoring", SchemeNames.ParseClass(schemeText) is not null
                    ? $"'{schemeText}' scores an individual class; a team class is scored by {string.Join(" or ", SchemeNames.Team.Select(s => $"\"{s}\""))}"
                    : UnknownScheme(schemeText, SchemeNames.Team));
            var best = json.OptionalInteger(t, "best", $"{at}.best", 1, 50) ?? 3;
            teams.Add(new TeamClass(id, name, classes, scheme, best));
        }

        return teams;
    }

    private static SeriesSettings? ReadSeries(JsonFile json, JsonElement o)
    {
        if (json.Object(o, "series", "orienteering.series", SeriesFields) is not { } s)
        {
            return null;
        }

        var name = json.RequiredString(s, "name", "orienteering.series.name");
        return new SeriesSettings(name, json.OptionalInteger(s, "best", "orienteering.series.best", 1, 100) ?? 4);
    }

    private static string UnknownScheme(string text, IReadOnlyList<string> known)
    {
        var listed = string.Join(", ", known);
        return JsonFile.Nearest(text, known) is { } near
            ? $"'{Printable(text)}' is not a scoring scheme; did you mean '{near}'? (schemes: {listed})"
            : $"'{Printable(text)}' is not a scoring scheme (schemes: {listed})";
    }
}
