using System.Globalization;
using System.Text;
using System.Text.Json;
using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>
/// A correction as the edit history lists it; <c>VoidedBy</c> is the log id of the entry that cancels it, if any, and
/// <c>To</c> the bib a chip assignment or swap gives the chip's reads to.
/// </summary>
public sealed record CorrectionRecord(long Id, LogKind Kind, string Tag, string Location, long AtMs, long ReceivedMs, string By, string Summary, long? VoidedBy, string? To = null);

/// <summary>A correction the timer asked for that cannot be made: the console shows the message next to the form.</summary>
public sealed class CorrectionException(string message) : Exception(message);

/// <summary>
/// The timer's decisions as log entries: each is appended to the same log as the reads (durable before the answer,
/// synced like reads, applied by the results engine), carries who and when, and is undone only by a later entry
/// that voids it. Nothing is ever deleted.
/// </summary>
public sealed partial class Corrections(ReadStore store, ResultsService results, MeetHost meetHost, IOptions<StoreOptions> storeOptions, TimeProvider time, ILogger<Corrections> logger)
{
    /// <summary>Longest text a correction keeps (a DQ reason, a name).</summary>
    public const int MaxText = 120;

    public Task<long> DnfAsync(string bib, string by, CancellationToken ct) =>
        AppendAsync(LogKind.Dnf, Runner(bib).Bib, "", 0, by, [], ct);

    public Task<long> DqAsync(string bib, string reason, string by, CancellationToken ct) =>
        AppendAsync(LogKind.Dq, Runner(bib).Bib, "", 0, by, [("reason", Text(reason, "reason", required: false))], ct);

    /// <summary>A hand-timed read of <paramref name="bib"/> at <paramref name="location"/> (default: its race's finish).</summary>
    public Task<long> ManualTimeAsync(string bib, string? location, string clock, string by, CancellationToken ct)
    {
        var runner = Runner(bib);
        var race = results.Current.Meet.FindRace(runner.RaceId) ?? throw new CorrectionException($"Bib {runner.Bib}'s race '{runner.RaceId}' is not in the meet.");
        location = string.IsNullOrWhiteSpace(location) ? race.Finish.Location : location.Trim();
        if (race.TimingPoints.All(p => p.Location != location))
        {
            throw new CorrectionException($"'{location}' is not a timing point of {race.Name} ({string.Join(", ", race.TimingPoints.Select(p => p.Location))}).");
        }

        var atMs = Clock(clock, "finish time");
        return AppendAsync(LogKind.ManualTime, runner.Bib, location, atMs, by, [("time", clock.Trim())], ct);
    }

    /// <summary>Sets a race's gun time, typed as the event's local time of day.</summary>
    public Task<long> GunAtAsync(string raceId, string clock, string by, CancellationToken ct)
    {
        var race = Race(raceId);
        var atMs = Clock(clock, "gun time");
        return AppendAsync(LogKind.GunTime, race.Id, "", atMs, by, [("source", "typed " + clock.Trim())], ct);
    }

    /// <summary>Starts a race's gun now: at <paramref name="controllerMs"/>, the box's clock moved into the controllers' time base.</summary>
    public Task<long> GunNowAsync(string raceId, long controllerMs, string source, string by, CancellationToken ct)
    {
        var race = Race(raceId);
        return AppendAsync(LogKind.GunTime, race.Id, "", controllerMs, by, [("source", source)], ct);
    }

    /// <summary>Reads of chip <paramref name="tag"/> count for <paramref name="bib"/> (a chip handed out at the desk, or an unknown tag).</summary>
    public Task<long> AssignChipAsync(string tag, string bib, string by, CancellationToken ct)
    {
        tag = Text(tag, "chip", required: true);
        var runner = Runner(bib);
        return AppendAsync(LogKind.BibSwap, tag, "", 0, by, [("to", runner.Bib)], ct);
    }

    /// <summary>Two runners wore each other's bibs: each chip's reads go to the other runner. Returns both entries.</summary>
    public async Task<long[]> SwapBibsAsync(string bibA, string bibB, string by, CancellationToken ct)
    {
        var a = Runner(bibA);
        var b = Runner(bibB);
        if (a.Bib == b.Bib)
        {
            throw new CorrectionException("A swap needs two different bibs.");
        }

        var first = await AppendAsync(LogKind.BibSwap, a.Tag, "", 0, by, [("to", b.Bib), ("swap", a.Bib + "/" + b.Bib)], ct).ConfigureAwait(false);
        var second = await AppendAsync(LogKind.BibSwap, b.Tag, "", 0, by, [("to", a.Bib), ("swap", a.Bib + "/" + b.Bib)], ct).ConfigureAwait(false);
        return [first, second];
    }

    /// <summary>A day-of registration (or a correction of a runner's details when the bib exists).</summary>
    public Task<long> RegisterAsync(Registration r, string by, CancellationToken ct)
    {
        var bib = Text(r.Bib, "bib", required: true);
        if (bib.Length > 20 || bib.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new CorrectionException("A bib has at most 20 characters and no spaces.");
        }

        var race = Race(r.Race);
        var gender = MeetLoader.NormalizeGender(r.Gender ?? "") ?? throw new CorrectionException("Gender is M, F or X.");
        int? age = null;
        if (!string.IsNullOrWhiteSpace(r.Age))
        {
            age = int.TryParse(r.Age.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) && a is > 0 and < 120
                ? a : throw new CorrectionException($"'{r.Age}' is not an age.");
        }

        var first = Text(r.First, "first name", required: true);
        var last = Text(r.Last, "last name", required: false);
        var tag = string.IsNullOrWhiteSpace(r.Tag) ? bib : Text(r.Tag, "chip", required: true);
        if (results.Current.Meet.Participants.FirstOrDefault(p => p.Tag == tag && p.Bib != bib) is { } holder)
        {
            throw new CorrectionException($"Chip {tag} is bib {holder.Bib}'s ({holder.Name}): give the new runner another chip.");
        }

        return AppendAsync(LogKind.Registration, bib, "", 0, by,
            [("bib", bib), ("first", first), ("last", last), ("gender", gender), ("age", age),
             ("race", race.Id), ("tag", tag), ("city", Text(r.City, "city", false)), ("state", Text(r.State, "state", false)), ("team", Text(r.Team, "team", false))],
            ct);
    }

    /// <summary>Cancels entry <paramref name="id"/> (a correction, a read or a gun read) by a new entry.</summary>
    public async Task<long> VoidAsync(long id, string why, string by, CancellationToken ct)
    {
        var target = await FindAsync(id, ct).ConfigureAwait(false) ?? throw new CorrectionException($"There is no entry {id} in this meet.");
        return await AppendAsync(LogKind.Void, target.Tag, target.Location, 0, by,
            [("voids", id.ToString(CultureInfo.InvariantCulture)), ("what", target.Kind.Name()), ("reason", Text(why, "reason", false))], ct).ConfigureAwait(false);
    }

    /// <summary>The open meet's corrections, newest first, with what voided each.</summary>
    public IReadOnlyList<CorrectionRecord> History(int limit = 500)
    {
        using var connection = EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, kind, tag, location, at_ms, received_ms, raw FROM log WHERE meet_id = $m AND kind >= 10 AND kind <= 16 ORDER BY id DESC LIMIT $l";
        command.Parameters.AddWithValue("$m", store.Meet.Id);
        command.Parameters.AddWithValue("$l", limit);
        var rows = new List<(long Id, LogKind Kind, string Tag, string Location, long AtMs, long ReceivedMs, JsonElement? Json)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (LogKind)reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), Parse(reader.GetString(6))));
            }
        }

        var voidedBy = new Dictionary<long, long>();
        foreach (var row in rows.Where(r => r.Kind == LogKind.Void))
        {
            if (Field(row.Json, "voids") is { } v && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var target))
            {
                voidedBy.TryAdd(target, row.Id);
            }
        }

        var zone = meetHost.Current.Event.TimeZone;
        return [.. rows.Select(r => new CorrectionRecord(r.Id, r.Kind, r.Tag, r.Location, r.AtMs, r.ReceivedMs, Field(r.Json, "by") ?? "",
            Summary(r.Kind, r.Tag, r.Location, r.AtMs, r.Json, zone), voidedBy.TryGetValue(r.Id, out var by) ? by : null,
            r.Kind == LogKind.BibSwap ? Field(r.Json, "to") : null))];
    }

    /// <summary>Stores a correction and waits until results have applied it, so the page the timer sees next shows it.</summary>
    private async Task<long> AppendAsync(LogKind kind, string tag, string location, long atMs, string by, (string Key, object? Value)[] fields, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (key, value) in fields)
            {
                switch (value)
                {
                    case int number:
                        json.WriteNumber(key, number);
                        break;
                    case string text:
                        json.WriteString(key, text);
                        break;
                }
            }

            json.WriteString("by", by);
            json.WriteString("at", time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        long id;
        try
        {
            id = await store.AppendCorrectionAsync(kind, tag, location, atMs, Encoding.UTF8.GetString(buffer.ToArray()), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or SqliteException)
        {
            throw new CorrectionException($"The store could not keep it ({e.Message}); nothing was changed. Try again.");
        }

        LogStored(kind.Name(), tag, id, by);
        await AppliedAsync(id, ct).ConfigureAwait(false);
        return id;
    }

    /// <summary>Waits (a few seconds at most: a replay may be running) until results include entry <paramref name="id"/>.</summary>
    private async Task AppliedAsync(long id, CancellationToken ct)
    {
        var until = time.GetTimestamp() + (long)(5 * time.TimestampFrequency);
        while (results.Current.LastLogId < id && time.GetTimestamp() < until)
        {
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    private async Task<LogEntry?> FindAsync(long id, CancellationToken ct)
    {
        await Task.Yield();
        using var connection = EdgeDatabase.OpenReader(Path.GetFullPath(storeOptions.Value.DataDir));
        using var reader = new LogReader(connection);
        var entry = reader.ReadAfter(id - 1, 1).FirstOrDefault();
        ct.ThrowIfCancellationRequested();
        return entry is not null && entry.Id == id && entry.MeetId == store.Meet.Id ? entry : null;
    }

    private Participant Runner(string bib)
    {
        var b = Bib(bib);
        return results.Current.Meet.Participants.FirstOrDefault(p => p.Bib == b)
            ?? (results.Current.ByBib.TryGetValue(b, out var row) ? row.Participant : null)
            ?? throw new CorrectionException($"There is no bib {b} in the roster.");
    }

    private Race Race(string? id) =>
        results.Current.Meet.FindRace(id?.Trim() ?? "") ?? throw new CorrectionException($"There is no race '{id}'.");

    private static string Bib(string? bib)
    {
        var b = (bib ?? "").Trim();
        return b.Length is > 0 and <= 20 ? b : throw new CorrectionException("Type a bib.");
    }

    private static string Text(string? text, string what, bool required)
    {
        var clean = new string([.. (text ?? "").Where(c => !char.IsControl(c))]).Trim();
        if (required && clean.Length == 0)
        {
            throw new CorrectionException($"Type a {what}.");
        }

        return clean.Length > MaxText ? throw new CorrectionException($"The {what} is longer than {MaxText} characters.") : clean;
    }

    /// <summary>A local time of day (<c>9:02:15</c>, <c>09:02:15.37</c>) on the event's date, as unix milliseconds.</summary>
    private long Clock(string? text, string what)
    {
        var t = (text ?? "").Trim();
        string[] formats = [@"h\:mm\:ss", @"h\:mm\:ss\.FFFFFFF", @"hh\:mm\:ss", @"hh\:mm\:ss\.FFFFFFF", @"h\:mm"];
        if (!TimeSpan.TryParseExact(t, formats, CultureInfo.InvariantCulture, out var clock) || clock >= TimeSpan.FromDays(1))
        {
            throw new CorrectionException($"'{t}' is not a {what}: type the event's local time, like 9:02:15 or 09:02:15.37.");
        }

        var ev = meetHost.Current.Event;
        var date = ev.Date ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), ev.TimeZone).DateTime);
        return new EventClock(ev with { Date = date }).ToUnixMilliseconds(new ReadTime(ReadTimeKind.TimeOfDay, clock.Ticks));
    }

    private static JsonElement? Parse(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Field(JsonElement? json, string name) =>
        json is { } j && j.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ToString() : null;

    private static string Summary(LogKind kind, string tag, string location, long atMs, JsonElement? json, TimeZoneInfo zone) => kind switch
    {
        LogKind.Dnf => $"Bib {tag}: did not finish",
        LogKind.Dq => $"Bib {tag}: disqualified" + (Field(json, "reason") is { Length: > 0 } r ? $" ({r})" : ""),
        LogKind.ManualTime => $"Bib {tag}: hand time {ResultFormat.ClockTime(atMs, zone)} at {location}",
        LogKind.GunTime => $"Race {tag}: gun at {ResultFormat.ClockTime(atMs, zone)} ({Field(json, "source")})",
        LogKind.BibSwap => Field(json, "swap") is { } s ? $"Bibs {s} swapped: chip {tag} counts for bib {Field(json, "to")}" : $"Chip {tag} assigned to bib {Field(json, "to")}",
        LogKind.Registration => $"Registered bib {tag}: {Field(json, "first")} {Field(json, "last")} ({Field(json, "gender")}, {Field(json, "race")})",
        LogKind.Void => $"Undid entry {Field(json, "voids")} ({Field(json, "what")})" + (Field(json, "reason") is { Length: > 0 } why ? $": {why}" : ""),
        _ => kind.Name(),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Correction {Kind} for '{Tag}' stored as entry {Id} by {By}")]
    private partial void LogStored(string kind, string tag, long id, string by);
}

/// <summary>A day-of registration as the desk's form sends it.</summary>
public sealed record Registration(string? Bib, string? First, string? Last, string? Gender, string? Age, string? Race, string? Tag, string? City, string? State, string? Team);
