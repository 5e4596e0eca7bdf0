using System.Net;

namespace Edge.Tests.Support;

public static class TempDir
{
    public static string Create(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "edge-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A process being killed may still hold a file for a moment; temp space is reclaimed anyway.
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
