using System.Text.RegularExpressions;
using Edge.Appliance.Meet;

namespace Edge.Cloud.Events;

/// <summary>A box that belongs to an event, and the key of the meet whose entries count (docs/SYNC.md, <c>items[].meet</c>).</summary>
public sealed record EventBox(string Device, string Meet);

/// <summary>
/// One event as its folder defines it: which boxes' entries make its results, and the meet (meet.json and
/// participants.csv, the same folder the timer gives the boxes) the box's own results engine applies to them.
/// </summary>
public sealed record CloudEvent(string Id, string Name, IReadOnlyList<EventBox> Boxes, Meet Meet, string Folder);

/// <summary>Reads an event folder: <c>event.json</c> beside the meet's <c>meet.json</c> and <c>participants.csv</c>.</summary>
public static partial class EventFolder
{
    public const string EventFile = "event.json";

    private static readonly string[] RootFields = ["id", "name", "boxes"];
    private static readonly string[] BoxFields = ["device", "meet"];

    /// <summary>
    /// The event in <paramref name="folder"/>. Every problem is a <see cref="MeetException"/> naming the file, the
    /// line and the field, in the meet folder's words.
    /// </summary>
    public static CloudEvent Load(string folder)
    {
        var path = Path.Combine(folder, EventFile);
        var (json, document) = MeetLoader.JsonFile.Parse(path, MeetLoader.ReadFile(path));
        string id, name;
        var boxes = new List<(string Device, string? Meet, string Field)>();
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw json.Error("", "the file must hold one JSON object { \"id\": ..., \"boxes\": [ ... ] }");
            }

            json.CheckFields(root, "", RootFields);
            id = json.RequiredString(root, "id", "id");
            if (!IdPattern().IsMatch(id))
            {
                throw json.Error("id", $"'{id}' must be 1 to 64 letters, digits, '-' or '_' (it is the event's address, /e/{{id}})");
            }

            name = json.OptionalString(root, "name", "name") ?? "";
            foreach (var (element, field) in json.List(root, "boxes", "boxes", "a list of boxes"))
            {
                var box = json.Object(element, field, BoxFields);
                var device = json.RequiredString(box, "device", $"{field}.device");
                if (!DevicePattern().IsMatch(device))
                {
                    throw json.Error($"{field}.device", $"'{device}' must be 1 to 64 letters, digits, '.', '-' or '_' (the box's cloud.deviceId)");
                }

                var meet = json.OptionalString(box, "meet", $"{field}.meet");
                if (meet is not null && !MeetPattern().IsMatch(meet))
                {
                    throw json.Error($"{field}.meet", $"'{meet}' is not a meet key (1 to 64 letters, digits, '-' or '_')");
                }

                if (boxes.Any(b => b.Device == device && b.Meet == meet))
                {
                    throw json.Error($"{field}.device", $"box '{device}' is listed twice");
                }

                boxes.Add((device, meet, field));
            }

            if (boxes.Count == 0)
            {
                throw json.Error("boxes", "is required: list the boxes whose reads make the event, e.g. [ { \"device\": \"finish-box\" } ]");
            }
        }

        // The meet itself, by the box's own rules: the same folder the timer gives the boxes.
        var loaded = MeetLoader.Load(folder);
        if (loaded.Races.Count == 0)
        {
            throw new MeetException(Path.Combine(folder, MeetLoader.MeetFile), "field 'races': the meet has no races, so the event has no results");
        }

        return new CloudEvent(id, name.Length > 0 ? name : loaded.Event.Name,
            [.. boxes.Select(b => new EventBox(b.Device, b.Meet ?? loaded.Key))], loaded, folder);
    }

    /// <summary>What the folder's files look like now (name, size, time): a different stamp means an edit to load.</summary>
    public static string Stamp(string folder)
    {
        try
        {
            return string.Join('|', new DirectoryInfo(folder).EnumerateFiles()
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable:" + e.Message;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex DevicePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex MeetPattern();
}
