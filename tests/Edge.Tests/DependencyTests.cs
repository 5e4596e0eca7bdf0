using System.Xml.Linq;
using Edge.Tests.Support;

namespace Edge.Tests;

/// <summary>Dependencies point one way: product projects never reference a test project.</summary>
public class DependencyTests
{
    [Theory]
    [InlineData("appliance/Edge.Appliance.csproj")]
    [InlineData("sync-agent/Edge.SyncAgent.csproj")]
    [InlineData("store/Edge.Store.csproj")]
    [InlineData("simulator/Edge.Simulator.csproj")]
    [InlineData("provisioning/Edge.Provisioning.csproj")]
    public void A_product_project_references_nothing_under_tests(string project)
    {
        var path = Path.Combine(Repo.Root, project);
        var references = XDocument.Load(path).Descendants("ProjectReference").Select(r => (string)r.Attribute("Include")!).ToList();
        Assert.All(references, r =>
        {
            var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, r));
            Assert.False(target.StartsWith(Path.Combine(Repo.Root, "tests") + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"{project} references {r}");
        });
    }
}
