using Edge.Tests.Support;
using Microsoft.Extensions.Options;

namespace Edge.Tests.Ingest;

/// <summary>A bad setting stops the box at start with a message naming it, instead of misbehaving later.</summary>
public class SettingsTests
{
    [Theory]
    [InlineData("--Timing:PingInterval=00:00:00", "Timing:PingInterval")]
    [InlineData("--Timing:PullTimeout=-00:00:01", "Timing:PullTimeout")]
    [InlineData("--Timing:GreetingTimeout=00:00:00", "Timing:GreetingTimeout")]
    [InlineData("--Timing:Address=everywhere", "Timing:Address")]
    [InlineData("--Timing:Authentication=hmac-sha1", "Timing:Authentication")]
    [InlineData("--Timing:StreamMode=both", "StreamMode")]
    [InlineData("--Edge:MeetPollInterval=00:00:00", "Edge:MeetPollInterval")]
    [InlineData("--Edge:DemoParticipants=0", "Edge:DemoParticipants")]
    [InlineData("--Edge:QueueCapacity=0", "QueueCapacity")]
    [InlineData("--Timing:AllowedNetworks=192.168.7.0/33", "Timing:AllowedNetworks")]
    public async Task A_bad_setting_stops_the_box_at_start_naming_it(string setting, string named)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () => await TestBox.StartAsync(null, setting));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }
}
