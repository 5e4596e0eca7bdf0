using System.Globalization;
using System.Text.Json;

namespace Edge.Appliance.Meet;

/// <summary>meet.json <c>runsignup</c>: results the box posts to RunSignUp itself when it has an uplink and no cloud.</summary>
public static partial class MeetLoader
{
    private static readonly string[] RunSignUpFields = ["raceId", "keyFile", "secretFile", "every", "baseUrl", "races"];
    private static readonly string[] RunSignUpRaceFields = ["eventId", "resultSet", "splits"];

    private static RunSignUpPosting? ReadRunSignUp(JsonFile json, JsonElement root, string meetDir, IReadOnlyList<Race> races)
    {
        if (json.Object(root, "runsignup", "runsignup", RunSignUpFields) is not { } r)
        {
            return null;
        }

        var raceId = json.OptionalInteger(r, "raceId", "runsignup.raceId", 1, int.MaxValue)
                     ?? throw json.Error("runsignup.raceId", "is required: the RunSignUp race id (the number in the race's RunSignUp address)");
        var keyFile = SecretFile(json, r, meetDir, "keyFile");
        var secretFile = SecretFile(json, r, meetDir, "secretFile");
        var every = TimeSpan.FromMinutes(1);
        if (json.OptionalString(r, "every", "runsignup.every") is { } everyText
            && (!TimeSpan.TryParseExact(everyText, [@"hh\:mm\:ss", @"h\:mm\:ss"], CultureInfo.InvariantCulture, out every)
                || every < TimeSpan.FromSeconds(10) || every > TimeSpan.FromHours(24)))
        {
            throw json.Error("runsignup.every", $"'{Printable(everyText)}' must be a time from 00:00:10 to 24:00:00 (hh:mm:ss): how often changed results are posted");
        }

        var baseUrl = new Uri("https://runsignup.com/Rest/");
        if (json.OptionalString(r, "baseUrl", "runsignup.baseUrl") is { } urlText)
        {
            if (!Uri.TryCreate(urlText.EndsWith('/') ? urlText : urlText + "/", UriKind.Absolute, out var url)
                || !(url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp && url.IsLoopback))
            {
                throw json.Error("runsignup.baseUrl", $"'{Printable(urlText)}' must be an https:// address (http:// only to this machine)");
            }

            baseUrl = url;
        }

        if (json.Object(r, "races", "runsignup.races", [.. races.Select(x => x.Id)]) is not { } racesElement)
        {
            throw json.Error("runsignup.races", "is required: for each race of the meet to post, { \"eventId\": ..., \"resultSet\": ... }");
        }

        var posted = new Dictionary<string, RunSignUpRace>(StringComparer.Ordinal);
        foreach (var property in racesElement.EnumerateObject())
        {
            var at = $"runsignup.races.{property.Name}";
            var race = races.First(x => x.Id == property.Name);
            var entry = json.Object(property.Value, at, RunSignUpRaceFields);
            var eventId = json.OptionalInteger(entry, "eventId", $"{at}.eventId", 1, int.MaxValue)
                          ?? throw json.Error($"{at}.eventId", "is required: the RunSignUp event id of this race");
            var resultSet = json.OptionalString(entry, "resultSet", $"{at}.resultSet") ?? $"{race.Name} (edge)";
            if (resultSet.Trim().Length == 0 || resultSet.Length > 100)
            {
                throw json.Error($"{at}.resultSet", "must be the result set's name, 1 to 100 characters");
            }

            var splits = new Dictionary<string, string>(StringComparer.Ordinal);
            if (json.Object(entry, "splits", $"{at}.splits", [.. race.Splits.Select(p => p.Location)]) is { } splitsElement)
            {
                foreach (var split in splitsElement.EnumerateObject())
                {
                    var id = json.OptionalInteger(splitsElement, split.Name, $"{at}.splits.{split.Name}", 1, int.MaxValue)
                             ?? throw json.Error($"{at}.splits.{split.Name}", "must be RunSignUp's split id, a whole number");
                    splits[split.Name] = id.ToString(CultureInfo.InvariantCulture);
                }
            }

            posted[race.Id] = new RunSignUpRace(race.Id, eventId, resultSet, splits);
        }

        return posted.Count == 0
            ? throw json.Error("runsignup.races", "names no race: give at least one race of the meet to post")
            : new RunSignUpPosting(raceId, keyFile, secretFile, every, baseUrl, posted);
    }

    private static string SecretFile(JsonFile json, JsonElement r, string meetDir, string name)
    {
        var field = $"runsignup.{name}";
        var file = json.OptionalString(r, name, field) ?? throw json.Error(field, "is required: the name of a file in the meet folder holding it (never the secret itself)");
        if (FileNameProblem(file) is { } problem)
        {
            throw json.Error(field, problem);
        }

        var path = Path.Combine(meetDir, file);
        return File.Exists(path) ? path : throw json.Error(field, $"file '{Printable(file)}' is not in the meet folder");
    }
}
