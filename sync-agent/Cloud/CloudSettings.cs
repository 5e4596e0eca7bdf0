using Edge.SyncAgent.Mqtt;

namespace Edge.SyncAgent.Cloud;

/// <summary>
/// Where and as whom the box publishes: the meet folder's <c>cloud</c> section with <c>--Cloud:*</c> overrides
/// applied and credential files read. Secrets stay out of <see cref="ToString"/> and every log line.
/// </summary>
public sealed class CloudSettings
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required bool Tls { get; init; }
    public required string DeviceId { get; init; }
    public required string TopicPrefix { get; init; }
    public string? CaFile { get; init; }
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public string? Username { get; init; }

    /// <summary>Read from <c>passwordFile</c>; never logged, never written to the status file.</summary>
    public string? Password { get; init; }

    /// <summary>Null: MQTT 5, falling back to 3.1.1 when the broker refuses the protocol version.</summary>
    public MqttProtocol? Protocol { get; init; }

    /// <summary><c>host:port</c>, what status and logs show of the broker.</summary>
    public string Broker => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public string Topic(string leaf) => $"{TopicPrefix}/{DeviceId}/{leaf}";

    /// <summary>Changes whenever any setting (a secret included) changes, without revealing any.</summary>
    public string Fingerprint
    {
        get
        {
            var text = string.Join('\n', Host, Port, Tls, DeviceId, TopicPrefix, CaFile, CertFile, KeyFile, Username, Password, Protocol);
            return Hash.Of(text);
        }
    }

    public override string ToString() =>
        $"{(Tls ? "mqtts" : "mqtt")}://{Broker} as device '{DeviceId}' under '{TopicPrefix}/'" +
        (Username is null ? "" : $", user '{Username}'") +
        (CertFile is null ? "" : ", client certificate") +
        $", protocol {(Protocol switch { MqttProtocol.V311 => "3.1.1", MqttProtocol.V5 => "5", _ => "5 (3.1.1 fallback)" })}";
}
