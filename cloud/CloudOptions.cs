using System.ComponentModel.DataAnnotations;

namespace Edge.Cloud;

/// <summary>
/// Everything an instance of the consumer needs (section <c>Cloud</c>; defaults in appsettings.json). Every instance
/// of one deployment shares <see cref="ShareGroup"/>, <see cref="TopicPrefix"/> and <see cref="Database"/>; each has
/// its own <see cref="InstanceId"/>, which names its MQTT session: an instance restarted under the same id picks up
/// the messages the broker kept for it.
/// </summary>
public sealed class CloudOptions : IValidatableObject
{
    public const string Section = "Cloud";

    /// <summary><c>mqtt://host:port</c> or <c>mqtts://host:port</c>.</summary>
    [Required]
    public string Broker { get; set; } = "";

    [Required, RegularExpression("^[^+#/]+(/[^+#/]+)*$", ErrorMessage = "Cloud:TopicPrefix must be topic levels without +, # or a leading or trailing /")]
    public string TopicPrefix { get; set; } = "";

    /// <summary>The shared subscription's group: instances in one group split the boxes' messages between them.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Cloud:ShareGroup must be 1-64 letters, digits, '.', '-' or '_'")]
    public string ShareGroup { get; set; } = "";

    /// <summary>This instance's name (default: the host name); its MQTT client id is <c>edge-cloud-{InstanceId}</c>.</summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Cloud:InstanceId must be 1-64 letters, digits, '.', '-' or '_'")]
    public string InstanceId { get; set; } = Environment.MachineName;

    /// <summary>An Npgsql connection string.</summary>
    [Required]
    public string Database { get; set; } = "";

    /// <summary>A file holding the database password (never the password itself in settings).</summary>
    public string? DatabasePasswordFile { get; set; }

    public string? Username { get; set; }
    public string? PasswordFile { get; set; }

    /// <summary>CA certificate(s) the broker's certificate must chain to (<c>mqtts</c>); the system's CAs when unset.</summary>
    public string? CaFile { get; set; }

    /// <summary>Messages the broker may send before this instance acknowledges them (MQTT 5 Receive Maximum).</summary>
    [Range(1, 65_535)]
    public int ReceiveMaximum { get; set; }

    [Range(60, 30 * 24 * 3600)]
    public uint SessionExpirySeconds { get; set; }

    /// <summary>
    /// How long a batch that arrives ahead of its box's earlier entries waits for them (they are usually with another
    /// instance) before it is stored anyway and the hole is recorded as a gap.
    /// </summary>
    public TimeSpan GapWait { get; set; }

    public TimeSpan ConnectTimeout { get; set; }

    /// <summary>Longest wait between two attempts to reach the broker or the database.</summary>
    public TimeSpan BackoffMax { get; set; }

    public string ClientId => $"edge-cloud-{InstanceId}";

    public Uri BrokerUri => new(Broker);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Broker, UriKind.Absolute, out var broker) || broker.Scheme is not ("mqtt" or "mqtts") || broker.Host.Length == 0)
        {
            yield return new ValidationResult($"Cloud:Broker '{Broker}' must be mqtt://host:port or mqtts://host:port", [nameof(Broker)]);
        }

        foreach (var (name, value, min, max) in new[]
                 {
                     (nameof(GapWait), GapWait, TimeSpan.Zero, TimeSpan.FromHours(1)),
                     (nameof(ConnectTimeout), ConnectTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
                     (nameof(BackoffMax), BackoffMax, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)),
                 })
        {
            if (value < min || value > max)
            {
                yield return new ValidationResult($"Cloud:{name} {value} must be between {min} and {max}", [name]);
            }
        }

        foreach (var (name, path) in new[] { (nameof(PasswordFile), PasswordFile), (nameof(CaFile), CaFile), (nameof(DatabasePasswordFile), DatabasePasswordFile) })
        {
            if (path is not null && !File.Exists(path))
            {
                yield return new ValidationResult($"Cloud:{name} '{path}' is not a file", [name]);
            }
        }
    }
}
