using System.ComponentModel.DataAnnotations;

namespace Edge.Appliance.Meet;

/// <summary>Where the meet folder is and how it is watched (<c>Edge</c> section). Every default lives here.</summary>
public sealed class MeetOptions
{
    public const string Section = "Edge";

    /// <summary>The meet folder with <c>meet.json</c>; none runs the embedded default event (UTC, no date).</summary>
    public string? MeetDir { get; set; }

    /// <summary>How often the folder is checked for edits.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Edge:MeetPollInterval must be between 00:00:00.050 and 01:00:00")]
    public TimeSpan MeetPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
