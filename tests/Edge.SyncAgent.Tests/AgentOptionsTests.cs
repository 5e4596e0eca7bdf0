using Edge.SyncAgent.Tests.Support;
using Edge.Tests.Support;

namespace Edge.SyncAgent.Tests;

/// <summary>The agent's own settings are all checked at start: a bad one stops it with a message naming it and its value.</summary>
public sealed class AgentOptionsTests
{
    [Fact]
    public void Defaults_and_valid_values_are_taken()
    {
        var defaults = AgentOptions.From(AgentSettings.FromArguments());
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.BackoffMin);
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.BackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(1), defaults.StatusMessageInterval);
        Assert.Equal(MqttTransport.MqttNet, defaults.Transport);
        Assert.Equal(TimeSpan.FromSeconds(60), defaults.PublishTimeout);
        Assert.Equal(MqttTransport.MqttNet, AgentOptions.From(AgentSettings.FromArguments("--Sync:Transport=MQTTnet")).Transport);
        Assert.Equal(MqttTransport.Mosquitto, AgentOptions.From(AgentSettings.FromArguments("--Sync:Transport=mosquitto")).Transport);

        var options = AgentOptions.From(AgentSettings.FromArguments(
            "--Sync:BackoffMin=00:00:05", "--Sync:BackoffMax=00:00:05", "--Sync:SnapshotInterval=00:00:00.2", "--Sync:ApplianceUrl=http://127.0.0.1:8081",
            "--Sync:ConnectTimeout=00:00:30", "--Sync:StatusMessageInterval=00:00:10", "--Sync:YieldAbovePerSecond=0", "--Sync:SessionExpirySeconds=0",
            "--Logging:LogLevel:Default=warning"));
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffMin);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BackoffMax);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.SnapshotInterval);
        Assert.Equal(new Uri("http://127.0.0.1:8081"), options.ApplianceUrl);
        Assert.Equal(TimeSpan.FromSeconds(10), options.StatusMessageInterval);
    }

    [Theory]
    [InlineData("--Sync:BackoffMin=00:02:00", "Sync:BackoffMin: '00:02:00' is above Sync:BackoffMax 00:01:00 (the default)")]
    [InlineData("--Sync:BackoffMax=00:00:00.5", "Sync:BackoffMax: '00:00:00.5' is below Sync:BackoffMin 00:00:01 (the default)")]
    [InlineData("--Sync:BackoffMax=45", "Sync:BackoffMax: '45' must be a time from 00:00:00.01 to 1.00:00:00 (hours:minutes:seconds, like 00:01:00; '45' alone means 45 days)")]
    [InlineData("--Sync:BackoffMin=00:00:00", "Sync:BackoffMin: '00:00:00' must be a time from 00:00:00.01 to 01:00:00")]
    [InlineData("--Sync:ConnectTimeout=-00:00:05", "Sync:ConnectTimeout: '-00:00:05' must be a time from 00:00:01 to 01:00:00")]
    [InlineData("--Sync:SnapshotInterval=soon", "Sync:SnapshotInterval: 'soon' must be a time")]
    [InlineData("--Sync:StatusInterval=00:10:00", "Sync:StatusInterval: '00:10:00' must be a time from 00:00:00.01 to 00:01:00")]
    [InlineData("--Sync:StatusMessageInterval=00:00:00.01", "Sync:StatusMessageInterval: '00:00:00.01' must be a time from 00:00:00.1 to 01:00:00")]
    [InlineData("--Sync:YieldPause=00:05:00", "Sync:YieldPause: '00:05:00' must be a time from 00:00:00.001 to 00:01:00")]
    [InlineData("--Sync:MaxBatchItems=0", "Sync:MaxBatchItems: '0' must be a whole number from 1 to 2000")]
    [InlineData("--Sync:MaxBatchBytes=2097152", "Sync:MaxBatchBytes: '2097152' must be a whole number from 4096 to 1048576")]
    [InlineData("--Sync:InflightMessages=many", "Sync:InflightMessages: 'many' must be a whole number from 1 to 1000")]
    [InlineData("--Sync:KeepAliveSeconds=1", "Sync:KeepAliveSeconds: '1' must be a whole number from 5 to 3600")]
    [InlineData("--Sync:SessionExpirySeconds=-1", "Sync:SessionExpirySeconds: '-1' must be a whole number from 0 to")]
    [InlineData("--Sync:Nice=20", "Sync:Nice: '20' must be a whole number from 0 to 19")]
    [InlineData("--Sync:YieldAbovePerSecond=-5", "Sync:YieldAbovePerSecond: '-5' must be a whole number from 0 to")]
    [InlineData("--Sync:ApplianceUrl=localhost:8080", "Sync:ApplianceUrl: 'localhost:8080' must be an http:// URL")]
    [InlineData("--Sync:ApplianceUrl=https://127.0.0.1:8443", "Sync:ApplianceUrl: 'https://127.0.0.1:8443' must be an http:// URL")]
    [InlineData("--Sync:ApplianceUrl=/api", "Sync:ApplianceUrl: '/api' must be an http:// URL")]
    [InlineData("--Sync:Transport=paho", "Sync:Transport: 'paho' must be mosquitto (libmosquitto) or mqttnet (MQTTnet)")]
    [InlineData("--Sync:PublishTimeout=00:00:00.5", "Sync:PublishTimeout: '00:00:00.5' must be a time from 00:00:01 to 01:00:00")]
    [InlineData("--Logging:LogLevel:Default=Verbose", "Logging:LogLevel:Default: 'Verbose' is not a log level")]
    public void A_bad_setting_is_an_error_naming_it_and_its_value(string arg, string message)
    {
        var e = Assert.Throws<SettingsException>(() => AgentOptions.From(AgentSettings.FromArguments(arg)));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once_one_a_line()
    {
        var e = Assert.Throws<SettingsException>(() => AgentOptions.From(AgentSettings.FromArguments(
            "--Sync:BackoffMin=00:00:30", "--Sync:BackoffMax=00:00:10", "--Sync:Nice=-1", "--Sync:ApplianceUrl=ftp://box")));
        var lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("Sync:Nice: '-1'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Sync:ApplianceUrl: 'ftp://box'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Sync:BackoffMin: '00:00:30' is above Sync:BackoffMax '00:00:10'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_agent_exits_with_code_2_naming_a_bad_setting_instead_of_failing_on_its_network_thread()
    {
        var data = TempDir.Create("sync-options");
        try
        {
            // Nothing listens there: the first attempt fails and the backoff is computed from the bad pair.
            using var agent = new AgentProcess(data, $"--Cloud:Broker=mqtt://127.0.0.1:{TempDir.FreeTcpPort()}", "--Cloud:DeviceId=bad-settings-box",
                "--Sync:BackoffMin=00:02:00", "--Sync:BackoffMax=00:01:00").Start();
            var exitCode = agent.WaitForExit(TimeSpan.FromSeconds(20));
            Assert.True(exitCode == 2, $"exit code {exitCode}:\n{agent.Output}");
            Assert.Contains("fail: Sync:BackoffMin: '00:02:00' is above Sync:BackoffMax '00:01:00'", agent.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(data, "sync-status.json")), "the agent started before checking its settings");
        }
        finally
        {
            TempDir.Delete(data);
        }
    }
}
