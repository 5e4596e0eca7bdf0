using System.Text.Json;
using Edge.SyncAgent.Mqtt;

namespace Edge.SyncAgent.Cloud;

/// <summary>The outcome of reading the cloud configuration: settings, or why sync is off, or what is wrong.</summary>
public sealed record CloudConfigResult(CloudSettings? Settings, string? Disabled, string? Error)
{
    public static CloudConfigResult Off(string why) => new(null, why, null);

    public static CloudConfigResult Invalid(string problem) => new(null, null, problem);

    /// <summary>Identifies the outcome, so a re-read that changed nothing changes nothing.</summary>
    public string Fingerprint => Settings?.Fingerprint ?? $"{Disabled}|{Error}";
}

/// <summary>
/// Reads the <c>cloud</c> section of <c>{Edge:MeetDir}/meet.json</c>:
/// <code>
/// "cloud": { "broker": "mqtts://host:8883", "deviceId": "lakeside-box-1", "topicPrefix": "edge",
///            "caFile": "ca.pem", "usernameFile": "user.txt", "passwordFile": "password.txt",
///            "certFile": "box.pem", "keyFile": "box.key", "protocol": "5" }
/// </code>
/// File paths are relative to the meet folder. Command-line settings <c>--Cloud:Broker=...</c> (and DeviceId,
/// TopicPrefix, CaFile, Username, UsernameFile, PasswordFile, CertFile, KeyFile, Protocol) override the file.
/// </summary>
public static class CloudConfig
{
    public const string MeetFileName = "meet.json";

    private static readonly string[] Keys =
        ["broker", "deviceId", "topicPrefix", "caFile", "username", "usernameFile", "passwordFile", "certFile", "keyFile", "protocol"];

    /// <summary>1-64 of letters, digits, '.', '-', '_': safe as one MQTT topic level and as a file name.</summary>
    private static bool IsDeviceId(string text) =>
        text.Length is >= 1 and <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    public static CloudConfigResult Load(AgentSettings configuration)
    {
        var meetDir = configuration["Edge:MeetDir"];
        var baseDir = string.IsNullOrWhiteSpace(meetDir) ? Environment.CurrentDirectory : Path.GetFullPath(meetDir);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var origin = new Dictionary<string, string>(StringComparer.Ordinal);
        var meetPath = string.IsNullOrWhiteSpace(meetDir) ? null : Path.Combine(baseDir, MeetFileName);

        // A card fresh from the image has a meet folder without a meet.json yet: nothing to sync, not a fault.
        var noMeetFile = meetPath is not null && !File.Exists(meetPath) && !Directory.Exists(meetPath);
        if (meetPath is not null && !noMeetFile)
        {
            var problem = ReadMeetFile(meetPath, values, origin);
            if (problem is not null)
            {
                return CloudConfigResult.Invalid(problem);
            }
        }

        var overrides = configuration.Section("Cloud");
        foreach (var key in Keys)
        {
            var value = overrides[key];
            if (!string.IsNullOrWhiteSpace(value))
            {
                values[key] = value.Trim();
                origin[key] = $"--Cloud:{char.ToUpperInvariant(key[0])}{key[1..]}";
            }
        }

        if (values.Count == 0)
        {
            return CloudConfigResult.Off(meetPath is null
                ? "no meet folder (Edge:MeetDir) and no --Cloud:Broker: cloud sync is off"
                : noMeetFile
                    ? $"{meetPath}: not there yet: cloud sync is off until the meet folder has one with a 'cloud' section"
                    : $"{meetPath}: no 'cloud' section: cloud sync is off");
        }

        try
        {
            return new CloudConfigResult(Build(values, origin, baseDir, meetPath), null, null);
        }
        catch (CloudConfigException e)
        {
            return CloudConfigResult.Invalid(e.Message);
        }
    }

    private static string? ReadMeetFile(string path, Dictionary<string, string> values, Dictionary<string, string> origin)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            return $"{path}: line {e.LineNumber + 1}: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path}: {e.Message}";
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("cloud", out var cloud) || cloud.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (cloud.ValueKind != JsonValueKind.Object)
            {
                return $"{path}: field 'cloud' must be an object";
            }

            foreach (var property in cloud.EnumerateObject())
            {
                if (!Keys.Contains(property.Name, StringComparer.Ordinal))
                {
                    return $"{path}: field 'cloud.{property.Name}' is unknown (known: {string.Join(", ", Keys)})";
                }

                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    return $"{path}: field 'cloud.{property.Name}' must be a string";
                }

                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                values[property.Name] = text.Trim();
                origin[property.Name] = $"{path}: field 'cloud.{property.Name}'";
            }
        }

        return null;
    }

    private static CloudSettings Build(Dictionary<string, string> values, Dictionary<string, string> origin, string baseDir, string? meetPath)
    {
        string Where(string key) => origin.TryGetValue(key, out var o) ? o : $"field 'cloud.{key}'";
        string Missing(string key) => meetPath is null
            ? $"--Cloud:{char.ToUpperInvariant(key[0])}{key[1..]} is required"
            : $"{meetPath}: field 'cloud.{key}' is required";
        string? Value(string key) => values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

        var broker = Value("broker") ?? throw new CloudConfigException(Missing("broker") + " (mqtt://host:1883 or mqtts://host:8883)");
        if (!Uri.TryCreate(broker, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new CloudConfigException($"{Where("broker")}: '{broker}' is not a broker URL (mqtt://host:1883 or mqtts://host:8883)");
        }

        bool tls;
        switch (uri.Scheme)
        {
            case "mqtt" or "tcp":
                tls = false;
                break;
            case "mqtts" or "ssl" or "tls":
                tls = true;
                break;
            default:
                throw new CloudConfigException($"{Where("broker")}: scheme '{uri.Scheme}' is not supported (mqtt:// or mqtts://)");
        }

        var port = uri.Port <= 0 ? (tls ? 8883 : 1883) : uri.Port;

        var deviceId = Value("deviceId") ?? throw new CloudConfigException(Missing("deviceId"));
        if (!IsDeviceId(deviceId))
        {
            throw new CloudConfigException($"{Where("deviceId")}: '{deviceId}' must be 1-64 letters, digits, '.', '-' or '_'");
        }

        var prefix = Value("topicPrefix") ?? "edge";
        if (prefix.Contains('+', StringComparison.Ordinal) || prefix.Contains('#', StringComparison.Ordinal) || prefix.StartsWith('/') || prefix.EndsWith('/'))
        {
            throw new CloudConfigException($"{Where("topicPrefix")}: '{prefix}' must not contain '+' or '#' nor start or end with '/'");
        }

        MqttProtocol? protocol = Value("protocol") switch
        {
            null or "auto" => null,
            "5" or "5.0" => MqttProtocol.V5,
            "3.1.1" or "311" or "4" => MqttProtocol.V311,
            var other => throw new CloudConfigException($"{Where("protocol")}: '{other}' is not a protocol (\"5\", \"3.1.1\" or \"auto\")"),
        };

        string? PathOf(string key)
        {
            var value = Value(key);
            if (value is null)
            {
                return null;
            }

            var path = Path.GetFullPath(value, baseDir);
            return File.Exists(path) ? path : throw new CloudConfigException($"{Where(key)}: file not found: {path}");
        }

        string? Secret(string key)
        {
            var path = PathOf(key);
            if (path is null)
            {
                return null;
            }

            try
            {
                // One line; the trailing newline editors add is not part of the secret.
                return File.ReadAllText(path).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CloudConfigException($"{Where(key)}: cannot read {path}: {e.Message}");
            }
        }

        var caFile = PathOf("caFile");
        var certFile = PathOf("certFile");
        var keyFile = PathOf("keyFile");
        if ((certFile is null) != (keyFile is null))
        {
            throw new CloudConfigException($"{Where(certFile is null ? "keyFile" : "certFile")}: 'certFile' and 'keyFile' go together");
        }

        if (!tls && (caFile ?? certFile) is not null)
        {
            throw new CloudConfigException($"{Where("broker")}: certificates are set but '{broker}' is not a TLS URL (use mqtts://)");
        }

        var username = Value("username") ?? Secret("usernameFile");
        var password = Secret("passwordFile");
        if (password is not null && username is null)
        {
            throw new CloudConfigException($"{Where("passwordFile")}: a password needs 'username' or 'usernameFile'");
        }

        return new CloudSettings
        {
            Host = uri.IdnHost,
            Port = port,
            Tls = tls,
            DeviceId = deviceId,
            TopicPrefix = prefix,
            CaFile = caFile,
            CertFile = certFile,
            KeyFile = keyFile,
            Username = username,
            Password = password,
            Protocol = protocol,
        };
    }
}

/// <summary>A cloud configuration problem, naming the file (or setting) and the field.</summary>
public sealed class CloudConfigException(string message) : Exception(message);
