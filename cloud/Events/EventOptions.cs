namespace Edge.Cloud.Events;

/// <summary>
/// The events this instance serves (section <c>Cloud</c>, beside <see cref="CloudOptions"/>; defaults in
/// appsettings.json): <see cref="EventsDir"/> holds one folder per event (docs/EVENTS.md).
/// </summary>
public sealed class EventOptions
{
    /// <summary>The folder of event folders; none: this instance serves no event.</summary>
    public string? EventsDir { get; set; }

    /// <summary>How often each event looks for entries newly landed from its boxes.</summary>
    public TimeSpan EventPollInterval { get; set; }

    /// <summary>How often the events folder is looked at for new, changed and removed events.</summary>
    public TimeSpan EventScanInterval { get; set; }

    /// <summary>How often an event whose meet.json has a <c>runsignup</c> section looks whether a post is due.</summary>
    public TimeSpan EventPostInterval { get; set; }

    public IEnumerable<string> Problems()
    {
        foreach (var (name, value, min, max) in new[]
                 {
                     (nameof(EventPollInterval), EventPollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
                     (nameof(EventScanInterval), EventScanInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
                     (nameof(EventPostInterval), EventPostInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
                 })
        {
            if (value < min || value > max)
            {
                yield return $"Cloud:{name} {value} must be between {min} and {max}";
            }
        }
    }
}
