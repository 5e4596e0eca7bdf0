using Edge.Appliance.Web;
using Edge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Tests.Web;

/// <summary>The <c>Web</c> settings: one options class, bound from configuration, checked when the box starts.</summary>
public class WebOptionsTests
{
    /// <summary>Key, value, and how the message shows the value.</summary>
    public static TheoryData<string, string, string> BadValues => new()
    {
        // A zero heartbeat had every quiet event stream send comments without pause.
        { "LiveHeartbeat", "00:00:00", "00:00:00" },
        { "LiveHeartbeat", "-00:00:01", "-00:00:01" },
        // TimeSpan reads a plain number as days.
        { "LiveHeartbeat", "15", "15.00:00:00" },
        { "LiveInterval", "00:00:00", "00:00:00" },
        { "LiveInterval", "-00:00:00.500", "-00:00:00.5" },
        { "DisplayCycle", "00:00:00", "00:00:00" },
        { "DisplayCycle", "02:00:00", "02:00:00" },
        { "MaxLiveClients", "0", "0" },
        { "MaxLiveClients", "-5", "-5" },
        { "MaxLiveClients", "100001", "100001" },
        { "MaxRequestBodyBytes", "0", "0" },
        { "MaxRequestBodyBytes", "2147483648", "2147483648" },
        { "MaxRequestHeadersBytes", "1000", "1000" },
        { "MaxRequestHeaders", "2", "2" },
        { "MaxConnections", "10", "10" },
        { "RequestHeadersTimeout", "00:00:00", "00:00:00" },
        // A plain number is days again: a slow client would hold a connection that long.
        { "RequestHeadersTimeout", "30", "30.00:00:00" },
        { "HostNames", "results.lan, http://results.lan/", "'http://results.lan/'" },
        { "HostNames", "two words", "'two words'" },
    };

    [Fact]
    public void The_defaults_are_valid_and_are_what_the_readme_documents()
    {
        var options = Bind();
        Assert.Equal(TimeSpan.FromSeconds(1), options.LiveInterval);
        Assert.Equal(TimeSpan.FromSeconds(15), options.LiveHeartbeat);
        Assert.Equal(5_000, options.MaxLiveClients);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DisplayCycle);
        Assert.Empty(options.HostNameList());
        Assert.Equal(1024 * 1024, options.MaxRequestBodyBytes);
        Assert.Equal(16 * 1024, options.MaxRequestHeadersBytes);
        Assert.Equal(64, options.MaxRequestHeaders);
        Assert.Equal(TimeSpan.FromSeconds(15), options.RequestHeadersTimeout);
        Assert.Equal(8_192, options.MaxConnections);
        Assert.True(new WebOptionsValidation().Validate(null, new WebOptions()).Succeeded);
    }

    [Fact]
    public void Every_web_setting_is_bound_from_the_web_section()
    {
        var options = Bind(
            "--Web:LiveInterval=00:00:02", "--Web:LiveHeartbeat=00:00:00.300", "--Web:MaxLiveClients=7",
            "--Web:DisplayCycle=00:00:30", "--Web:HostNames= results.lan , edge.example.org,10.42.0.1",
            "--Web:MaxRequestBodyBytes=4096", "--Web:MaxRequestHeadersBytes=8192", "--Web:MaxRequestHeaders=32",
            "--Web:RequestHeadersTimeout=00:00:05", "--Web:MaxConnections=2000");
        Assert.Equal(TimeSpan.FromSeconds(2), options.LiveInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(300), options.LiveHeartbeat);
        Assert.Equal(7, options.MaxLiveClients);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DisplayCycle);
        Assert.Equal(["results.lan", "edge.example.org", "10.42.0.1"], options.HostNameList());
        Assert.Equal((4096L, 8192, 32, TimeSpan.FromSeconds(5), 2000L),
            (options.MaxRequestBodyBytes, options.MaxRequestHeadersBytes, options.MaxRequestHeaders, options.RequestHeadersTimeout, options.MaxConnections));
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_refused_with_a_message_naming_the_key_and_the_value(string key, string value, string shown)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind($"--Web:{key}={value}"));
        var failure = Assert.Single(e.Failures);
        Assert.StartsWith($"Web:{key} ", failure);
        Assert.Contains($" {shown}", failure);
    }

    [Fact]
    public void Every_bad_value_is_reported_at_once()
    {
        var result = new WebOptionsValidation().Validate(null, new WebOptions
        {
            LiveInterval = TimeSpan.Zero,
            DisplayInterval = TimeSpan.Zero,
            LiveHeartbeat = TimeSpan.Zero,
            DisplayCycle = TimeSpan.Zero,
            MaxLiveClients = 0,
            MaxRequestBodyBytes = 0,
            MaxRequestHeadersBytes = 0,
            MaxRequestHeaders = 0,
            MaxConnections = 0,
            RequestHeadersTimeout = TimeSpan.Zero,
            HostNames = "a b",
        });
        Assert.True(result.Failed);
        Assert.Equal(["Web:LiveInterval", "Web:DisplayInterval", "Web:LiveHeartbeat", "Web:DisplayCycle", "Web:MaxLiveClients", "Web:MaxRequestBodyBytes",
                "Web:MaxRequestHeadersBytes", "Web:MaxRequestHeaders", "Web:MaxConnections", "Web:RequestHeadersTimeout", "Web:HostNames"],
            result.Failures!.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task A_box_with_a_zero_heartbeat_stops_at_start_saying_which_setting()
    {
        var dataDir = TempDir.Create("web-options");
        try
        {
            using var box = new ProcessBox(dataDir, "--Web:LiveHeartbeat=00:00:00");
            var e = await Assert.ThrowsAsync<InvalidOperationException>(box.StartAsync);
            Assert.Contains("appliance exited", e.Message);
            // The process has exited; what it printed last may still be on its way through the pipe.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!box.Printed("Web:LiveHeartbeat is 00:00:00") && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(20);
            }

            Assert.True(box.Printed("Web:LiveHeartbeat is 00:00:00"), box.Output);
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    /// <summary>The options as the Web capability registers them, bound from command-line settings.</summary>
    private static WebOptions Bind(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddCommandLine(args);
        builder.AddResultsWeb();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<WebOptions>>().Value;
    }
}
