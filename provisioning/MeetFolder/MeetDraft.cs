using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Edge.Appliance.Meet;

namespace Edge.Provisioning.MeetFolder;

/// <summary>A race as <c>--race id:name:km</c> gives it, with the splits <c>--split race:location:km</c> add.</summary>
public sealed record RaceDraft(string Id, string Name, double Km)
{
    public List<(string Location, double Km)> Splits { get; } = [];

    /// <summary><c>id:name:km</c>; the name may hold ':' itself (the first and last parts are the id and the distance).</summary>
    public static RaceDraft Parse(string text)
    {
        var parts = text.Split(':');
        if (parts.Length < 3)
        {
            throw new ProvisionException($"--race '{text}': write a race as id:name:km, like 10k:\"10K\":10 or half:\"Half Marathon\":21.0975");
        }

        var name = string.Join(':', parts[1..^1]).Trim();
        return new RaceDraft(parts[0].Trim(), name.Length == 0 ? parts[0].Trim() : name, Kilometres(parts[^1], "--race", text));
    }

    internal static double Kilometres(string text, string flag, string whole) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var km) && double.IsFinite(km) && km > 0 && km <= 1000
            ? km
            : throw new ProvisionException($"{flag} '{whole}': '{text}' is not a distance in kilometres (a number like 5 or 21.0975, with a '.' for decimals)");
}

/// <summary>
/// The meet.json that <c>edge-provision new</c> writes, built from the timer's answers. Its checks are few on
/// purpose: the folder is then loaded by the box's own <see cref="MeetLoader"/>, which has the final word.
/// </summary>
public sealed class MeetDraft
{
    private static readonly JsonSerializerOptions Written = new()
    {
        WriteIndented = true,
        // Runners' and events' names stay readable (é, ø, 東京) for a timer who opens the file on a laptop.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string? Name { get; set; }
    public string? Date { get; set; }
    public string? TimeZone { get; set; }
    public string? EventId { get; set; }
    public List<RaceDraft> Races { get; } = [];
    public (int Width, int From, int To)? AgeGroups { get; set; }

    /// <summary>Where phones join: <c>wifi</c>, <c>ethernet</c> or <c>both</c>.</summary>
    public string Phones { get; set; } = "wifi";

    public string? Hotspot { get; set; }
    public string? HotspotPassword { get; set; }
    public string? TimerWifi { get; set; }
    public string? TimerWifiPassword { get; set; }

    /// <summary>The orienteering inbox's FTP account (meet.json <c>network.ftp</c>), or null for no FTP server.</summary>
    public string? FtpUser { get; set; }
    public string? FtpPassword { get; set; }
    public string? UplinkWifi { get; set; }
    public string? UplinkWifiPassword { get; set; }
    public string? Country { get; set; }
    public int? Channel { get; set; }
    public List<string> SshKeys { get; } = [];
    public string? PasswordHash { get; set; }

    /// <summary>meet.json <c>cloud</c> fields as the sync agent names them (file fields hold names of files in the folder).</summary>
    public SortedDictionary<string, string> Cloud { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds <c>race:location:km</c> to its race.</summary>
    public void AddSplit(string text)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[1].Trim().Length == 0)
        {
            throw new ProvisionException($"--split '{text}': write a split as race:location:km, like 10k:5k:5");
        }

        var race = Races.FirstOrDefault(r => string.Equals(r.Id, parts[0].Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ProvisionException($"--split '{text}': no --race has id '{parts[0].Trim()}' (races: {string.Join(", ", Races.Select(r => r.Id))})");
        var km = RaceDraft.Kilometres(parts[2], "--split", text);
        if (km >= race.Km)
        {
            throw new ProvisionException($"--split '{text}': {km.ToString(CultureInfo.InvariantCulture)} km is not before the finish of race '{race.Id}' ({race.Km.ToString(CultureInfo.InvariantCulture)} km)");
        }

        race.Splits.Add((parts[1].Trim(), km));
    }

    /// <summary><c>width:from:to</c>, like 10:0:70 (groups 0-9, 10-19, ... 70+).</summary>
    public static (int Width, int From, int To) ParseAgeGroups(string text)
    {
        var parts = text.Split(':');
        var numbers = parts.Select(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
        return numbers is [> 0 and var width, >= 0 and var from, > 0 and var to]
            ? (width, from, to)
            : throw new ProvisionException($"--age-groups '{text}': write width:from:to in whole years, like 10:0:70 (0-9, 10-19, ... 70+) or 5:20:60");
    }

    /// <summary>What the two ports are for, from where phones join and whether the timer has a Wi-Fi of its own.</summary>
    public (string Wifi, string Ethernet) PortRoles() => (Phones, TimerWifi) switch
    {
        ("wifi" or "both", not null) => throw new ProvisionException(
            "--timer-wifi needs the onboard radio, but --phones puts phones there: use --phones ethernet (phones on an access point plugged into the Ethernet port)"),
        ("wifi", null) => ("phones", "timer"),
        ("both", null) => ("phones", "phones"),
        // Phones on an access point on the Ethernet port: the timer's laptop shares that switch, or has the radio.
        ("ethernet", null) => ("off", "phones"),
        ("ethernet", not null) => ("timer", "phones"),
        _ => throw new ProvisionException($"--phones '{Phones}' must be wifi, ethernet or both"),
    };

    public string ToJson(string participantsFile)
    {
        var races = new JsonArray();
        foreach (var race in Races)
        {
            var points = new JsonArray { new JsonObject { ["location"] = "start", ["role"] = "start" } };
            foreach (var (location, km) in race.Splits.OrderBy(s => s.Km))
            {
                points.Add(new JsonObject { ["location"] = location, ["role"] = "split", ["km"] = km });
            }

            points.Add(new JsonObject { ["location"] = "finish", ["role"] = "finish", ["km"] = race.Km });
            races.Add(new JsonObject
            {
                ["id"] = race.Id,
                ["name"] = race.Name,
                ["distanceKm"] = race.Km,
                // The first guntime read at the start mat starts the clock (CTP01 tag "guntime").
                ["gun"] = new JsonObject { ["location"] = "start" },
                ["timingPoints"] = points,
            });
        }

        var ev = new JsonObject { ["name"] = Name };
        Add(ev, "date", Date);
        Add(ev, "timeZone", TimeZone);
        Add(ev, "id", EventId);
        var root = new JsonObject { ["event"] = ev, ["races"] = races };
        if (AgeGroups is var (width, from, to))
        {
            root["ageGroups"] = new JsonObject { ["width"] = width, ["from"] = from, ["to"] = to };
        }

        root["participants"] = participantsFile;
        if (Hotspot is not null || HotspotPassword is not null)
        {
            var wifi = new JsonObject { ["ssid"] = Hotspot ?? Edge.Appliance.Box.BoxConfig.DefaultHotspot };
            Add(wifi, "password", HotspotPassword);
            root["wifi"] = wifi;
        }

        var (wifiRole, ethernetRole) = PortRoles();
        var network = new JsonObject { ["wifi"] = wifiRole, ["ethernet"] = ethernetRole };
        Add(network, "country", Country);
        if (Channel is { } channel)
        {
            network["channel"] = channel;
        }

        if (TimerWifi is not null)
        {
            network["timerWifi"] = new JsonObject { ["ssid"] = TimerWifi, ["password"] = TimerWifiPassword ?? "" };
        }

        if (UplinkWifi is not null)
        {
            var uplink = new JsonObject { ["ssid"] = UplinkWifi };
            Add(uplink, "password", UplinkWifiPassword);
            network["uplinkWifi"] = uplink;
        }

        if (SshKeys.Count > 0)
        {
            network["ssh"] = new JsonObject { ["authorizedKeys"] = new JsonArray([.. SshKeys.Select(k => (JsonNode)k)]) };
        }

        if (FtpUser is not null)
        {
            network["ftp"] = new JsonObject { ["user"] = FtpUser, ["password"] = FtpPassword ?? "" };
        }

        root["network"] = network;
        if (PasswordHash is not null)
        {
            root["console"] = new JsonObject { ["passwordHash"] = PasswordHash };
        }

        if (Cloud.Count > 0)
        {
            var cloud = new JsonObject();
            foreach (var field in MeetLoader.CloudFields.Where(Cloud.ContainsKey))
            {
                cloud[field] = Cloud[field];
            }

            root["cloud"] = cloud;
        }

        return root.ToJsonString(Written) + "\n";
    }

    private static void Add(JsonObject parent, string name, string? value)
    {
        if (value is not null)
        {
            parent[name] = value;
        }
    }
}
