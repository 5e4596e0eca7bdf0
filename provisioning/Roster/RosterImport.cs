using System.Text.Json;
using Edge.Appliance.Meet;
using Edge.Online.Roster;

namespace Edge.Provisioning.Roster;

/// <summary>Where a roster comes from: how messages name it, how it names a race, and the pull itself.</summary>
public sealed record RosterSource(string Name, string RaceLabel, Func<CancellationToken, Task<IReadOnlyList<RosterEntry>>> PullAsync);

/// <summary>What a pull wrote: the roster file, what it holds, and the folder as the box loads it.</summary>
public sealed record RosterWritten(string Path, RosterSummary Summary);

/// <summary>
/// A pulled roster into a meet folder, all or nothing: the meet's races are read from meet.json before anything is
/// asked of the service; the whole roster is pulled into memory; the new file is loaded, with the folder's meet.json,
/// by the box's own <see cref="MeetLoader"/> in a staging folder; only a file that loads replaces the roster, atomically
/// (<see cref="ParticipantsFile"/>). A pull that fails anywhere leaves the old file byte for byte.
/// </summary>
public static class RosterImport
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static async Task<RosterWritten> WriteAsync(string meetDir, RosterSource source, IReadOnlyList<KeyValuePair<string, string>> raceMap, CancellationToken cancellationToken)
    {
        var dir = Path.GetFullPath(meetDir);
        var meetFile = Path.Combine(dir, MeetLoader.MeetFile);
        if (!File.Exists(meetFile))
        {
            throw new ProvisionException($"{meetFile}: no such file; make the meet first (edge-provision new), then pull its roster into it");
        }

        var rosterName = RosterFileName(meetFile);
        var staging = Directory.CreateDirectory(Path.Combine(dir, $".edge-provision-roster-{Guid.NewGuid():N}")).FullName;
        try
        {
            // The races, from meet.json as the box reads it, with an empty roster: the folder's own may be the broken thing.
            File.Copy(meetFile, Path.Combine(staging, MeetLoader.MeetFile));
            var stagedRoster = Path.Combine(staging, rosterName);
            File.WriteAllText(stagedRoster, ParticipantsCsv.Header);
            Meet meet;
            try
            {
                meet = MeetLoader.Load(staging);
            }
            catch (MeetException e)
            {
                throw new ProvisionException($"{e.Message.Replace(staging, dir, StringComparison.Ordinal)} (fix meet.json first: the roster is placed in its races)");
            }

            var map = new RaceMap([.. meet.Races.Select(r => new MeetRace(r.Id, r.Name))], raceMap);
            var entries = await source.PullAsync(cancellationToken);
            var file = ParticipantsCsv.Build(entries, map, meet.Event.Date, source.RaceLabel);

            File.WriteAllBytes(stagedRoster, file.Content);
            try
            {
                _ = MeetLoader.Load(staging);
            }
            catch (MeetException e)
            {
                var problem = e.Message.StartsWith(e.Path + ": ", StringComparison.Ordinal) ? e.Message[(e.Path.Length + 2)..] : e.Message;
                throw new ProvisionException($"the roster from {source.Name} would not load on the box ({rosterName}: {problem}); {rosterName} was not changed");
            }

            var target = Path.Combine(dir, rosterName);
            ParticipantsFile.Replace(target, file.Content);
            return new RosterWritten(target, file.Summary);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>
    /// The roster file meet.json names (<c>participants</c>), else participants.csv. A name that is not a plain file
    /// name is left to the loader to refuse, with its own message.
    /// </summary>
    private static string RosterFileName(string meetFile)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(meetFile), JsonOptions);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("participants", out var named) && named.ValueKind == JsonValueKind.String
                && named.GetString() is { Length: > 0 } name && name == Path.GetFileName(name) && name is not ("." or "..") && !name.Contains('\\'))
            {
                return name;
            }
        }
        catch (JsonException)
        {
            // The loader names the line and column.
        }

        return MeetLoader.DefaultParticipantsFile;
    }

    /// <summary>A secret from a file (the first line, without its line break): never from the command line, never printed.</summary>
    public static string ReadSecret(string path, string flag)
    {
        try
        {
            return Edge.Online.Http.SecretFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new ProvisionException($"{flag} {e.Message}");
        }
    }
}
