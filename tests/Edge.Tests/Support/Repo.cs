namespace Edge.Tests.Support;

/// <summary>Paths inside the repository the tests run from.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Fixture(string name) => Path.Combine(Root, "tests", "fixtures", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no edge.sln above {AppContext.BaseDirectory}");
    }
}
