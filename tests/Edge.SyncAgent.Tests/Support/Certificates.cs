using System.Diagnostics;

namespace Edge.SyncAgent.Tests.Support;

/// <summary>A test CA with a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl.</summary>
public sealed class Certificates
{
    private Certificates(string dir) => Dir = dir;

    public string Dir { get; }
    public string Ca => Path.Combine(Dir, "ca.pem");
    public string ServerCert => Path.Combine(Dir, "server.pem");
    public string ServerKey => Path.Combine(Dir, "server.key");
    public string ClientCert => Path.Combine(Dir, "client.pem");
    public string ClientKey => Path.Combine(Dir, "client.key");

    public static Certificates Create(string dir)
    {
        Directory.CreateDirectory(dir);
        const string Ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
        File.WriteAllText(Path.Combine(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        OpenSsl(dir, $"req -x509 {Ec} -keyout ca.key -out ca.pem -days 2 -subj /CN=edge-test-ca");
        OpenSsl(dir, $"req {Ec} -keyout server.key -out server.csr -subj /CN=localhost");
        OpenSsl(dir, "x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext");
        OpenSsl(dir, $"req {Ec} -keyout client.key -out client.csr -subj /CN=tls-box");
        OpenSsl(dir, "x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.pem -days 2");
        return new Certificates(dir);
    }

    /// <summary>mosquitto listener lines for this server certificate.</summary>
    public string Listener(bool requireClientCertificate) => $"""
        cafile {Ca}
        certfile {ServerCert}
        keyfile {ServerKey}
        {(requireClientCertificate ? "require_certificate true\nuse_identity_as_username true" : "")}
        """;

    private static void OpenSsl(string dir, string arguments)
    {
        var info = new ProcessStartInfo("openssl", arguments) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {arguments} failed: {error.Result}");
        }
    }
}
