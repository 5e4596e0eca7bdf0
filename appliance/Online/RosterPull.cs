using System.Globalization;
using Edge.Appliance.Console;
using Edge.Appliance.Meet;
using Edge.Appliance.Results;
using Edge.Online.Http;
using Edge.Online.RunSignUp;

namespace Edge.Appliance.Online;

/// <summary>
/// The timer's "pull the roster" on a box with an uplink: RunSignUp's participants of the events meet.json's
/// <c>runsignup</c> names, each runner new to the box or changed there appended as a registration entry, as the desk
/// registers a runner on the day. Nothing is written to the meet folder (on the box it is a FAT partition, written only
/// from a laptop); registrations are log entries, durable, synced and part of a backup, and a later one for the same
/// bib replaces the earlier details. Runners whose details already match are left alone, so a pull can be repeated.
/// </summary>
public sealed class RosterPull(ResultsService results, Corrections corrections, TimeProvider time)
{
    public async Task<string> PullAsync(string by, CancellationToken cancel)
    {
        var snapshot = results.Current;
        var settings = snapshot.Meet.RunSignUp
                       ?? throw new CorrectionException("meet.json has no runsignup section: add one (race id, key and secret files, races) to pull the roster.");
        var raceOf = settings.Races.Values.ToDictionary(r => r.EventId.ToString(CultureInfo.InvariantCulture), r => r.RaceId, StringComparer.Ordinal);
        IReadOnlyList<Edge.Online.Roster.RosterEntry> entries;
        using (var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Timeout.InfiniteTimeSpan })
        {
            try
            {
                var client = new RunSignUpClient(http, new RunSignUpCredentials(SecretFile.Read(settings.KeyFile), SecretFile.Read(settings.SecretFile)),
                    new RunSignUpOptions { BaseUrl = settings.BaseUrl }, time);
                entries = await client.GetParticipantsAsync(settings.RaceId, [.. settings.Races.Values.Select(r => (long)r.EventId)], cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OnlineException or InvalidDataException)
            {
                throw new CorrectionException(e.Message);
            }
        }

        int added = 0, updated = 0, unchanged = 0, noBib = 0;
        var refused = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.Bib.Length == 0)
            {
                noBib++;
                continue;
            }

            var gender = MeetLoader.NormalizeGender(entry.Gender) ?? "X";
            var registration = new Registration(entry.Bib, entry.FirstName, entry.LastName, gender, entry.Age?.ToString(CultureInfo.InvariantCulture),
                raceOf.GetValueOrDefault(entry.RaceKey), entry.Chip.Length == 0 ? null : entry.Chip, entry.City, entry.State, entry.Team);
            var now = results.Current.ByBib.GetValueOrDefault(entry.Bib)?.Participant;
            if (now is not null && Same(now, registration))
            {
                unchanged++;
                continue;
            }

            try
            {
                await corrections.RegisterAsync(registration, by, cancel).ConfigureAwait(false);
                if (now is null)
                {
                    added++;
                }
                else
                {
                    updated++;
                }
            }
            catch (CorrectionException e)
            {
                refused.Add($"bib {entry.Bib} ({entry.Name}): {e.Message}");
            }
        }

        var summary = $"RunSignUp race {settings.RaceId}: {entries.Count} registrations; {added} added, {updated} updated, {unchanged} unchanged";
        if (noBib > 0)
        {
            summary += $", {noBib} without a bib left out";
        }

        if (refused.Count > 0)
        {
            summary += $", {refused.Count} refused ({string.Join("; ", refused.Take(3))}{(refused.Count > 3 ? "; ..." : "")})";
        }

        return summary + ".";
    }

    private static bool Same(Participant p, Registration r) =>
        p.FirstName == r.First?.Trim() && p.LastName == (r.Last ?? "").Trim() && p.Gender == r.Gender && p.RaceId == r.Race
        && p.Age?.ToString(CultureInfo.InvariantCulture) == r.Age && p.Tag == (r.Tag ?? p.Bib) && p.City == (r.City ?? "").Trim()
        && p.State == (r.State ?? "").Trim() && p.Team == (r.Team ?? "").Trim();
}
