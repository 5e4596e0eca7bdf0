using System.Diagnostics;
using Edge.Tests.Support;
using Npgsql;

namespace Edge.Cloud.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's server binaries, <c>initdb</c> into a temp folder) on a free 127.0.0.1
/// port, which a test can crash (<c>pg_ctl stop -m immediate</c>: no checkpoint, recovery at the next start) and start
/// again on the same data. PostgreSQL refuses to run as root, so as root the cluster belongs to the <c>postgres</c>
/// user the Debian package creates.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private readonly string _bin;
    private readonly bool _asPostgres;

    private PostgresServer()
    {
        _bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "postgres")))
                   .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
               ?? throw new InvalidOperationException("no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)");
        _asPostgres = Environment.UserName == "root";
        Dir = TempDir.Create("postgres");
        Port = TempDir.FreeTcpPort();
        if (_asPostgres && OperatingSystem.IsLinux())
        {
            Run("chown", "postgres:postgres", Dir);
            // The temp folders above must let the postgres user through.
            for (var parent = Path.GetDirectoryName(Dir); parent is not null && parent != Path.GetTempPath().TrimEnd('/'); parent = Path.GetDirectoryName(parent))
            {
                File.SetUnixFileMode(parent, File.GetUnixFileMode(parent) | UnixFileMode.OtherExecute);
            }
        }

        Pg("initdb", "-D", DataDir, "-U", "edge", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync");
        File.AppendAllText(Path.Combine(DataDir, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{Dir}'
            max_connections = 200
            shared_buffers = 64MB
            logging_collector = off

            """);
    }

    public string Dir { get; }
    public string DataDir => Path.Combine(Dir, "data");
    public string LogPath => Path.Combine(Dir, "postgres.log");
    public int Port { get; }
    public int Starts { get; private set; }

    public static PostgresServer Start()
    {
        var server = new PostgresServer();
        server.Restart();
        return server;
    }

    /// <summary>Starts the cluster (again); returns once it accepts connections.</summary>
    public void Restart()
    {
        Pg("pg_ctl", "-D", DataDir, "-l", LogPath, "-w", "-t", "60", "start");
        Starts++;
    }

    /// <summary>Stops the cluster as a crash would: no shutdown checkpoint; committed transactions survive through the WAL.</summary>
    public void Crash() => Pg("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "stop");

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "edge", Database = database }.ConnectionString;

    /// <summary>A new, empty database for one test.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)];
        // Not from a pool: a pooled connection may be one the last crash broke.
        using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        create.ExecuteNonQuery();
        return name;
    }

    public string Log => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "";

    private void Pg(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        if (_asPostgres)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private void Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}{output.Result}\n{Log}");
        }
    }

    public void Dispose()
    {
        try
        {
            Pg("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }

        TempDir.Delete(Dir);
    }
}
