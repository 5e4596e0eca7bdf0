namespace Edge.Tests.Shared;

// Compiled into the test projects that use it (their .csproj files name this file), not a library of its own.

/// <summary>A folder of its own for one test, removed afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edge-tests-" + typeof(TempFolder).Assembly.GetName().Name, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a file (folders made as needed) and returns its path.</summary>
    public string Write(string relative, string content)
    {
        var path = this[relative];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Every name in a folder, hidden ones included: what a failed write may have left behind.</summary>
    public static string[] Names(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Temp space is reclaimed anyway.
        }
    }
}
