namespace Edge.Appliance.Console;

/// <summary>
/// Who may do what in the console. A role is a claim on the session; each route names the policy it needs, and
/// the route tests enumerate every endpoint so none is left open by accident.
/// </summary>
public static class ConsoleRoles
{
    /// <summary>The timer: everything.</summary>
    public const string Timer = "timer";

    /// <summary>Packet pick-up: look up a runner, assign a chip to a bib, add a day-of registration.</summary>
    public const string Desk = "desk";

    /// <summary>Read-only console views.</summary>
    public const string Announcer = "announcer";

    public static IReadOnlyList<string> All { get; } = [Timer, Desk, Announcer];

    /// <summary>Policy: the timer only.</summary>
    public const string TimerPolicy = "console.timer";

    /// <summary>Policy: the timer or the desk.</summary>
    public const string DeskPolicy = "console.desk";

    /// <summary>Policy: the read-only views, for the timer and the announcer.</summary>
    public const string ViewPolicy = "console.view";

    /// <summary>Policy: any signed-in session (signing out).</summary>
    public const string SignedInPolicy = "console.signedIn";

    /// <summary>What a role may do, in words for the pairing page.</summary>
    public static string Describe(string role) => role switch
    {
        Timer => "everything the timer can do",
        Desk => "packet pick-up: look up runners, assign chips, add day-of registrations",
        Announcer => "read-only: timing, clock, guns, corrections and the meet",
        _ => role,
    };
}
