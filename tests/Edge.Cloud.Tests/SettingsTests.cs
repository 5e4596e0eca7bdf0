using Edge.Cloud.Tests.Support;
using Edge.SyncAgent.Tests.Support;

namespace Edge.Cloud.Tests;

/// <summary>An instance with a bad setting stops at once and says which setting and why.</summary>
public sealed class SettingsTests
{
    [Fact]
    public void Bad_settings_stop_the_instance_with_exit_code_2_naming_each()
    {
        using var broker = MosquittoBroker.Start();
        using var cloud = new CloudProcess("bad", broker, "Host=127.0.0.1", "--Cloud:Broker=http://broker.example", "--Cloud:GapWait=05:00:00",
            "--Cloud:ShareGroup=no/slashes", "--Cloud:PasswordFile=/nonexistent/pw.txt").Start();

        Assert.Equal(2, cloud.WaitForExit(TimeSpan.FromSeconds(60)));
        var output = cloud.Output;
        Assert.Contains("fail: Cloud:Broker 'http://broker.example' must be mqtt://host:port or mqtts://host:port", output, StringComparison.Ordinal);
        Assert.Contains("fail: Cloud:GapWait 05:00:00 must be between 00:00:00 and 01:00:00", output, StringComparison.Ordinal);
        Assert.Contains("Cloud:ShareGroup must be 1-64 letters", output, StringComparison.Ordinal);
        Assert.Contains("fail: Cloud:PasswordFile '/nonexistent/pw.txt' is not a file", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
