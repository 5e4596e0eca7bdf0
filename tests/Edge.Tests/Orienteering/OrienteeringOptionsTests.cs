using Edge.Appliance.Orienteering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Edge.Tests.Orienteering;

/// <summary>The inbox settings: one options class in the <c>Edge</c> section, checked when the box starts.</summary>
public class OrienteeringOptionsTests
{
    [Fact]
    public void The_defaults_are_what_the_readme_documents_and_no_inbox_is_watched()
    {
        var options = Bind();
        Assert.Null(options.InboxDir);
        Assert.Equal(TimeSpan.FromSeconds(2), options.InboxSettle);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.InboxPollInterval);
        Assert.Equal(16L * 1024 * 1024, options.MaxResultListBytes);
    }

    [Fact]
    public void Every_setting_is_bound_from_the_edge_section()
    {
        var options = Bind("--Edge:InboxDir=/srv/inbox", "--Edge:InboxSettle=00:00:00.300", "--Edge:InboxPollInterval=00:00:00.050", "--Edge:MaxResultListBytes=4096");
        Assert.Equal(("/srv/inbox", TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(50), 4096L),
            (options.InboxDir, options.InboxSettle, options.InboxPollInterval, options.MaxResultListBytes));
    }

    [Theory]
    [InlineData("InboxSettle", "-00:00:01")]
    [InlineData("InboxSettle", "2")]
    [InlineData("InboxPollInterval", "00:00:00")]
    [InlineData("MaxResultListBytes", "100")]
    [InlineData("MaxResultListBytes", "1000000000")]
    [InlineData("InboxDir", " ")]
    public void A_bad_value_is_refused_naming_the_key(string key, string value)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind($"--Edge:{key}={value}"));
        Assert.StartsWith($"Edge:{key} ", Assert.Single(e.Failures));
    }

    private static OrienteeringOptions Bind(params string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddCommandLine(args);
        builder.Services.AddOptions<OrienteeringOptions>().BindConfiguration(OrienteeringOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OrienteeringOptions>, OrienteeringOptionsValidation>();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<OrienteeringOptions>>().Value;
    }
}
