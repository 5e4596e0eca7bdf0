using System.Text.RegularExpressions;
using Edge.Appliance.Meet;
using Edge.Tests.Support;

namespace Edge.Tests.MeetFolder;

/// <summary>
/// The loader refuses unknown fields everywhere, the <c>cloud</c> section too; that section is the sync agent's, so
/// the loader's list of its fields must be exactly the list the agent reads.
/// </summary>
public partial class CloudFieldsTests
{
    [GeneratedRegex(@"private static readonly string\[\] Keys =\s*\[(?<keys>[^\]]*)\];")]
    private static partial Regex KeysArray();

    [GeneratedRegex("\"(?<key>[^\"]+)\"")]
    private static partial Regex Quoted();

    [Fact]
    public void The_loader_knows_exactly_the_cloud_fields_the_sync_agent_reads()
    {
        var source = File.ReadAllText(Path.Combine(Repo.Root, "sync-agent", "Cloud", "CloudConfig.cs"));
        var array = KeysArray().Match(source);
        Assert.True(array.Success, "CloudConfig.cs no longer declares its Keys array as this test expects");
        var agent = Quoted().Matches(array.Groups["keys"].Value).Select(m => m.Groups["key"].Value).ToList();
        Assert.NotEmpty(agent);
        Assert.Equal(agent.Order(StringComparer.Ordinal), MeetLoader.CloudFields.Order(StringComparer.Ordinal));
    }
}
