using Edge.Appliance.Console;
using Edge.Appliance.Ingest;
using Edge.Appliance.Meet;
using Edge.Appliance.Store;
using Edge.Appliance.Web;
using Microsoft.AspNetCore.Hosting.Server;

namespace Edge.Appliance.Face;

/// <summary>
/// Gathers what the face shows from where the console and the status API get it: the meet folder, the store, the
/// timing monitor behind the console's timing page, the sync agent's status file, the console's setup code.
/// </summary>
public sealed class FaceReadings(MeetHost meetHost, ReadStore store, TimingMonitor monitor, ConsoleAccess access, IServer server, TimeProvider time)
{
    /// <summary>How long the box's own address is kept before the interfaces are looked at again (a tether or dongle comes and goes).</summary>
    private static readonly TimeSpan AddressLifetime = TimeSpan.FromSeconds(10);

    private (long At, string? Address)? _address;

    public FaceFacts Read()
    {
        var meet = meetHost.Current;
        var snapshot = monitor.Snapshot();
        var mats = snapshot.Locations
            .Select(l => new MatFacts(l.Name, l.LastRead is { } last ? (snapshot.BoxNow - last.ReceivedAt).TotalSeconds : null))
            .ToList();
        var problems = new List<string>();
        if (meetHost.Error is { } meetError)
        {
            // The message starts with the file's full path; the file's name is what the timer needs here.
            var dir = meetHost.Directory is { } d ? Path.TrimEndingDirectorySeparator(d) + Path.DirectorySeparatorChar : null;
            problems.Add("Meet folder: " + (dir is not null && meetError.StartsWith(dir, StringComparison.Ordinal) ? meetError[dir.Length..] : meetError));
        }

        if (store.Health.Problem is { } storeProblem)
        {
            problems.Add("Store: " + storeProblem);
        }

        foreach (var alarm in snapshot.Alarms)
        {
            problems.Add(alarm.Kind switch
            {
                AlarmKinds.ConnectionDropped => $"Link lost: {alarm.Location}",
                AlarmKinds.MatQuiet => $"Mat quiet: {alarm.Location}",
                AlarmKinds.UnknownTagSpike => $"Unknown tags: {alarm.Location}",
                _ => alarm.Message,
            });
        }

        // A clock with no time source is the rule at a venue without internet (reads carry the controllers' times):
        // only a clock that is plainly wrong is a problem here; the console's clock view says the rest.
        if (snapshot.BoxNow < TimingMonitor.EarliestPlausible
            || snapshot.Clock.ConsensusOffsetSeconds is { } offset && Math.Abs(offset) > TimingMonitor.SuspectOffset.TotalSeconds)
        {
            problems.Add("Box clock is wrong: see the console");
        }

        var dataDir = Path.GetDirectoryName(store.DatabasePath)!;
        return new FaceFacts(meet.Wifi, meet.Wifi?.ResultsUrl ?? OwnAddress(), store.Reads, mats, SyncStatusReader.Read(dataDir), access.SetupCode(), problems);
    }

    /// <summary>The box's address on the network phones join; timed on the monotonic clock (chrony steps the wall clock).</summary>
    private string? OwnAddress()
    {
        if (_address is { } cached && time.GetElapsedTime(cached.At) < AddressLifetime)
        {
            return cached.Address;
        }

        var address = BoxAddress.OnNetwork(server);
        _address = (time.GetTimestamp(), address);
        return address;
    }
}
