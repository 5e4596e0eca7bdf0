using System.Text;
using System.Text.RegularExpressions;
using Edge.Appliance.Meet;

namespace Edge.Provisioning.MeetFolder;

/// <summary>A file to place in the meet folder under <see cref="Name"/>, copied from <see cref="Source"/>; <see cref="Flag"/> gave it.</summary>
public sealed record ExtraFile(string Name, string Source, string Flag);

/// <summary>
/// Writes a new meet folder so that it is either whole and valid or unchanged: every file is written into a staging
/// folder inside the meet folder (same file system, so the final step is a rename), the staged folder is loaded by
/// the box's own checks, and only then are the files renamed into place, meet.json last.
/// </summary>
public static partial class MeetFolderWriter
{
    /// <summary>The columns of a new roster: the required ones, then the optional ones a timer most often fills.</summary>
    public const string RosterHeader = "bib,first_name,last_name,gender,age,race,chip,city,state,team\n";

    /// <summary>meet.json fields and the flags of <c>new</c> that write them, so a problem names what the timer typed.</summary>
    private static readonly (string Field, string Flag)[] Flags =
    [
        ("event.name", "--name"), ("event.date", "--date"), ("event.timeZone", "--time-zone"), ("event.id", "--event-id"),
        ("races", "--race"), ("ageGroups", "--age-groups"),
        ("wifi.ssid", "--hotspot"), ("wifi", "--hotspot-password"),
        ("network.timerWifi.ssid", "--timer-wifi"), ("network.timerWifi", "--timer-wifi-password"),
        ("network.uplinkWifi.ssid", "--uplink-wifi"), ("network.uplinkWifi", "--uplink-wifi-password"),
        ("network.country", "--country"), ("network.channel", "--channel"), ("network.ssh", "--ssh-key"), ("network", "--phones"),
        ("cloud.broker", "--cloud-broker"), ("cloud.deviceId", "--device-id"), ("cloud.topicPrefix", "--topic-prefix"),
        ("cloud.username", "--cloud-username"), ("cloud.usernameFile", "--cloud-username-file"), ("cloud.passwordFile", "--cloud-password-file"),
        ("cloud.caFile", "--cloud-ca-file"), ("cloud.certFile", "--cloud-cert-file"), ("cloud.keyFile", "--cloud-key-file"),
        ("cloud.protocol", "--cloud-protocol"),
    ];

    /// <summary>What was written, and the meet as the box will load it from the folder.</summary>
    public sealed record Written(string MeetDir, IReadOnlyList<string> Files, bool KeptRoster, CheckedMeet Meet);

    /// <summary>
    /// Writes meet.json (and participants.csv, and the files <paramref name="extras"/> name) into the meet folder;
    /// <paramref name="participants"/> is a roster to copy in, null keeping the folder's own or writing a header-only one.
    /// </summary>
    public static Written Write(string meetDir, MeetDraft draft, string? participants, IReadOnlyList<ExtraFile> extras, bool force)
    {
        var dir = Path.GetFullPath(meetDir);
        if (File.Exists(dir))
        {
            throw new ProvisionException($"{meetDir} is a file; give the folder the meet goes in");
        }

        var meetFile = Path.Combine(dir, MeetLoader.MeetFile);
        if (File.Exists(meetFile) && !force)
        {
            throw new ProvisionException($"{meetFile} already exists: add --force to replace it (participants.csv is kept unless --participants is given)");
        }

        if (participants is not null && !File.Exists(participants))
        {
            throw new ProvisionException($"--participants {participants}: no such file");
        }

        if (extras.FirstOrDefault(e => !File.Exists(e.Source)) is { } missing)
        {
            throw new ProvisionException($"{missing.Flag} {missing.Source}: no such file");
        }

        if (extras.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1
                || g.Key.Equals(MeetLoader.MeetFile, StringComparison.OrdinalIgnoreCase) || g.Key.Equals(MeetLoader.DefaultParticipantsFile, StringComparison.OrdinalIgnoreCase)) is { } clash)
        {
            throw new ProvisionException($"{string.Join(" and ", clash.Select(e => $"{e.Flag} {e.Source}"))}: the meet folder would hold two files named {clash.Key}; rename one");
        }

        var created = !Directory.Exists(dir);
        Directory.CreateDirectory(dir);
        var roster = Path.Combine(dir, MeetLoader.DefaultParticipantsFile);
        var keptRoster = participants is null && File.Exists(roster);
        var staging = Directory.CreateDirectory(Path.Combine(dir, $".edge-provision-{Guid.NewGuid():N}")).FullName;
        try
        {
            var staged = new List<string>();
            foreach (var extra in extras)
            {
                DurableFiles.Copy(extra.Source, Path.Combine(staging, extra.Name));
                staged.Add(extra.Name);
            }

            var stagedRoster = Path.Combine(staging, MeetLoader.DefaultParticipantsFile);
            if (participants is not null || keptRoster)
            {
                DurableFiles.Copy(participants ?? roster, stagedRoster);
            }
            else
            {
                DurableFiles.Write(stagedRoster, Encoding.UTF8.GetBytes(RosterHeader));
            }

            if (!keptRoster)
            {
                staged.Add(MeetLoader.DefaultParticipantsFile);
            }

            DurableFiles.Write(Path.Combine(staging, MeetLoader.MeetFile), Encoding.UTF8.GetBytes(draft.ToJson(MeetLoader.DefaultParticipantsFile)));
            try
            {
                _ = MeetCheck.Load(staging);
            }
            catch (MeetException e)
            {
                throw new ProvisionException(Explain(e, staging, dir, participants ?? roster));
            }

            // meet.json last: a box that reloads the folder between two renames sees the old meet.json, never a new
            // meet.json whose roster is not there yet.
            staged.Add(MeetLoader.MeetFile);
            foreach (var name in staged)
            {
                File.Move(Path.Combine(staging, name), Path.Combine(dir, name), overwrite: true);
            }

            DurableFiles.SyncFolder(dir);
            created = false;
            return new Written(dir, staged, keptRoster, MeetCheck.Load(dir));
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
            // A folder made for a meet that was refused goes again: the timer's next try starts from nothing.
            if (created && !Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }
    }

    /// <summary>A problem in the staged folder in the timer's terms: the flag that wrote the field, or the file they gave.</summary>
    internal static string Explain(MeetException e, string staging, string dir, string roster)
    {
        var problem = e.Message.StartsWith(e.Path + ": ", StringComparison.Ordinal) ? e.Message[(e.Path.Length + 2)..] : e.Message;
        var file = Path.GetFileName(e.Path);
        if (file == MeetLoader.DefaultParticipantsFile && Path.GetDirectoryName(e.Path) == staging)
        {
            return $"{roster}: {problem}";
        }

        if (file == MeetLoader.MeetFile && FieldProblem().Match(problem) is { Success: true } m)
        {
            var field = m.Groups["field"].Value;
            var flag = Flags.FirstOrDefault(f => field == f.Field || field.StartsWith(f.Field + ".", StringComparison.Ordinal) || field.StartsWith(f.Field + "[", StringComparison.Ordinal)).Flag;
            if (flag is not null)
            {
                return $"{flag}: {m.Groups["problem"].Value} (meet.json field '{field}')";
            }
        }

        return e.Message.Replace(staging, dir, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"field '(?<field>[^']+)':? (?<problem>.*)$", RegexOptions.Singleline)]
    private static partial Regex FieldProblem();
}
