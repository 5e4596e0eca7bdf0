using Edge.Appliance.Meet;
using Edge.SyncAgent;
using Edge.SyncAgent.Cloud;

namespace Edge.Provisioning.MeetFolder;

/// <summary>
/// A meet folder checked the way the box will take it: the appliance's <see cref="MeetLoader"/> (meet.json, the
/// roster, network and console settings) and the sync agent's <see cref="CloudConfig"/> (the <c>cloud</c> section and
/// the files it names). Either returns the meet or throws a <see cref="MeetException"/> naming file, line and field.
/// </summary>
public static class MeetCheck
{
    public static CheckedMeet Load(string meetDir)
    {
        var meet = MeetLoader.Load(meetDir);
        var cloud = CloudConfig.Load(AgentSettings.FromArguments($"--Edge:MeetDir={meetDir}"));
        if (cloud.Error is { } problem)
        {
            // The agent names the file as "path: field 'cloud.x': ...": the meet.json it read.
            throw new MeetException(Path.Combine(meetDir, MeetLoader.MeetFile), StripPath(problem, Path.Combine(Path.GetFullPath(meetDir), MeetLoader.MeetFile)));
        }

        return new CheckedMeet(meet, cloud.Settings);
    }

    private static string StripPath(string message, string path) =>
        message.StartsWith(path + ": ", StringComparison.Ordinal) ? message[(path.Length + 2)..] : message;
}

/// <summary>A meet folder that loads, and its cloud sync settings (null when sync is off).</summary>
public sealed record CheckedMeet(Meet Meet, CloudSettings? Cloud);
